// Names the browser and operating system in a user_agent string, for the report's "on what"
// chart. The rules are a short, ordered list of substrings (first match wins) so that the same
// classification can be written as one SQL CASE expression and cross-checked.
#pragma once

#include <string_view>

namespace sparkify::report {

/// "Edge", "Firefox", "Chromium", "Chrome", "Safari", "Internet Explorer" or "Other".
std::string_view browser_of(std::string_view user_agent);
/// "iOS", "Android", "Windows", "macOS", "Linux" or "Other".
std::string_view os_of(std::string_view user_agent);

}  // namespace sparkify::report
