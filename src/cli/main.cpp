// The sparkify program: parses the command line, runs one subcommand, maps its outcome to an
// exit code. Exit codes: 0 success, 1 the run failed, 2 usage error, 3 too many bad records.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "common/version.h"
#include "parse/json_parsers.h"

int main(int argc, char** argv) {
  using namespace sparkify::cli;
  // glibc gives threads their own malloc arenas, up to 8 per core, and an arena keeps the memory
  // freed into it. Reading S3 puts up to a hundred I/O threads to work, each filling buffers that
  // a worker frees later: every arena then holds its own high-water mark, and the process grew
  // ~17 MB past a 48 MB --memory-limit that the local run kept. One arena per core (plus one)
  // serves the workers without contention and keeps memory where the plan counts it. (On
  // jemalloc, the default build's allocator, this changes nothing: it runs one arena already.)
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 1);
  CLI::App app{
      "sparkify " SPARKIFY_VERSION
      " — builds Sparkify's star schema (songplays, users, songs, artists, time) from raw song "
      "and event JSON as Hive-partitioned Parquet, from and to local folders or S3."};
  // SPARKIFY_PARSE_KERNEL=fallback|westmere|haswell|icelake forces a JSON parse kernel (for
  // testing what a CPU without AVX-512 or AVX2 runs); by default the best this CPU runs is used.
  if (const char* kernel = std::getenv("SPARKIFY_PARSE_KERNEL"); kernel && *kernel) {
    if (sparkify::Status st = sparkify::parse::set_parse_kernel(kernel); !st.ok()) {
      fmt::print(stderr, "sparkify: SPARKIFY_PARSE_KERNEL: {}.\n", st.message());
      return 2;
    }
  }
  app.set_version_flag("--version", std::string(SPARKIFY_VERSION) + " (JSON parse kernel: " +
                                        sparkify::parse::parse_kernel_name() + ")");
  app.require_subcommand(1);
  for (int i = 1; i < argc; ++i) invocation().append(argv[i]).push_back('\0');
  Command commands[] = {add_etl_command(app), add_generate_command(app), add_verify_command(app),
                        add_report_command(app), add_parquet_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, as every other error: the command, what is wrong with it, where its help is.
    std::string command = "sparkify";
    for (const Command& c : commands) {
      if (c.app->parsed()) command += " " + c.app->get_name();
    }
    std::string what = e.what();
    if (command == "sparkify" && argc > 1 && argv[1][0] != '-') {
      what = fmt::format("{} is not a command", argv[1]);
    }
    fmt::print(stderr, "{}: {} (see {} --help)\n", command, what, command);
    return 2;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return 2;
}
