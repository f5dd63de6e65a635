// The sparkify program: parses the command line, runs one subcommand, maps its outcome to an
// exit code. Exit codes: 0 success, 1 the run failed, 2 usage error, 3 too many bad records.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.h"
#include "common/version.h"

int main(int argc, char** argv) {
  using namespace sparkify::cli;
  CLI::App app{
      "sparkify " SPARKIFY_VERSION
      " — builds Sparkify's star schema (songplays, users, songs, artists, time) from raw song "
      "and event JSON as Hive-partitioned Parquet, from and to local folders or S3."};
  app.set_version_flag("--version", SPARKIFY_VERSION);
  app.require_subcommand(1);
  Command commands[] = {add_etl_command(app), add_generate_command(app),
                        add_verify_command(app),
                        add_parquet_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return 2;
}
