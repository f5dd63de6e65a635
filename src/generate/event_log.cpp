#include "generate/event_log.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "common/civil_date.h"
#include "generate/json_text.h"

namespace sparkify::generate {

namespace {

enum Page : uint8_t {
  kNextSong,
  kHome,
  kLogin,
  kLogout,
  kDowngrade,
  kSettings,
  kHelp,
  kAbout,
  kUpgrade,
  kSaveSettings,
  kError,
  kSubmitUpgrade,
  kSubmitDowngrade,
  kPageCount,
};

// The pieces of a line that depend only on the page: method and page, then status and "ts".
struct PageInfo {
  std::string_view method_and_page;  // "PUT","page":"NextSong"
  std::string_view status_and_ts;    // ,"status":200,"ts":
};
constexpr PageInfo kPages[kPageCount] = {
    {"\"PUT\",\"page\":\"NextSong\"", ",\"status\":200,\"ts\":"},
    {"\"GET\",\"page\":\"Home\"", ",\"status\":200,\"ts\":"},
    {"\"PUT\",\"page\":\"Login\"", ",\"status\":307,\"ts\":"},
    {"\"PUT\",\"page\":\"Logout\"", ",\"status\":307,\"ts\":"},
    {"\"GET\",\"page\":\"Downgrade\"", ",\"status\":200,\"ts\":"},
    {"\"GET\",\"page\":\"Settings\"", ",\"status\":200,\"ts\":"},
    {"\"GET\",\"page\":\"Help\"", ",\"status\":200,\"ts\":"},
    {"\"GET\",\"page\":\"About\"", ",\"status\":200,\"ts\":"},
    {"\"GET\",\"page\":\"Upgrade\"", ",\"status\":200,\"ts\":"},
    {"\"PUT\",\"page\":\"Save Settings\"", ",\"status\":307,\"ts\":"},
    {"\"GET\",\"page\":\"Error\"", ",\"status\":404,\"ts\":"},
    {"\"PUT\",\"page\":\"Submit Upgrade\"", ",\"status\":307,\"ts\":"},
    {"\"PUT\",\"page\":\"Submit Downgrade\"", ",\"status\":307,\"ts\":"},
};

// Page shares of logged-in and logged-out events in the real sample (7,770 and 286 events).
constexpr double kLoggedInWeights[kPageCount] = {6820, 635, 0, 90, 60, 56, 38, 22, 21, 10, 9, 8, 1};
constexpr double kLoggedOutWeights[kPageCount] = {0, 171, 92, 0, 0, 0, 9, 14, 0, 0, 0, 0, 0};
constexpr double kStartsLoggedOut = 0.02;

enum PlayKind : uint8_t { kNoPlay = 0, kMatched = 1, kNearMiss = 2, kOther = 3 };

// One event before rendering: 24 bytes, so a day of a million events sorts in cache-sized work.
struct Event {
  int64_t ts_ms;
  uint32_t user;
  uint32_t ref;      // song or played-song index
  uint32_t session;  // within the day
  uint16_t item;
  uint8_t page;
  uint8_t flags;  // bit 0 logged out, bit 1 paid, bits 2-3 PlayKind
};

inline char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

inline char* put_int(char* p, int64_t v) { return std::to_chars(p, p + 24, v).ptr; }

// The pieces of a logged-out event: nulls, and userId "".
constexpr std::string_view kGuestHead =
    ",\"auth\":\"Logged Out\",\"firstName\":null,\"gender\":null,\"itemInSession\":";
constexpr std::string_view kGuestLastName = ",\"lastName\":null,\"length\":";
constexpr std::string_view kGuestLocation = ",\"location\":null,\"method\":";
constexpr std::string_view kGuestAgent = ",\"userAgent\":null,\"userId\":\"";

constexpr uint8_t kLoggedOutFlag = 1;
constexpr uint8_t kPaidFlag = 2;

}  // namespace

std::string civil_date(int64_t days_since_epoch) {
  CivilDate c = civil_from_days(days_since_epoch);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month,
                c.day);
  return buf;
}

std::vector<DayPlan> plan_days(uint64_t seed, uint64_t events, int days, int64_t start_seconds) {
  std::vector<DayPlan> plan(static_cast<size_t>(days));
  std::vector<double> weight(plan.size());
  Rng rng = Rng::For(seed, Stream::kDayWeights, 0);
  double total = 0;
  for (int d = 0; d < days; ++d) {
    int64_t day_number = start_seconds / 86400 + d;
    int weekday = static_cast<int>((day_number + 4) % 7);  // 1970-01-01 was a Thursday; 0 = Sunday
    bool weekend = weekday == 0 || weekday == 6;
    weight[d] = (weekend ? 0.55 : 1.0) * (0.6 + 0.8 * rng.uniform());
    total += weight[d];
  }
  // Largest remainder, so the days add up to exactly `events`.
  uint64_t assigned = 0;
  std::vector<std::pair<double, int>> remainder;
  for (int d = 0; d < days; ++d) {
    double exact = static_cast<double>(events) * weight[d] / total;
    plan[d].events = static_cast<uint64_t>(std::floor(exact));
    assigned += plan[d].events;
    remainder.emplace_back(exact - std::floor(exact), d);
  }
  std::stable_sort(remainder.begin(), remainder.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; assigned < events; ++k, ++assigned)
    ++plan[remainder[k % remainder.size()].second].events;

  uint64_t sessions = 0;
  for (int d = 0; d < days; ++d) {
    DayPlan& p = plan[d];
    p.index = d;
    p.start_seconds = start_seconds + 86400LL * d;
    p.first_session = sessions;
    sessions += p.events;  // at most one session per event: ids never collide across days
    std::string date = civil_date(p.start_seconds / 86400);
    p.path =
        "log_data/" + date.substr(0, 4) + "/" + date.substr(5, 2) + "/" + date + "-events.json";
  }
  return plan;
}

void TextBuffer::grow(size_t need) {
  size_t capacity = std::max(need, capacity_ * 2 + 4096);
  std::unique_ptr<char[]> data(new char[capacity]);
  if (size_) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

namespace {

// Plays out sessions until the day has its events, in time order; times are offsets from the
// session start until the session is placed in the day.
std::vector<Event> simulate_day(const Catalog& catalog, const DayPlan& day,
                                const EventOptions& options) {
  static const AliasTable logged_in_pages(kLoggedInWeights);
  static const AliasTable logged_out_pages(kLoggedOutWeights);
  Rng rng = Rng::For(options.seed, Stream::kDay, static_cast<uint64_t>(day.index));
  const bool can_match = !catalog.songs.empty();
  std::vector<Event> events;
  events.reserve(day.events);
  uint32_t session = 0;
  while (events.size() < day.events) {
    uint32_t user = catalog.user_pick.sample(rng);
    // Session lengths of the real sample: median 2 events, mean ~7.6, a long tail.
    double drawn = std::clamp(std::round(rng.lognormal(0.6931, 1.6)), 1.0, 400.0);
    uint64_t length = std::min<uint64_t>(static_cast<uint64_t>(drawn), day.events - events.size());
    bool logged_in = !rng.chance(kStartsLoggedOut);
    size_t first = events.size();
    int64_t offset = 0;
    for (uint64_t k = 0; k < length; ++k) {
      Event e{};
      e.ts_ms = offset;
      e.user = user;
      e.session = session;
      e.item = static_cast<uint16_t>(k);
      e.page = static_cast<uint8_t>((logged_in ? logged_in_pages : logged_out_pages).sample(rng));
      if (!logged_in) e.flags |= kLoggedOutFlag;
      int64_t gap;
      if (e.page == kNextSong) {
        double r = rng.uniform();
        double seconds;
        if (can_match && r < options.match_fraction) {
          e.ref = catalog.song_pick.sample(rng);
          e.flags |= kMatched << 2;
          seconds = catalog.songs[e.ref].duration;
        } else if (can_match && r < options.match_fraction + options.near_miss_fraction) {
          e.ref = catalog.song_pick.sample(rng);
          e.flags |= kNearMiss << 2;
          seconds = catalog.songs[e.ref].near_miss_length;
        } else {
          e.ref = catalog.played_pick.sample(rng);
          e.flags |= kOther << 2;
          seconds = catalog.played[e.ref].length;
        }
        // The next request comes when the song ends, give or take the rounding the real logs show.
        gap = std::max<int64_t>(0, std::llround(seconds) - (rng.chance(0.5) ? 1 : 0));
      } else {
        gap = rng.chance(0.1) ? 0 : 1 + std::llround(rng.lognormal(std::log(8.0), 1.2));
      }
      if (e.page == kLogout) logged_in = false;
      if (e.page == kLogin) logged_in = true;
      events.push_back(e);
      offset += gap;
    }
    // Place the session in the day; a session longer than a day is squeezed into it.
    int64_t span = events.back().ts_ms;
    int64_t start = rng.between(0, std::max<int64_t>(0, 86399 - span));
    for (size_t i = first; i < events.size(); ++i) {
      Event& e = events[i];
      int64_t off = span > 86399 ? e.ts_ms * 86399 / span : e.ts_ms;
      // Every ts of the simulator ends in 796 ms; the second resolution makes ts collide.
      e.ts_ms = (day.start_seconds + start + off) * 1000 + 796;
      if (catalog.users[e.user].paid_at(e.ts_ms)) e.flags |= kPaidFlag;
    }
    ++session;
  }
  // Sessions and their items were appended in order, so (ts, session, item) orders the day as a
  // stable sort by ts would, without a stable sort's buffer of the whole day.
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.ts_ms != b.ts_ms) return a.ts_ms < b.ts_ms;
    if (a.session != b.session) return a.session < b.session;
    return a.item < b.item;
  });

  return events;
}

}  // namespace

Status render_day(const Catalog& catalog, const DayPlan& day, const EventOptions& options,
                  DayStats& stats, TextBuffer& out, const TextSink& emit, size_t flush_bytes) {
  std::vector<Event> events = simulate_day(catalog, day, options);
  // 2. Render. Bad lines replace good ones, drawn from their own stream so that the good lines
  // are the same with and without --bad-fraction.
  Rng bad_rng = Rng::For(options.seed, Stream::kDayBad, static_cast<uint64_t>(day.index));
  out.clear();
  constexpr std::string_view kNull = "null";
  for (const Event& e : events) {
    const bool logged_out = e.flags & kLoggedOutFlag;
    const User& u = catalog.users[e.user];
    const UserText& text = catalog.user_text;
    const std::string_view head = logged_out ? kGuestHead : text.heads[u.head];
    const std::string_view last_name = logged_out ? kGuestLastName : text.last_names[u.last_name];
    const std::string_view location = logged_out ? kGuestLocation : text.locations[u.location];
    const std::string_view agent = logged_out ? kGuestAgent : text.agents[u.agent];
    const auto kind = static_cast<PlayKind>((e.flags >> 2) & 3);
    std::string_view artist = kNull, title = kNull, length = kNull;
    if (kind == kMatched || kind == kNearMiss) {
      const Song& s = catalog.songs[e.ref];
      artist = s.log_artist;
      title = s.log_title;
      length = kind == kMatched ? s.log_length : s.log_near_miss_length;
    } else if (kind == kOther) {
      const PlayedSong& p = catalog.played[e.ref];
      artist = p.log_artist;
      title = p.log_title;
      length = p.log_length;
    }
    const PageInfo& page = kPages[e.page];
    if (stats.lines > 0) out.commit(put(out.tail(1), "\n"));
    const size_t line_start = out.size();
    // Fixed text below is under 100 bytes, and the five numbers under 24 bytes each.
    char* p =
        out.tail(artist.size() + title.size() + length.size() + head.size() + last_name.size() +
                 location.size() + agent.size() + page.method_and_page.size() + 256);
    p = put(p, "{\"artist\":");
    p = put(p, artist);
    p = put(p, head);
    p = put_int(p, e.item);
    p = put(p, last_name);
    p = put(p, length);
    p = put(p, (e.flags & kPaidFlag) ? std::string_view(",\"level\":\"paid\"")
                                     : std::string_view(",\"level\":\"free\""));
    p = put(p, location);
    p = put(p, page.method_and_page);
    if (logged_out) {
      p = put(p, ",\"registration\":null,\"sessionId\":");
    } else {
      p = put(p, ",\"registration\":");
      p = put_int(p, u.registration_ms);
      p = put(p, ".0,\"sessionId\":");  // the simulator writes registration as a double
    }
    p = put_int(p, static_cast<int64_t>(day.first_session + e.session + 1));
    p = put(p, ",\"song\":");
    p = put(p, title);
    p = put(p, page.status_and_ts);
    p = put_int(p, e.ts_ms);
    p = put(p, agent);
    if (!logged_out) p = put_int(p, static_cast<int64_t>(e.user) + 1);
    p = put(p, "\"}");
    out.commit(p);

    if (options.bad_fraction > 0 && bad_rng.chance(options.bad_fraction)) {
      auto bad =
          static_cast<BadEventKind>(1 + bad_rng.below(e.page == kNextSong ? kBadEventKinds : 2));
      std::string line = corrupt_event_line(out.view().substr(line_start), bad, bad_rng);
      out.truncate(line_start);
      out.commit(put(out.tail(line.size()), line));
      ++stats.bad[static_cast<size_t>(bad)];
    } else {
      if (e.page == kNextSong) {
        ++stats.next_song;
        const Song* s = kind == kOther ? nullptr : &catalog.songs[e.ref];
        if (s && (kind == kMatched ? s->key_matches : s->near_miss_matches)) ++stats.matched_plays;
      }
      if (logged_out) ++stats.logged_out;
    }
    ++stats.lines;
    if (out.size() >= flush_bytes) {
      SPARKIFY_RETURN_NOT_OK(emit(out.view()));
      out.clear();
    }
  }
  // The real files have no newline after the last line (lines are separated, not terminated).
  if (out.size() > 0) SPARKIFY_RETURN_NOT_OK(emit(out.view()));
  out.clear();
  return Status::OK();
}

}  // namespace sparkify::generate
