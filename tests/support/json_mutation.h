// Real Udacity log events and a mutator for them, shared by the parser tests that feed damaged
// JSON (the sanitizer fuzz test and the every-kernel-agrees test): bits flipped, bytes inserted
// and removed, text cut short or repeated — each parser must accept or reject, never crash.
#pragma once

#include <random>
#include <string>

namespace sparkify::testing {

/// Two events as the Udacity log files hold them: a NextSong with every field, and a page view
/// with nulls and an empty userId.
inline const char* const kEventSeeds[] = {
    R"({"artist":"Des'ree","auth":"Logged In","firstName":"Kaylee","gender":"F",)"
    R"("itemInSession":1,"lastName":"Summers","length":246.30812,"level":"free",)"
    R"("location":"Phoenix-Mesa-Scottsdale, AZ","method":"PUT","page":"NextSong",)"
    R"("registration":1.540344794796E12,"sessionId":139,"song":"You Gotta Be","status":200,)"
    R"("ts":1541106106796,"userAgent":"\"Mozilla\/5.0 (Windows NT 6.1; WOW64)\"","userId":"8"})",
    R"({"artist":null,"auth":"Logged Out","firstName":null,"gender":null,"itemInSession":0,)"
    R"("lastName":null,"length":null,"level":"paid","location":null,"method":"GET","page":"Home",)"
    R"("registration":null,"sessionId":52,"song":null,"status":200,"ts":1541207073796,)"
    R"("userAgent":null,"userId":""})",
};

/// Applies 1 to `max_edits` random edits to `s`: flip a bit, insert a JSON-special byte (NUL,
/// invalid UTF-8 included), erase a run, insert a copy of another part, and — when
/// `truncate` — cut the text short.
inline std::string mutate_json(std::string s, std::mt19937_64& rng, int max_edits = 4,
                               bool truncate = true) {
  static const char kSpecial[] = "{}[]\",:\\ \n\r\t0-.eE\xff\x80\x00u";
  int edits = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_edits));
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t at = rng() % s.size();
    switch (rng() % (truncate ? 5 : 4)) {
      case 0:
        s[at] = static_cast<char>(s[at] ^ (1u << (rng() % 8)));
        break;
      case 1:
        s.insert(at, 1, kSpecial[rng() % (sizeof kSpecial - 1)]);
        break;
      case 2:
        s.erase(at, 1 + rng() % 8);
        break;
      case 3:
        s.insert(at, s.substr(rng() % s.size(), rng() % 16));
        break;
      case 4:
        s.resize(at);
        break;
    }
  }
  return s;
}

}  // namespace sparkify::testing
