#include "generate/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/temp_dir.h"

namespace sparkify::generate {
namespace {

namespace fs = std::filesystem;

// The generator writes hundreds of small files per test: kept in memory where possible.
class TempDir : public sparkify::testing::TempDir {
 public:
  TempDir() : sparkify::testing::TempDir("sparkify-gen", memory_parent()) {}
};

std::map<std::string, std::string> read_tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    files[fs::relative(entry.path(), root).string()] = ss.str();
  }
  return files;
}

GenerateReport run(const GenerateOptions& options) {
  auto fs = io::make_file_system(options.output, {});
  EXPECT_TRUE(fs.ok());
  auto report = generate(**fs, options);
  EXPECT_TRUE(report.ok()) << report.status().message();
  return report.ok() ? *report : GenerateReport{};
}

GenerateOptions small(const std::string& out) {
  GenerateOptions o;
  o.output = out;
  o.songs = 400;
  o.events = 6000;
  o.seed = 11;
  return o;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string str(simdjson::dom::element e) { return std::string(std::string_view(e)); }

std::vector<std::string> keys_of(simdjson::dom::object object) {
  std::vector<std::string> keys;
  for (auto field : object) keys.emplace_back(field.key);
  return keys;
}

const std::vector<std::string> kSongKeys = {
    "num_songs",   "artist_id", "artist_latitude", "artist_longitude", "artist_location",
    "artist_name", "song_id",   "title",           "duration",         "year"};
const std::vector<std::string> kEventKeys = {
    "artist",    "auth",  "firstName", "gender", "itemInSession", "lastName",
    "length",    "level", "location",  "method", "page",          "registration",
    "sessionId", "song",  "status",    "ts",     "userAgent",     "userId"};

TEST(Generator, SameBytesWhateverTheThreadCount) {
  TempDir a, b;
  GenerateOptions oa = small(a.str());
  oa.threads = 1;
  oa.bad_fraction = 0.02;
  GenerateOptions ob = oa;
  ob.output = b.str();
  ob.threads = 4;
  run(oa);
  run(ob);
  auto ta = read_tree(a.str());
  auto tb = read_tree(b.str());
  EXPECT_EQ(ta.size(), 400u + 30u + 1u);
  EXPECT_TRUE(ta == tb);

  TempDir c;
  GenerateOptions oc = oa;
  oc.output = c.str();
  oc.seed = 12;
  run(oc);
  EXPECT_FALSE(read_tree(c.str()) == ta);
}

TEST(Generator, LayoutFollowsTheRealData) {
  TempDir dir;
  GenerateOptions o = small(dir.str());
  o.days = 45;
  GenerateReport r = run(o);
  EXPECT_EQ(r.song_files, 400u);
  EXPECT_EQ(r.log_files, 45u);
  std::regex song_path(R"(song_data/([A-Z])/([A-Z])/([A-Z])/TR([A-Z]{5})12[0-9A-F]{9}\.json)");
  std::regex log_path(R"(log_data/(\d{4})/(\d{2})/(\d{4})-(\d{2})-(\d{2})-events\.json)");
  std::set<std::string> days;
  int songs = 0;
  for (const auto& [path, text] : read_tree(dir.str())) {
    std::smatch m;
    if (path.rfind("song_data/", 0) == 0) {
      ASSERT_TRUE(std::regex_match(path, m, song_path)) << path;
      EXPECT_EQ(m[1].str() + m[2].str() + m[3].str(), m[4].str().substr(0, 3)) << path;
      EXPECT_EQ(text.substr(0, 15), "{\"num_songs\": 1");
      EXPECT_NE(text.back(), '\n');
      ++songs;
    } else if (path.rfind("log_data/", 0) == 0) {
      ASSERT_TRUE(std::regex_match(path, m, log_path)) << path;
      EXPECT_EQ(m[1].str(), m[3].str());
      EXPECT_EQ(m[2].str(), m[4].str());
      days.insert(m[3].str() + "-" + m[4].str() + "-" + m[5].str());
    } else {
      EXPECT_EQ(path, "_generate.json");
    }
  }
  EXPECT_EQ(songs, 400);
  ASSERT_EQ(days.size(), 45u);
  EXPECT_EQ(*days.begin(), "2018-11-01");
  EXPECT_EQ(*days.rbegin(), "2018-12-15");
}

TEST(Generator, RefusesToMixWithAnEarlierDataSet) {
  TempDir dir;
  GenerateOptions o = small(dir.str());
  o.songs = 10;
  o.events = 100;
  run(o);
  auto fs = io::make_file_system(o.output, {});
  auto again = generate(**fs, o);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("--overwrite"), std::string::npos);
  o.overwrite = true;
  o.songs = 5;
  run(o);
  EXPECT_EQ(read_tree(dir.str()).size(), 5u + 30u + 1u);
}

// Parses everything as an independent reader would and checks the shapes, the quirks and that
// the report's counts are what the files hold.
TEST(Generator, FilesParseAsJsonWithTheRealKeysAndQuirks) {
  TempDir dir;
  GenerateOptions o = small(dir.str());
  o.match_fraction = 0.3;
  GenerateReport r = run(o);
  simdjson::dom::parser parser;
  std::set<std::string> good_keys;  // title \0 artist \0 duration
  std::map<std::string, int> song_ids;
  std::map<std::string, std::set<std::string>> artist_names;
  int year_zero = 0, empty_location = 0;
  uint64_t events = 0, next_song = 0, logged_out = 0, matched = 0, quoted_agents = 0;
  std::set<int64_t> next_song_ts;
  std::map<std::string, std::set<std::string>> levels;
  std::map<std::string, int> pages;
  auto tree = read_tree(dir.str());
  for (const auto& [path, text] : tree) {
    if (path.rfind("song_data/", 0) != 0) continue;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << path;
    simdjson::dom::object obj = doc.get_object();
    EXPECT_EQ(keys_of(obj), kSongKeys) << path;
    std::string title = str(obj["title"]);
    std::string name = str(obj["artist_name"]);
    double duration = double(obj["duration"]);
    // Plays join the song kept for each song_id: the first file in path order.
    if (song_ids[str(obj["song_id"])]++ == 0) {
      good_keys.insert(title + '\0' + name + '\0' + std::to_string(duration));
    }
    artist_names[str(obj["artist_id"])].insert(name);
    year_zero += int64_t(obj["year"]) == 0;
    empty_location += std::string_view(obj["artist_location"]).empty();
  }
  for (const auto& [path, text] : tree) {
    if (path.rfind("log_data/", 0) != 0) continue;
    for (const std::string& line : split_lines(text)) {
      simdjson::dom::element doc;
      ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
      simdjson::dom::object obj = doc.get_object();
      ASSERT_EQ(keys_of(obj), kEventKeys) << line;
      ++events;
      std::string page = str(obj["page"]);
      ++pages[page];
      std::string_view user_id = obj["userId"];
      if (user_id.empty()) {
        ++logged_out;
        EXPECT_TRUE(obj["firstName"].is_null());
        EXPECT_EQ(std::string_view(obj["auth"]), "Logged Out");
      }
      if (page != "NextSong") {
        EXPECT_TRUE(obj["song"].is_null());
        EXPECT_TRUE(obj["length"].is_null());
        continue;
      }
      ++next_song;
      EXPECT_FALSE(user_id.empty());
      std::string_view agent = obj["userAgent"];
      if (agent.front() == '"') {
        EXPECT_EQ(agent.back(), '"');
        ++quoted_agents;
      }
      int64_t ts = int64_t(obj["ts"]);
      EXPECT_EQ(ts % 1000, 796);
      next_song_ts.insert(ts);
      levels[std::string(user_id)].insert(str(obj["level"]));
      std::string key = str(obj["song"]) + '\0' + str(obj["artist"]) + '\0' +
                        std::to_string(double(obj["length"]));
      matched += good_keys.count(key);
    }
    // The simulator's style: compact, '/' escaped, sorted by ts, no final newline.
    EXPECT_EQ(text.find("\": "), std::string::npos);
    if (!text.empty()) {
      EXPECT_NE(text.back(), '\n');
    }
  }
  EXPECT_EQ(events, 6000u);
  EXPECT_EQ(r.events, events);
  EXPECT_EQ(r.next_song_events, next_song);
  EXPECT_EQ(r.logged_out_events, logged_out);
  EXPECT_EQ(r.matched_plays, matched);
  // Realistic shapes (the seed is fixed, so these are exact checks, not flaky ones).
  EXPECT_NEAR(double(next_song) / events, 0.85, 0.03);
  EXPECT_NEAR(double(logged_out) / events, 0.035, 0.025);
  EXPECT_GT(pages["Home"], 0);
  EXPECT_GT(pages["Login"], 0);
  EXPECT_GT(pages["Logout"], 0);
  EXPECT_NEAR(double(matched) / next_song, 0.3, 0.05);
  EXPECT_GT(quoted_agents, next_song / 3);
  EXPECT_LT(next_song_ts.size(), next_song);  // some ts collide
  EXPECT_GT(year_zero, 100);
  EXPECT_GT(empty_location, 50);
  int changed_level = 0;
  for (const auto& [user, set] : levels) changed_level += set.size() > 1;
  EXPECT_GT(changed_level, 0);
  int several_spellings = 0;
  for (const auto& [id, names] : artist_names) several_spellings += names.size() > 1;
  EXPECT_GT(several_spellings, 0);
  int duplicated = 0;
  for (const auto& [id, n] : song_ids) duplicated += n - 1;
  EXPECT_EQ(uint64_t(duplicated), r.duplicate_song_files);
  EXPECT_NE(tree.at("log_data/2018/11/2018-11-05-events.json").find("\\/"), std::string::npos);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Classifies every record independently and checks the counts the generator reports; also checks
// that bad records only replace good ones (the rest is byte-identical to a clean run).
TEST(Generator, BadFractionWritesEveryKindAndCountsThem) {
  TempDir clean_dir, dir;
  GenerateOptions o = small(dir.str());
  o.songs = 2000;
  o.events = 20000;
  o.bad_fraction = 0.05;
  GenerateReport r = run(o);
  GenerateOptions clean = o;
  clean.output = clean_dir.str();
  clean.bad_fraction = 0;
  run(clean);
  auto tree = read_tree(dir.str());
  auto clean_tree = read_tree(clean_dir.str());

  std::map<std::string, uint64_t> songs, events;
  simdjson::dom::parser parser;
  uint64_t changed_records = 0;
  for (const auto& [path, text] : tree) {
    if (path.rfind("song_data/", 0) == 0) {
      changed_records += text != clean_tree.at(path);
      simdjson::dom::element doc;
      if (parser.parse(text).get(doc) != simdjson::SUCCESS) {
        ++songs[text.back() == '}' ? "invalid_json" : "truncated"];
        continue;
      }
      simdjson::dom::object obj = doc.get_object();
      if (obj["song_id"].error()) {
        ++songs["missing_song_id"];
      } else if (obj["artist_id"].error()) {
        ++songs["missing_artist_id"];
      } else if (obj["duration"].is_string() || obj["year"].is_string()) {
        ++songs["wrong_type"];
      }
    } else if (path.rfind("log_data/", 0) == 0) {
      auto lines = split_lines(text);
      auto clean_lines = split_lines(clean_tree.at(path));
      ASSERT_EQ(lines.size(), clean_lines.size());
      for (size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        changed_records += line != clean_lines[i];
        simdjson::dom::element doc;
        if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
          ++events[line.back() == '}' ? "invalid_json" : "truncated_line"];
          continue;
        }
        simdjson::dom::object obj = doc.get_object();
        if (std::string_view(obj["page"]) != "NextSong") continue;
        if (obj["ts"].error()) {
          ++events["nextsong_missing_ts"];
        } else if (!all_digits(std::string_view(obj["userId"]))) {
          ++events["nextsong_non_numeric_user_id"];
        } else if (obj["sessionId"].is_string() || obj["length"].is_string()) {
          ++events["wrong_type"];
        }
      }
    }
  }
  uint64_t total = 0;
  for (const auto& [kind, n] : r.bad_songs) {
    EXPECT_GT(n, 0u) << kind;
    EXPECT_EQ(songs[kind], n) << kind;
    total += n;
  }
  for (const auto& [kind, n] : r.bad_events) {
    EXPECT_GT(n, 0u) << kind;
    EXPECT_EQ(events[kind], n) << kind;
    total += n;
  }
  EXPECT_EQ(total, r.bad_total);
  EXPECT_EQ(changed_records, r.bad_total);
  EXPECT_NEAR(double(r.bad_total) / (2000 + 20000), 0.05, 0.01);
}

TEST(Generator, RejectsImpossibleOptions) {
  TempDir dir;
  GenerateOptions o = small(dir.str());
  auto fs = io::make_file_system(o.output, {});
  o.days = 0;
  EXPECT_FALSE(generate(**fs, o).ok());
  o.days = 30;
  o.bad_fraction = 1.5;
  EXPECT_FALSE(generate(**fs, o).ok());
}

}  // namespace
}  // namespace sparkify::generate
