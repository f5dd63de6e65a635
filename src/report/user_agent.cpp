#include "report/user_agent.h"

#include <initializer_list>

namespace sparkify::report {

namespace {

struct Rule {
  std::initializer_list<std::string_view> needles;
  std::string_view name;
};

std::string_view first_match(std::string_view text, std::initializer_list<Rule> rules) {
  for (const Rule& rule : rules) {
    for (std::string_view needle : rule.needles) {
      if (text.find(needle) != std::string_view::npos) return rule.name;
    }
  }
  return "Other";
}

}  // namespace

// Order matters: Edge and Chromium also say "Chrome/", Chrome also says "Safari/".
std::string_view browser_of(std::string_view ua) {
  return first_match(ua, {{{"Edge/", "Edg/"}, "Edge"},
                          {{"Firefox/"}, "Firefox"},
                          {{"Chromium/"}, "Chromium"},
                          {{"Chrome/"}, "Chrome"},
                          {{"Safari/"}, "Safari"},
                          {{"Trident/", "MSIE "}, "Internet Explorer"}});
}

// iPhones say "like Mac OS X", Android says "Linux": the specific names come first.
std::string_view os_of(std::string_view ua) {
  return first_match(ua, {{{"iPhone", "iPad"}, "iOS"},
                          {{"Android"}, "Android"},
                          {{"Windows"}, "Windows"},
                          {{"Mac OS X"}, "macOS"},
                          {{"Linux"}, "Linux"}});
}

}  // namespace sparkify::report
