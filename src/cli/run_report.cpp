#include "cli/run_report.h"

#include <algorithm>

#include <fmt/core.h>

#include "cli/format.h"
#include "common/json.h"

namespace sparkify::cli {

namespace {

double match_rate(const exec::EtlReport& r) {
  return r.songplays == 0
             ? 0.0
             : static_cast<double>(r.matched_songplays) / static_cast<double>(r.songplays);
}

// `{ entry, entry }` with one entry per line, each rendered by `entry`.
template <typename T, typename Render>
std::string json_entries(const std::vector<T>& items, Render entry) {
  if (items.empty()) return "{}";
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ",\n    " : "\n    ") + entry(items[i]);
  return out + "\n  }";
}

}  // namespace

std::string report_json(const exec::EtlReport& r, const exec::EtlOptions& o) {
  std::string j = "{\n";
  j += fmt::format("  \"status\": \"{}\",\n", r.status.ok() ? "ok" : "failed");
  if (!r.status.ok()) j += fmt::format("  \"error\": {},\n", json_quote(r.status.message()));
  j += fmt::format("  \"input\": {{\"songs\": {}, \"logs\": {}, \"files\": {}, \"bytes\": {}}},\n",
                   json_quote(o.songs_input), json_quote(o.logs_input), r.input_files,
                   r.input_bytes);
  j += fmt::format("  \"output\": {},\n", json_quote(o.output));
  j += fmt::format("  \"published\": {},\n", r.published ? "true" : "false");
  j += fmt::format("  \"ranks\": {},\n", r.ranks);
  if (!r.per_rank.empty()) {
    j += "  \"per_rank\": [";
    for (size_t i = 0; i < r.per_rank.size(); ++i) {
      const auto& k = r.per_rank[i];
      j += fmt::format(
          "{}{{\"rank\": {}, \"files\": {}, \"records\": {}, \"bytes\": {}, \"songplays\": {}, "
          "\"peak_memory\": {}, \"bytes_sent\": {}, \"bytes_received\": {}, "
          "\"stages\": {{\"songs\": {:.6f}, \"logs\": {:.6f}, \"write\": {:.6f}}}, "
          "\"collective_seconds\": {:.6f}}}",
          i ? ", " : "", i, k.files, k.records, k.bytes, k.songplays, k.peak_memory, k.bytes_sent,
          k.bytes_received, k.songs_seconds, k.logs_seconds, k.write_seconds, k.collective_seconds);
    }
    j += "],\n";
  }
  j += "  \"tables\": " +
       json_entries(r.tables,
                    [](const exec::TableReport& t) {
                      return fmt::format(
                          "{}: {{\"rows\": {}, \"files\": {}, \"partitions\": {}, \"bytes\": {}, "
                          "\"written\": \"{}\"}}",
                          json_quote(t.name), t.rows, t.files, t.partitions, t.bytes,
                          t.appended ? "appended" : "replaced");
                    }) +
       ",\n";
  j += fmt::format(
      "  \"load\": {{\"mode\": \"{}\", \"files_taken\": {}, \"files_skipped\": {}, "
      "\"nothing_new\": {}, \"lake_version\": {}}},\n",
      r.load.mode == exec::Mode::kIncremental ? "incremental" : "full", r.load.files_taken,
      r.load.files_skipped, r.load.nothing_new ? "true" : "false", r.load.lake_version);
  j += fmt::format("  \"rejects\": {{\"songs\": {}, \"logs\": {}, \"total\": {}}},\n",
                   r.song_rejects, r.log_rejects, r.song_rejects + r.log_rejects);
  j += fmt::format("  \"duplicates\": {{\"songs\": {}}},\n", r.duplicate_songs);
  j += fmt::format("  \"songplays\": {{\"rows\": {}, \"matched\": {}, \"match_rate\": {}}},\n",
                   r.songplays, r.matched_songplays, match_rate(r));
  j += "  \"stages\": " +
       json_entries(
           r.stages,
           [](const exec::StageReport& st) {
             return fmt::format(
                 "{}: {{\"seconds\": {:.6f}, \"files\": {}, \"records\": {}, \"bytes\": {}}}",
                 json_quote(st.name), st.seconds, st.files, st.records, st.bytes);
           }) +
       ",\n";
  j += fmt::format("  \"memory\": {{\"limit\": {}, \"peak\": {}}},\n", r.memory_limit,
                   r.peak_memory);
  j += fmt::format(
      "  \"spill\": {{\"bytes\": {}, \"files\": {}, \"events_bytes\": {}, \"time_bytes\": {}}},\n",
      r.spilled_bytes, r.spill_files, r.spilled_event_bytes, r.spilled_time_bytes);
  j += fmt::format("  \"threads\": {},\n", o.threads);
  j += fmt::format("  \"seconds\": {:.6f}\n}}\n", r.seconds);
  return j;
}

std::string summary_table(const exec::EtlReport& r, const exec::EtlOptions& o) {
  std::string s;
  bool incremental = r.load.mode == exec::Mode::kIncremental;
  if (incremental) {
    s += fmt::format("incremental load: {} new input files taken, {} already in the lake\n",
                     with_thousands(r.load.files_taken), with_thousands(r.load.files_skipped));
    if (r.load.nothing_new) {
      s += fmt::format("nothing new: the lake at {} is unchanged\n", o.output);
      return s;
    }
  }
  // A run that stopped shows the stages it ran, not figures it never reached (no tables, and no
  // "rejects: 0" from a run that stopped before it counted them).
  if (!r.tables.empty() || r.status.ok()) {
    s += fmt::format("{:<12} {:>12} {:>8} {:>11} {:>10}{}\n", "table", "rows", "files",
                     "partitions", "size", incremental ? "  written" : "");
    for (const auto& t : r.tables) {
      s += fmt::format("{:<12} {:>12} {:>8} {:>11} {:>10}{}\n", t.name, with_thousands(t.rows),
                       with_thousands(t.files), with_thousands(t.partitions), human_bytes(t.bytes),
                       !incremental ? ""
                       : t.appended ? "  added"
                                    : "  replaced");
    }
    s += "\n";
  }
  s += fmt::format("{:<12} {:>9} {:>8} {:>14} {:>10}\n", "stage", "seconds", "files", "records",
                   "bytes");
  for (const auto& st : r.stages) {
    s += fmt::format("{:<12} {:>9.3f} {:>8} {:>14} {:>10}\n", st.name, st.seconds,
                     with_thousands(st.files), with_thousands(st.records), human_bytes(st.bytes));
  }
  s += "\n";
  auto ran = [&](std::string_view stage) {
    return std::any_of(r.stages.begin(), r.stages.end(),
                       [&](const exec::StageReport& st) { return st.name == stage; });
  };
  if (r.rejects_counted || r.status.ok()) {
    s += fmt::format("rejects: {} (songs {}, logs {})",
                     with_thousands(r.song_rejects + r.log_rejects), with_thousands(r.song_rejects),
                     with_thousands(r.log_rejects));
    if (r.song_rejects + r.log_rejects > 0) s += " — see " + o.output + "/_rejects/";
    s += "\n";
  } else {
    s += "rejects: not counted (the run stopped before it gathered and wrote them)\n";
  }
  if (r.status.ok() || ran("songs")) {
    s += fmt::format("duplicate songs: {}\n", with_thousands(r.duplicate_songs));
  }
  if (o.only != exec::Only::kSongs && (r.status.ok() || ran("logs"))) {
    s += fmt::format("songplays matched to a song: {} of {} ({:.2f}%)\n",
                     with_thousands(r.matched_songplays), with_thousands(r.songplays),
                     100.0 * match_rate(r));
  }
  s += fmt::format("memory: peak {} of a {} limit; spilled {} in {} files\n",
                   human_bytes(r.peak_memory), human_bytes(r.memory_limit),
                   human_bytes(r.spilled_bytes), with_thousands(r.spill_files));
  auto counted = [](int n, const char* noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
  };
  std::string where = counted(o.threads, "thread");
  if (r.ranks > 1) where = counted(r.ranks, "rank") + " of " + where + " each";
  s += fmt::format("{} in {:.3f} s on {}\n", r.published ? "published" : "nothing published",
                   r.seconds, where);
  return s;
}

}  // namespace sparkify::cli
