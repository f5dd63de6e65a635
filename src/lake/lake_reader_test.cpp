// The lake reader on what it must refuse: a missing table and a file that is not Parquet. (The
// round trip with the dataset writer is in sink/dataset_lake_test.cpp.)
#include "lake/lake_reader.h"

#include <gtest/gtest.h>

#include "io/local/local_file_system.h"
#include "support/temp_dir.h"

namespace sparkify::lake {
namespace {

using sparkify::testing::TempDir;

TEST(LakeReader, NamesWhatIsMissingOrWrong) {
  TempDir dir;
  io::LocalFileSystem lfs;
  auto missing = read_lake_table(lfs, dir.str(), model::users_spec());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);

  ASSERT_TRUE(lfs.write(dir / "songs/year=1969/artist_id=AR1/part-0.parquet",
                        {reinterpret_cast<const uint8_t*>("not parquet"), 11})
                  .ok());
  auto corrupt = read_lake_table(lfs, dir.str(), model::songs_spec());
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.status().message().find("part-0.parquet"), std::string::npos)
      << corrupt.status().message();
}

}  // namespace
}  // namespace sparkify::lake
