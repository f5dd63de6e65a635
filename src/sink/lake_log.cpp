#include "sink/lake_log.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "common/json.h"
#include "common/parallel.h"
#include "common/version.h"

namespace sparkify::sink {

namespace {

constexpr const char* kControl = "_sparkify";

void append_string_list(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_json_quoted(out, items[i]);
  }
  out += ']';
}

void append_table_map(std::string& out,
                      const std::map<std::string, std::vector<std::string>>& tables) {
  out += '{';
  bool first = true;
  for (const auto& [table, files] : tables) {
    if (!first) out += ',';
    first = false;
    out += "\n  ";
    append_json_quoted(out, table);
    out += ':';
    append_string_list(out, files);
  }
  out += '}';
}

// Version numbers are zero-padded so a listing sorts them.
std::string commit_name(uint64_t version) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.json", static_cast<unsigned long long>(version));
  return name;
}

Status bad(const std::string& what) {
  return Status::Corrupt("the lake's commit record is damaged: " + what);
}

Result<std::vector<std::string>> strings_of(simdjson::dom::element e, const char* what) {
  simdjson::dom::array array;
  if (e.get_array().get(array)) return bad(std::string(what) + " is not a list");
  std::vector<std::string> out;
  for (auto item : array) {
    std::string_view s;
    if (item.get_string().get(s)) return bad(std::string(what) + " holds a non-string");
    out.emplace_back(s);
  }
  return out;
}

Result<std::map<std::string, std::vector<std::string>>> tables_of(simdjson::dom::object parent,
                                                                  const char* key) {
  std::map<std::string, std::vector<std::string>> out;
  simdjson::dom::object tables;
  if (parent[key].get_object().get(tables)) return bad(std::string(key) + " is missing");
  for (auto field : tables) {
    SPARKIFY_ASSIGN_OR_RETURN(out[std::string(field.key)], strings_of(field.value, key));
  }
  return out;
}

}  // namespace

const model::TableSpec& ingested_files_spec() {
  using T = model::ColumnType;
  static const model::TableSpec spec{"inputs",
                                     {{"path", T::kString, true},
                                      {"size", T::kInt64, true},
                                      {"version", T::kString, true},
                                      {"run", T::kString, true}},
                                     {}};
  return spec;
}

std::string commits_dir(const std::string& root) {
  return io::FileSystem::join(io::FileSystem::join(root, kControl), "commits");
}

std::string commit_path(const std::string& root, uint64_t version) {
  return io::FileSystem::join(commits_dir(root), commit_name(version));
}

std::string unrecorded_path(const std::string& root) {
  return io::FileSystem::join(io::FileSystem::join(root, kControl), "unrecorded");
}

std::string states_dir(const std::string& root) {
  return io::FileSystem::join(io::FileSystem::join(root, kControl), "state");
}

std::string state_dir(const std::string& root, const std::string& run) {
  return io::FileSystem::join(states_dir(root), run);
}

namespace {

// The record's length without escapes (which file names hardly ever need): one allocation of
// about the right size, where growing by doubling would briefly hold 1.5-3x the record (4 MB on
// a lake of 36k song files) at the run's last, most crowded moment.
size_t commit_size_estimate(const LakeCommit& c, bool whole) {
  size_t n = 512 + c.state.size() + c.run.size();
  for (const auto* map : {&c.tables, &c.added, &c.removed}) {
    if (map == &c.tables && !whole) continue;
    for (const auto& [table, files] : *map) {
      n += table.size() + 8;
      for (const auto& f : files) n += f.size() + 3;
    }
  }
  return n + n / 64;
}

}  // namespace

std::string commit_to_json(const LakeCommit& c, bool whole) {
  // A change handed on whole names its chain's states, which hold the growing state tables.
  const bool handed = whole && c.base != 0;
  whole = whole || c.base == 0;
  std::string out;
  out.reserve(commit_size_estimate(c, whole));
  out +=
      "{\"committer\":\"sparkify " SPARKIFY_VERSION "\",\"version\":" + std::to_string(c.version) +
      ",\"run\":" + json_quote(c.run) + ",\"mode\":" + json_quote(c.mode) +
      ",\"songplays\":" + std::to_string(c.songplays) + ",\"state\":" + json_quote(c.state);
  if (handed) {
    out += ",\n\"chain\":";
    append_string_list(out, c.chain_states);
  }
  if (whole) {
    out += ",\n\"tables\":";
    append_table_map(out, c.tables);
  } else {
    out += ",\"base\":" + std::to_string(c.base);
  }
  out += ",\n\"added\":";
  append_table_map(out, c.added);
  out += ",\n\"removed\":";
  append_table_map(out, c.removed);
  out += ",\n\"rows\":{";
  bool first = true;
  for (const auto& [table, rows] : c.rows) {
    if (!first) out += ',';
    first = false;
    append_json_quoted(out, table);
    out += ':';
    out += std::to_string(rows);
  }
  out += "},\n\"input_files\":";
  out += std::to_string(c.input_files);
  out += "}\n";
  return out;
}

namespace {

// `text` must be followed by simdjson::SIMDJSON_PADDING readable bytes.
Result<LakeCommit> parse_padded_commit(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(text.data(), text.size(), false).get_object().get(doc)) {
    return bad("it is not a JSON object");
  }
  LakeCommit c;
  std::string_view committer, run, mode, state;
  int64_t songplays = 0;
  uint64_t version = 0;
  if (doc["committer"].get_string().get(committer) || committer.rfind("sparkify", 0) != 0 ||
      doc["version"].get_uint64().get(version) || doc["run"].get_string().get(run) ||
      doc["mode"].get_string().get(mode) || doc["songplays"].get_int64().get(songplays) ||
      doc["state"].get_string().get(state)) {
    return bad("a field is missing");
  }
  c.version = version;
  c.run = run;
  c.mode = mode;
  c.songplays = songplays;
  c.state = state;
  if (doc["base"].get_uint64().get(c.base) == simdjson::SUCCESS) {
    if (c.base == 0 || c.base >= c.version) return bad("base is not an earlier record");
  } else {
    c.base = 0;
    SPARKIFY_ASSIGN_OR_RETURN(c.tables, tables_of(doc, "tables"));
    c.checkpoint = c.version;
    c.chain_states = {c.state};
    simdjson::dom::element chain;
    if (doc["chain"].get(chain) == simdjson::SUCCESS) {
      SPARKIFY_ASSIGN_OR_RETURN(c.chain_states, strings_of(chain, "chain"));
      if (c.chain_states.empty() || c.chain_states.back() != c.state) {
        return bad("chain does not end with the record's state");
      }
    }
  }
  SPARKIFY_ASSIGN_OR_RETURN(c.added, tables_of(doc, "added"));
  SPARKIFY_ASSIGN_OR_RETURN(c.removed, tables_of(doc, "removed"));
  simdjson::dom::object rows;
  if (!doc["rows"].get_object().get(rows)) {  // records before row counts have none
    for (auto field : rows) {
      uint64_t n = 0;
      if (field.value.get_uint64().get(n)) return bad("rows holds a non-count");
      c.rows[std::string(field.key)] = n;
    }
  }
  simdjson::dom::array inputs;
  if (!doc["input_files"].get_uint64().get(c.input_files)) return c;
  if (c.base != 0) return bad("input_files is missing");
  c.chain_states.clear();  // the inputs are here, not in the state
  // A record written before the state held the ingested files lists them inline.
  if (doc["inputs"].get_array().get(inputs)) return bad("input_files is missing");
  c.inline_inputs.reserve(inputs.size());
  for (auto item : inputs) {
    IngestedFile& f = c.inline_inputs.emplace_back();
    simdjson::dom::object entry;
    if (item.get_object().get(entry)) return bad("an input entry is not an object");
    // One pass over the entry's fields, in whatever order they come.
    int found = 0;
    for (auto field : entry) {
      std::string_view text;
      if (field.key == "path" && !field.value.get_string().get(text)) {
        f.path = text;
        found |= 1;
      } else if (field.key == "size" && !field.value.get_uint64().get(f.size)) {
        found |= 2;
      } else if (field.key == "version" && !field.value.get_string().get(text)) {
        f.version = text;
        found |= 4;
      } else if (field.key == "run" && !field.value.get_string().get(text)) {
        f.run = text;
        found |= 8;
      }
    }
    if (found != 15) return bad("an input entry is incomplete");
  }
  c.input_files = c.inline_inputs.size();
  return c;
}

}  // namespace

Result<LakeCommit> parse_commit(std::string_view text) {
  simdjson::padded_string padded(text);
  return parse_padded_commit(padded);
}

namespace {

// Removes `removed`'s files from `tables`, then appends `added`'s: what a change did.
void apply_change(std::map<std::string, std::vector<std::string>>& tables,
                  const LakeCommit& change) {
  for (const auto& [table, gone] : change.removed) {
    auto it = tables.find(table);
    if (it == tables.end() || gone.empty()) continue;
    std::vector<std::string> sorted_gone = gone;
    std::sort(sorted_gone.begin(), sorted_gone.end());
    std::erase_if(it->second, [&](const std::string& f) {
      return std::binary_search(sorted_gone.begin(), sorted_gone.end(), f);
    });
  }
  for (const auto& [table, files] : change.added) {
    auto& all = tables[table];
    all.insert(all.end(), files.begin(), files.end());
  }
}

// Puts a change's tables together from the records before it, back to a whole one (`records`:
// every record of the listing by version, those that did not parse empty); `chain` gets the
// versions it used.
Status resolve_chain(const std::map<uint64_t, std::optional<LakeCommit>>& records,
                     LakeCommit& latest, std::vector<uint64_t>& chain) {
  std::vector<const LakeCommit*> changes;  // newest first, from `latest` back
  uint64_t base = latest.base;
  while (base != 0) {
    auto broken = [&](const std::string& why) {
      return bad("record " + std::to_string(latest.version) + " builds on record " +
                 std::to_string(base) + ", which " + why + "; rebuild the lake with --mode full");
    };
    auto it = records.find(base);
    if (it == records.end()) return broken("is missing");
    if (!it->second) return broken("does not parse");
    const LakeCommit& record = *it->second;
    if (record.base == 0 && !record.inline_inputs.empty()) {
      return broken("lists its ingested files inline");  // such a record is never built on
    }
    chain.push_back(base);
    changes.push_back(&record);
    base = record.base;
  }
  // changes.back() is the whole record; apply the others oldest first, then `latest`.
  const LakeCommit& whole = *changes.back();
  std::map<std::string, std::vector<std::string>> tables = whole.tables;
  std::vector<std::string> states = {whole.state};
  for (auto it = changes.rbegin() + 1; it != changes.rend(); ++it) {
    apply_change(tables, **it);
    states.push_back((*it)->state);
  }
  apply_change(tables, latest);
  states.push_back(latest.state);
  latest.tables = std::move(tables);
  latest.checkpoint = whole.version;
  latest.chain_states = std::move(states);
  return Status::OK();
}

// "00000000000000000007.json" -> 7; 0 for a name that is not a record's.
uint64_t version_of(const std::string& name) {
  if (name.size() != 25 || name.compare(20, 5, ".json") != 0) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return v;
}

}  // namespace

Result<CommitLog> read_commit_log(io::FileSystem& fs, const std::string& root) {
  CommitLog log;
  std::string dir = commits_dir(root);
  auto listed = fs.list(dir);
  if (!listed.ok()) {
    if (listed.status().code() == ErrorCode::kNotFound) return log;
    return listed.status();
  }
  // Every record at once where the store wants requests in flight (a chain is at most
  // kCheckpointInterval of them; on S3 one round trip).
  std::vector<std::string> names;
  for (const auto& info : *listed) names.push_back(info.path);
  std::vector<std::optional<LakeCommit>> read(names.size());
  SPARKIFY_RETURN_NOT_OK(
      parallel_for(names.size(), fs.preferred_read_concurrency(), [&](size_t i, int) -> Status {
        if (version_of(names[i]) == 0) return Status::OK();
        SPARKIFY_ASSIGN_OR_RETURN(
            Buffer text, fs.read(io::FileSystem::join(dir, names[i]), simdjson::SIMDJSON_PADDING));
        auto commit = parse_padded_commit(text.view());
        if (commit.ok() && commit->version == version_of(names[i])) read[i] = std::move(*commit);
        return Status::OK();
      }));
  std::map<uint64_t, std::optional<LakeCommit>> records;
  for (size_t i = 0; i < names.size(); ++i) {
    if (uint64_t v = version_of(names[i])) records[v] = std::move(read[i]);
  }
  // The newest record that parses is the lake's state; those outside its chain are obsolete.
  std::vector<uint64_t> chain;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (!it->second) continue;
    LakeCommit latest = std::move(*it->second);
    chain.push_back(latest.version);
    if (latest.base != 0) SPARKIFY_RETURN_NOT_OK(resolve_chain(records, latest, chain));
    log.latest = std::move(latest);
    break;
  }
  for (const auto& name : names) {
    if (std::find(chain.begin(), chain.end(), version_of(name)) == chain.end()) {
      log.obsolete.push_back(io::FileSystem::join(dir, name));
    }
  }
  std::sort(log.obsolete.begin(), log.obsolete.end());
  return log;
}

Status write_commit(io::FileSystem& fs, const std::string& root, const LakeCommit& commit) {
  return write_commit_json(fs, root, commit.version, commit_to_json(commit));
}

Status write_commit_json(io::FileSystem& fs, const std::string& root, uint64_t version,
                         std::string_view json) {
  return fs.write_text(commit_path(root, version), json);
}

}  // namespace sparkify::sink
