#include "report/svg_chart.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "common/markup_escape.h"
#include "common/number_text.h"

namespace sparkify::report {

namespace {

constexpr double kWidth = 900, kLeft = 64, kRight = 16, kTop = 14, kBottom = 44;

// A round axis maximum (1, 2 or 5 × 10^k) at or above `max`.
uint64_t nice_max(uint64_t max) {
  if (max <= 1) return 1;
  uint64_t step = 1;
  while (step * 10 <= max) step *= 10;
  for (uint64_t m : {1, 2, 5, 10}) {
    if (m * step >= max) return m * step;
  }
  return 10 * step;
}

// Cuts a label for the chart (the table keeps it whole) without splitting a UTF-8 sequence.
std::string shorten(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

std::string open_svg(double height, const std::string& title, double width = kWidth) {
  return fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n",
      width, height, markup_escape(title));
}

// Horizontal grid lines with their values, for a plot of height `plot_h` below kTop.
std::string y_axis(uint64_t top, double plot_h) {
  std::string out;
  for (int k = 0; k <= 4; ++k) {
    double y = kTop + plot_h - plot_h * k / 4.0;
    uint64_t v = top * static_cast<uint64_t>(k) / 4;
    out += fmt::format(
        "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, kWidth - kRight, y, y, kLeft - 6, y + 4, with_thousands(v));
  }
  return out;
}

// Every k-th label under the x axis, so that at most ~14 are shown.
std::string x_labels(const std::vector<std::string>& labels, double band, double y) {
  std::string out;
  size_t every = std::max<size_t>(1, (labels.size() + 13) / 14);
  for (size_t i = 0; i < labels.size(); i += every) {
    out += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}"
        "</text>\n",
        kLeft + band * (static_cast<double>(i) + 0.5), y, markup_escape(labels[i]));
  }
  return out;
}

std::string legend(const std::vector<Series>& series) {
  if (series.size() < 2) return {};
  std::string out;
  double total = 0;
  for (const auto& s : series) total += 24 + 8.0 * static_cast<double>(s.name.size());
  double x = kWidth - kRight - total;  // top right, clear of the axis labels
  for (const auto& s : series) {
    out += fmt::format(
        "<rect class=\"{}\" x=\"{:.1f}\" y=\"{}\" width=\"12\" height=\"12\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">{}</text>\n",
        s.css_class, x, 0, x + 16, 10, markup_escape(s.name));
    x += 24 + 8.0 * static_cast<double>(s.name.size());
  }
  return out;
}

}  // namespace

std::string column_chart(const std::vector<std::string>& labels, const std::vector<Series>& series,
                         const std::string& title) {
  const double height = 240, plot_h = height - kTop - kBottom;
  uint64_t max = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    uint64_t sum = 0;
    for (const auto& s : series) sum += s.values[i];
    max = std::max(max, sum);
  }
  uint64_t top = nice_max(max);
  double band = (kWidth - kLeft - kRight) / std::max<double>(1, static_cast<double>(labels.size()));
  std::string out = open_svg(height, title) + y_axis(top, plot_h);
  for (size_t i = 0; i < labels.size(); ++i) {
    double base = kTop + plot_h;
    for (const auto& s : series) {
      double h = plot_h * static_cast<double>(s.values[i]) / static_cast<double>(top);
      out += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
          "<title>{} {}: {}</title></rect>\n",
          s.css_class, kLeft + band * static_cast<double>(i) + band * 0.1, base - h,
          std::max(band * 0.8, 0.5), h, markup_escape(labels[i]), markup_escape(s.name),
          with_thousands(s.values[i]));
      base -= h;
    }
  }
  out += x_labels(labels, band, height - kBottom + 18);
  out += legend(series);
  return out + "</svg>\n";
}

std::string line_chart(const std::vector<std::string>& labels, const std::vector<Series>& series,
                       const std::string& title) {
  const double height = 240, plot_h = height - kTop - kBottom;
  uint64_t max = 0;
  for (const auto& s : series) {
    for (uint64_t v : s.values) max = std::max(max, v);
  }
  uint64_t top = nice_max(max);
  double band = (kWidth - kLeft - kRight) / std::max<double>(1, static_cast<double>(labels.size()));
  std::string out = open_svg(height, title) + y_axis(top, plot_h);
  for (const auto& s : series) {
    std::string points;
    for (size_t i = 0; i < s.values.size(); ++i) {
      double x = kLeft + band * (static_cast<double>(i) + 0.5);
      double y =
          kTop + plot_h - plot_h * static_cast<double>(s.values[i]) / static_cast<double>(top);
      points += fmt::format("{:.1f},{:.1f} ", x, y);
    }
    out += fmt::format("<polyline class=\"line {}\" points=\"{}\"/>\n", s.css_class, points);
  }
  out += x_labels(labels, band, height - kBottom + 18);
  out += legend(series);
  return out + "</svg>\n";
}

std::string heat_map(const std::vector<std::string>& row_labels,
                     const std::vector<std::string>& column_labels,
                     const std::vector<std::vector<uint64_t>>& cells, const std::string& title) {
  const double cell_w = (kWidth - kLeft - kRight) / static_cast<double>(column_labels.size());
  const double cell_h = 26, height = kTop + cell_h * static_cast<double>(row_labels.size()) + 30;
  uint64_t max = 1;
  for (const auto& row : cells) {
    for (uint64_t v : row) max = std::max(max, v);
  }
  std::string out = open_svg(height, title);
  for (size_t r = 0; r < row_labels.size(); ++r) {
    double y = kTop + cell_h * static_cast<double>(r);
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                       kLeft - 6, y + cell_h / 2 + 4, markup_escape(row_labels[r]));
    for (size_t c = 0; c < column_labels.size(); ++c) {
      double share = static_cast<double>(cells[r][c]) / static_cast<double>(max);
      out += fmt::format(
          "<rect class=\"heat\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
          "fill-opacity=\"{:.3f}\"><title>{} {}: {}</title></rect>\n",
          kLeft + cell_w * static_cast<double>(c) + 1, y + 1, cell_w - 2, cell_h - 2,
          cells[r][c] == 0 ? 0.0 : 0.08 + 0.92 * share, markup_escape(row_labels[r]),
          markup_escape(column_labels[c]), with_thousands(cells[r][c]));
    }
  }
  for (size_t c = 0; c < column_labels.size(); ++c) {
    out += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}"
        "</text>\n",
        kLeft + cell_w * (static_cast<double>(c) + 0.5),
        kTop + cell_h * static_cast<double>(row_labels.size()) + 16,
        markup_escape(column_labels[c]));
  }
  return out + "</svg>\n";
}

std::string bar_list(const std::vector<std::string>& labels, const std::vector<uint64_t>& values,
                     const std::string& title, double width) {
  const double label_w = width / 3, value_w = 80, row_h = 24;
  const size_t label_bytes = static_cast<size_t>(label_w / 6.8);
  const double height = 8 + row_h * static_cast<double>(labels.size());
  uint64_t max = 1;
  for (uint64_t v : values) max = std::max(max, v);
  double span = width - label_w - value_w;
  std::string out = open_svg(height, title, width);
  for (size_t i = 0; i < labels.size(); ++i) {
    double y = 4 + row_h * static_cast<double>(i);
    double w = span * static_cast<double>(values[i]) / static_cast<double>(max);
    out += fmt::format(
        "<text class=\"label\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>"
        "<rect class=\"bar\" x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
        label_w - 8, y + row_h / 2 + 4, markup_escape(shorten(labels[i], label_bytes)), label_w,
        y + 3, std::max(w, 1.0), row_h - 6, label_w + w + 6, y + row_h / 2 + 4,
        with_thousands(values[i]));
  }
  return out + "</svg>\n";
}

}  // namespace sparkify::report
