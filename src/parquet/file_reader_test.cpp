// The reader on damaged files (every failure is a Status naming the file, never a crash), and
// on page layouts our writer never produces: DATA_PAGE_V2 and the DELTA / BYTE_STREAM_SPLIT
// encodings other writers use.
#include "parquet/file_reader.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "parquet/bit_util.h"
#include "parquet/codec.h"
#include "parquet/delta.h"
#include "parquet/file_writer.h"
#include "parquet/metadata.h"
#include "parquet/rle_hybrid.h"
#include "parquet/value_json.h"

namespace sparkify::parquet {
namespace {

std::vector<uint8_t> small_file(Codec codec = Codec::kSnappy) {
  Schema schema{{ColumnSchema::Int64("id", Repetition::kRequired), ColumnSchema::String("name"),
                 ColumnSchema::Double("x")}};
  WriterOptions options;
  options.codec = codec;
  BufferOutputStream out;
  auto w = FileWriter::Make(schema, options, &out);
  std::vector<int64_t> ids = {1, 2, 3, 4};
  std::vector<std::string_view> names = {"a", "bb", "a", "ccc"};
  std::vector<double> xs = {0.5, 1.5, 2.5, 3.5};
  std::vector<uint8_t> valid = {1, 0, 1, 1};
  ColumnView v[3];
  v[0].values = std::span<const int64_t>(ids);
  v[1].values = std::span<const std::string_view>(names);
  v[1].validity = valid;
  v[2].values = std::span<const double>(xs);
  EXPECT_TRUE((*w)->write_batch(v, 4).ok());
  EXPECT_TRUE((*w)->close().ok());
  return {out.bytes().begin(), out.bytes().end()};
}

/// Opens and reads every column; returns the first failure.
Status read_all(std::span<const uint8_t> bytes, const std::string& name) {
  auto r = FileReader::Open(bytes, name);
  if (!r.ok()) return r.status();
  for (int c = 0; c < static_cast<int>((*r)->schema().columns.size()); ++c) {
    auto d = (*r)->read_column(c);
    if (!d.ok()) return d.status();
    for (int g = 0; g < (*r)->num_row_groups(); ++g) {  // strings as dictionaries too
      auto k = (*r)->read_dictionary_column(g, c);
      if (!k.ok()) return k.status();
    }
  }
  return Status::OK();
}

TEST(FileReader, ReadsWhatTheWriterWrote) {
  auto bytes = small_file();
  auto r = FileReader::Open(bytes, "small.parquet");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)->num_rows(), 4);
  EXPECT_EQ((*r)->num_row_groups(), 1);
  auto names = (*r)->read_column(1);
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->is_null(1));
  EXPECT_EQ(std::get<StringColumn>(names->values).at(3), "ccc");
  EXPECT_FALSE((*r)->read_column(3).ok());
  EXPECT_FALSE((*r)->read_column(1, 0).ok());
}

TEST(FileReader, TruncationAtEveryLengthFailsCleanly) {
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd, Codec::kGzip}) {
    auto bytes = small_file(codec);
    for (size_t n = 0; n < bytes.size(); ++n) {
      Status st = read_all(std::span<const uint8_t>(bytes.data(), n), "cut.parquet");
      ASSERT_FALSE(st.ok()) << n;
      EXPECT_NE(st.message().find("cut.parquet"), std::string::npos) << st.message();
    }
  }
}

TEST(FileReader, NamesTheProblem) {
  auto bytes = small_file();
  auto bad = bytes;
  bad[0] = 'X';
  EXPECT_NE(read_all(bad, "f").message().find("PAR1"), std::string::npos);
  bad = bytes;
  store_le<uint32_t>(bad.data() + bad.size() - 8, 0x7fffffff);
  Status st = read_all(bad, "f");
  EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
  EXPECT_NE(st.message().find("footer length"), std::string::npos) << st.message();
  std::vector<uint8_t> tiny = {'P', 'A', 'R', '1'};
  EXPECT_EQ(read_all(tiny, "f").code(), ErrorCode::kCorrupt);
}

TEST(FileReader, RandomByteDamageNeverCrashes) {
  // The sanitizer fuzz test does this at scale; here a quick pass in the normal build.
  std::mt19937 rng(1);
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy}) {
    auto bytes = small_file(codec);
    for (int i = 0; i < 3000; ++i) {
      auto bad = bytes;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k)
        bad[rng() % bad.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      (void)read_all(bad, "fuzz");
    }
  }
}

// --- Hand-built pages ------------------------------------------------------------------------

/// A test-only DELTA_BINARY_PACKED encoder: block 128, 4 miniblocks of 32.
template <typename T>
std::vector<uint8_t> delta_encode(const std::vector<T>& v) {
  using U = std::make_unsigned_t<T>;
  ByteBuffer out;
  append_varint(&out, 128);
  append_varint(&out, 4);
  append_varint(&out, v.size());
  append_varint(&out, zigzag_encode(v.empty() ? 0 : v[0]));
  for (size_t start = 1; start < v.size(); start += 128) {
    size_t n = std::min<size_t>(128, v.size() - start);
    std::vector<U> deltas(n);
    for (size_t i = 0; i < n; ++i)
      deltas[i] = static_cast<U>(static_cast<U>(v[start + i]) - static_cast<U>(v[start + i - 1]));
    // min delta in T's signed order
    T min_delta = static_cast<T>(deltas[0]);
    for (U d : deltas) min_delta = std::min(min_delta, static_cast<T>(d));
    append_varint(&out, zigzag_encode(min_delta));
    std::vector<uint64_t> rel(128, 0);
    for (size_t i = 0; i < n; ++i) rel[i] = static_cast<U>(deltas[i] - static_cast<U>(min_delta));
    uint8_t widths[4];
    for (int m = 0; m < 4; ++m) {
      uint64_t mx = 0;
      for (int i = 0; i < 32; ++i) mx |= rel[m * 32 + i];
      widths[m] = static_cast<uint8_t>(bit_width(mx));
      out.push_back(widths[m]);
    }
    for (int m = 0; m < 4; ++m) {
      if (static_cast<size_t>(m * 32) >= n) break;  // unused miniblocks are not stored
      std::vector<uint8_t> bits(32 * widths[m] / 8 + 8, 0);
      for (int i = 0; i < 32; ++i) {
        for (int b = 0; b < widths[m]; ++b) {
          if ((rel[m * 32 + i] >> b) & 1) {
            size_t bit = static_cast<size_t>(i) * widths[m] + b;
            bits[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
          }
        }
      }
      out.append(bits.data(), 32 * widths[m] / 8);
    }
  }
  return {out.data(), out.data() + out.size()};
}

TEST(Delta, DecodesTheSpecExample) {
  // 1 2 3 4 5: min delta 1, every miniblock width 0.
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
  std::vector<int32_t> out;
  const uint8_t* p = data;
  ASSERT_TRUE(delta_binary_packed_decode<int32_t>(&p, data + sizeof(data), 5, &out).ok());
  EXPECT_EQ(out, (std::vector<int32_t>{1, 2, 3, 4, 5}));
}

TEST(Delta, RoundTripsWithWrapAround) {
  std::mt19937_64 rng(5);
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{129}, size_t{300}, size_t{1000}}) {
    std::vector<int64_t> v64(n);
    std::vector<int32_t> v32(n);
    for (size_t i = 0; i < n; ++i) {
      v64[i] = i % 7 == 0 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(rng());
      v32[i] = i % 5 == 0 ? std::numeric_limits<int32_t>::max() : static_cast<int32_t>(rng());
    }
    auto e64 = delta_encode(v64);
    std::vector<int64_t> out64;
    const uint8_t* p = e64.data();
    ASSERT_TRUE(
        delta_binary_packed_decode<int64_t>(&p, e64.data() + e64.size(), n, &out64, true).ok());
    EXPECT_EQ(out64, v64);
    EXPECT_EQ(p, e64.data() + e64.size());
    auto e32 = delta_encode(v32);
    std::vector<int32_t> out32;
    p = e32.data();
    ASSERT_TRUE(
        delta_binary_packed_decode<int32_t>(&p, e32.data() + e32.size(), n, &out32, true).ok());
    EXPECT_EQ(out32, v32);
    for (size_t cut = 0; cut + 1 < e64.size() && n > 1; cut += 7) {
      p = e64.data();
      EXPECT_FALSE(delta_binary_packed_decode<int64_t>(&p, e64.data() + cut, n, &out64, true).ok());
    }
  }
}

TEST(Delta, ZeroWidthMiniblocksExpandWithoutAPresizedBuffer) {
  // A million equal values in a few bytes is legitimate (all deltas zero): it decodes, growing
  // its output as it goes; a short count in the header is refused.
  std::vector<int64_t> same(1000000, 42);
  auto enc = delta_encode(same);
  EXPECT_LT(enc.size(), 50000u);
  std::vector<int64_t> out;
  const uint8_t* p = enc.data();
  ASSERT_TRUE(
      delta_binary_packed_decode<int64_t>(&p, enc.data() + enc.size(), same.size(), &out).ok());
  EXPECT_EQ(out, same);
  p = enc.data();
  EXPECT_FALSE(
      delta_binary_packed_decode<int64_t>(&p, enc.data() + enc.size(), same.size() + 1, &out).ok());
  // Equal-length strings: zero-width length deltas.
  std::vector<int32_t> lengths(5000, 0);
  auto empty = delta_encode(lengths);
  std::vector<std::string_view> views;
  ASSERT_TRUE(
      delta_length_byte_array_decode(empty.data(), empty.size(), lengths.size(), &views).ok());
  EXPECT_EQ(views.size(), lengths.size());
}

TEST(Delta, LengthAndPrefixEncodedStrings) {
  std::vector<std::string> strings = {"apple", "applesauce", "apply", "", "banana"};
  std::vector<int32_t> lengths;
  std::string bytes;
  for (const auto& s : strings) {
    lengths.push_back(static_cast<int32_t>(s.size()));
    bytes += s;
  }
  auto enc = delta_encode(lengths);
  enc.insert(enc.end(), bytes.begin(), bytes.end());
  std::vector<std::string_view> out;
  ASSERT_TRUE(delta_length_byte_array_decode(enc.data(), enc.size(), strings.size(), &out).ok());
  ASSERT_EQ(out.size(), strings.size());
  for (size_t i = 0; i < strings.size(); ++i) EXPECT_EQ(out[i], strings[i]);
  EXPECT_FALSE(
      delta_length_byte_array_decode(enc.data(), enc.size() - 1, strings.size(), &out).ok());

  // DELTA_BYTE_ARRAY: prefixes shared with the previous value, then the suffixes.
  std::vector<int32_t> prefixes = {0, 5, 4, 0, 0};
  std::vector<std::string> suffixes = {"apple", "sauce", "y", "", "banana"};
  std::vector<int32_t> suffix_lengths;
  std::string suffix_bytes;
  for (const auto& s : suffixes) {
    suffix_lengths.push_back(static_cast<int32_t>(s.size()));
    suffix_bytes += s;
  }
  auto dba = delta_encode(prefixes);
  auto sl = delta_encode(suffix_lengths);
  dba.insert(dba.end(), sl.begin(), sl.end());
  dba.insert(dba.end(), suffix_bytes.begin(), suffix_bytes.end());
  std::string storage;
  ASSERT_TRUE(delta_byte_array_decode(dba.data(), dba.size(), strings.size(), &storage, &out).ok());
  for (size_t i = 0; i < strings.size(); ++i) EXPECT_EQ(out[i], strings[i]);
}

TEST(ByteStreamSplit, Decodes) {
  std::vector<double> v = {1.5, -2.25, 1e300};
  std::vector<uint8_t> enc(v.size() * 8);
  for (size_t i = 0; i < v.size(); ++i) {
    for (size_t k = 0; k < 8; ++k)
      enc[k * v.size() + i] = reinterpret_cast<const uint8_t*>(&v[i])[k];
  }
  std::vector<double> out(v.size());
  ASSERT_TRUE(byte_stream_split_decode(enc.data(), enc.size(), v.size(), 8,
                                       reinterpret_cast<uint8_t*>(out.data()))
                  .ok());
  EXPECT_EQ(out, v);
  EXPECT_FALSE(byte_stream_split_decode(enc.data(), enc.size() - 1, v.size(), 8,
                                        reinterpret_cast<uint8_t*>(out.data()))
                   .ok());
}

/// Builds a one-column file around hand-made pages.
std::vector<uint8_t> file_with_pages(const format::SchemaElement& column,
                                     const std::vector<ByteBuffer>& pages, int64_t rows,
                                     int32_t codec, std::optional<int64_t> dict_offset = {}) {
  ByteBuffer f;
  f.append("PAR1", 4);
  int64_t start = 4;
  for (const auto& p : pages) f.append(p.span());
  format::FileMetaData md;
  auto& root = md.schema.emplace_back();
  root.name = "schema";
  root.num_children = 1;
  md.schema.push_back(column);
  md.num_rows = rows;
  auto& rg = md.row_groups.emplace_back();
  rg.num_rows = rows;
  auto& m = rg.columns.emplace_back().meta_data.emplace();
  m.type = *column.type;
  m.path_in_schema = {column.name};
  m.codec = codec;
  m.num_values = rows;
  m.total_compressed_size = static_cast<int64_t>(f.size()) - start;
  m.data_page_offset = start;
  m.dictionary_page_offset = dict_offset;
  ByteBuffer footer;
  format::serialize(md, &footer);
  f.append(footer.span());
  append_le<uint32_t>(&f, static_cast<uint32_t>(footer.size()));
  f.append("PAR1", 4);
  return {f.data(), f.data() + f.size()};
}

TEST(FileReader, DataPageV2WithDeltaValuesAndCompression) {
  // Optional INT64, 6 rows, rows 1 and 4 null; values DELTA_BINARY_PACKED, zstd-compressed,
  // levels left uncompressed in front as v2 requires.
  std::vector<uint8_t> levels = {1, 0, 1, 1, 0, 1};
  std::vector<int64_t> present = {10, -20, std::numeric_limits<int64_t>::max(), 7};
  ByteBuffer lv;
  rle_hybrid_encode(levels.data(), levels.size(), 1, &lv);
  auto values = delta_encode(present);
  ByteBuffer packed;
  ASSERT_TRUE(CompressionCodec::Get(Codec::kZstd).compress(values, 0, &packed).ok());
  format::PageHeader h;
  h.type = format::kDataPageV2;
  h.uncompressed_page_size = static_cast<int32_t>(lv.size() + values.size());
  h.compressed_page_size = static_cast<int32_t>(lv.size() + packed.size());
  auto& d = h.data_page_header_v2.emplace();
  d.num_values = 6;
  d.num_rows = 6;
  d.num_nulls = 2;
  d.encoding = format::kDeltaBinaryPacked;
  d.definition_levels_byte_length = static_cast<int32_t>(lv.size());
  ByteBuffer page;
  format::serialize(h, &page);
  page.append(lv.span());
  page.append(packed.span());
  format::SchemaElement col;
  col.name = "v";
  col.type = format::kInt64;
  col.repetition_type = format::kOptional;
  std::vector<ByteBuffer> pages;
  pages.push_back(std::move(page));
  auto bytes = file_with_pages(col, pages, 6, format::kZstd);
  auto r = FileReader::Open(bytes, "v2.parquet");
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto data = (*r)->read_column(0);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const auto& v = std::get<std::vector<int64_t>>(data->values);
  EXPECT_EQ(data->validity, levels);
  EXPECT_EQ(v[0], 10);
  EXPECT_EQ(v[2], -20);
  EXPECT_EQ(v[3], std::numeric_limits<int64_t>::max());
  EXPECT_EQ(v[5], 7);
}

TEST(FileReader, PlainDictionaryIntsAndLegacyZeroDictionaryOffset) {
  // A dictionary page of INT32 (as DuckDB writes for low-cardinality integers) referenced by
  // PLAIN_DICTIONARY data pages, with dictionary_page_offset = 0 the way some writers put it.
  format::PageHeader dh;
  dh.type = format::kDictionaryPage;
  std::vector<int32_t> dict = {2018, 2019};
  dh.uncompressed_page_size = dh.compressed_page_size = 8;
  dh.dictionary_page_header.emplace().num_values = 2;
  ByteBuffer dpage;
  format::serialize(dh, &dpage);
  dpage.append(dict.data(), 8);
  std::vector<uint32_t> idx = {1, 0, 0, 1, 1};
  ByteBuffer body;
  body.push_back(1);
  rle_hybrid_encode(idx.data(), idx.size(), 1, &body);
  format::PageHeader h;
  h.type = format::kDataPage;
  h.uncompressed_page_size = h.compressed_page_size = static_cast<int32_t>(body.size());
  auto& d = h.data_page_header.emplace();
  d.num_values = 5;
  d.encoding = format::kPlainDictionary;
  ByteBuffer page;
  format::serialize(h, &page);
  page.append(body.span());
  format::SchemaElement col;
  col.name = "year";
  col.type = format::kInt32;
  col.repetition_type = format::kRequired;
  col.converted_type = format::kInt_32;
  std::vector<ByteBuffer> pages;
  pages.push_back(std::move(dpage));
  pages.push_back(std::move(page));
  // data_page_offset pointing at the dictionary page is how such writers lay it out.
  auto bytes = file_with_pages(col, pages, 5, format::kUncompressed, 0);
  auto r = FileReader::Open(bytes, "dict.parquet");
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto data = (*r)->read_column(0);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(std::get<std::vector<int32_t>>(data->values),
            (std::vector<int32_t>{2019, 2018, 2018, 2019, 2019}));
}

TEST(FileReader, UnsupportedThingsAreNotSupported) {
  format::SchemaElement col;
  col.name = "f";
  col.type = format::kInt32;
  col.repetition_type = format::kRequired;
  col.converted_type = format::kInterval;  // INTERVAL lives in FIXED_LEN_BYTE_ARRAY(12) only
  auto bytes = file_with_pages(col, {}, 0, format::kUncompressed);
  auto r = FileReader::Open(bytes, "interval.parquet");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotSupported);
  EXPECT_NE(r.status().message().find("'f'"), std::string::npos);

  col.converted_type = format::kList;  // a LIST annotation on a leaf: a nested schema
  bytes = file_with_pages(col, {}, 0, format::kUncompressed);
  r = FileReader::Open(bytes, "list.parquet");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotSupported);
}

/// One PLAIN data page (v1, REQUIRED column) holding `body`.
ByteBuffer plain_page(const ByteBuffer& body, int32_t num_values) {
  format::PageHeader h;
  h.type = format::kDataPage;
  h.uncompressed_page_size = h.compressed_page_size = static_cast<int32_t>(body.size());
  auto& d = h.data_page_header.emplace();
  d.num_values = num_values;
  d.encoding = format::kPlain;
  ByteBuffer page;
  format::serialize(h, &page);
  page.append(body.span());
  return page;
}

TEST(FileReader, ReadsFloatInt96AndFixedLengthDecimals) {
  {
    ByteBuffer body;
    for (float f : {1.5f, -0.25f}) body.append(&f, sizeof f);
    format::SchemaElement col;
    col.name = "f";
    col.type = format::kFloat;
    col.repetition_type = format::kRequired;
    std::vector<ByteBuffer> pages;
    pages.push_back(plain_page(body, 2));
    auto bytes = file_with_pages(col, pages, 2, format::kUncompressed);
    auto r = FileReader::Open(bytes, "float.parquet");
    ASSERT_TRUE(r.ok()) << r.status().message();
    auto data = (*r)->read_column(0);
    ASSERT_TRUE(data.ok()) << data.status().message();
    EXPECT_EQ(std::get<std::vector<float>>(data->values), (std::vector<float>{1.5f, -0.25f}));
  }
  {
    // 2009-03-01T00:01:00Z as Spark stores it: Julian day 2454892, 60 s of nanoseconds.
    ByteBuffer body;
    append_le<uint64_t>(&body, 60'000'000'000ULL);
    append_le<uint32_t>(&body, 2454892);
    format::SchemaElement col;
    col.name = "ts";
    col.type = format::kInt96;
    col.repetition_type = format::kRequired;
    std::vector<ByteBuffer> pages;
    pages.push_back(plain_page(body, 1));
    auto bytes = file_with_pages(col, pages, 1, format::kUncompressed);
    auto r = FileReader::Open(bytes, "int96.parquet");
    ASSERT_TRUE(r.ok()) << r.status().message();
    auto data = (*r)->read_column(0);
    ASSERT_TRUE(data.ok()) << data.status().message();
    const auto& v = std::get<std::vector<Int96>>(data->values);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(int96_to_unix_micros(v[0]), 1235865660LL * 1000000);
    std::string json;
    ASSERT_TRUE(append_json_value((*r)->schema().columns[0], *data, 0, &json).ok());
    EXPECT_EQ(json, "\"2009-03-01T00:01:00.000000000Z\"");
  }
  {
    // DECIMAL(5,2) in FIXED_LEN_BYTE_ARRAY(3): big-endian two's complement.
    ByteBuffer body;
    for (uint8_t b : {0x00, 0x30, 0x39, 0xFF, 0xFF, 0xFF}) body.push_back(b);  // 123.45, -0.01
    format::SchemaElement col;
    col.name = "d";
    col.type = format::kFixedLenByteArray;
    col.type_length = 3;
    col.repetition_type = format::kRequired;
    col.converted_type = format::kDecimal;
    col.precision = 5;
    col.scale = 2;
    std::vector<ByteBuffer> pages;
    pages.push_back(plain_page(body, 2));
    auto bytes = file_with_pages(col, pages, 2, format::kUncompressed);
    auto r = FileReader::Open(bytes, "decimal.parquet");
    ASSERT_TRUE(r.ok()) << r.status().message();
    auto data = (*r)->read_column(0);
    ASSERT_TRUE(data.ok()) << data.status().message();
    std::string json;
    ASSERT_TRUE(append_json_value((*r)->schema().columns[0], *data, 0, &json).ok());
    json += ",";
    ASSERT_TRUE(append_json_value((*r)->schema().columns[0], *data, 1, &json).ok());
    EXPECT_EQ(json, "\"123.45\",\"-0.01\"");
  }
}

TEST(FileReader, FixedLengthPageShorterThanItsValuesIsCorrupt) {
  ByteBuffer body;
  for (int i = 0; i < 5; ++i)
    body.push_back(static_cast<uint8_t>(i));  // 5 bytes, 2 values of 4 declared
  format::SchemaElement col;
  col.name = "b";
  col.type = format::kFixedLenByteArray;
  col.type_length = 4;
  col.repetition_type = format::kRequired;
  std::vector<ByteBuffer> pages;
  pages.push_back(plain_page(body, 2));
  auto bytes = file_with_pages(col, pages, 2, format::kUncompressed);
  auto r = FileReader::Open(bytes, "flba.parquet");
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto data = (*r)->read_column(0);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace sparkify::parquet

namespace sparkify::parquet {
namespace {

// A file of one string column (`rows` values from `distinct` of them, every 7th null) and one
// integer column, written with `options`.
std::vector<uint8_t> strings_file(WriterOptions options, size_t rows, size_t distinct) {
  Schema schema{{ColumnSchema::String("s"), ColumnSchema::Int64("n", Repetition::kRequired)}};
  BufferOutputStream out;
  auto w = FileWriter::Make(schema, options, &out);
  std::vector<std::string> storage;
  for (size_t i = 0; i < distinct; ++i) storage.push_back("value-" + std::to_string(i * 7919));
  std::vector<std::string_view> s;
  std::vector<uint8_t> valid;
  std::vector<int64_t> n;
  for (size_t i = 0; i < rows; ++i) {
    s.push_back(storage[(i * 31) % distinct]);
    valid.push_back(i % 7 != 3);
    n.push_back(static_cast<int64_t>(i));
  }
  ColumnView v[2];
  v[0].values = std::span<const std::string_view>(s);
  v[0].validity = valid;
  v[1].values = std::span<const int64_t>(n);
  EXPECT_TRUE((*w)->write_batch(v, rows).ok());
  EXPECT_TRUE((*w)->close().ok());
  return {out.bytes().begin(), out.bytes().end()};
}

TEST(FileReader, DictionaryColumnsGiveTheSameRowsAsExpandedOnes) {
  WriterOptions options;
  options.page_bytes = 4096;  // many data pages sharing the chunk's dictionary
  auto bytes = strings_file(options, 20000, 300);
  auto r = FileReader::Open(bytes, "dict.parquet");
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto dict = (*r)->read_dictionary_column(0, 0);
  ASSERT_TRUE(dict.ok()) << dict.status().message();
  ASSERT_TRUE(dict->has_value());
  auto plain = (*r)->read_column(0, 0);
  ASSERT_TRUE(plain.ok());
  const auto& expanded = std::get<StringColumn>(plain->values);
  ASSERT_EQ((*dict)->indices.size(), expanded.size());
  EXPECT_LE((*dict)->dictionary.size(), 300u);
  for (size_t i = 0; i < expanded.size(); ++i) {
    int32_t k = (*dict)->indices[i];
    if (plain->is_null(i)) {
      EXPECT_EQ(k, -1) << "row " << i;
    } else {
      ASSERT_GE(k, 0) << "row " << i;
      EXPECT_EQ((*dict)->dictionary.at(static_cast<size_t>(k)), expanded.at(i)) << "row " << i;
    }
  }
  // Not a string column: read it as values.
  auto numbers = (*r)->read_dictionary_column(0, 1);
  ASSERT_TRUE(numbers.ok());
  EXPECT_FALSE(numbers->has_value());
}

TEST(FileReader, ChunksNotWhollyDictionaryEncodedAreLeftToReadColumn) {
  WriterOptions plain;
  plain.dictionary = false;
  WriterOptions fallback;  // the dictionary outgrows its limit: later pages are PLAIN
  fallback.page_bytes = 4096;
  fallback.dictionary_page_limit = 2048;
  for (const WriterOptions& options : {plain, fallback}) {
    auto bytes = strings_file(options, 20000, 5000);
    auto r = FileReader::Open(bytes, "plain.parquet");
    ASSERT_TRUE(r.ok()) << r.status().message();
    auto dict = (*r)->read_dictionary_column(0, 0);
    ASSERT_TRUE(dict.ok()) << dict.status().message();
    EXPECT_FALSE(dict->has_value()) << "dictionary " << options.dictionary;
    EXPECT_TRUE((*r)->read_column(0, 0).ok());
  }
}

}  // namespace
}  // namespace sparkify::parquet
