// Lakes compared row by row in unit tests: every row of a table as text (a sorted multiset),
// and a file's bytes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "lake/lake_reader.h"
#include "model/table.h"

namespace sparkify::testing {

// Every row of a lake table as text, sorted: a multiset to compare lakes with.
inline std::vector<std::string> lake_rows(const std::string& lake, const model::TableSpec& spec) {
  auto fs = io::make_file_system(lake, {});
  EXPECT_TRUE(fs.ok());
  auto table = lake::read_lake_table(**fs, lake, spec);
  EXPECT_TRUE(table.ok()) << table.status().message();
  if (!table.ok()) return {};
  EXPECT_TRUE(table->has_success) << spec.name;
  const model::TableData& t = table->data;
  std::vector<std::string> rows(t.num_rows);
  for (const auto& column : t.columns) {
    for (size_t r = 0; r < t.num_rows; ++r) {
      std::ostringstream cell;
      if (column.is_null(r)) {
        cell << "null";
      } else if (const auto* i32 = std::get_if<std::vector<int32_t>>(&column.values)) {
        cell << (*i32)[r];
      } else if (const auto* i64 = std::get_if<std::vector<int64_t>>(&column.values)) {
        cell << (*i64)[r];
      } else if (const auto* f64 = std::get_if<std::vector<double>>(&column.values)) {
        cell.precision(17);
        cell << (*f64)[r];
      } else {
        cell << '"' << column.string_at(r) << '"';
      }
      rows[r] += cell.str() + "|";
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace sparkify::testing
