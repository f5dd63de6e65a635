// A helper for the DuckDB cross-checks (not a test by itself):
//   parquet_crosscheck_tool write OUT.parquet SEED CODEC   writes a randomized table and prints
//                                                           the values it wrote as JSON
//   parquet_crosscheck_tool dump FILE.parquet              prints a file's contents as JSON
// Both print the same JSON shape, so the node test compares either with what DuckDB reads:
//   {"num_rows": n, "row_groups": [rows...], "kv": {...}, "options": {...},
//    "columns": [{"name", "type", "required", "values": [...]}]}
// Values: null; booleans; INT32 as numbers; INT64 and timestamps as decimal strings; doubles as
// "nan" or the 16 hex digits of their bits (so -0.0, inf and exact bits survive JSON); strings as
// JSON strings; binary as hex.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

using namespace sparkify;
using namespace sparkify::parquet;

namespace {

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string type_name(const ColumnSchema& c) {
  switch (c.physical) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kInt64:
      if (c.logical == LogicalType::kTimestampMillis) return "TIMESTAMP_MILLIS";
      if (c.logical == LogicalType::kTimestampMicros) return "TIMESTAMP_MICROS";
      return "INT64";
    case PhysicalType::kByteArray:
      return c.logical == LogicalType::kString ? "STRING" : "BINARY";
    default:
      break;  // the reader-only types are never generated here
  }
  return "?";
}

void json_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "\"nan\"";
    return;
  }
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "\"%016" PRIx64 "\"", bits);
  out += buf;
}

/// Appends one column's values as a JSON array.
void json_values(std::string& out, const ColumnSchema& schema, const ColumnData& d) {
  out += '[';
  size_t n = std::visit([](const auto& v) { return v.size(); }, d.values);
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ',';
    if (d.is_null(i)) {
      out += "null";
      continue;
    }
    char buf[32];
    switch (schema.physical) {
      case PhysicalType::kBoolean:
        out += std::get<std::vector<uint8_t>>(d.values)[i] ? "true" : "false";
        break;
      case PhysicalType::kInt32:
        std::snprintf(buf, sizeof(buf), "%d", std::get<std::vector<int32_t>>(d.values)[i]);
        out += buf;
        break;
      case PhysicalType::kInt64:
        std::snprintf(buf, sizeof(buf), "\"%" PRId64 "\"",
                      std::get<std::vector<int64_t>>(d.values)[i]);
        out += buf;
        break;
      case PhysicalType::kDouble:
        json_double(out, std::get<std::vector<double>>(d.values)[i]);
        break;
      case PhysicalType::kByteArray: {
        std::string_view s = std::get<StringColumn>(d.values).at(i);
        if (schema.logical == LogicalType::kString) {
          json_string(out, s);
        } else {
          out += '"';
          for (unsigned char c : s) {
            std::snprintf(buf, sizeof(buf), "%02x", c);
            out += buf;
          }
          out += '"';
        }
        break;
      }
      default:
        break;  // the reader-only types are never generated here
    }
  }
  out += ']';
}

/// The JSON description of a whole file, read back through our reader.
Result<std::string> describe(std::span<const uint8_t> bytes, const std::string& name,
                             const std::string& extra) {
  SPARKIFY_ASSIGN_OR_RETURN(auto reader, FileReader::Open(bytes, name));
  std::string out = "{\"num_rows\":" + std::to_string(reader->num_rows()) + ",\"row_groups\":[";
  // Row counts per row group, from reading the first column group by group.
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    SPARKIFY_ASSIGN_OR_RETURN(ColumnData d, reader->read_column(g, 0));
    if (g) out += ',';
    out += std::to_string(std::visit([](const auto& v) { return v.size(); }, d.values));
  }
  out += "],\"kv\":{";
  bool first = true;
  for (const auto& [k, v] : reader->key_value_metadata()) {
    if (!first) out += ',';
    first = false;
    json_string(out, k);
    out += ':';
    json_string(out, v);
  }
  out += "}" + extra + ",\"columns\":[";
  const auto& cols = reader->schema().columns;
  for (size_t c = 0; c < cols.size(); ++c) {
    SPARKIFY_ASSIGN_OR_RETURN(ColumnData d, reader->read_column(static_cast<int>(c)));
    if (c) out += ',';
    out += "{\"name\":";
    json_string(out, cols[c].name);
    out += ",\"type\":\"" + type_name(cols[c]) + "\",\"required\":";
    out += cols[c].optional() ? "false" : "true";
    out += ",\"values\":";
    json_values(out, cols[c], d);
    out += '}';
  }
  out += "]}\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Randomized tables

struct Table {
  Schema schema;
  std::vector<std::vector<uint8_t>> validity;
  std::vector<std::vector<uint8_t>> bools;
  std::vector<std::vector<int32_t>> i32;
  std::vector<std::vector<int64_t>> i64;
  std::vector<std::vector<double>> f64;
  std::vector<std::vector<std::string>> strings;
  std::vector<std::vector<std::string_view>> views;
};

/// A random valid UTF-8 string mixing 1- to 4-byte characters.
std::string random_utf8(std::mt19937_64& rng, size_t chars) {
  static const char* pieces[] = {"a", "Z",  "0", " ", "\"", "\\", "\n", "\t", "é", "ß",
                                 "ж", "中", "✓", "€", "𝄞",  "😀",  "'",  ",",  "%", "/"};
  std::string s;
  for (size_t i = 0; i < chars; ++i) s += pieces[rng() % std::size(pieces)];
  return s;
}

Table make_table(uint64_t seed, WriterOptions* options, size_t* rows_out) {
  std::mt19937_64 rng(seed);
  const size_t row_choices[] = {0, 1, 2, 3, 17, 1000, 5000, 30000};
  size_t rows = row_choices[seed % std::size(row_choices)];
  *rows_out = rows;
  // Small pages and row groups on some seeds, so several of each are exercised.
  if (rng() % 2) options->page_bytes = 512 + rng() % 4096;
  if (rng() % 2) options->row_group_bytes = 16384 + rng() % 65536;
  if (rng() % 3 == 0) options->dictionary_page_limit = 256 + rng() % 2048;
  options->key_value_metadata = {{"crosscheck.seed", std::to_string(seed)}};

  Table t;
  auto add = [&](ColumnSchema c) {
    t.schema.columns.push_back(std::move(c));
    t.validity.emplace_back();
    t.bools.emplace_back();
    t.i32.emplace_back();
    t.i64.emplace_back();
    t.f64.emplace_back();
    t.strings.emplace_back();
    t.views.emplace_back();
    return t.schema.columns.size() - 1;
  };
  for (Repetition rep : {Repetition::kRequired, Repetition::kOptional}) {
    const std::string suffix = rep == Repetition::kRequired ? "_req" : "_opt";
    add(ColumnSchema::Boolean("bool" + suffix, rep));
    add(ColumnSchema::Int32("int32" + suffix, rep));
    add(ColumnSchema::Int64("int64" + suffix, rep));
    add(ColumnSchema::Double("double" + suffix, rep));
    add(ColumnSchema::String("str_low" + suffix, rep));
    add(ColumnSchema::String("str_high" + suffix, rep));
    add(ColumnSchema::TimestampMicros("ts_us" + suffix, rep));
    add(ColumnSchema::TimestampMillis("ts_ms" + suffix, rep));
  }
  // Low-cardinality numbers: the writer dictionary-encodes these where it pays.
  add(ColumnSchema::Int32("int32_low_opt"));
  add(ColumnSchema::Int64("int64_low_req", Repetition::kRequired));
  add(ColumnSchema::Double("double_low_opt"));
  add(ColumnSchema::TimestampMicros("ts_us_low_opt"));
  add(ColumnSchema{"blob_opt", PhysicalType::kByteArray, LogicalType::kNone,
                   Repetition::kOptional});
  add(ColumnSchema::String("str_all_null", Repetition::kOptional));

  const double null_rate = (rng() % 4) * 0.2;  // 0, 0.2, 0.4, 0.6
  std::vector<std::string> low;
  for (int i = 0; i < 7; ++i)
    low.push_back(i == 0 ? std::string() : random_utf8(rng, 1 + rng() % 6));
  constexpr int64_t kYear2100Us =
      4102444800000000LL;  // timestamps stay inside every engine's range
  for (size_t c = 0; c < t.schema.columns.size(); ++c) {
    const ColumnSchema& col = t.schema.columns[c];
    const bool all_null = col.name == "str_all_null";
    if (col.optional()) {
      for (size_t i = 0; i < rows; ++i) {
        t.validity[c].push_back(!all_null &&
                                std::uniform_real_distribution<double>(0, 1)(rng) >= null_rate);
      }
    }
    const bool low_card = col.name.find("_low") != std::string::npos;
    for (size_t i = 0; i < rows; ++i) {
      uint64_t r = rng();
      if (low_card && col.physical != PhysicalType::kByteArray) {
        // A handful of values, signed zeros and NaN among the doubles (distinct dictionary
        // entries).
        const double doubles[] = {0.0, -0.0, std::numeric_limits<double>::quiet_NaN(), 2.5, -1e300};
        switch (col.physical) {
          case PhysicalType::kInt32:
            t.i32[c].push_back(2000 + static_cast<int32_t>(r % 12));
            break;
          case PhysicalType::kInt64:
            t.i64[c].push_back(col.logical == LogicalType::kTimestampMicros
                                   ? 1541030400000000LL + static_cast<int64_t>(r % 9) * 3600000000LL
                                   : static_cast<int64_t>(r % 300) - 150);
            break;
          default:
            t.f64[c].push_back(doubles[r % 5]);
            break;
        }
        continue;
      }
      switch (col.physical) {
        case PhysicalType::kBoolean:
          t.bools[c].push_back(r & 1);
          break;
        case PhysicalType::kInt32: {
          const int32_t special[] = {std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int32_t>::max(), 0, -1, 1};
          t.i32[c].push_back(r % 10 == 0 ? special[(r >> 8) % 5] : static_cast<int32_t>(r >> 16));
          break;
        }
        case PhysicalType::kInt64: {
          if (col.logical == LogicalType::kTimestampMicros) {
            t.i64[c].push_back(static_cast<int64_t>(r % (2 * kYear2100Us)) - kYear2100Us);
          } else if (col.logical == LogicalType::kTimestampMillis) {
            t.i64[c].push_back(static_cast<int64_t>(r % (2 * kYear2100Us / 1000)) -
                               kYear2100Us / 1000);
          } else {
            const int64_t special[] = {std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(), 0, -1, 1};
            t.i64[c].push_back(r % 10 == 0 ? special[(r >> 8) % 5] : static_cast<int64_t>(r));
          }
          break;
        }
        case PhysicalType::kDouble: {
          const double special[] = {-0.0,
                                    0.0,
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::lowest(),
                                    std::numeric_limits<double>::denorm_min(),
                                    1e-300};
          double v;
          if (r % 8 == 0)
            v = special[(r >> 8) % std::size(special)];
          else
            v = static_cast<double>(static_cast<int64_t>(r)) / static_cast<double>((r >> 40) | 1);
          t.f64[c].push_back(v);
          break;
        }
        case PhysicalType::kByteArray: {
          std::string s;
          if (col.name.starts_with("str_low")) {
            s = low[r % low.size()];
          } else if (col.name.starts_with("blob")) {
            for (size_t k = 0, n = r % 9; k < n; ++k) s += static_cast<char>(rng());
          } else if (r % 500 == 0) {
            s = random_utf8(rng, 20000 + rng() % 20000);  // huge: > 4 KiB, so no statistics
          } else {
            s = std::to_string(r % 100000) + random_utf8(rng, r % 12);
          }
          t.strings[c].push_back(std::move(s));
          break;
        }
        default:
          break;  // the reader-only types are never generated here
      }
    }
    for (const auto& s : t.strings[c]) t.views[c].emplace_back(s);
  }
  return t;
}

ColumnView view_of(const Table& t, size_t c, size_t offset, size_t n) {
  ColumnView v;
  if (!t.validity[c].empty())
    v.validity = std::span<const uint8_t>(t.validity[c]).subspan(offset, n);
  switch (t.schema.columns[c].physical) {
    case PhysicalType::kBoolean:
      v.values = std::span<const uint8_t>(t.bools[c]).subspan(offset, n);
      break;
    case PhysicalType::kInt32:
      v.values = std::span<const int32_t>(t.i32[c]).subspan(offset, n);
      break;
    case PhysicalType::kInt64:
      v.values = std::span<const int64_t>(t.i64[c]).subspan(offset, n);
      break;
    case PhysicalType::kDouble:
      v.values = std::span<const double>(t.f64[c]).subspan(offset, n);
      break;
    case PhysicalType::kByteArray:
      v.values = std::span<const std::string_view>(t.views[c]).subspan(offset, n);
      break;
    default:
      break;  // the reader-only types are never generated here
  }
  return v;
}

Status write_table(const std::string& path, uint64_t seed, const std::string& codec_name) {
  WriterOptions options;
  if (codec_name == "snappy")
    options.codec = Codec::kSnappy;
  else if (codec_name == "zstd")
    options.codec = Codec::kZstd;
  else if (codec_name == "gzip")
    options.codec = Codec::kGzip;
  else if (codec_name == "none")
    options.codec = Codec::kUncompressed;
  else
    return Status::Invalid("unknown codec " + codec_name);
  size_t rows = 0;
  Table t = make_table(seed, &options, &rows);
  BufferOutputStream out;
  SPARKIFY_ASSIGN_OR_RETURN(auto writer, FileWriter::Make(t.schema, options, &out));
  // Uneven batches, so batch edges fall inside pages and row groups.
  std::mt19937_64 rng(seed ^ 0x5eed);
  for (size_t done = 0; done < rows;) {
    size_t n = std::min<size_t>(rows - done, 1 + rng() % 7000);
    std::vector<ColumnView> views;
    for (size_t c = 0; c < t.schema.columns.size(); ++c) views.push_back(view_of(t, c, done, n));
    SPARKIFY_RETURN_NOT_OK(writer->write_batch(views, n));
    done += n;
  }
  SPARKIFY_RETURN_NOT_OK(writer->close());
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(out.bytes().data()),
          static_cast<std::streamsize>(out.bytes().size()));
  if (!f) return Status::IoError("cannot write " + path);
  f.close();

  // The expected values are the table as generated (not as read back), so a reader bug that
  // mirrors a writer bug cannot hide; the reader only supplies the row-group split.
  std::string extra =
      ",\"options\":{\"page_bytes\":" + std::to_string(options.page_bytes) +
      ",\"row_group_bytes\":" + std::to_string(options.row_group_bytes) +
      ",\"dictionary_page_limit\":" + std::to_string(options.dictionary_page_limit) + "}";
  SPARKIFY_ASSIGN_OR_RETURN(std::string described, describe(out.bytes(), path, extra));
  // Replace the columns part with the generated values.
  std::string expected = described.substr(0, described.find(",\"columns\":[")) + ",\"columns\":[";
  for (size_t c = 0; c < t.schema.columns.size(); ++c) {
    const ColumnSchema& col = t.schema.columns[c];
    ColumnData d;
    d.validity = t.validity[c];
    switch (col.physical) {
      case PhysicalType::kBoolean:
        d.values = t.bools[c];
        break;
      case PhysicalType::kInt32:
        d.values = t.i32[c];
        break;
      case PhysicalType::kInt64:
        d.values = t.i64[c];
        break;
      case PhysicalType::kDouble:
        d.values = t.f64[c];
        break;
      case PhysicalType::kByteArray: {
        StringColumn s;
        for (const auto& v : t.strings[c]) {
          s.data += v;
          s.offsets.push_back(s.data.size());
        }
        d.values = std::move(s);
        break;
      }
      default:
        break;  // the reader-only types are never generated here
    }
    if (c) expected += ',';
    expected += "{\"name\":";
    json_string(expected, col.name);
    expected += ",\"type\":\"" + type_name(col) + "\",\"required\":";
    expected += col.optional() ? "false" : "true";
    expected += ",\"values\":";
    json_values(expected, col, d);
    expected += '}';
  }
  expected += "]}\n";
  std::fwrite(expected.data(), 1, expected.size(), stdout);
  return Status::OK();
}

Status dump(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::NotFound("cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  SPARKIFY_ASSIGN_OR_RETURN(std::string json, describe(bytes, path, ""));
  std::fwrite(json.data(), 1, json.size(), stdout);
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  Status st;
  if (args.size() == 4 && args[0] == "write") {
    st = write_table(args[1], std::stoull(args[2]), args[3]);
  } else if (args.size() == 2 && args[0] == "dump") {
    st = dump(args[1]);
  } else {
    std::fprintf(stderr, "usage: parquet_crosscheck_tool write OUT SEED CODEC | dump FILE\n");
    return 2;
  }
  if (!st.ok()) {
    std::fprintf(stderr, "parquet_crosscheck_tool: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}
