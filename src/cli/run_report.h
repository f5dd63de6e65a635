// The end-of-run summary table printed by `sparkify etl`, and the same figures as the JSON of
// `--report run.json`.
#pragma once

#include <string>

#include "exec/etl_job.h"

namespace sparkify::cli {

std::string report_json(const exec::EtlReport& report, const exec::EtlOptions& options);
std::string summary_table(const exec::EtlReport& report, const exec::EtlOptions& options);

}  // namespace sparkify::cli
