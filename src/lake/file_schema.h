// The Parquet schema of a lake table's files (SPEC §3, §4): the table's columns in order, minus the
// partition columns, which live in the folder names. Shared by the writer and the reader.
#pragma once

#include "model/table.h"
#include "parquet/schema.h"

namespace sparkify::lake {

/// The Parquet schema of a table's files: its columns minus the partition columns.
parquet::Schema parquet_schema_for(const model::TableSpec& spec);

}  // namespace sparkify::lake
