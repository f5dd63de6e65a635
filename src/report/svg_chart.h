// Small inline-SVG charts for the report page: columns over days, lines, a heat map and
// horizontal bars. Each returns an <svg> element that scales to its container's width.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sparkify::report {

struct Series {
  std::string name;
  std::string css_class;  ///< colours the series (see the page's stylesheet)
  std::vector<uint64_t> values;
};

/// Columns, one per label (stacked when several series are given).
std::string column_chart(const std::vector<std::string>& labels, const std::vector<Series>& series,
                         const std::string& title);
/// One line per series over the labels.
std::string line_chart(const std::vector<std::string>& labels, const std::vector<Series>& series,
                       const std::string& title);
/// A rows × columns grid whose cell colour grows with its value.
std::string heat_map(const std::vector<std::string>& row_labels,
                     const std::vector<std::string>& column_labels,
                     const std::vector<std::vector<uint64_t>>& cells, const std::string& title);
/// One horizontal bar per label; `width` is the drawing's width in CSS pixels at full size
/// (narrower for a chart that shares its row with another).
std::string bar_list(const std::vector<std::string>& labels, const std::vector<uint64_t>& values,
                     const std::string& title, double width = 900);

}  // namespace sparkify::report
