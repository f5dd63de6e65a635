#include "exec/lake_record_check.h"

#include <algorithm>
#include <iterator>

#include "model/table.h"
#include "sink/lake_log.h"

namespace sparkify::exec {

Result<std::optional<CheckResult>> check_load_record(io::FileSystem& fs, const std::string& lake,
                                                     lake::LakeListings& listings) {
  CheckResult check;
  check.name = "tables hold the files of the lake's load record";
  auto read = sink::read_commit_log(fs, lake);
  // A broken chain of records is a failed check, with the sentence a load gives.
  if (!read.ok() && read.status().code() == ErrorCode::kCorrupt) {
    check.checked = 1;
    check.failures = 1;
    check.passed = false;
    check.detail = read.status().message();
    return std::optional<CheckResult>(std::move(check));
  }
  SPARKIFY_ASSIGN_OR_RETURN(sink::CommitLog log, std::move(read));
  if (!log.latest) {
    auto note = fs.read(sink::unrecorded_path(lake));
    if (!note.ok() || note->view() != sink::kFullRunStopped) return std::optional<CheckResult>();
    check.checked = 1;
    check.failures = 1;
    check.passed = false;
    check.detail = "no load record: " + std::string(note->view()) + "; run sparkify etl again";
    return std::optional<CheckResult>(std::move(check));
  }
  const sink::LakeCommit& commit = *log.latest;
  const std::vector<std::string> none;
  for (const auto* spec : model::all_table_specs()) {
    const auto& listed = listings.of(*spec);
    const std::vector<std::string>& files = listed.ok() ? listed->files : none;
    std::vector<std::string> named;
    if (auto it = commit.tables.find(spec->name); it != commit.tables.end()) named = it->second;
    std::sort(named.begin(), named.end());
    std::vector<std::string> missing, extra;
    std::set_difference(named.begin(), named.end(), files.begin(), files.end(),
                        std::back_inserter(missing));
    std::set_difference(files.begin(), files.end(), named.begin(), named.end(),
                        std::back_inserter(extra));
    check.checked += files.size();
    check.failures += missing.size() + extra.size();
    if (check.detail.empty() && !(missing.empty() && extra.empty())) {
      std::string record = "load record " + std::to_string(commit.version);
      check.detail = missing.empty()
                         ? spec->name + "/" + extra.front() + " is not in " + record
                         : spec->name + "/" + missing.front() + " of " + record + " is missing";
      check.detail +=
          " (a load stopped before it finished, which the next sparkify etl completes; or a file "
          "added or removed by hand, which only a --mode full run replaces)";
    }
  }
  check.passed = check.failures == 0;
  return std::optional<CheckResult>(std::move(check));
}

}  // namespace sparkify::exec
