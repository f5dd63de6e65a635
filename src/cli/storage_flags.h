// The S3 credential and endpoint flags shared by every subcommand that touches storage, and
// their translation into the library's storage options (with the flags' names in messages).
#pragma once

#include <string>

#include "common/result.h"
#include "io/file_system.h"

namespace CLI {
class App;
}

namespace sparkify::cli {

/// The storage flags as the user typed them (empty = not given).
struct StorageFlags {
  std::string access_key_id, secret_access_key, session_token, region, endpoint, config_path;
  bool no_verify_tls = false;
  int max_connections = 64;
};

void add_storage_flags(CLI::App* app, StorageFlags& flags);

/// The options for make_file_system: the flags, then dl.cfg, then AWS_* variables. With
/// SPARKIFY_DEBUG set in the environment, the storage's debug notes go to stderr.
Result<io::FileSystemOptions> resolve_storage_flags(const StorageFlags& flags);

}  // namespace sparkify::cli
