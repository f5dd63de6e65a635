// Where S3 credentials and endpoints come from: command-line flags first, then the [AWS] section
// of a dl.cfg file, then the standard AWS_* environment variables (SPEC §6).
#pragma once

#include <string>

#include "common/result.h"
#include "io/file_system.h"

namespace sparkify::io {

/// The storage flags as the user typed them (empty = not given).
struct StorageFlags {
  std::string access_key_id, secret_access_key, session_token, region, endpoint, config_path;
  bool no_verify_tls = false;
  int max_connections = 64;
};

/// Fills FileSystemOptions from flags, then dl.cfg's [AWS] section (only when config_path is
/// set; a missing or unreadable file is an error), then the environment; region defaults to
/// us-east-1. Error messages name files and keys, never their secret values.
Result<FileSystemOptions> resolve_storage_options(const StorageFlags& flags);

}  // namespace sparkify::io
