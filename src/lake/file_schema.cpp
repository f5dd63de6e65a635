#include "lake/file_schema.h"

#include <algorithm>

namespace sparkify::lake {

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

}  // namespace sparkify::lake
