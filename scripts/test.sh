#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. formatting (clang-format) checked;
#   2. the Release build with warnings as errors;
#   3. the full suite under AddressSanitizer + UBSan (build-asan);
#   4. the threaded stages under ThreadSanitizer (build-tsan: the program, the unit tests of the
#      threaded code and the end-to-end runs on 2+ threads);
#   5. the full suite on the Release build — its ctest summary ends the output.
# `scripts/test.sh --quick` runs only 2 and 5 (for a quick local check). Extra arguments after
# the options go to the final ctest run (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
if [ "${1:-}" = "--quick" ]; then QUICK=1; shift; fi
JOBS="$(nproc)"

if [ "$QUICK" = 0 ]; then
  scripts/check-format.sh
fi
BUILD_DIR=build scripts/build.sh -DSPARKIFY_WERROR=ON -DSPARKIFY_SANITIZE=

if [ "$QUICK" = 0 ]; then
  echo "== AddressSanitizer + UBSan: full suite (build-asan)"
  BUILD_DIR=build-asan scripts/build.sh -DSPARKIFY_WERROR=ON -DSPARKIFY_SANITIZE=address \
    -DSPARKIFY_BUILD_BENCH=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    ctest --test-dir build-asan --output-on-failure -j "$JOBS" --timeout 1500 -LE install

  echo "== ThreadSanitizer: threaded stages (build-tsan)"
  TSAN_TESTS="common_unit_test|e2e_sample|e2e_crafted|e2e_generated|e2e_modes"
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPARKIFY_SANITIZE=thread \
    -DSPARKIFY_WERROR=ON -DSPARKIFY_BUILD_BENCH=OFF \
    $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
  cmake --build build-tsan -j "$JOBS" --target sparkify common_unit_test
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    ctest --test-dir build-tsan --output-on-failure -j "$JOBS" -R "^($TSAN_TESTS)\$" --timeout 1500
fi

echo "== Release: full suite (build)"
ctest --test-dir build --output-on-failure -j "$JOBS" "$@"
