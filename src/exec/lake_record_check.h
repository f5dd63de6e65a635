// Whether a lake's tables are the files its load record names (SPEC §9): a load killed after its
// record and before it had applied it, or a full run killed between its table swaps, leaves
// tables that a glob reader sees mixed until the next `sparkify etl` finishes or redoes it.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "exec/lake_verifier.h"
#include "io/file_system.h"
#include "lake/lake_reader.h"

namespace sparkify::exec {

/// The check, or nothing for a lake with no record to hold it to (written by an older sparkify,
/// by Spark or by a run with --only).
Result<std::optional<CheckResult>> check_load_record(io::FileSystem& fs, const std::string& lake,
                                                     lake::LakeListings& listings);

}  // namespace sparkify::exec
