// The subcommands of the sparkify program. Each adds itself to the CLI11 app and returns the
// function main calls when that subcommand was chosen; that function returns the exit code.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace sparkify::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

/// The program's arguments after argv[0], joined (main sets it): ranks of an MPI run compare it
/// so that ranks started with different flags stop with one sentence.
std::string& invocation();

Command add_etl_command(CLI::App& app);
Command add_generate_command(CLI::App& app);
Command add_verify_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_parquet_command(CLI::App& app);

}  // namespace sparkify::cli
