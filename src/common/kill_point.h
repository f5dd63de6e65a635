// Named points where a test can have the process killed (SIGKILL, as a crash or an operator
// would), to prove that a run stopped at that exact moment leaves a lake the next run recovers.
// Set SPARKIFY_TEST_KILL_AT=<name> to kill at the first point of that name; unset (the normal
// case), a kill point costs one cached comparison.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace sparkify {

inline void kill_point(std::string_view name) {
  static const char* const wanted = std::getenv("SPARKIFY_TEST_KILL_AT");
  if (wanted != nullptr && name == wanted) ::kill(::getpid(), SIGKILL);
}

}  // namespace sparkify
