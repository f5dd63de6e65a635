// `sparkify parquet schema|meta|cat FILE`: the Parquet reader as a user tool, in the manner of
// parquet-tools, for any flat Parquet file (ours, Spark's, Arrow's, DuckDB's), local or on S3.
// Exit 0 on success, 1 when the file cannot be read (one sentence on stderr), 2 on usage errors.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/storage_flags.h"
#include "common/json.h"
#include "io/file_system.h"
#include "parquet/codec.h"
#include "parquet/file_reader.h"
#include "parquet/metadata.h"
#include "parquet/value_json.h"

namespace sparkify::cli {

namespace {

struct ParquetFlags {
  std::string file;
  int64_t limit = -1;
  StorageFlags storage;
};

/// The file's bytes and its reader (the reader borrows the bytes).
struct OpenFile {
  Buffer bytes;
  std::unique_ptr<parquet::FileReader> reader;
};

Result<OpenFile> open_file(const ParquetFlags& f) {
  SPARKIFY_ASSIGN_OR_RETURN(auto options, resolve_storage_flags(f.storage));
  SPARKIFY_ASSIGN_OR_RETURN(auto fs, io::make_file_system(f.file, options));
  OpenFile open;
  SPARKIFY_ASSIGN_OR_RETURN(open.bytes, fs->read(f.file));
  SPARKIFY_ASSIGN_OR_RETURN(open.reader, parquet::FileReader::Open(open.bytes.bytes(), f.file));
  return open;
}

std::string repetition_name(const parquet::ColumnSchema& c) {
  return c.optional() ? "OPTIONAL" : "REQUIRED";
}

Status print_schema(const parquet::FileReader& reader) {
  for (const auto& c : reader.schema().columns) {
    std::string logical = parquet::logical_type_name(c);
    fmt::print("{}: {} {}{}{}\n", c.name, repetition_name(c), parquet::physical_type_name(c),
               logical.empty() ? "" : " ", logical);
  }
  return Status::OK();
}

std::string encoding_name(int32_t e) {
  switch (e) {
    case parquet::format::kPlain:
      return "PLAIN";
    case parquet::format::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case parquet::format::kRle:
      return "RLE";
    case parquet::format::kBitPacked:
      return "BIT_PACKED";
    case parquet::format::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case parquet::format::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case parquet::format::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case parquet::format::kRleDictionary:
      return "RLE_DICTIONARY";
    case parquet::format::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
    default:
      return std::to_string(e);
  }
}

std::string codec_label(int32_t value) {
  parquet::Codec codec;
  if (parquet::codec_from_thrift(value, &codec)) return parquet::codec_name(codec);
  return value == parquet::format::kLzo ? "LZO" : "codec " + std::to_string(value);
}

/// A statistics bound as JSON, or its raw bytes in base64 when they do not fit the type.
std::string bound(const parquet::ColumnSchema& c, const std::string& plain) {
  std::string out;
  if (!parquet::append_json_plain_value(c, plain, &out).ok()) return "(malformed)";
  return out;
}

Status print_meta(const std::string& file, const parquet::FileReader& reader) {
  const auto& md = reader.metadata();
  const auto& columns = reader.schema().columns;
  fmt::print("file: {}\n", file);
  fmt::print("created_by: {}\n", md.created_by.value_or(""));
  fmt::print("format version: {}\n", md.version);
  fmt::print("rows: {}\n", md.num_rows);
  fmt::print("row groups: {}\n", md.row_groups.size());
  fmt::print("columns: {}\n", columns.size());
  if (!md.key_value_metadata.empty()) {
    fmt::print("key-value metadata:\n");
    for (const auto& kv : md.key_value_metadata) {
      fmt::print("  {} = {}\n", kv.key, json_quote(kv.value.value_or("")));
    }
  }
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const auto& rg = md.row_groups[g];
    fmt::print("row group {}: {} rows, {} bytes uncompressed", g, rg.num_rows, rg.total_byte_size);
    if (rg.total_compressed_size) fmt::print(", {} compressed", *rg.total_compressed_size);
    fmt::print("\n");
    for (size_t k = 0; k < rg.columns.size() && k < columns.size(); ++k) {
      const auto& m = *rg.columns[k].meta_data;  // the reader checked every chunk has metadata
      std::string encodings;
      for (int32_t e : m.encodings) encodings += (encodings.empty() ? "" : ",") + encoding_name(e);
      fmt::print(
          "  {}: {} values, {} {}, encodings {}, {} bytes compressed, {} uncompressed, data page "
          "at {}",
          columns[k].name, m.num_values, parquet::physical_type_name(columns[k]),
          codec_label(m.codec), encodings, m.total_compressed_size, m.total_uncompressed_size,
          m.data_page_offset);
      if (m.dictionary_page_offset)
        fmt::print(", dictionary page at {}", *m.dictionary_page_offset);
      fmt::print("\n");
      if (m.statistics) {
        const auto& st = *m.statistics;
        fmt::print("    statistics:");
        if (st.null_count) fmt::print(" nulls {}", *st.null_count);
        if (st.distinct_count) fmt::print(", distinct {}", *st.distinct_count);
        if (st.min_value) fmt::print(", min {}", bound(columns[k], *st.min_value));
        if (st.max_value) fmt::print(", max {}", bound(columns[k], *st.max_value));
        if (!st.min_value && st.min) fmt::print(", min (legacy) {}", bound(columns[k], *st.min));
        if (!st.max_value && st.max) fmt::print(", max (legacy) {}", bound(columns[k], *st.max));
        fmt::print("\n");
      }
    }
  }
  return Status::OK();
}

/// One JSON object per row, row group by row group (a row group is decoded whole before any of
/// its rows is printed).
Status print_rows(parquet::FileReader& reader, int64_t limit) {
  const auto& columns = reader.schema().columns;
  std::vector<std::string> keys;
  for (const auto& c : columns) keys.push_back(json_quote(c.name) + ":");
  std::string line;
  int64_t printed = 0;
  for (int g = 0; g < reader.num_row_groups() && (limit < 0 || printed < limit); ++g) {
    std::vector<parquet::ColumnData> data;
    for (size_t k = 0; k < columns.size(); ++k) {
      SPARKIFY_ASSIGN_OR_RETURN(auto column, reader.read_column(g, static_cast<int>(k)));
      data.push_back(std::move(column));
    }
    const int64_t rows = reader.metadata().row_groups[static_cast<size_t>(g)].num_rows;
    for (int64_t r = 0; r < rows && (limit < 0 || printed < limit); ++r, ++printed) {
      line.clear();
      line.push_back('{');
      for (size_t k = 0; k < columns.size(); ++k) {
        if (k) line.push_back(',');
        line += keys[k];
        SPARKIFY_RETURN_NOT_OK(
            parquet::append_json_value(columns[k], data[k], static_cast<size_t>(r), &line));
      }
      line += "}\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
  }
  return Status::OK();
}

CLI::App* add_file_subcommand(CLI::App* parent, const char* name, const char* help,
                              ParquetFlags& f) {
  CLI::App* sub = parent->add_subcommand(name, help);
  sub->add_option("FILE", f.file, "Parquet file: a local path or an s3:// URL")->required();
  add_storage_flags(sub, f.storage);
  return sub;
}

}  // namespace

Command add_parquet_command(CLI::App& app) {
  auto f = std::make_shared<ParquetFlags>();
  CLI::App* sub = app.add_subcommand("parquet",
                                     "Inspect a flat Parquet file (any writer, local or S3): "
                                     "schema, footer metadata, rows as JSON");
  sub->require_subcommand(1);
  CLI::App* schema = add_file_subcommand(
      sub, "schema", "Print one line per column: name, repetition, physical and logical type", *f);
  CLI::App* meta = add_file_subcommand(sub, "meta",
                                       "Print the footer: row groups, column chunks, encodings, "
                                       "codecs, statistics, key-value metadata",
                                       *f);
  CLI::App* cat = add_file_subcommand(sub, "cat",
                                      "Print the rows as JSON lines keyed by column name "
                                      "(timestamps ISO-8601, decimals as exact strings, "
                                      "binary as base64)",
                                      *f);
  cat->add_option("--limit", f->limit, "Print at most N rows")->check(CLI::NonNegativeNumber);

  Command command;
  command.app = sub;
  command.run = [f, schema, meta, cat]() -> int {
    const char* which = schema->parsed() ? "schema" : meta->parsed() ? "meta" : "cat";
    auto open = open_file(*f);
    Status st = open.ok() ? Status::OK() : open.status();
    if (st.ok()) {
      if (schema->parsed())
        st = print_schema(*open->reader);
      else if (meta->parsed())
        st = print_meta(f->file, *open->reader);
      else if (cat->parsed())
        st = print_rows(*open->reader, f->limit);
    }
    std::fflush(stdout);
    if (!st.ok()) {
      fmt::print(stderr, "sparkify parquet {}: {}\n", which, st.message());
      return 1;
    }
    return 0;
  };
  return command;
}

}  // namespace sparkify::cli
