// `sparkify verify` — placeholder registration until the lake checks land.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.h"

namespace sparkify::cli {

Command add_verify_command(CLI::App& app) {
  Command command;
  command.app = app.add_subcommand("verify", "Data-quality checks on a lake (not built yet)");
  command.run = []() -> int {
    fmt::print(stderr, "sparkify verify: not built yet\n");
    return 1;
  };
  return command;
}

}  // namespace sparkify::cli
