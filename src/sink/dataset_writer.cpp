#include "sink/dataset_writer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>

#include "common/hash.h"
#include "common/parallel.h"
#include "common/version.h"
#include "lake/file_schema.h"
#include "lake/hive_partition.h"
#include "parquet/file_writer.h"

namespace sparkify::sink {

namespace {

using Strings = std::vector<std::string_view>;

// One partition: its folder (relative to the table) and its rows in table order.
struct Partition {
  std::string folder;
  std::vector<uint32_t> rows;
};

// One output file: a slice of a partition's rows.
struct FileTask {
  const Partition* partition;
  size_t begin, end;
  size_t index;
};

std::string spark_type(model::ColumnType type) {
  switch (type) {
    case model::ColumnType::kInt32:
      return "integer";
    case model::ColumnType::kInt64:
      return "long";
    case model::ColumnType::kDouble:
      return "double";
    case model::ColumnType::kString:
      return "string";
    case model::ColumnType::kTimestampMicros:
      return "timestamp";
  }
  return "string";
}

// The StructType JSON Spark stores in its files, so Spark reads ours with the exact types.
std::string spark_row_metadata(const model::TableSpec& spec) {
  std::string json = R"({"type":"struct","fields":[)";
  bool first = true;
  for (const auto& c : spec.columns) {
    if (std::find(spec.partition_by.begin(), spec.partition_by.end(), c.name) !=
        spec.partition_by.end()) {
      continue;
    }
    if (!first) json += ",";
    first = false;
    json += R"({"name":")" + c.name + R"(","type":")" + spark_type(c.type) + R"(","nullable":)" +
            (c.required ? "false" : "true") + R"(,"metadata":{}})";
  }
  return json + "]}";
}

// Appends a row's partition values to a compact binary key.
void append_key(std::string& key, const model::Column& column, size_t row) {
  if (column.is_null(row)) {
    key.push_back('\0');
    return;
  }
  key.push_back('\1');
  std::visit(
      [&](const auto& values) {
        using V = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<V, Strings> || std::is_same_v<V, model::DictionaryColumn>) {
          std::string_view s = column.string_at(row);
          uint32_t n = static_cast<uint32_t>(s.size());
          key.append(reinterpret_cast<const char*>(&n), sizeof n);
          key.append(s);
        } else {
          key.append(reinterpret_cast<const char*>(&values[row]), sizeof values[row]);
        }
      },
      column.values);
}

// True when rows `a` and `b` of `column` give the same bytes to append_key.
bool same_key_part(const model::Column& column, size_t a, size_t b) {
  bool null_a = column.is_null(a), null_b = column.is_null(b);
  if (null_a || null_b) return null_a == null_b;
  return std::visit(
      [&](const auto& values) {
        using V = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<V, Strings> || std::is_same_v<V, model::DictionaryColumn>) {
          return column.string_at(a) == column.string_at(b);
        } else {
          return std::memcmp(&values[a], &values[b], sizeof values[a]) == 0;
        }
      },
      column.values);
}

std::string folder_value(const model::ColumnSpec& spec, const model::Column& column, size_t row) {
  if (column.is_null(row)) return lake::partition_folder(spec.name, std::nullopt);
  return std::visit(
      [&](const auto& values) -> std::string {
        using V = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<V, Strings> || std::is_same_v<V, model::DictionaryColumn>) {
          return lake::partition_folder(spec.name, column.string_at(row));
        } else if constexpr (std::is_same_v<V, std::vector<double>>) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", values[row]);
          return lake::partition_folder(spec.name, std::string_view(buf));
        } else {
          return lake::partition_folder(spec.name, std::to_string(values[row]));
        }
      },
      column.values);
}

// What one pass of group_rows found.
struct Grouped {
  std::vector<std::string> keys;  // one per partition below (row ranges are joined by key)
  std::vector<Partition> partitions;
};

// One pass of group_rows: rows [begin, end) into partitions in the order of their first rows,
// each partition's rows in table order; with `parts` > 1 only the rows whose key hashes to
// `part` (so several passes can share one range, each taking its own partitions).
void group_range(const model::TableData& table, const std::vector<int>& partition_columns,
                 size_t begin, size_t end, size_t part, size_t parts, Grouped& out) {
  std::unordered_map<std::string, size_t> ids;
  std::string key;
  size_t previous_id = SIZE_MAX;  // SIZE_MAX - 1: the previous row was another part's
  auto same_as_previous = [&](size_t row) {
    for (int c : partition_columns) {
      if (!same_key_part(table.columns[c], row, row - 1)) return false;
    }
    return true;
  };
  for (size_t row = begin; row < end; ++row) {
    size_t id;
    if (previous_id != SIZE_MAX && same_as_previous(row)) {
      // Rows arrive grouped (a log file is one day): no key built, no hash lookup.
      if (previous_id == SIZE_MAX - 1) continue;
      id = previous_id;
    } else {
      key.clear();
      for (int c : partition_columns) append_key(key, table.columns[c], row);
      if (parts > 1 && hash_bytes(key) % parts != part) {
        previous_id = SIZE_MAX - 1;
        continue;
      }
      auto [it, inserted] = ids.try_emplace(key, out.partitions.size());
      if (inserted) {
        Partition p;
        for (int c : partition_columns) {
          if (!p.folder.empty()) p.folder.push_back('/');
          p.folder += folder_value(table.spec->columns[c], table.columns[c], row);
        }
        out.partitions.push_back(std::move(p));
        if (parts == 1) out.keys.push_back(key);  // partitions split by hash never meet
      }
      id = it->second;
      previous_id = id;
    }
    out.partitions[id].rows.push_back(static_cast<uint32_t>(row));
  }
}

// Rows by partition, partitions in the order their first rows come, each partition's rows in
// table order, the same on any number of threads. A large table (the songplays: many rows, few
// partitions) is grouped in contiguous ranges of rows on the threads, joined in range order; a
// smaller one with many partitions (the songs: 50k rows in 35k folders) is split by partition:
// each thread reads every row's key and groups those that hash to it, and the partitions join
// in the order of their first rows.
std::vector<Partition> group_rows(const model::TableData& table,
                                  const std::vector<int>& partition_columns, int threads) {
  std::vector<Partition> partitions;
  if (partition_columns.empty()) {
    Partition all;
    all.rows.resize(table.num_rows);
    for (size_t i = 0; i < table.num_rows; ++i) all.rows[i] = static_cast<uint32_t>(i);
    partitions.push_back(std::move(all));
    return partitions;
  }
  const size_t n = table.num_rows;
  const auto workers = static_cast<size_t>(std::max(1, threads));
  const bool by_rows = n >= (1u << 16);
  const size_t parts = workers == 1 || n < 4096 ? 1 : workers;
  std::vector<Grouped> found(parts);
  (void)parallel_for(parts, threads, [&](size_t r, int) {
    if (by_rows) {
      group_range(table, partition_columns, n * r / parts, n * (r + 1) / parts, 0, 1, found[r]);
    } else {
      group_range(table, partition_columns, 0, n, r, parts, found[r]);
    }
    return Status::OK();
  });
  if (parts == 1) return std::move(found[0].partitions);
  if (!by_rows) {
    for (Grouped& g : found) {
      for (Partition& p : g.partitions) partitions.push_back(std::move(p));
    }
    std::sort(partitions.begin(), partitions.end(), [](const Partition& a, const Partition& b) {
      return a.rows.front() < b.rows.front();
    });
    return partitions;
  }
  std::unordered_map<std::string, size_t> ids;
  for (Grouped& range : found) {
    for (size_t i = 0; i < range.partitions.size(); ++i) {
      auto [it, inserted] = ids.try_emplace(std::move(range.keys[i]), partitions.size());
      if (inserted) {
        partitions.push_back(std::move(range.partitions[i]));
      } else {
        auto& rows = partitions[it->second].rows;
        rows.insert(rows.end(), range.partitions[i].rows.begin(), range.partitions[i].rows.end());
      }
    }
  }
  return partitions;
}

// Per-thread scratch for gathering a file's rows out of the table's columns.
struct Scratch {
  std::unique_ptr<parquet::FileWriter> writer;  // reopened for each file the worker encodes
  size_t last_file_bytes = 0;                   // the size of the file it encoded last
  std::vector<std::vector<uint8_t>> valid;
  std::vector<
      std::variant<std::vector<int32_t>, std::vector<int64_t>, std::vector<double>, Strings>>
      values;
};

parquet::ColumnView view_of(const model::Column& column, const std::vector<uint32_t>& rows,
                            size_t begin, size_t end, size_t slot, Scratch& scratch) {
  parquet::ColumnView view;
  size_t n = end - begin;
  bool contiguous = n == 0 || rows[end - 1] - rows[begin] + 1 == n;
  size_t first = n == 0 ? 0 : rows[begin];
  if (contiguous) {
    if (!column.valid.empty()) view.validity = {column.valid.data() + first, n};
  } else if (!column.valid.empty()) {
    auto& valid = scratch.valid[slot];
    valid.resize(n);
    for (size_t i = 0; i < n; ++i) valid[i] = column.valid[rows[begin + i]];
    view.validity = valid;
  }
  // Contiguous rows are viewed in place; others are gathered into the worker's scratch.
  auto select = [&]<typename T>(const std::vector<T>& values) -> std::span<const T> {
    if (contiguous) return std::span<const T>(values.data() + first, n);
    if (!std::holds_alternative<std::vector<T>>(scratch.values[slot])) {
      scratch.values[slot] = std::vector<T>{};
    }
    auto& out = std::get<std::vector<T>>(scratch.values[slot]);
    out.resize(n);
    for (size_t i = 0; i < n; ++i) out[i] = values[rows[begin + i]];
    return std::span<const T>(out.data(), n);
  };
  std::visit(
      [&](const auto& values) {
        using V = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<V, model::DictionaryColumn>) {
          view.values = parquet::DictionaryStrings{values.dictionary, select(values.indices)};
        } else {
          view.values = select(values);
        }
      },
      column.values);
  return view;
}

}  // namespace

std::string codec_file_tag(parquet::Codec codec) {
  switch (codec) {
    case parquet::Codec::kSnappy:
      return ".snappy";
    case parquet::Codec::kZstd:
      return ".zstd";
    case parquet::Codec::kGzip:
      return ".gz";
    case parquet::Codec::kLz4:
    case parquet::Codec::kLz4Raw:
      return ".lz4";
    case parquet::Codec::kBrotli:
      return ".brotli";
    case parquet::Codec::kUncompressed:
      return "";
  }
  return "";
}

namespace {

// The partition columns and the columns written into the files, by index into the spec.
struct ColumnSplit {
  std::vector<int> partition, data;
};

ColumnSplit split_columns(const model::TableSpec& spec) {
  ColumnSplit split;
  for (const auto& name : spec.partition_by) split.partition.push_back(spec.column_index(name));
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (std::find(split.partition.begin(), split.partition.end(), static_cast<int>(i)) ==
        split.partition.end()) {
      split.data.push_back(static_cast<int>(i));
    }
  }
  return split;
}

// One file per `max_rows_per_file` rows of each partition, numbered in partition order.
std::vector<FileTask> plan_files(const std::vector<Partition>& partitions, size_t max_rows) {
  std::vector<FileTask> tasks;
  size_t per_file = std::max<size_t>(1, max_rows);
  for (const Partition& p : partitions) {
    size_t n = p.rows.size();
    for (size_t begin = 0; begin < n || (n == 0 && begin == 0); begin += per_file) {
      tasks.push_back({&p, begin, std::min(n, begin + per_file), tasks.size()});
      if (n == 0) break;  // an empty unpartitioned table still gets one (empty) file
    }
  }
  return tasks;
}

// Creates every folder first, each with one mkdir: writing into a missing folder would cost a
// failed open and a mkdir per level for each of tens of thousands of small files.
Status make_partition_dirs(io::FileSystem& fs, const std::string& dir,
                           const std::vector<Partition>& partitions, int threads) {
  SPARKIFY_RETURN_NOT_OK(fs.make_dirs(dir));
  return parallel_for(partitions.size(), threads, [&](size_t p, int) {
    if (partitions[p].folder.empty()) return Status::OK();
    return fs.make_dirs(io::FileSystem::join(dir, partitions[p].folder));
  });
}

parquet::WriterOptions parquet_options(const model::TableSpec& spec,
                                       const DatasetWriteOptions& options) {
  parquet::WriterOptions writer_options;
  writer_options.codec = options.codec;
  writer_options.compression_level = options.compression_level;
  writer_options.key_value_metadata = {
      {"org.apache.spark.sql.parquet.row.metadata", spark_row_metadata(spec)},
      {"sparkify.version", SPARKIFY_VERSION}};
  return writer_options;
}

// Encodes one file, a slice of one partition's rows, in memory.
Result<parquet::BufferOutputStream> encode_file(const model::TableData& table,
                                                const std::vector<int>& data_columns,
                                                const FileTask& task, Scratch& scratch,
                                                const parquet::Schema& schema,
                                                const parquet::WriterOptions& writer_options) {
  std::vector<parquet::ColumnView> views;
  views.reserve(data_columns.size());
  for (size_t i = 0; i < data_columns.size(); ++i) {
    views.push_back(view_of(table.columns[data_columns[i]], task.partition->rows, task.begin,
                            task.end, i, scratch));
  }
  // Files of a table come out at much the same size: room for the last one and a little more.
  parquet::BufferOutputStream out(scratch.last_file_bytes + scratch.last_file_bytes / 8);
  if (scratch.writer) {
    SPARKIFY_RETURN_NOT_OK(scratch.writer->reopen(&out));
  } else {
    SPARKIFY_ASSIGN_OR_RETURN(scratch.writer,
                              parquet::FileWriter::Make(schema, writer_options, &out));
  }
  Status st = scratch.writer->write_batch(views, task.end - task.begin);
  if (st.ok()) st = scratch.writer->close();
  if (!st.ok()) {
    scratch.writer.reset();  // failed: not reopened
    return st;
  }
  scratch.last_file_bytes = out.bytes().size();
  return out;
}

}  // namespace

Result<DatasetWriteResult> write_dataset(io::FileSystem& fs, const std::string& dir,
                                         const model::TableData& table,
                                         const DatasetWriteOptions& options) {
  const model::TableSpec& spec = *table.spec;
  ColumnSplit columns = split_columns(spec);
  std::vector<Partition> partitions = group_rows(table, columns.partition, options.threads);
  std::vector<FileTask> tasks = plan_files(partitions, options.max_rows_per_file);
  parquet::WriterOptions writer_options = parquet_options(spec, options);
  parquet::Schema schema = lake::parquet_schema_for(spec);
  std::string suffix = ".c000" + codec_file_tag(options.codec) + ".parquet";

  int threads = std::max(1, options.threads);
  SPARKIFY_RETURN_NOT_OK(make_partition_dirs(fs, dir, partitions, threads));

  std::vector<Scratch> scratch(threads);
  for (auto& s : scratch) {
    s.valid.resize(columns.data.size());
    s.values.resize(columns.data.size());
  }
  std::vector<std::unique_ptr<io::BatchWriter>> writers(threads);
  std::vector<std::string> names(tasks.size());
  std::vector<uint64_t> sizes(tasks.size());
  Status status = parallel_for(tasks.size(), threads, [&](size_t t, int worker) -> Status {
    const FileTask& task = tasks[t];
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "part-%05zu-", options.first_file_index + task.index);
    std::string name = std::string(prefix) + options.job_uuid + suffix;
    if (!task.partition->folder.empty()) name = task.partition->folder + "/" + name;
    SPARKIFY_ASSIGN_OR_RETURN(
        auto file, encode_file(table, columns.data, task, scratch[worker], schema, writer_options));
    if (!writers[worker]) {
      writers[worker] = options.pending ? fs.pending_writer(*options.pending) : fs.batch_writer();
    }
    sizes[t] = file.bytes().size();
    names[t] = name;
    return writers[worker]->write(io::FileSystem::join(dir, name), file.release());
  });
  for (auto& w : writers) {
    if (!w) continue;
    Status finished = w->finish();
    if (status.ok()) status = finished;
  }
  SPARKIFY_RETURN_NOT_OK(status.with_context("writing table " + spec.name));

  DatasetWriteResult result;
  result.files = std::move(names);
  result.rows = table.num_rows;
  result.partitions = columns.partition.empty() ? 1 : partitions.size();
  for (uint64_t s : sizes) result.bytes += s;
  for (const Partition& p : partitions) result.partition_folders.push_back(p.folder);
  return result;
}

}  // namespace sparkify::sink
