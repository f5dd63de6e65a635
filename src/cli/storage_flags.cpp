#include "cli/storage_flags.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>

#include "io/storage_options.h"

namespace sparkify::cli {

void add_storage_flags(CLI::App* app, StorageFlags& flags) {
  const char* group = "S3 storage (flags, then dl.cfg [AWS], then AWS_* environment variables)";
  app->add_option("--config", flags.config_path,
                  "dl.cfg file whose [AWS] section holds KEY/SECRET (or AWS_ACCESS_KEY_ID/"
                  "AWS_SECRET_ACCESS_KEY), optional REGION and ENDPOINT; for etl, its [PATHS] "
                  "or [S3] section may give INPUT_DATA (or SONG_DATA, LOG_DATA) and OUTPUT_DATA")
      ->group(group);
  app->add_option("--aws-access-key-id", flags.access_key_id, "Access key id")->group(group);
  app->add_option("--aws-secret-access-key", flags.secret_access_key,
                  "Secret access key (visible to other users in the process list: prefer "
                  "dl.cfg or the environment)")
      ->group(group);
  app->add_option("--aws-session-token", flags.session_token, "Session token")->group(group);
  app->add_option("--region", flags.region, "Region (default us-east-1)")->group(group);
  app->add_option("--endpoint", flags.endpoint,
                  "Custom endpoint such as http://127.0.0.1:9000 (MinIO, Ceph); path-style")
      ->group(group);
  app->add_option("--s3-connections", flags.max_connections, "Requests in flight at once")
      ->capture_default_str()
      ->group(group);
  app->add_flag("--no-verify-tls", flags.no_verify_tls, "Do not verify TLS certificates")
      ->group(group);
}

Result<io::FileSystemOptions> resolve_storage_flags(const StorageFlags& flags) {
  if (flags.max_connections < 1 || flags.max_connections > 1024) {
    return Status::Invalid("--s3-connections must be between 1 and 1024");
  }
  io::StorageSettings settings;
  settings.access_key_id = flags.access_key_id;
  settings.secret_access_key = flags.secret_access_key;
  settings.session_token = flags.session_token;
  settings.region = flags.region;
  settings.endpoint = flags.endpoint;
  settings.config_path = flags.config_path;
  settings.verify_tls = !flags.no_verify_tls;
  settings.max_connections = flags.max_connections;
  SPARKIFY_ASSIGN_OR_RETURN(io::FileSystemOptions options, io::resolve_storage_options(settings));
  const char* debug = std::getenv("SPARKIFY_DEBUG");
  if (debug != nullptr && *debug != '\0' && std::string(debug) != "0") {
    options.debug = [](const std::string& note) {
      std::fprintf(stderr, "debug: %s\n", note.c_str());
    };
  }
  return options;
}

}  // namespace sparkify::cli
