#include "lake/hive_partition.h"

#include "common/percent_coding.h"

namespace sparkify::lake {

std::string escape_partition_value(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (hive_needs_escape(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  // "." and ".." need no escape: the folder is always "name=..", never "..".
  return out;
}

std::string unescape_partition_value(std::string_view escaped) { return percent_decode(escaped); }

std::string partition_folder(std::string_view column, std::optional<std::string_view> value) {
  std::string out(column);
  out.push_back('=');
  if (!value || value->empty()) {
    out.append(kHiveDefaultPartition);
  } else {
    out.append(escape_partition_value(*value));
  }
  return out;
}

bool parse_partition_folder(std::string_view folder, std::string_view& name, std::string& value,
                            bool& is_null) {
  size_t eq = folder.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  name = folder.substr(0, eq);
  std::string_view raw = folder.substr(eq + 1);
  is_null = raw == kHiveDefaultPartition;
  value = is_null ? std::string() : unescape_partition_value(raw);
  return true;
}

}  // namespace sparkify::lake
