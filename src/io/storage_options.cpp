#include "io/storage_options.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace sparkify::io {

namespace {

std::string trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// A value may be wrapped in matching quotes; an unquoted value may carry a trailing
// " # comment" or " ; comment" (a '#' inside a secret without a space before it is kept).
std::string clean_value(const std::string& raw) {
  std::string value = trim(raw);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    size_t close = value.find(value.front(), 1);
    if (close != std::string::npos) return value.substr(1, close - 1);
  }
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') &&
        std::isspace(static_cast<unsigned char>(value[i - 1]))) {
      return trim(value.substr(0, i));
    }
  }
  return value;
}

// Reads the [AWS] section of an INI file into upper-cased keys.
Result<std::map<std::string, std::string>> read_aws_section(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::NotFound("cannot read the config file " + path + ": " + std::strerror(errno));
  }
  std::map<std::string, std::string> out;
  std::string line;
  bool in_aws = false;
  bool saw_aws = false;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[') {
      size_t close = t.find(']');
      std::string name = upper(trim(t.substr(1, close == std::string::npos ? t.npos : close - 1)));
      in_aws = name == "AWS";
      saw_aws = saw_aws || in_aws;
      continue;
    }
    if (!in_aws) continue;
    size_t eq = t.find_first_of("=:");
    if (eq == std::string::npos) continue;
    out[upper(trim(t.substr(0, eq)))] = clean_value(t.substr(eq + 1));
  }
  if (!saw_aws) {
    return Status::Invalid("the config file " + path + " has no [AWS] section");
  }
  return out;
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

void fill(std::string& target, const std::string& value) {
  if (target.empty()) target = value;
}

}  // namespace

Result<FileSystemOptions> resolve_storage_options(const StorageSettings& given) {
  FileSystemOptions options;
  options.access_key = given.access_key_id;
  options.secret_key = given.secret_access_key;
  options.session_token = given.session_token;
  options.region = given.region;
  options.endpoint = given.endpoint;
  options.verify_tls = given.verify_tls;
  options.max_connections = given.max_connections;
  if (options.max_connections < 1 || options.max_connections > 1024) {
    return Status::Invalid("the number of S3 connections must be between 1 and 1024");
  }

  // Keys pair up by source: a key id from one place and a secret from another is almost always a
  // mistake, so a source fills the pair only when the explicit settings gave neither.
  bool given_has_keys = !options.access_key.empty() || !options.secret_key.empty();

  if (!given.config_path.empty()) {
    SPARKIFY_ASSIGN_OR_RETURN(auto cfg, read_aws_section(given.config_path));
    auto get = [&](std::initializer_list<const char*> names) {
      for (const char* name : names) {
        auto it = cfg.find(name);
        if (it != cfg.end() && !it->second.empty()) return it->second;
      }
      return std::string();
    };
    if (!given_has_keys) {
      options.access_key = get({"KEY", "AWS_ACCESS_KEY_ID"});
      options.secret_key = get({"SECRET", "AWS_SECRET_ACCESS_KEY"});
      options.session_token = get({"AWS_SESSION_TOKEN", "SESSION_TOKEN", "TOKEN"});
      if (options.access_key.empty() != options.secret_key.empty()) {
        return Status::Invalid(
            "the [AWS] section of " + given.config_path + " has " +
            (options.access_key.empty() ? "a secret but no KEY" : "a KEY but no SECRET"));
      }
    }
    fill(options.region, get({"REGION", "AWS_REGION", "AWS_DEFAULT_REGION"}));
    fill(options.endpoint, get({"ENDPOINT", "AWS_ENDPOINT_URL", "ENDPOINT_URL"}));
  }

  if (options.access_key.empty() && options.secret_key.empty()) {
    options.access_key = env("AWS_ACCESS_KEY_ID");
    options.secret_key = env("AWS_SECRET_ACCESS_KEY");
    fill(options.session_token, env("AWS_SESSION_TOKEN"));
  }
  fill(options.region, env("AWS_REGION"));
  fill(options.region, env("AWS_DEFAULT_REGION"));
  fill(options.endpoint, env("AWS_ENDPOINT_URL_S3"));
  fill(options.endpoint, env("AWS_ENDPOINT_URL"));
  fill(options.region, "us-east-1");

  if (options.access_key.empty() != options.secret_key.empty()) {
    return Status::Invalid(options.access_key.empty()
                               ? "an AWS secret access key was given without an access key id"
                               : "an AWS access key id was given without a secret access key");
  }
  return options;
}

namespace {

// "s3a://udacity-dend/song_data/*/*/*/*.json" -> "s3a://udacity-dend/song_data/".
std::string cut_glob(const std::string& value) {
  size_t glob = value.find_first_of("*?[");
  if (glob == std::string::npos) return value;
  size_t slash = value.rfind('/', glob);
  return slash == std::string::npos ? std::string() : value.substr(0, slash + 1);
}

}  // namespace

Result<ConfigPaths> read_config_paths(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::NotFound("cannot read the config file " + path + ": " + std::strerror(errno));
  }
  ConfigPaths out;
  // Values per key, from [S3] (rank 1) and [PATHS] (rank 2, wins).
  std::map<std::string, std::pair<int, std::string>> found;
  int section_rank = 0;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    auto where = [&] { return path + " line " + std::to_string(number) + ": "; };
    if (t.front() == '[') {
      size_t close = t.find(']');
      if (close == std::string::npos) {
        return Status::Invalid(where() + "the section header " + t + " has no closing ]");
      }
      std::string rest = trim(t.substr(close + 1));
      if (!rest.empty() && rest[0] != '#' && rest[0] != ';') {
        return Status::Invalid(where() + "unexpected text after the section header");
      }
      std::string name = upper(trim(t.substr(1, close - 1)));
      out.has_aws_section = out.has_aws_section || name == "AWS";
      section_rank = name == "PATHS" ? 2 : name == "S3" ? 1 : 0;
      continue;
    }
    size_t eq = t.find_first_of("=:");
    if (eq == std::string::npos || trim(t.substr(0, eq)).empty()) {
      // Never echo the line: it may be a secret pasted without its key.
      return Status::Invalid(where() + "expected [SECTION] or KEY = VALUE");
    }
    if (section_rank == 0) continue;
    std::string key = upper(trim(t.substr(0, eq)));
    auto& slot = found[key];
    if (section_rank >= slot.first) slot = {section_rank, clean_value(t.substr(eq + 1))};
  }
  auto get = [&](std::initializer_list<const char*> names) {
    for (const char* name : names) {
      auto it = found.find(name);
      if (it != found.end() && !it->second.second.empty()) return cut_glob(it->second.second);
    }
    return std::string();
  };
  out.input = get({"INPUT_DATA", "INPUT"});
  out.songs = get({"SONG_DATA", "SONGS"});
  out.logs = get({"LOG_DATA", "LOGS"});
  out.output = get({"OUTPUT_DATA", "OUTPUT"});
  return out;
}

}  // namespace sparkify::io
