// Hive partition folder names as Spark writes and reads them (SPEC §4): `name=value`, values
// %XX-escaped so that no value can add a path level or climb out of its table folder, and null or
// empty values spelled __HIVE_DEFAULT_PARTITION__.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sparkify::lake {

inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

/// Escapes a partition value the way Spark's ExternalCatalogUtils.escapePathName does.
std::string escape_partition_value(std::string_view value);

/// Undoes escape_partition_value (invalid escapes are kept as they are, as Spark does).
std::string unescape_partition_value(std::string_view escaped);

/// `name=value` for a string value; nullopt or "" gives the default partition.
std::string partition_folder(std::string_view column, std::optional<std::string_view> value);

/// Splits `name=value` into its parts; false when the folder is not of that form.
bool parse_partition_folder(std::string_view folder, std::string_view& name, std::string& value,
                            bool& is_null);

}  // namespace sparkify::lake
