// Named points where a test can have the process killed (SIGKILL, as a crash or an operator
// would), to prove that a run stopped at that exact moment leaves a lake the next run recovers.
// Set SPARKIFY_TEST_KILL_AT=<name> to kill at the first point of that name; unset (the normal
// case), a kill point costs one cached comparison. SPARKIFY_TEST_KILL_SIGNAL=TERM or INT sends
// that signal instead (what an operator's Ctrl-C or a scheduler sends, which the program may
// handle), to the first point only.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace sparkify {

inline void kill_point(std::string_view name) {
  static const char* const wanted = std::getenv("SPARKIFY_TEST_KILL_AT");
  if (wanted == nullptr || name != wanted) return;
  static const int signal = [] {
    const char* s = std::getenv("SPARKIFY_TEST_KILL_SIGNAL");
    std::string_view name = s ? s : "";
    return name == "TERM" ? SIGTERM : name == "INT" ? SIGINT : SIGKILL;
  }();
  static bool sent = false;
  if (sent) return;
  sent = true;
  ::kill(::getpid(), signal);
}

}  // namespace sparkify
