#include "report/svg_chart.h"

#include <gtest/gtest.h>

#include "common/markup_escape.h"

namespace sparkify::report {
namespace {

TEST(SvgChart, EscapesTextEverywhere) {
  EXPECT_EQ(markup_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  std::string svg = bar_list({"<script>alert(1)</script>"}, {3}, "t<");
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
}

TEST(SvgChart, ChartsAreSvgElementsWithTheirValues) {
  std::string svg = column_chart({"11-01", "11-02"}, {{"plays", "plays", {5, 1234}}}, "Plays");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("1,234"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  std::string heat = heat_map({"Sun"}, {"0", "1"}, {{0, 7}}, "Heat");
  EXPECT_NE(heat.find("Sun 1: 7"), std::string::npos);
  // Empty inputs draw an empty chart instead of dividing by zero.
  EXPECT_NE(column_chart({}, {}, "x").find("</svg>"), std::string::npos);
  EXPECT_NE(line_chart({}, {}, "x").find("</svg>"), std::string::npos);
}

TEST(SvgChart, LongLabelsAreCutOnACharacterBoundary) {
  std::string label(43, 'a');
  label += "\xC3\xA9\xC3\xA9";  // two-byte characters straddling the cut
  std::string svg = bar_list({label}, {1}, "t");
  EXPECT_NE(svg.find(std::string(43, 'a') + "…"), std::string::npos);
}

}  // namespace
}  // namespace sparkify::report
