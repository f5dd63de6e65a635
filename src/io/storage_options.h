// Where S3 credentials and endpoints come from: explicit settings (the command line) first, then
// the [AWS] section of a dl.cfg file, then the standard AWS_* environment variables (SPEC §6).
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

/// Where the job reads and writes, as dl.cfg's [PATHS] or [S3] section gives it (the seeds'
/// `python etl.py` reads INPUT_DATA and OUTPUT_DATA there). Empty = not in the file.
struct ConfigPaths {
  std::string input;   ///< INPUT_DATA (or INPUT): holds song_data/ and log_data/
  std::string songs;   ///< SONG_DATA (or SONGS)
  std::string logs;    ///< LOG_DATA (or LOGS)
  std::string output;  ///< OUTPUT_DATA (or OUTPUT)
  bool has_aws_section = false;
};

/// Reads the whole of dl.cfg strictly: a line that is not a comment, a `[SECTION]` header or
/// `KEY = VALUE` is an error naming the file and line. Values may be quoted; a trailing glob
/// of the seeds (`s3a://udacity-dend/song_data/*/*/*/*.json`) is cut back to the folder before
/// it, since discovery is recursive. `[PATHS]` wins over `[S3]` when both give a key.
Result<ConfigPaths> read_config_paths(const std::string& path);

}  // namespace sparkify::io
