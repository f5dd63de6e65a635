#include "lake/lake_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <memory>

#include "common/parallel.h"
#include "lake/file_schema.h"
#include "lake/hive_partition.h"
#include "lake/manifest.h"
#include "parquet/file_reader.h"
#include "parquet/metadata.h"
#include "parquet/value_json.h"

namespace sparkify::lake {

namespace {

using Strings = std::vector<std::string_view>;

bool hidden(std::string_view rel) {
  size_t start = 0;
  while (true) {
    if (start < rel.size() && (rel[start] == '_' || rel[start] == '.')) return true;
    size_t slash = rel.find('/', start);
    if (slash == std::string_view::npos) return false;
    start = slash + 1;
  }
}

// A file's decoded columns plus its partition values, in table-column order.
struct FilePart {
  std::vector<parquet::ColumnData> data;  // one per table column (partition ones filled here)
  size_t rows = 0;
};

/// Whether a file column can be read as the table column: our own types exactly, and what Spark
/// writes with its defaults for the same data (INT96 timestamps, int32/int64 integers either way,
/// FLOAT for DOUBLE).
bool readable_as(const parquet::ColumnSchema& got, const model::ColumnSpec& want) {
  using model::ColumnType;
  using parquet::LogicalType;
  using parquet::PhysicalType;
  const bool plain_integer =
      got.logical == LogicalType::kNone || (got.logical == LogicalType::kInteger && got.int_signed);
  const bool integer =
      (got.physical == PhysicalType::kInt32 || got.physical == PhysicalType::kInt64) &&
      plain_integer;
  switch (want.type) {
    case ColumnType::kInt32:
    case ColumnType::kInt64:
      return integer;
    case ColumnType::kDouble:
      return got.physical == PhysicalType::kDouble || got.physical == PhysicalType::kFloat;
    case ColumnType::kString:
      return got.physical == PhysicalType::kByteArray &&
             (got.logical == LogicalType::kNone || got.logical == LogicalType::kString);
    case ColumnType::kTimestampMicros:
      return got.physical == PhysicalType::kInt96 ||
             (got.physical == PhysicalType::kInt64 &&
              (got.logical == LogicalType::kTimestampMillis ||
               got.logical == LogicalType::kTimestampMicros ||
               got.logical == LogicalType::kTimestampNanos));
  }
  return false;
}

/// Converts a column read with readable_as() to the vector type of the table column, in place.
Status convert_column(const std::string& file, const parquet::ColumnSchema& got,
                      const model::ColumnSpec& want, parquet::ColumnData& data) {
  using model::ColumnType;
  auto fail = [&](const char* what) {
    return Status::Corrupt(file + ": column " + want.name + " holds " + what);
  };
  switch (want.type) {
    case ColumnType::kString:
      return Status::OK();
    case ColumnType::kInt32:
      if (auto* wide = std::get_if<std::vector<int64_t>>(&data.values)) {
        std::vector<int32_t> narrow(wide->size());
        for (size_t i = 0; i < wide->size(); ++i) {
          if ((*wide)[i] < INT32_MIN || (*wide)[i] > INT32_MAX)
            return fail("a value outside 32-bit integers");
          narrow[i] = static_cast<int32_t>((*wide)[i]);
        }
        data.values = std::move(narrow);
      }
      return Status::OK();
    case ColumnType::kInt64:
      if (auto* narrow = std::get_if<std::vector<int32_t>>(&data.values)) {
        data.values = std::vector<int64_t>(narrow->begin(), narrow->end());
      }
      return Status::OK();
    case ColumnType::kDouble:
      if (auto* f = std::get_if<std::vector<float>>(&data.values)) {
        data.values = std::vector<double>(f->begin(), f->end());
      }
      return Status::OK();
    case ColumnType::kTimestampMicros:
      if (auto* int96 = std::get_if<std::vector<parquet::Int96>>(&data.values)) {
        std::vector<int64_t> micros(int96->size());
        for (size_t i = 0; i < int96->size(); ++i) {
          if (!data.is_null(i)) micros[i] = parquet::int96_to_unix_micros((*int96)[i]);
        }
        data.values = std::move(micros);
        return Status::OK();
      }
      if (auto* v = std::get_if<std::vector<int64_t>>(&data.values)) {
        if (got.logical == parquet::LogicalType::kTimestampMillis) {
          for (int64_t& x : *v) {
            if (__builtin_mul_overflow(x, int64_t{1000}, &x))
              return fail("a timestamp outside 64-bit microseconds");
          }
        } else if (got.logical == parquet::LogicalType::kTimestampNanos) {
          for (int64_t& x : *v) x = x / 1000 - (x % 1000 < 0);  // floor, as Spark and DuckDB do
        }
      }
      return Status::OK();
  }
  return Status::OK();
}

Status fill_partition_column(const std::string& file, const model::ColumnSpec& spec,
                             const std::string& value, bool is_null, size_t rows,
                             parquet::ColumnData& out) {
  if (is_null) out.validity.assign(rows, 0);
  if (spec.type == model::ColumnType::kString) {
    parquet::StringColumn s;
    s.offsets.reserve(rows + 1);
    for (size_t i = 0; i < rows; ++i) {
      if (!is_null) s.data += value;
      s.offsets.push_back(s.data.size());
    }
    out.values = std::move(s);
    return Status::OK();
  }
  int64_t v = 0;
  if (!is_null) {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size()) {
      return Status::Corrupt(file + ": partition value " + spec.name + "=" + value +
                             " is not an integer");
    }
  }
  if (spec.type == model::ColumnType::kInt32) {
    out.values = std::vector<int32_t>(rows, static_cast<int32_t>(v));
  } else {
    out.values = std::vector<int64_t>(rows, v);
  }
  return Status::OK();
}

// Partition values come from the folders: songs/year=1969/artist_id=AR…/part-….parquet
Result<std::vector<PartitionValue>> partition_values(const std::string& path, std::string_view rel,
                                                     const model::TableSpec& spec) {
  std::vector<PartitionValue> out;
  std::string_view remaining(rel);
  for (const auto& pname : spec.partition_by) {
    size_t slash = remaining.find('/');
    if (slash == std::string_view::npos) {
      return Status::Corrupt(path + ": not inside a " + pname + "= folder");
    }
    std::string_view name;
    PartitionValue v;
    if (!parse_partition_folder(remaining.substr(0, slash), name, v.value, v.is_null) ||
        name != pname) {
      return Status::Corrupt(path + ": expected a " + pname + "= folder");
    }
    v.column = static_cast<size_t>(spec.column_index(pname));
    out.push_back(std::move(v));
    remaining = remaining.substr(slash + 1);
  }
  return out;
}

Result<FilePart> read_file(io::FileSystem& fs, const std::string& table_dir, const std::string& rel,
                           const model::TableSpec& spec, const parquet::Schema& file_schema) {
  std::string path = io::FileSystem::join(table_dir, rel);
  SPARKIFY_ASSIGN_OR_RETURN(Buffer bytes, fs.read(path));
  SPARKIFY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(bytes.bytes(), path));
  FilePart part;
  part.rows = static_cast<size_t>(reader->num_rows());
  part.data.resize(spec.columns.size());
  for (const auto& file_column : file_schema.columns) {
    int col = spec.column_index(file_column.name);
    SPARKIFY_ASSIGN_OR_RETURN(part.data[col],
                              read_lake_column(*reader, -1, spec.columns[col], path));
  }
  SPARKIFY_ASSIGN_OR_RETURN(auto partitions, partition_values(path, rel, spec));
  for (const auto& p : partitions) {
    SPARKIFY_RETURN_NOT_OK(fill_partition_column(path, spec.columns[p.column], p.value, p.is_null,
                                                 part.rows, part.data[p.column]));
  }
  return part;
}

template <typename T, typename AppendValid>
std::vector<T> concat(std::vector<FilePart>& parts, size_t column, AppendValid& append_valid) {
  std::vector<T> out;
  for (auto& p : parts) {
    auto& src = std::get<std::vector<T>>(p.data[column].values);
    out.insert(out.end(), src.begin(), src.end());
    append_valid(p.data[column], p.rows);
  }
  return out;
}

}  // namespace

Result<parquet::ColumnData> read_lake_column(parquet::FileReader& reader, int row_group,
                                             const model::ColumnSpec& want,
                                             const std::string& path) {
  const auto& columns = reader.schema().columns;
  for (size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].name != want.name) continue;
    if (!readable_as(columns[k], want)) break;
    auto column = row_group < 0 ? reader.read_column(static_cast<int>(k))
                                : reader.read_column(row_group, static_cast<int>(k));
    if (!column.ok()) return column.status();
    SPARKIFY_RETURN_NOT_OK(convert_column(path, columns[k], want, *column));
    return column;
  }
  return Status::Corrupt(path + ": column " + want.name + " is missing or has another type");
}

Result<std::optional<parquet::DictionaryColumn>> read_lake_dictionary(parquet::FileReader& reader,
                                                                      int row_group,
                                                                      const model::ColumnSpec& want,
                                                                      const std::string& path) {
  const auto& columns = reader.schema().columns;
  for (size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].name != want.name) continue;
    if (want.type != model::ColumnType::kString || !readable_as(columns[k], want)) break;
    return reader.read_dictionary_column(row_group, static_cast<int>(k));
  }
  return Status::Corrupt(path + ": column " + want.name + " is missing or has another type");
}

Result<LakeListing> list_lake_table(io::FileSystem& fs, const std::string& root,
                                    const model::TableSpec& spec) {
  LakeListing out;
  out.dir = io::FileSystem::join(root, spec.name);
  auto listed = fs.list(out.dir);
  if (!listed.ok()) {
    if (listed.status().code() == ErrorCode::kNotFound) {
      return Status::NotFound("the lake has no " + spec.name + " table at " + out.dir);
    }
    return listed.status();
  }
  for (const auto& info : *listed) {
    if (info.path == "_SUCCESS") out.has_success = true;
    if (hidden(info.path)) continue;
    if (info.path.size() >= 8 && info.path.compare(info.path.size() - 8, 8, ".parquet") == 0) {
      out.files.push_back(info.path);
    }
  }
  std::sort(out.files.begin(), out.files.end());
  return out;
}

const Result<LakeListing>& LakeListings::of(const model::TableSpec& spec) {
  auto it = listed_.find(spec.name);
  if (it == listed_.end()) it = listed_.emplace(spec.name, list_lake_table(fs_, root_, spec)).first;
  return it->second;
}

Result<std::optional<uint64_t>> manifest_rows(io::FileSystem& fs, const LakeListing& listing) {
  if (!listing.has_success) return std::optional<uint64_t>();
  SPARKIFY_ASSIGN_OR_RETURN(Buffer bytes, fs.read(io::FileSystem::join(listing.dir, "_SUCCESS")));
  std::string_view text = bytes.view();
  std::optional<uint64_t> rows = parse_success_manifest_rows(text);
  if (!rows) return rows;
  std::optional<std::vector<std::string>> named = parse_success_manifest(text);
  if (!std::is_sorted(named->begin(), named->end())) std::sort(named->begin(), named->end());
  if (*named != listing.files) return std::optional<uint64_t>();
  return rows;
}

Result<LakeTable> read_lake_table(io::FileSystem& fs, const std::string& root,
                                  const model::TableSpec& spec, int threads) {
  SPARKIFY_ASSIGN_OR_RETURN(LakeListing listing, list_lake_table(fs, root, spec));
  LakeTable out;
  out.has_success = listing.has_success;
  out.files = listing.files.size();
  const std::string& dir = listing.dir;
  const std::vector<std::string>& files = listing.files;

  parquet::Schema file_schema = parquet_schema_for(spec);
  std::vector<FilePart> parts(files.size());
  SPARKIFY_RETURN_NOT_OK(parallel_for(files.size(), threads, [&](size_t i, int) -> Status {
    SPARKIFY_ASSIGN_OR_RETURN(parts[i], read_file(fs, dir, files[i], spec, file_schema));
    return Status::OK();
  }));

  // Concatenate the files column by column. Strings stay in the decoded StringColumns, which the
  // table keeps alive; the Column holds views into them.
  model::TableData& table = out.data;
  table.spec = &spec;
  for (const auto& p : parts) table.num_rows += p.rows;
  table.columns.resize(spec.columns.size());
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    bool any_null = false;
    for (const auto& p : parts) any_null |= !p.data[c].validity.empty();
    std::vector<uint8_t> valid;
    if (any_null) valid.reserve(table.num_rows);
    auto append_valid = [&](const parquet::ColumnData& d, size_t rows) {
      if (!any_null) return;
      if (d.validity.empty())
        valid.insert(valid.end(), rows, 1);
      else
        valid.insert(valid.end(), d.validity.begin(), d.validity.end());
    };
    switch (spec.columns[c].type) {
      case model::ColumnType::kString: {
        Strings views;
        views.reserve(table.num_rows);
        for (auto& p : parts) {
          auto owned = std::make_shared<parquet::StringColumn>(
              std::move(std::get<parquet::StringColumn>(p.data[c].values)));
          for (size_t i = 0; i < owned->size(); ++i) views.push_back(owned->at(i));
          append_valid(p.data[c], p.rows);
          table.owners.push_back(owned);
        }
        table.columns[c].values = std::move(views);
        break;
      }
      case model::ColumnType::kInt32:
        table.columns[c].values = concat<int32_t>(parts, c, append_valid);
        break;
      case model::ColumnType::kInt64:
      case model::ColumnType::kTimestampMicros:
        table.columns[c].values = concat<int64_t>(parts, c, append_valid);
        break;
      case model::ColumnType::kDouble:
        table.columns[c].values = concat<double>(parts, c, append_valid);
        break;
    }
    table.columns[c].valid = std::move(valid);
  }
  return out;
}

LakeRowGroup::LakeRowGroup(const Source& source, size_t file, int row_group, size_t rows)
    : source_(source),
      file_(file),
      row_group_(row_group),
      rows_(rows),
      read_(source.spec->columns.size(), false) {}

Result<parquet::ColumnData> LakeRowGroup::read(std::string_view name) {
  const model::TableSpec& spec = *source_.spec;
  int index = spec.column_index(name);
  if (index < 0) return Status::Internal("no column " + std::string(name) + " in " + spec.name);
  const auto col = static_cast<size_t>(index);
  read_[col] = true;
  for (const auto& p : *source_.partitions) {
    if (p.column != col) continue;
    parquet::ColumnData out;
    SPARKIFY_RETURN_NOT_OK(
        fill_partition_column(*source_.path, spec.columns[col], p.value, p.is_null, rows_, out));
    return out;
  }
  return read_lake_column(*source_.reader, row_group_, spec.columns[col], *source_.path);
}

Status LakeRowGroup::read_the_rest() {
  const model::TableSpec& spec = *source_.spec;
  for (size_t c = 0; c < read_.size(); ++c) {
    if (read_[c]) continue;
    // A string column read only to be checked is decoded as dictionary indices when stored so:
    // every page and index is checked the same, without expanding the strings.
    bool partition = false;
    for (const auto& p : *source_.partitions) partition |= p.column == c;
    if (spec.columns[c].type == model::ColumnType::kString && !partition) {
      SPARKIFY_ASSIGN_OR_RETURN(auto dict, read_lake_dictionary(*source_.reader, row_group_,
                                                                spec.columns[c], *source_.path));
      if (dict) {
        read_[c] = true;
        continue;
      }
    }
    SPARKIFY_RETURN_NOT_OK(read(spec.columns[c].name).status());
  }
  return Status::OK();
}

Status scan_lake_table(io::FileSystem& fs, const LakeListing& listing, const model::TableSpec& spec,
                       int threads, const std::function<Status(LakeRowGroup&, int worker)>& visit) {
  const parquet::Schema file_schema = parquet_schema_for(spec);
  // One read buffer per worker, reused file after file: a table of many small files (songs, one
  // per artist) would otherwise fault in fresh pages for each.
  std::vector<Buffer> buffers(static_cast<size_t>(std::max(1, threads)));
  return parallel_for(listing.files.size(), threads, [&](size_t i, int worker) -> Status {
    std::string path = io::FileSystem::join(listing.dir, listing.files[i]);
    Buffer& bytes = buffers[static_cast<size_t>(worker)];
    SPARKIFY_RETURN_NOT_OK(fs.read_into(path, 0, bytes));
    SPARKIFY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(bytes.bytes(), path));
    SPARKIFY_ASSIGN_OR_RETURN(auto partitions, partition_values(path, listing.files[i], spec));
    LakeRowGroup::Source source{&spec, reader.get(), &path, &partitions};
    const auto& groups = reader->metadata().row_groups;
    if (groups.empty()) {
      // No rows, but the columns must still be there, of a type the table can take.
      for (const auto& c : file_schema.columns) {
        SPARKIFY_RETURN_NOT_OK(
            read_lake_column(*reader, -1, spec.columns[spec.column_index(c.name)], path).status());
      }
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      LakeRowGroup group(source, i, static_cast<int>(g), static_cast<size_t>(groups[g].num_rows));
      SPARKIFY_RETURN_NOT_OK(visit(group, worker));
      SPARKIFY_RETURN_NOT_OK(group.read_the_rest());
    }
    return Status::OK();
  });
}

}  // namespace sparkify::lake
