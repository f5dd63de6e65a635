#include "report/html_report.h"

#include <fmt/core.h>

#include <functional>

#include "common/markup_escape.h"
#include "common/number_text.h"
#include "report/svg_chart.h"

namespace sparkify::report {

namespace {

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

constexpr const char* kStyle = R"(
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#f6f7f9;--card:#fff;--accent:#2f6fdf;
--paid:#2f6fdf;--free:#f08c2e;--ok:#23834b;--bad:#c62f2f}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:0 0 10px}
.sub{color:var(--muted);margin:0 0 18px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;
margin:0 0 16px;break-inside:avoid}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:0 0 16px}
.cards div{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.cards dt{color:var(--muted);font-size:13px}.cards dd{margin:2px 0 0;font-size:22px;font-weight:600}
.cards small{display:block;color:var(--muted);font-size:12px;font-weight:400}
.banner{background:#fff6e0;border:1px solid #f0d28a;border-radius:8px;padding:10px 14px;margin:0 0 16px}
.note{color:var(--muted);font-style:italic}
.chart{width:100%;height:auto;display:block;margin:4px 0 10px}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--muted)}
.chart .label{fill:var(--ink)}
.chart .bar,.chart .plays{fill:var(--accent)}
.chart .paid{fill:var(--paid);stroke:var(--paid)}.chart .free{fill:var(--free);stroke:var(--free)}
.chart .line{fill:none;stroke-width:2.5}
.chart .heat{fill:var(--accent)}
.numbers{border-top:1px solid var(--line)}
.numbers.long{max-height:12em;overflow:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{position:sticky;top:0;background:var(--card)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
table.heat td,table.heat th{padding:2px 4px;font-size:11px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.ok{color:var(--ok);font-weight:600}.fail{color:var(--bad);font-weight:600}
footer{color:var(--muted);font-size:12px;margin-top:20px}
@media (max-width:760px){.two{grid-template-columns:1fr}}
@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}
section{border-color:#bbb}.numbers.long{max-height:none;overflow:visible}th{position:static}}
)";

std::string esc(std::string_view s) { return markup_escape(s); }

std::string percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "–";
  return fmt::format("{:.2f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

// A table of numbers: header cells, then rows; columns listed in `numeric` are right-aligned.
struct Table {
  std::string id;
  std::vector<std::string> header;
  std::vector<bool> numeric;
  std::vector<std::vector<std::string>> rows;  // cell contents, already escaped
  std::string css;

  std::string html() const {
    // Long tables (one row per day) scroll on screen; every table prints whole.
    std::string out = fmt::format("<div class=\"numbers{}\"><table id=\"{}\"{}><thead><tr>",
                                  rows.size() > 12 ? " long" : "", id,
                                  css.empty() ? "" : " class=\"" + css + "\"");
    for (size_t c = 0; c < header.size(); ++c) {
      out += fmt::format("<th{}>{}</th>", numeric[c] ? " class=\"n\"" : "", header[c]);
    }
    out += "</tr></thead><tbody>\n";
    for (const auto& row : rows) {
      out += "<tr>";
      for (size_t c = 0; c < row.size(); ++c) {
        out += fmt::format("<td{}>{}</td>", numeric[c] ? " class=\"n\"" : "", row[c]);
      }
      out += "</tr>\n";
    }
    return out + "</tbody></table></div>\n";
  }
};

std::string note(std::string_view text) {
  return fmt::format("<p class=\"note\">{}</p>\n", esc(text));
}

std::string card(std::string_view id, std::string_view name, const std::string& value,
                 const std::string& small = {}) {
  return fmt::format("<div><dt>{}</dt><dd id=\"{}\">{}</dd>{}</div>\n", esc(name), id, value,
                     small.empty() ? "" : "<small>" + small + "</small>");
}

std::string headline(const LakeAnalysis& a) {
  std::string first_last;
  if (!a.days.empty()) {
    first_last = "<span id=\"fig-first-day\">" + day_text(a.days.front().day) +
                 "</span> to <span id=\"fig-last-day\">" + day_text(a.days.back().day) + "</span>";
  }
  std::string rejects = a.song_rejects || a.log_rejects ? with_thousands(a.rejects()) : "–";
  std::string reject_detail = a.song_rejects || a.log_rejects
                                  ? fmt::format(
                                        "<span id=\"fig-song-rejects\">{}</span> song, "
                                        "<span id=\"fig-log-rejects\">{}</span> log records",
                                        with_thousands(a.song_rejects.value_or(0)),
                                        with_thousands(a.log_rejects.value_or(0)))
                                  : std::string("no _rejects/ folder");
  std::string out = "<dl class=\"cards\">\n";
  out += card("fig-songplays", "Song plays", with_thousands(a.songplays));
  for (const char* name : {"users", "songs", "artists"}) {
    const TableFacts& t = a.table(name);
    std::string title(name);
    title[0] = static_cast<char>(title[0] - 'a' + 'A');
    out += card(std::string("fig-") + name, title, t.present ? with_thousands(t.rows) : "–",
                t.present ? "" : "no " + std::string(name) + " table");
  }
  out += card("fig-days", "Days covered", with_thousands(a.days.size()), first_last);
  out += card("fig-match-rate", "Match rate", percent(a.matched, a.songplays),
              "<span id=\"fig-matched\">" + with_thousands(a.matched) + "</span> of " +
                  with_thousands(a.songplays) + " plays matched a song");
  out += card("fig-rejects", "Rejected records", rejects, reject_detail);
  return out + "</dl>\n";
}

std::string day_sections(const LakeAnalysis& a) {
  std::vector<std::string> labels;
  Series plays{"plays", "plays", {}}, free{"free", "free", {}}, paid{"paid", "paid", {}};
  Table per_day{"t-plays-per-day", {"Day (UTC)", "Plays"}, {false, true}, {}, {}};
  Table levels{"t-free-paid", {"Day (UTC)", "Free", "Paid"}, {false, true, true}, {}, {}};
  for (const auto& d : a.days) {
    labels.push_back(day_text(d.day).substr(5));
    plays.values.push_back(d.plays);
    free.values.push_back(d.free);
    paid.values.push_back(d.paid);
    per_day.rows.push_back({day_text(d.day), with_thousands(d.plays)});
    levels.rows.push_back({day_text(d.day), with_thousands(d.free), with_thousands(d.paid)});
  }
  std::string out = "<section id=\"plays-per-day\"><h2>Plays per day</h2>\n";
  if (a.days.empty()) {
    out += note("No song plays in the lake.");
  } else {
    out += column_chart(labels, {plays}, "Plays per day") + per_day.html();
  }
  out += "</section>\n<section id=\"free-paid\"><h2>Free and paid plays per day</h2>\n";
  if (a.days.empty()) {
    out += note("No song plays in the lake.");
  } else {
    out += line_chart(labels, {free, paid}, "Free and paid plays per day") + levels.html();
  }
  return out + "</section>\n";
}

std::string heat_section(const LakeAnalysis& a) {
  std::string out = "<section id=\"hour-weekday\"><h2>Plays by hour and weekday (UTC)</h2>\n";
  if (a.songplays == 0) return out + note("No song plays in the lake.") + "</section>\n";
  std::vector<std::string> rows(std::begin(kWeekdays), std::end(kWeekdays)), cols;
  std::vector<std::vector<uint64_t>> cells;
  Table t{"t-hour-weekday", {"Day"}, {false}, {}, "heat"};
  for (int h = 0; h < 24; ++h) {
    cols.push_back(std::to_string(h));
    t.header.push_back(std::to_string(h));
    t.numeric.push_back(true);
  }
  for (int w = 0; w < 7; ++w) {
    cells.emplace_back(a.hour_weekday[w].begin(), a.hour_weekday[w].end());
    std::vector<std::string> row{kWeekdays[w]};
    for (uint64_t v : a.hour_weekday[w]) row.push_back(with_thousands(v));
    t.rows.push_back(std::move(row));
  }
  return out + heat_map(rows, cols, cells, "Plays by hour and weekday") + t.html() + "</section>\n";
}

std::string ranking_section(const std::string& id, const std::string& title,
                            const std::vector<Ranked>& ranked, const std::string& empty,
                            Table table, double chart_width,
                            const std::function<std::string(const Ranked&)>& chart_label,
                            const std::function<std::vector<std::string>(const Ranked&)>& cells) {
  std::string out = fmt::format("<section id=\"{}\"><h2>{}</h2>\n", id, esc(title));
  if (ranked.empty()) return out + note(empty) + "</section>\n";
  std::vector<std::string> labels;
  std::vector<uint64_t> values;
  for (size_t i = 0; i < ranked.size(); ++i) {
    labels.push_back(chart_label(ranked[i]));
    values.push_back(ranked[i].plays);
    std::vector<std::string> row{std::to_string(i + 1)};
    for (auto& c : cells(ranked[i])) row.push_back(std::move(c));
    table.rows.push_back(std::move(row));
  }
  return out + bar_list(labels, values, title, chart_width) + table.html() + "</section>\n";
}

std::string or_key(const std::string& label, const std::string& key) {
  return label.empty() ? key : label;
}

std::string checks_section(const std::vector<QualityCheck>& checks, const PageInfo& info) {
  std::string out = "<section id=\"quality\"><h2>Data quality (sparkify verify)</h2>\n";
  if (!info.checks_ran)
    return out + note("The checks were not run (--no-checks).") + "</section>\n";
  size_t passed = 0;
  Table t{"t-checks",
          {"Result", "Check", "Checked", "Failing", "First failure"},
          {false, false, true, true, false},
          {},
          {}};
  for (const auto& c : checks) {
    passed += c.passed;
    t.rows.push_back(
        {c.passed ? "<span class=\"ok\">ok</span>" : "<span class=\"fail\">FAIL</span>",
         esc(c.name), with_thousands(c.checked), with_thousands(c.failures), esc(c.detail)});
  }
  out += fmt::format(
      "<p><span id=\"fig-checks-passed\">{}</span> of "
      "<span id=\"fig-checks-total\">{}</span> checks passed.</p>\n",
      passed, checks.size());
  return out + t.html() + "</section>\n";
}

std::string tables_section(const LakeAnalysis& a) {
  Table t{"t-tables", {"Table", "State", "Files", "Rows"}, {false, false, true, true}, {}, {}};
  for (const auto& f : a.tables) {
    std::string state = !f.present ? "missing" : f.complete ? "published" : "no _SUCCESS";
    t.rows.push_back({f.name, state, with_thousands(f.files), with_thousands(f.rows)});
  }
  return "<section id=\"tables\"><h2>Tables</h2>\n" + t.html() + "</section>\n";
}

std::string banners(const LakeAnalysis& a) {
  std::string missing, out;
  bool all_empty = true;
  for (const auto& t : a.tables) {
    if (!t.present) missing += (missing.empty() ? "" : ", ") + t.name;
    if (t.rows > 0) all_empty = false;
  }
  if (all_empty) {
    out +=
        "<p class=\"banner\" id=\"empty-lake\">This lake is empty: its tables hold no rows, "
        "so there is nothing to chart yet.</p>\n";
  }
  if (!missing.empty()) {
    out += "<p class=\"banner\" id=\"missing-tables\">The lake has no " + esc(missing) +
           " table; the figures that need it are left out.</p>\n";
  }
  return out;
}

}  // namespace

std::string render_report_html(const LakeAnalysis& a, const std::vector<QualityCheck>& checks,
                               const PageInfo& info) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Sparkify listening report</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<main>\n<h1>Sparkify listening report</h1>\n";
  out += fmt::format("<p class=\"sub\">Lake <code>{}</code> · generated {} · all times UTC</p>\n",
                     esc(a.lake), esc(info.generated_at));
  out += banners(a);
  out += headline(a);
  out += day_sections(a);
  out += heat_section(a);

  const char* no_match = a.songplays == 0 ? "No song plays in the lake."
                                          : "No play in the lake matched a song, so there is no "
                                            "song or artist to rank.";
  out += ranking_section(
      "top-songs", "Top songs", a.top_songs, no_match,
      Table{"t-top-songs",
            {"#", "Song", "Artist", "song_id", "Plays"},
            {true, false, false, false, true},
            {},
            {}},
      900, [](const Ranked& r) { return or_key(r.label, r.key); },
      [](const Ranked& r) {
        return std::vector<std::string>{esc(r.label), esc(r.detail), esc(r.key),
                                        with_thousands(r.plays)};
      });
  out += ranking_section(
      "top-artists", "Top artists", a.top_artists, no_match,
      Table{"t-top-artists",
            {"#", "Artist", "artist_id", "Plays"},
            {true, false, false, true},
            {},
            {}},
      900, [](const Ranked& r) { return or_key(r.label, r.key); },
      [](const Ranked& r) {
        return std::vector<std::string>{esc(r.label), esc(r.key), with_thousands(r.plays)};
      });
  out += ranking_section(
      "top-users", "Most active users", a.top_users, "No song plays in the lake.",
      Table{"t-top-users",
            {"#", "user_id", "Name", "Level", "Plays"},
            {true, true, false, false, true},
            {},
            {}},
      900,
      [](const Ranked& r) {
        return fmt::format("{} ({}{})", or_key(r.label, "user " + r.key), r.key,
                           r.detail.empty() ? "" : ", " + r.detail);
      },
      [](const Ranked& r) {
        return std::vector<std::string>{esc(r.key), esc(r.label), esc(r.detail),
                                        with_thousands(r.plays)};
      });
  out += ranking_section(
      "top-locations", "Where users listen from", a.top_locations, "No play has a location.",
      Table{"t-top-locations",
            {"#", "Location", "Plays", "Users"},
            {true, false, true, true},
            {},
            {}},
      900, [](const Ranked& r) { return r.key; },
      [](const Ranked& r) {
        return std::vector<std::string>{esc(r.key), with_thousands(r.plays),
                                        with_thousands(r.users)};
      });
  out += "<div class=\"two\">\n";
  auto class_cells = [](const Ranked& r) {
    return std::vector<std::string>{esc(r.key), with_thousands(r.plays)};
  };
  auto class_label = [](const Ranked& r) { return r.key; };
  out += ranking_section(
      "browsers", "Browsers (from user_agent)", a.browsers, "No song plays in the lake.",
      Table{"t-browsers", {"#", "Browser", "Plays"}, {true, false, true}, {}, {}}, 450, class_label,
      class_cells);
  out += ranking_section("systems", "Operating systems (from user_agent)", a.systems,
                         "No song plays in the lake.",
                         Table{"t-systems", {"#", "OS", "Plays"}, {true, false, true}, {}, {}}, 450,
                         class_label, class_cells);
  out += "</div>\n";
  out += checks_section(checks, info);
  out += tables_section(a);
  out += fmt::format(
      "<footer>Made by sparkify {} from the lake's Parquet files. Every figure is a "
      "count of rows; days, hours and weekdays are UTC.</footer>\n",
      esc(info.version));
  return out + "</main>\n</body>\n</html>\n";
}

}  // namespace sparkify::report
