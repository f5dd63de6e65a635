#include "sink/dataset_writer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>

#include "common/parallel.h"
#include "common/version.h"
#include "parquet/file_writer.h"
#include "sink/hive_partition.h"

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

std::string folder_value(const model::ColumnSpec& spec, const model::Column& column, size_t row) {
  if (column.is_null(row)) return partition_folder(spec.name, std::nullopt);
  return std::visit(
      [&](const auto& values) -> std::string {
        using V = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<V, Strings> || std::is_same_v<V, model::DictionaryColumn>) {
          return partition_folder(spec.name, column.string_at(row));
        } else if constexpr (std::is_same_v<V, std::vector<double>>) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", values[row]);
          return partition_folder(spec.name, std::string_view(buf));
        } else {
          return partition_folder(spec.name, std::to_string(values[row]));
        }
      },
      column.values);
}

std::vector<Partition> group_rows(const model::TableData& table,
                                  const std::vector<int>& partition_columns) {
  std::vector<Partition> partitions;
  if (partition_columns.empty()) {
    Partition all;
    all.rows.resize(table.num_rows);
    for (size_t i = 0; i < table.num_rows; ++i) all.rows[i] = static_cast<uint32_t>(i);
    partitions.push_back(std::move(all));
    return partitions;
  }
  std::unordered_map<std::string, size_t> ids;
  std::string key, previous_key;
  size_t previous_id = SIZE_MAX;
  for (size_t row = 0; row < table.num_rows; ++row) {
    key.clear();
    for (int c : partition_columns) append_key(key, table.columns[c], row);
    size_t id;
    if (previous_id != SIZE_MAX && key == previous_key) {
      id = previous_id;  // rows arrive grouped (a log file is one day): skip the hash lookup
    } else {
      auto [it, inserted] = ids.try_emplace(key, partitions.size());
      if (inserted) {
        Partition p;
        for (int c : partition_columns) {
          if (!p.folder.empty()) p.folder.push_back('/');
          p.folder += folder_value(table.spec->columns[c], table.columns[c], row);
        }
        partitions.push_back(std::move(p));
      }
      id = it->second;
      previous_key = key;
      previous_id = id;
    }
    partitions[id].rows.push_back(static_cast<uint32_t>(row));
  }
  return partitions;
}

// Per-thread scratch for gathering a file's rows out of the table's columns.
struct Scratch {
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

// Collects one file in a Buffer that goes to the file system as is: a copy would hold each file
// twice at the moment the workers finish theirs, which is the top of a songplays batch.
class BufferSink final : public parquet::OutputStream {
 public:
  Status write(const void* data, size_t size) override {
    if (size == 0) return Status::OK();
    if (size_ + size > buffer_.size()) grow(size_ + size);
    std::memcpy(buffer_.data() + size_, data, size);
    size_ += size;
    return Status::OK();
  }
  size_t size() const { return size_; }
  Buffer take() {
    buffer_.truncate(size_);
    return std::move(buffer_);
  }

 private:
  void grow(size_t needed) {
    Buffer bigger = Buffer::Allocate(std::max({needed, buffer_.size() * 2, size_t{64} << 10}));
    if (size_ > 0) std::memcpy(bigger.data(), buffer_.data(), size_);
    buffer_ = std::move(bigger);
  }

  Buffer buffer_;
  size_t size_ = 0;
};

}  // namespace

parquet::Schema parquet_schema_for(const model::TableSpec& spec) {
  parquet::Schema schema;
  for (const auto& c : spec.columns) {
    if (std::find(spec.partition_by.begin(), spec.partition_by.end(), c.name) !=
        spec.partition_by.end()) {
      continue;
    }
    auto rep = c.required ? parquet::Repetition::kRequired : parquet::Repetition::kOptional;
    switch (c.type) {
      case model::ColumnType::kInt32:
        schema.columns.push_back(parquet::ColumnSchema::Int32(c.name, rep));
        break;
      case model::ColumnType::kInt64:
        schema.columns.push_back(parquet::ColumnSchema::Int64(c.name, rep));
        break;
      case model::ColumnType::kDouble:
        schema.columns.push_back(parquet::ColumnSchema::Double(c.name, rep));
        break;
      case model::ColumnType::kString:
        schema.columns.push_back(parquet::ColumnSchema::String(c.name, rep));
        break;
      case model::ColumnType::kTimestampMicros:
        schema.columns.push_back(parquet::ColumnSchema::TimestampMicros(c.name, rep));
        break;
    }
  }
  return schema;
}

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

Result<DatasetWriteResult> write_dataset(io::FileSystem& fs, const std::string& dir,
                                         const model::TableData& table,
                                         const DatasetWriteOptions& options) {
  const model::TableSpec& spec = *table.spec;
  std::vector<int> partition_columns, data_columns;
  for (const auto& name : spec.partition_by) partition_columns.push_back(spec.column_index(name));
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (std::find(partition_columns.begin(), partition_columns.end(), static_cast<int>(i)) ==
        partition_columns.end()) {
      data_columns.push_back(static_cast<int>(i));
    }
  }

  std::vector<Partition> partitions = group_rows(table, partition_columns);
  std::vector<FileTask> tasks;
  size_t per_file = std::max<size_t>(1, options.max_rows_per_file);
  for (const Partition& p : partitions) {
    size_t n = p.rows.size();
    for (size_t begin = 0; begin < n || (n == 0 && begin == 0); begin += per_file) {
      tasks.push_back({&p, begin, std::min(n, begin + per_file), tasks.size()});
      if (n == 0) break;  // an empty unpartitioned table still gets one (empty) file
    }
  }

  parquet::WriterOptions writer_options;
  writer_options.codec = options.codec;
  writer_options.compression_level = options.compression_level;
  writer_options.key_value_metadata = {
      {"org.apache.spark.sql.parquet.row.metadata", spark_row_metadata(spec)},
      {"sparkify.version", SPARKIFY_VERSION}};
  parquet::Schema schema = parquet_schema_for(spec);
  std::string suffix = ".c000" + codec_file_tag(options.codec) + ".parquet";

  int threads = std::max(1, options.threads);
  // Create every folder first, each with one mkdir: writing into a missing folder would cost a
  // failed open and a mkdir per level for each of tens of thousands of small files.
  SPARKIFY_RETURN_NOT_OK(fs.make_dirs(dir));
  SPARKIFY_RETURN_NOT_OK(parallel_for(partitions.size(), threads, [&](size_t p, int) {
    if (partitions[p].folder.empty()) return Status::OK();
    return fs.make_dirs(io::FileSystem::join(dir, partitions[p].folder));
  }));

  std::vector<Scratch> scratch(threads);
  for (auto& s : scratch) {
    s.valid.resize(data_columns.size());
    s.values.resize(data_columns.size());
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

    std::vector<parquet::ColumnView> views;
    views.reserve(data_columns.size());
    for (size_t i = 0; i < data_columns.size(); ++i) {
      views.push_back(view_of(table.columns[data_columns[i]], task.partition->rows, task.begin,
                              task.end, i, scratch[worker]));
    }
    BufferSink out;
    SPARKIFY_ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Make(schema, writer_options, &out));
    SPARKIFY_RETURN_NOT_OK(writer->write_batch(views, task.end - task.begin));
    SPARKIFY_RETURN_NOT_OK(writer->close());
    if (!writers[worker]) {
      writers[worker] = options.pending ? fs.pending_writer(*options.pending) : fs.batch_writer();
    }
    sizes[t] = out.size();
    names[t] = name;
    return writers[worker]->write(io::FileSystem::join(dir, name), out.take());
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
  result.partitions = partition_columns.empty() ? 1 : partitions.size();
  for (uint64_t s : sizes) result.bytes += s;
  for (const Partition& p : partitions) result.partition_folders.push_back(p.folder);
  return result;
}

}  // namespace sparkify::sink
