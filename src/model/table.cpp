#include "model/table.h"

#include <algorithm>
#include <type_traits>

namespace sparkify::model {

int TableSpec::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

namespace {
using T = ColumnType;
}  // namespace

const TableSpec& songs_spec() {
  static const TableSpec spec{"songs",
                              {{"song_id", T::kString, true},
                               {"title", T::kString},
                               {"artist_id", T::kString},
                               {"year", T::kInt32},
                               {"duration", T::kDouble}},
                              {"year", "artist_id"}};
  return spec;
}

const TableSpec& artists_spec() {
  static const TableSpec spec{"artists",
                              {{"artist_id", T::kString, true},
                               {"name", T::kString},
                               {"location", T::kString},
                               {"latitude", T::kDouble},
                               {"longitude", T::kDouble}},
                              {}};
  return spec;
}

const TableSpec& users_spec() {
  static const TableSpec spec{"users",
                              {{"user_id", T::kInt64, true},
                               {"first_name", T::kString},
                               {"last_name", T::kString},
                               {"gender", T::kString},
                               {"level", T::kString}},
                              {}};
  return spec;
}

const TableSpec& time_spec() {
  static const TableSpec spec{"time",
                              {{"start_time", T::kTimestampMicros, true},
                               {"hour", T::kInt32},
                               {"day", T::kInt32},
                               {"week", T::kInt32},
                               {"month", T::kInt32},
                               {"year", T::kInt32},
                               {"weekday", T::kInt32}},
                              {"year", "month"}};
  return spec;
}

const TableSpec& songplays_spec() {
  static const TableSpec spec{"songplays",
                              {{"songplay_id", T::kInt64, true},
                               {"start_time", T::kTimestampMicros},
                               {"user_id", T::kInt64},
                               {"level", T::kString},
                               {"song_id", T::kString},
                               {"artist_id", T::kString},
                               {"session_id", T::kInt64},
                               {"location", T::kString},
                               {"user_agent", T::kString},
                               {"year", T::kInt32},
                               {"month", T::kInt32}},
                              {"year", "month"}};
  return spec;
}

std::span<const TableSpec* const> all_table_specs() {
  static const TableSpec* const specs[] = {&songs_spec(), &artists_spec(), &users_spec(),
                                           &time_spec(), &songplays_spec()};
  return specs;
}

TableData take_rows(const TableData& table, std::span<const uint32_t> rows) {
  TableData out;
  out.spec = table.spec;
  out.num_rows = rows.size();
  out.owners = table.owners;
  for (const Column& in : table.columns) {
    Column& c = out.columns.emplace_back();
    std::visit(
        [&](const auto& values) {
          using V = std::decay_t<decltype(values)>;
          if constexpr (std::is_same_v<V, DictionaryColumn>) {
            DictionaryColumn d;
            d.dictionary = values.dictionary;
            for (uint32_t r : rows) d.indices.push_back(values.indices[r]);
            c.values = std::move(d);
          } else {
            V picked;
            picked.reserve(rows.size());
            for (uint32_t r : rows) picked.push_back(values[r]);
            c.values = std::move(picked);
          }
        },
        in.values);
    if (!in.valid.empty()) {
      for (uint32_t r : rows) c.valid.push_back(in.valid[r]);
    }
  }
  return out;
}

TableData concat_tables(std::vector<TableData> parts) {
  // Empty parts add nothing (and their columns may not be typed yet); all empty: the first.
  if (parts.empty()) return TableData{};
  if (std::all_of(parts.begin(), parts.end(), [](const TableData& t) { return t.num_rows == 0; })) {
    return std::move(parts[0]);
  }
  std::erase_if(parts, [](const TableData& t) { return t.num_rows == 0; });
  if (parts.size() == 1) return std::move(parts[0]);
  TableData out;
  out.spec = parts[0].spec;
  for (const TableData& t : parts) out.num_rows += t.num_rows;
  out.columns.resize(out.spec->columns.size());
  for (size_t col = 0; col < out.columns.size(); ++col) {
    Column& c = out.columns[col];
    bool nullable = false;
    for (const TableData& t : parts) nullable = nullable || !t.columns[col].valid.empty();
    if (nullable) c.valid.reserve(out.num_rows);
    if (out.spec->columns[col].type == ColumnType::kString) {
      std::vector<std::string_view> views;
      views.reserve(out.num_rows);
      for (const TableData& t : parts) {
        const Column& in = t.columns[col];
        for (size_t r = 0; r < t.num_rows; ++r) {
          views.push_back(in.is_null(r) ? std::string_view() : in.string_at(r));
        }
      }
      c.values = std::move(views);
    } else {
      std::visit(
          [&](const auto& first) {
            using V = std::decay_t<decltype(first)>;
            if constexpr (!std::is_same_v<V, DictionaryColumn> &&
                          !std::is_same_v<V, std::vector<std::string_view>>) {
              V all;
              all.reserve(out.num_rows);
              for (const TableData& t : parts) {
                const auto& v = std::get<V>(t.columns[col].values);
                all.insert(all.end(), v.begin(), v.end());
              }
              c.values = std::move(all);
            }
          },
          parts[0].columns[col].values);
    }
    if (nullable) {
      for (const TableData& t : parts) {
        const Column& in = t.columns[col];
        if (in.valid.empty()) {
          c.valid.insert(c.valid.end(), t.num_rows, 1);
        } else {
          c.valid.insert(c.valid.end(), in.valid.begin(), in.valid.end());
        }
      }
    }
  }
  for (TableData& t : parts) {
    for (auto& o : t.owners) out.owners.push_back(std::move(o));
  }
  return out;
}

}  // namespace sparkify::model
