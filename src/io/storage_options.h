// Where S3 credentials and endpoints come from: explicit settings (the command line) first, then the [AWS] section
// of a dl.cfg file, then the standard AWS_* environment variables (SPEC §6).
#pragma once

#include <string>

#include "common/result.h"
#include "io/file_system.h"

namespace sparkify::io {

/// The storage settings given explicitly, e.g. on a command line (empty = not given).
struct StorageSettings {
  std::string access_key_id, secret_access_key, session_token, region, endpoint, config_path;
  bool verify_tls = true;
  int max_connections = 64;
};

/// Fills FileSystemOptions from the explicit settings, then dl.cfg's [AWS] section (only when
/// config_path is set; a missing or unreadable file is an error), then the environment; region
/// defaults to us-east-1. Error messages name files and keys, never their secret values.
Result<FileSystemOptions> resolve_storage_options(const StorageSettings& given);

}  // namespace sparkify::io
