#include "cli/storage_flags.h"

#include <CLI/CLI.hpp>

namespace sparkify::cli {

void add_storage_flags(CLI::App* app, io::StorageFlags& flags) {
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

}  // namespace sparkify::cli
