// Renders a LakeAnalysis as one self-contained HTML page: inline CSS and SVG, no scripts, fonts
// or images from anywhere else. Every chart is followed by a table holding its numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/lake_analysis.h"

namespace sparkify::report {

/// One data-quality check as `sparkify verify` reports it.
struct QualityCheck {
  std::string name;
  bool passed = true;
  uint64_t checked = 0;
  uint64_t failures = 0;
  std::string detail;
};

struct PageInfo {
  std::string version;       ///< sparkify's version, for the footer
  std::string generated_at;  ///< e.g. "2026-11-29 21:30 UTC"
  bool checks_ran = true;    ///< false when the checks were skipped (--no-checks)
};

std::string render_report_html(const LakeAnalysis& analysis,
                               const std::vector<QualityCheck>& checks, const PageInfo& info);

}  // namespace sparkify::report
