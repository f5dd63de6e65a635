// Word lists the generator draws names, titles, places and browsers from. The lists are small
// and hand-written; the generator combines them so millions of records still look varied.
#pragma once

#include <span>
#include <string_view>

namespace sparkify::generate::vocab {

/// A place an artist can come from, as free text (the Million Song Dataset's style varies:
/// "Nashville, TN.", "London, England", "California - SF") with its coordinates.
struct Place {
  std::string_view text;
  double latitude;
  double longitude;
};

std::span<const std::string_view> female_first_names();
std::span<const std::string_view> male_first_names();
std::span<const std::string_view> last_names();
/// US metropolitan areas as the event logs name them ("Phoenix-Mesa-Scottsdale, AZ").
std::span<const std::string_view> metro_areas();
/// Browsers as the event logs hold them: WebKit ones wrapped in literal double quotes (the value
/// starts and ends with '"'), Gecko and Trident ones bare — exactly as the real logs do.
std::span<const std::string_view> user_agents();
std::span<const Place> places();
std::span<const std::string_view> title_words();
/// Words with non-ASCII letters, so titles and names exercise \uXXXX escapes.
std::span<const std::string_view> accented_words();
std::span<const std::string_view> band_words();
/// Given names for artists, international (some non-ASCII).
std::span<const std::string_view> artist_first_names();
std::span<const std::string_view> title_suffixes();

}  // namespace sparkify::generate::vocab
