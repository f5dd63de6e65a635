// The five star-schema tables as sparkify defines them (SPEC §3), and TableData: a finished
// table in columnar form, the hand-off from transform/ to sink/.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sparkify::model {

enum class ColumnType : uint8_t { kInt32, kInt64, kDouble, kString, kTimestampMicros };

struct ColumnSpec {
  std::string name;
  ColumnType type;
  bool required = false;  ///< key columns are REQUIRED; all others OPTIONAL
};

struct TableSpec {
  std::string name;
  std::vector<ColumnSpec> columns;        ///< in SPEC order, partition columns included
  std::vector<std::string> partition_by;  ///< folder levels, outermost first

  int column_index(std::string_view column) const;
};

const TableSpec& songs_spec();
const TableSpec& artists_spec();
const TableSpec& users_spec();
const TableSpec& time_spec();
const TableSpec& songplays_spec();
/// All five, in the order the lake is published.
std::span<const TableSpec* const> all_table_specs();

/// Strings as a dictionary plus one index per row (the index of a null row is ignored). Lets a
/// stage that already interned its strings hand them to the Parquet writer without rehashing;
/// the dictionary may repeat a value.
struct DictionaryColumn {
  std::vector<std::string_view> dictionary;
  std::vector<int32_t> indices;
};

/// One column's values. `valid` is empty when no value is null, else one byte per row.
struct Column {
  std::variant<std::vector<int32_t>, std::vector<int64_t>, std::vector<double>,
               std::vector<std::string_view>, DictionaryColumn>
      values;
  std::vector<uint8_t> valid;

  bool is_null(size_t row) const { return !valid.empty() && valid[row] == 0; }
  /// The value of a string column (plain or dictionary) at a non-null row.
  std::string_view string_at(size_t row) const {
    if (const auto* d = std::get_if<DictionaryColumn>(&values)) {
      return d->dictionary[static_cast<size_t>(d->indices[row])];
    }
    return std::get<std::vector<std::string_view>>(values)[row];
  }
};

/// Appends values and nulls, then hands over a Column (validity dropped when nothing was null).
template <typename T>
class ColumnBuilder {
 public:
  void reserve(size_t n) {
    values_.reserve(n);
    valid_.reserve(n);
  }
  void push(T value) {
    values_.push_back(std::move(value));
    valid_.push_back(1);
  }
  void push_null() {
    values_.push_back(T{});
    valid_.push_back(0);
    any_null_ = true;
  }
  template <typename U>
  void push_optional(const U& maybe) {
    if (maybe)
      push(static_cast<T>(*maybe));
    else
      push_null();
  }
  Column finish() {
    Column c;
    c.values = std::move(values_);
    if (any_null_) c.valid = std::move(valid_);
    values_ = {};
    valid_ = {};
    any_null_ = false;
    return c;
  }

 private:
  std::vector<T> values_;
  std::vector<uint8_t> valid_;
  bool any_null_ = false;
};

/// A finished table: one Column per TableSpec column. String values are views into storage kept
/// alive by `owners` (arenas, pools), so handing a table on never copies its strings.
struct TableData {
  const TableSpec* spec = nullptr;
  std::vector<Column> columns;
  size_t num_rows = 0;
  std::vector<std::shared_ptr<const void>> owners;
};

/// A table of `rows` rows with every column of `spec` still to be bound.
inline TableData empty_table(const TableSpec& spec, size_t rows) {
  TableData t;
  t.spec = &spec;
  t.num_rows = rows;
  t.columns.resize(spec.columns.size());
  return t;
}

/// A table with no rows whose columns hold empty vectors of their SPEC types (not the
/// monostate an unfilled column has), so it can be written or appended to like any other.
inline TableData empty_typed_table(const TableSpec& spec) {
  TableData t = empty_table(spec, 0);
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    switch (spec.columns[i].type) {
      case ColumnType::kInt32:
        t.columns[i].values = std::vector<int32_t>();
        break;
      case ColumnType::kInt64:
      case ColumnType::kTimestampMicros:
        t.columns[i].values = std::vector<int64_t>();
        break;
      case ColumnType::kDouble:
        t.columns[i].values = std::vector<double>();
        break;
      case ColumnType::kString:
        t.columns[i].values = std::vector<std::string_view>();
        break;
    }
  }
  return t;
}

/// Sets a column by its SPEC name, so a table's columns cannot be swapped by position (an
/// unknown name is a programming error, caught by the table's tests).
inline void bind(TableData& t, std::string_view name, Column column) {
  int i = t.spec->column_index(name);
  if (i >= 0) t.columns[static_cast<size_t>(i)] = std::move(column);
}

/// The column named `name` (which must exist).
inline const Column& column(const TableData& t, std::string_view name) {
  return t.columns[static_cast<size_t>(t.spec->column_index(name))];
}

/// The rows `rows` (indexes into `table`, in the order given) as a table of their own; strings
/// stay views into the same storage (the owners are shared).
TableData take_rows(const TableData& table, std::span<const uint32_t> rows);

/// The rows of `parts` (tables of one spec), one after another, as one table; strings stay views
/// into the parts' storage (every part's owners are kept), dictionary columns become plain views.
TableData concat_tables(std::vector<TableData> parts);

}  // namespace sparkify::model
