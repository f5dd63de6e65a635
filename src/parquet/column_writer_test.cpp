// Writer -> reader round trips for every type, repetition and codec, plus the writer's paging,
// row-group sizing, dictionary fallback, statistics and argument checks.
#include "parquet/column_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/version.h"
#include "parquet/bit_util.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
#include "parquet/metadata.h"

namespace sparkify::parquet {
namespace {

/// One column's test values, owned, with views for the writer.
struct TestColumn {
  TestColumn() = default;
  explicit TestColumn(ColumnSchema s) : schema(std::move(s)) {}

  ColumnSchema schema;
  std::vector<uint8_t> validity;
  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<double> f64;
  std::vector<std::string> strings;
  std::vector<std::string_view> views;

  ColumnView view(size_t offset = 0, size_t n = SIZE_MAX) const {
    ColumnView v;
    size_t rows = num_rows();
    n = std::min(n, rows - offset);
    if (!validity.empty()) v.validity = std::span<const uint8_t>(validity).subspan(offset, n);
    switch (schema.physical) {
      case PhysicalType::kBoolean:
        v.values = std::span<const uint8_t>(bools).subspan(offset, n);
        break;
      case PhysicalType::kInt32:
        v.values = std::span<const int32_t>(i32).subspan(offset, n);
        break;
      case PhysicalType::kInt64:
        v.values = std::span<const int64_t>(i64).subspan(offset, n);
        break;
      case PhysicalType::kDouble:
        v.values = std::span<const double>(f64).subspan(offset, n);
        break;
      case PhysicalType::kByteArray:
        v.values = std::span<const std::string_view>(views).subspan(offset, n);
        break;
      default:
        break;  // read-only types: never written
    }
    return v;
  }
  size_t num_rows() const {
    switch (schema.physical) {
      case PhysicalType::kBoolean:
        return bools.size();
      case PhysicalType::kInt32:
        return i32.size();
      case PhysicalType::kInt64:
        return i64.size();
      case PhysicalType::kDouble:
        return f64.size();
      case PhysicalType::kByteArray:
        return views.size();
      default:
        break;
    }
    return 0;
  }
  bool present(size_t i) const { return validity.empty() || validity[i]; }
};

TestColumn make_column(ColumnSchema schema, size_t n, uint32_t seed, double null_rate,
                       int distinct = 0) {
  std::mt19937_64 rng(seed);
  TestColumn c;
  c.schema = std::move(schema);
  if (c.schema.optional() && null_rate > 0) {
    std::bernoulli_distribution is_null(null_rate);
    for (size_t i = 0; i < n; ++i) c.validity.push_back(!is_null(rng));
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t r = rng();
    if (distinct > 0) r %= static_cast<uint64_t>(distinct);
    switch (c.schema.physical) {
      case PhysicalType::kBoolean:
        c.bools.push_back(r & 1);
        break;
      case PhysicalType::kInt32:
        c.i32.push_back(static_cast<int32_t>(r));
        break;
      case PhysicalType::kInt64:
        c.i64.push_back(static_cast<int64_t>(r));
        break;
      case PhysicalType::kDouble:
        c.f64.push_back(static_cast<double>(static_cast<int64_t>(r)) / 3.0);
        break;
      case PhysicalType::kByteArray:
        c.strings.push_back(r % 11 == 0 ? std::string()
                                        : "v" + std::to_string(r) + std::string(r % 5, 'x'));
        break;
      default:
        break;
    }
  }
  if (c.schema.physical == PhysicalType::kByteArray) {
    for (const auto& s : c.strings) c.views.emplace_back(s);
  }
  return c;
}

std::vector<uint8_t> write_file(const std::vector<TestColumn>& cols, const WriterOptions& options,
                                size_t batch = SIZE_MAX) {
  Schema schema;
  for (const auto& c : cols) schema.columns.push_back(c.schema);
  BufferOutputStream out;
  auto writer = FileWriter::Make(schema, options, &out);
  EXPECT_TRUE(writer.ok()) << writer.status().message();
  size_t rows = cols.empty() ? 0 : cols[0].num_rows();
  for (size_t done = 0; done < rows || (rows == 0 && done == 0);) {
    size_t n = std::min(batch, rows - done);
    std::vector<ColumnView> views;
    for (const auto& c : cols) views.push_back(c.view(done, n));
    Status st = (*writer)->write_batch(views, n);
    EXPECT_TRUE(st.ok()) << st.message();
    done += n;
    if (rows == 0) break;
  }
  Status st = (*writer)->close();
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ((*writer)->bytes_written(), static_cast<int64_t>(out.bytes().size()));
  return {out.bytes().begin(), out.bytes().end()};
}

void expect_equal(const TestColumn& expected, const ColumnData& got) {
  const size_t n = expected.num_rows();
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(!got.is_null(i), expected.present(i)) << expected.schema.name << " row " << i;
  }
  auto check = [&](const auto& want, const auto& have) {
    ASSERT_EQ(have.size(), n) << expected.schema.name;
    for (size_t i = 0; i < n; ++i) {
      if (!expected.present(i)) continue;
      using T = std::decay_t<decltype(want[0])>;
      if constexpr (std::is_same_v<T, double>) {
        ASSERT_EQ(std::memcmp(&want[i], &have[i], 8), 0) << expected.schema.name << " row " << i;
      } else if constexpr (std::is_same_v<T, uint8_t>) {
        ASSERT_EQ(want[i] != 0, have[i] != 0) << expected.schema.name << " row " << i;
      } else {
        ASSERT_EQ(want[i], have[i]) << expected.schema.name << " row " << i;
      }
    }
  };
  switch (expected.schema.physical) {
    case PhysicalType::kBoolean:
      check(expected.bools, std::get<std::vector<uint8_t>>(got.values));
      break;
    case PhysicalType::kInt32:
      check(expected.i32, std::get<std::vector<int32_t>>(got.values));
      break;
    case PhysicalType::kInt64:
      check(expected.i64, std::get<std::vector<int64_t>>(got.values));
      break;
    case PhysicalType::kDouble:
      check(expected.f64, std::get<std::vector<double>>(got.values));
      break;
    case PhysicalType::kByteArray: {
      const auto& s = std::get<StringColumn>(got.values);
      ASSERT_EQ(s.size(), n);
      for (size_t i = 0; i < n; ++i) {
        if (expected.present(i)) {
          ASSERT_EQ(s.at(i), expected.views[i]) << expected.schema.name << " row " << i;
        }
      }
      break;
    }
    default:
      FAIL() << "read-only type in a writer test";
  }
}

void expect_round_trip(const std::vector<TestColumn>& cols, const std::vector<uint8_t>& bytes) {
  auto reader = FileReader::Open(bytes, "test.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  ASSERT_EQ((*reader)->schema().columns.size(), cols.size());
  for (size_t c = 0; c < cols.size(); ++c) {
    const auto& s = (*reader)->schema().columns[c];
    EXPECT_EQ(s.name, cols[c].schema.name);
    EXPECT_EQ(s.physical, cols[c].schema.physical);
    EXPECT_EQ(s.logical, cols[c].schema.logical);
    EXPECT_EQ(s.repetition, cols[c].schema.repetition);
    auto data = (*reader)->read_column(static_cast<int>(c));
    ASSERT_TRUE(data.ok()) << data.status().message();
    expect_equal(cols[c], *data);
  }
}

format::FileMetaData footer_of(const std::vector<uint8_t>& bytes) {
  uint32_t len = load_le<uint32_t>(bytes.data() + bytes.size() - 8);
  format::FileMetaData md;
  Status st = format::parse_file_metadata(bytes.data() + bytes.size() - 8 - len, len, &md);
  EXPECT_TRUE(st.ok()) << st.message();
  return md;
}

std::vector<TestColumn> every_type(size_t n, uint32_t seed, Repetition rep, double null_rate) {
  std::vector<TestColumn> cols;
  cols.push_back(make_column(ColumnSchema::Boolean("b", rep), n, seed + 1, null_rate));
  cols.push_back(make_column(ColumnSchema::Int32("i32", rep), n, seed + 2, null_rate));
  cols.push_back(make_column(ColumnSchema::Int64("i64", rep), n, seed + 3, null_rate));
  cols.push_back(make_column(ColumnSchema::Double("f64", rep), n, seed + 4, null_rate));
  cols.push_back(make_column(ColumnSchema::String("s", rep), n, seed + 5, null_rate, 50));
  cols.push_back(make_column(ColumnSchema::String("s_unique", rep), n, seed + 6, null_rate));
  cols.push_back(make_column(ColumnSchema::TimestampMicros("ts_us", rep), n, seed + 7, null_rate));
  cols.push_back(make_column(ColumnSchema::TimestampMillis("ts_ms", rep), n, seed + 8, null_rate));
  return cols;
}

TEST(RoundTrip, EveryTypeRepetitionAndCodec) {
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    for (Repetition rep : {Repetition::kRequired, Repetition::kOptional}) {
      for (size_t n : {size_t{1}, size_t{3}, size_t{1000}}) {
        SCOPED_TRACE(std::string(codec_name(codec)) +
                     (rep == Repetition::kRequired ? " required " : " optional ") +
                     std::to_string(n));
        auto cols = every_type(n, static_cast<uint32_t>(n), rep, 0.3);
        WriterOptions options;
        options.codec = codec;
        expect_round_trip(cols, write_file(cols, options));
      }
    }
  }
}

TEST(RoundTrip, AllNullAndNoNullOptionalColumns) {
  for (double rate : {0.0, 1.0}) {
    auto cols = every_type(300, 9, Repetition::kOptional, rate);
    if (rate == 1.0) {
      for (auto& c : cols) c.validity.assign(300, 0);
    }
    auto bytes = write_file(cols, WriterOptions{});
    expect_round_trip(cols, bytes);
    auto md = footer_of(bytes);
    for (const auto& chunk : md.row_groups[0].columns) {
      EXPECT_EQ(chunk.meta_data->statistics->null_count, rate == 1.0 ? 300 : 0);
      EXPECT_EQ(chunk.meta_data->statistics->min_value.has_value(), rate == 0.0);
    }
  }
}

TEST(RoundTrip, ManyRowGroupsAndPages) {
  auto cols = every_type(20000, 5, Repetition::kOptional, 0.1);
  WriterOptions options;
  options.row_group_bytes = 64 << 10;
  options.page_bytes = 4 << 10;
  for (size_t batch : {size_t{7}, size_t{4096}, SIZE_MAX}) {
    auto bytes = write_file(cols, options, batch);
    expect_round_trip(cols, bytes);
    auto md = footer_of(bytes);
    EXPECT_GT(md.row_groups.size(), 3u);
    int64_t rows = 0;
    for (size_t g = 0; g < md.row_groups.size(); ++g) {
      const auto& rg = md.row_groups[g];
      rows += rg.num_rows;
      EXPECT_EQ(rg.ordinal, static_cast<int16_t>(g));
      int64_t compressed = 0, uncompressed = 0;
      for (const auto& c : rg.columns) {
        compressed += c.meta_data->total_compressed_size;
        uncompressed += c.meta_data->total_uncompressed_size;
      }
      EXPECT_EQ(rg.total_compressed_size, compressed);
      EXPECT_EQ(rg.total_byte_size, uncompressed);
      // Row groups stay near the target (one slice of overshoot at most).
      EXPECT_LT(uncompressed, 2 * static_cast<int64_t>(options.row_group_bytes));
      EXPECT_EQ(rg.file_offset, rg.columns[0].file_offset);
    }
    EXPECT_EQ(rows, 20000);
    // Read row group by row group too.
    auto reader = FileReader::Open(bytes, "x");
    ASSERT_TRUE(reader.ok());
    auto part = (*reader)->read_column(1, 4);
    ASSERT_TRUE(part.ok());
    EXPECT_EQ(std::get<StringColumn>(part->values).size(),
              static_cast<size_t>(md.row_groups[1].num_rows));
  }
}

TEST(RoundTrip, ZeroRows) {
  auto cols = every_type(0, 1, Repetition::kOptional, 0.5);
  auto bytes = write_file(cols, WriterOptions{});
  auto md = footer_of(bytes);
  EXPECT_EQ(md.num_rows, 0);
  EXPECT_TRUE(md.row_groups.empty());
  expect_round_trip(cols, bytes);
}

TEST(RoundTrip, ExtremeValues) {
  TestColumn i32{ColumnSchema::Int32("i32", Repetition::kRequired)};
  i32.i32 = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0, -1};
  TestColumn i64{ColumnSchema::Int64("i64", Repetition::kRequired)};
  i64.i64 = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0, -1};
  TestColumn f64{ColumnSchema::Double("f64", Repetition::kRequired)};
  f64.f64 = {-0.0, std::numeric_limits<double>::infinity(),
             -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()};
  TestColumn s{ColumnSchema::String("s", Repetition::kRequired)};
  std::string huge;
  for (int i = 0; i < 25000; ++i) huge += "𝄞";  // 100 KB, and the largest value (0xF0 first)
  s.strings = {huge, "", std::string("nul\0inside", 10), "ünïcödé ✓ 𝄞"};
  for (const auto& x : s.strings) s.views.emplace_back(x);
  std::vector<TestColumn> cols = {i32, i64, f64, s};
  auto bytes = write_file(cols, WriterOptions{});
  expect_round_trip(cols, bytes);
  auto md = footer_of(bytes);
  const auto& st_i32 = *md.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(load_le<int32_t>(reinterpret_cast<const uint8_t*>(st_i32.min_value->data())),
            std::numeric_limits<int32_t>::min());
  EXPECT_EQ(load_le<int32_t>(reinterpret_cast<const uint8_t*>(st_i32.max_value->data())),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(st_i32.min, st_i32.min_value);  // legacy fields agree for signed types
  // Doubles: a NaN in the chunk means no bounds (see statistics.h).
  const auto& st_f = *md.row_groups[0].columns[2].meta_data->statistics;
  EXPECT_FALSE(st_f.min_value.has_value());
  EXPECT_FALSE(st_f.min.has_value());
  // Strings: the 100 KB value is past the 4 KiB statistics cap, so no min/max at all.
  const auto& st_s = *md.row_groups[0].columns[3].meta_data->statistics;
  EXPECT_FALSE(st_s.max_value.has_value());
  EXPECT_FALSE(st_s.max.has_value());  // never the signed-order legacy field for strings
  EXPECT_EQ(st_s.null_count, 0);
}

TEST(Statistics, SignedZerosAndNaN) {
  TestColumn zeros{ColumnSchema::Double("z", Repetition::kRequired)};
  zeros.f64 = {0.0, -0.0, 0.0};
  TestColumn nans{ColumnSchema::Double("n", Repetition::kRequired)};
  nans.f64 = {std::nan(""), std::nan(""), std::nan("")};
  TestColumn some_nan{ColumnSchema::Double("m", Repetition::kRequired)};
  some_nan.f64 = {1.0, std::nan(""), 2.0};
  TestColumn inf{ColumnSchema::Double("i", Repetition::kRequired)};
  inf.f64 = {1.0, std::numeric_limits<double>::infinity(),
             -std::numeric_limits<double>::infinity()};
  auto md = footer_of(write_file({zeros, nans, some_nan, inf}, WriterOptions{}));
  const auto& z = *md.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_TRUE(std::signbit(load_le<double>(reinterpret_cast<const uint8_t*>(z.min_value->data()))));
  EXPECT_FALSE(
      std::signbit(load_le<double>(reinterpret_cast<const uint8_t*>(z.max_value->data()))));
  const auto& n = *md.row_groups[0].columns[1].meta_data->statistics;
  EXPECT_FALSE(n.min_value.has_value());  // all NaN: no bounds
  EXPECT_EQ(n.null_count, 0);
  const auto& m = *md.row_groups[0].columns[2].meta_data->statistics;
  EXPECT_FALSE(m.min_value.has_value());  // some NaN: no bounds either
  EXPECT_FALSE(m.max.has_value());
  const auto& i =
      *md.row_groups[0].columns[3].meta_data->statistics;  // infinities are ordinary bounds
  EXPECT_EQ(load_le<double>(reinterpret_cast<const uint8_t*>(i.min_value->data())),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(load_le<double>(reinterpret_cast<const uint8_t*>(i.max_value->data())),
            std::numeric_limits<double>::infinity());
}

TEST(Statistics, StringsCompareAsUnsignedBytes) {
  TestColumn s{ColumnSchema::String("s", Repetition::kOptional)};
  s.strings = {"b", "\xc3\xa9", "a", "", "zz"};
  for (const auto& x : s.strings) s.views.emplace_back(x);
  s.validity = {1, 1, 1, 0, 1};
  auto md = footer_of(write_file({s}, WriterOptions{}));
  const auto& st = *md.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(st.min_value, "a");
  EXPECT_EQ(st.max_value, "\xc3\xa9");
  EXPECT_EQ(st.null_count, 1);
  EXPECT_EQ(st.distinct_count, 4);
}

TEST(Metadata, EncodingsSchemaAndFooterFields) {
  auto cols = every_type(100, 3, Repetition::kOptional, 0.2);
  WriterOptions options;
  options.key_value_metadata = {{"writer.note", "hello"}, {"empty", ""}};
  auto bytes = write_file(cols, options);
  auto md = footer_of(bytes);
  EXPECT_EQ(md.created_by.value_or(""), "sparkify version " SPARKIFY_VERSION);
  ASSERT_EQ(md.key_value_metadata.size(), 2u);
  EXPECT_EQ(md.key_value_metadata[0].value, "hello");
  EXPECT_EQ(md.column_orders, std::vector<int16_t>(cols.size(), 1));
  EXPECT_EQ(md.schema[0].num_children, static_cast<int32_t>(cols.size()));
  const auto& s = md.schema[5];
  EXPECT_EQ(s.converted_type, format::kUtf8);
  EXPECT_EQ(s.logical_type.kind, format::LogicalType::kString);
  const auto& ts = md.schema[7];
  EXPECT_EQ(ts.converted_type, format::kTimestampMicros);
  EXPECT_EQ(ts.logical_type.kind, format::LogicalType::kTimestamp);
  EXPECT_TRUE(ts.logical_type.timestamp_utc);
  EXPECT_EQ(ts.logical_type.timestamp_unit, 2);
  EXPECT_EQ(md.schema[8].logical_type.timestamp_unit, 1);
  EXPECT_EQ(md.schema[8].converted_type, format::kTimestampMillis);
  const auto& rg = md.row_groups[0];
  const auto& str = *rg.columns[4].meta_data;  // dictionary-encoded strings
  EXPECT_EQ(str.encodings,
            (std::vector<int32_t>{format::kPlain, format::kRle, format::kRleDictionary}));
  ASSERT_TRUE(str.dictionary_page_offset.has_value());
  EXPECT_EQ(*str.dictionary_page_offset, rg.columns[4].file_offset);
  EXPECT_GT(str.data_page_offset, *str.dictionary_page_offset);
  const auto& i64 = *rg.columns[2].meta_data;
  EXPECT_EQ(i64.encodings, (std::vector<int32_t>{format::kPlain, format::kRle}));
  EXPECT_FALSE(i64.dictionary_page_offset.has_value());
  EXPECT_EQ(i64.codec, format::kSnappy);
  EXPECT_EQ(i64.num_values, 100);
  EXPECT_EQ(rg.columns[0].file_offset, 4);
  // Chunks are contiguous, in column order.
  for (size_t c = 1; c < rg.columns.size(); ++c) {
    EXPECT_EQ(rg.columns[c].file_offset,
              rg.columns[c - 1].file_offset + rg.columns[c - 1].meta_data->total_compressed_size);
  }
  WriterOptions named;
  named.created_by = "custom";
  EXPECT_EQ(footer_of(write_file(cols, named)).created_by, "custom");
}

TEST(Dictionary, FallsBackToPlainPastTheLimit) {
  auto col = make_column(ColumnSchema::String("s", Repetition::kOptional), 5000, 11, 0.1);
  WriterOptions options;
  options.dictionary_page_limit = 2000;
  options.page_bytes = 1024;
  auto bytes = write_file({col}, options);
  expect_round_trip({col}, bytes);
  auto md = footer_of(bytes);
  const auto& m = *md.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(m.encodings,
            (std::vector<int32_t>{format::kPlain, format::kRle, format::kRleDictionary}));
  ASSERT_TRUE(m.dictionary_page_offset.has_value());
  EXPECT_FALSE(m.statistics->distinct_count.has_value());  // unknown once values went PLAIN
  // The dictionary page holds at most the limit.
  format::PageHeader h;
  size_t off = static_cast<size_t>(*m.dictionary_page_offset);
  ASSERT_TRUE(format::parse_page_header(bytes.data() + off, bytes.size() - off, &h).ok());
  EXPECT_EQ(h.type, format::kDictionaryPage);
  EXPECT_LE(h.uncompressed_page_size, 2000);
}

TEST(Dictionary, DisabledMeansPlain) {
  auto col = make_column(ColumnSchema::String("s", Repetition::kRequired), 100, 1, 0, 3);
  WriterOptions options;
  options.dictionary = false;
  auto bytes = write_file({col}, options);
  expect_round_trip({col}, bytes);
  auto md = footer_of(bytes);
  EXPECT_EQ(md.row_groups[0].columns[0].meta_data->encodings, std::vector<int32_t>{format::kPlain});
}

TEST(Dictionary, DictionaryStringsInput) {
  std::vector<std::string> dict_storage = {"free", "paid", "", "unused", "ünï"};
  std::vector<std::string_view> dict(dict_storage.begin(), dict_storage.end());
  std::mt19937 rng(3);
  for (size_t dict_size : {size_t{5}, size_t{5000}}) {  // remap table vs hashing each value
    std::vector<std::string> big = dict_storage;
    for (size_t i = big.size(); i < dict_size; ++i) big.push_back("extra" + std::to_string(i));
    std::vector<std::string_view> d(big.begin(), big.end());
    for (size_t limit : {size_t{1} << 20, size_t{12}}) {  // with and without fallback
      const size_t n = 700;
      std::vector<int32_t> idx(n);
      std::vector<uint8_t> valid(n);
      TestColumn expected{ColumnSchema::String("s", Repetition::kOptional)};
      for (size_t i = 0; i < n; ++i) {
        idx[i] = static_cast<int32_t>(rng() % 5 == 3 ? 4 : rng() % 3);
        valid[i] = rng() % 7 != 0;
        expected.strings.push_back(valid[i] ? std::string(d[idx[i]]) : std::string());
      }
      for (const auto& x : expected.strings) expected.views.emplace_back(x);
      expected.validity = valid;
      Schema schema{{expected.schema}};
      WriterOptions options;
      options.dictionary_page_limit = limit;
      options.page_bytes = 64;
      BufferOutputStream out;
      auto w = FileWriter::Make(schema, options, &out);
      ASSERT_TRUE(w.ok());
      for (size_t off = 0; off < n; off += 100) {
        ColumnView v;
        v.validity = std::span<const uint8_t>(valid).subspan(off, 100);
        v.values = DictionaryStrings{d, std::span<const int32_t>(idx).subspan(off, 100)};
        ASSERT_TRUE((*w)->write_batch({&v, 1}, 100).ok());
      }
      ASSERT_TRUE((*w)->close().ok());
      std::vector<uint8_t> bytes(out.bytes().begin(), out.bytes().end());
      expect_round_trip({expected}, bytes);
      auto md = footer_of(bytes);
      const auto& st = *md.row_groups[0].columns[0].meta_data->statistics;
      EXPECT_EQ(st.min_value, "");
      EXPECT_EQ(st.max_value, "ünï");  // "unused" never occurs, so it is not a bound
    }
  }
}

TEST(Writer, RejectsBadInput) {
  Schema schema{{ColumnSchema::Int64("id", Repetition::kRequired), ColumnSchema::String("s")}};
  BufferOutputStream out;
  auto w = FileWriter::Make(schema, WriterOptions{}, &out);
  ASSERT_TRUE(w.ok());
  std::vector<int64_t> ids = {1, 2};
  std::vector<uint8_t> nulls = {1, 0};
  std::vector<std::string_view> strs = {"a", "b"};
  ColumnView good[2];
  good[0].values = std::span<const int64_t>(ids);
  good[1].values = std::span<const std::string_view>(strs);
  ColumnView bad[2] = {good[0], good[1]};
  bad[0].validity = nulls;  // null in a REQUIRED column
  EXPECT_EQ((*w)->write_batch(bad, 2).code(), ErrorCode::kInvalidArgument);
  bad[0] = good[0];
  bad[1].values = std::span<const int64_t>(ids);  // wrong type
  EXPECT_EQ((*w)->write_batch(bad, 2).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ((*w)->write_batch(good, 3).code(), ErrorCode::kInvalidArgument);  // wrong length
  EXPECT_EQ((*w)->write_batch({good, 1}, 2).code(),
            ErrorCode::kInvalidArgument);  // too few columns
  std::vector<int32_t> idx = {0, 9};
  bad[1].values = DictionaryStrings{strs, idx};
  EXPECT_EQ((*w)->write_batch(bad, 2).code(), ErrorCode::kInvalidArgument);  // index out of range
  bad[1].validity = nulls;  // ...unless that row is null
  EXPECT_TRUE((*w)->write_batch(bad, 2).ok());
  EXPECT_TRUE((*w)->write_batch(good, 2).ok());  // failed batches wrote nothing
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_EQ((*w)->num_rows(), 4);
  EXPECT_FALSE((*w)->write_batch(good, 2).ok());
  EXPECT_FALSE((*w)->close().ok());

  EXPECT_FALSE(FileWriter::Make(Schema{}, WriterOptions{}, &out).ok());
  EXPECT_FALSE(FileWriter::Make(Schema{{ColumnSchema::Int32("a"), ColumnSchema::Int32("a")}},
                                WriterOptions{}, &out)
                   .ok());
  EXPECT_FALSE(FileWriter::Make(Schema{{ColumnSchema::Int32("")}}, WriterOptions{}, &out).ok());
  ColumnSchema wrong{"x", PhysicalType::kInt32, LogicalType::kString, Repetition::kOptional};
  EXPECT_FALSE(FileWriter::Make(Schema{{wrong}}, WriterOptions{}, &out).ok());
}

TEST(Writer, AReopenedWriterWritesWhatAFreshOneWould) {
  WriterOptions options;
  options.page_bytes = 512;             // several pages
  options.row_group_bytes = 8u << 10;   // and several row groups in the large file
  options.dictionary_page_limit = 256;  // some columns fall back to PLAIN
  // Moved in, not copied: a column's string views point into its own strings.
  std::vector<std::vector<TestColumn>> files;
  files.push_back(every_type(1000, 1, Repetition::kOptional, 0.3));
  files.push_back(every_type(3, 2, Repetition::kOptional, 0.0));
  files.push_back(every_type(0, 3, Repetition::kOptional, 0.0));
  files.push_back(every_type(200, 4, Repetition::kOptional, 1.0));
  Schema schema;
  for (const auto& c : files[0]) schema.columns.push_back(c.schema);
  std::vector<BufferOutputStream> outs(files.size());
  auto writer = FileWriter::Make(schema, options, &outs[0]);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->reopen(&outs[0]).code(), ErrorCode::kInvalidArgument);  // not closed yet
  for (size_t f = 0; f < files.size(); ++f) {
    SCOPED_TRACE("file " + std::to_string(f));
    BufferOutputStream& out = outs[f];
    if (f > 0) {
      ASSERT_TRUE((*writer)->reopen(&out).ok());
    }
    size_t rows = files[f][0].num_rows();
    std::vector<ColumnView> views;
    for (const auto& c : files[f]) views.push_back(c.view(0, rows));
    ASSERT_TRUE((*writer)->write_batch(views, rows).ok());
    ASSERT_TRUE((*writer)->close().ok());
    // Byte for byte what a new writer makes, fed the same way.
    std::vector<uint8_t> got(out.bytes().begin(), out.bytes().end());
    EXPECT_EQ(got, write_file(files[f], options));
    EXPECT_EQ((*writer)->num_rows(), static_cast<int64_t>(rows));
    expect_round_trip(files[f], got);
  }
}

TEST(Writer, TinyFilesAreSmall) {
  // Per-file overhead matters: thousands of 1-3 row files.
  std::vector<TestColumn> cols = every_type(2, 1, Repetition::kOptional, 0.0);
  auto bytes = write_file(cols, WriterOptions{});
  EXPECT_LT(bytes.size(), 2000u);
  expect_round_trip(cols, bytes);
}

}  // namespace
}  // namespace sparkify::parquet

namespace sparkify::parquet {
namespace {

std::vector<int32_t> encodings_of(const std::vector<uint8_t>& bytes, size_t column) {
  return footer_of(bytes).row_groups[0].columns[column].meta_data->encodings;
}

TEST(NumericDictionary, LowCardinalityNumbersUseADictionary) {
  const size_t n = 5000;
  TestColumn i32{ColumnSchema::Int32("year", Repetition::kOptional)};
  TestColumn i64{ColumnSchema::Int64("user_id", Repetition::kRequired)};
  TestColumn ts{ColumnSchema::TimestampMicros("ts", Repetition::kRequired)};
  TestColumn f64{ColumnSchema::Double("d", Repetition::kRequired)};
  const double doubles[] = {0.0, -0.0, std::numeric_limits<double>::quiet_NaN(), 1.5,
                            -std::numeric_limits<double>::infinity()};
  for (size_t i = 0; i < n; ++i) {
    i32.i32.push_back(2018 + static_cast<int32_t>(i % 3));
    i32.validity.push_back(i % 7 != 0);
    i64.i64.push_back(static_cast<int64_t>(i % 97) - 40);
    ts.i64.push_back(1541030400000000LL + static_cast<int64_t>(i % 5) * 1000000);
    f64.f64.push_back(doubles[i % 5]);
  }
  std::vector<TestColumn> cols = {i32, i64, ts, f64};
  auto bytes = write_file(cols, WriterOptions{});
  expect_round_trip(cols, bytes);  // bit-exact: -0.0, +0.0 and NaN are separate entries
  auto md = footer_of(bytes);
  for (size_t c = 0; c < cols.size(); ++c) {
    const auto& m = *md.row_groups[0].columns[c].meta_data;
    EXPECT_TRUE(m.dictionary_page_offset.has_value()) << c;
    EXPECT_EQ(m.encodings.back(), format::kRleDictionary) << c;
    EXPECT_EQ(std::count(m.encodings.begin(), m.encodings.end(), format::kPlain), 1)
        << c;  // the dictionary page
  }
  // Statistics still come from the values: year 2018..2020, 5000/7 + 1 nulls.
  const auto& st = *md.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(load_le<int32_t>(reinterpret_cast<const uint8_t*>(st.min_value->data())), 2018);
  EXPECT_EQ(load_le<int32_t>(reinterpret_cast<const uint8_t*>(st.max_value->data())), 2020);
  EXPECT_EQ(st.null_count, static_cast<int64_t>((n + 6) / 7));
  // The dictionary makes these columns far smaller than PLAIN would.
  WriterOptions plain;
  plain.dictionary_numbers = false;
  auto plain_bytes = write_file(cols, plain);
  for (size_t c = 0; c < cols.size(); ++c) {
    auto enc = encodings_of(plain_bytes, c);
    EXPECT_EQ(std::count(enc.begin(), enc.end(), format::kRleDictionary), 0) << c;
  }
  WriterOptions uncompressed;
  uncompressed.codec = Codec::kUncompressed;
  plain.codec = Codec::kUncompressed;
  EXPECT_LT(write_file(cols, uncompressed).size() * 3, write_file(cols, plain).size());
}

TEST(NumericDictionary, UniqueValuesStayPlain) {
  TestColumn ids{ColumnSchema::Int64("songplay_id", Repetition::kRequired)};
  for (int64_t i = 0; i < 50000; ++i) ids.i64.push_back(i + 1);
  WriterOptions options;
  options.row_group_bytes = 100 << 10;  // several row groups: the decision carries over
  auto bytes = write_file({ids}, options);
  expect_round_trip({ids}, bytes);
  auto md = footer_of(bytes);
  ASSERT_GT(md.row_groups.size(), 2u);
  for (const auto& rg : md.row_groups) {
    EXPECT_FALSE(rg.columns[0].meta_data->dictionary_page_offset.has_value());
    EXPECT_EQ(rg.columns[0].meta_data->encodings, std::vector<int32_t>{format::kPlain});
  }
}

TEST(NumericDictionary, FallsBackWhenTheDictionaryFillsUp) {
  // First pages repeat a few values (the dictionary pays), later ones are all new.
  TestColumn v{ColumnSchema::Int64("v", Repetition::kOptional)};
  for (int64_t i = 0; i < 40000; ++i) {
    v.i64.push_back(i < 10000 ? i % 10 : i * 1000);
    v.validity.push_back(i % 11 != 0);
  }
  WriterOptions options;
  options.page_bytes = 8 << 10;
  options.dictionary_page_limit = 4 << 10;  // 512 entries
  auto bytes = write_file({v}, options);
  expect_round_trip({v}, bytes);
  auto md = footer_of(bytes);
  const auto& m = *md.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(m.encodings,
            (std::vector<int32_t>{format::kPlain, format::kRle, format::kRleDictionary}));
  ASSERT_TRUE(m.dictionary_page_offset.has_value());
  format::PageHeader h;
  size_t off = static_cast<size_t>(*m.dictionary_page_offset);
  ASSERT_TRUE(format::parse_page_header(bytes.data() + off, bytes.size() - off, &h).ok());
  EXPECT_LE(h.uncompressed_page_size, 4 << 10);
}

TEST(NumericDictionary, TinyChunksAndBooleansStayPlain) {
  auto cols = every_type(3, 1, Repetition::kOptional, 0.0);
  auto bytes = write_file(cols, WriterOptions{});
  auto md = footer_of(bytes);
  for (size_t c = 0; c < 4; ++c) {  // bool, int32, int64, double
    EXPECT_FALSE(md.row_groups[0].columns[c].meta_data->dictionary_page_offset.has_value()) << c;
  }
  TestColumn b{ColumnSchema::Boolean("b", Repetition::kRequired)};
  b.bools.assign(10000, 1);
  EXPECT_EQ(encodings_of(write_file({b}, WriterOptions{}), 0),
            std::vector<int32_t>{format::kPlain});
}

}  // namespace
}  // namespace sparkify::parquet
