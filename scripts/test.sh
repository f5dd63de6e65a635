#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. formatting (clang-format) checked;
#   2. the Release build with warnings as errors;
#   3. with --asan only: the full suite under AddressSanitizer + UBSan (build-asan) — a second
#      full build, not yet part of CI (the fuzz tests already run their targets under ASan+UBSan
#      inside the Release build);
#   4. the full suite on the Release build — its ctest summary ends the output.
# `scripts/test.sh --quick` runs only 2 and 4. Extra arguments after the options go to the final
# ctest run (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
ASAN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --asan) ASAN=1; shift ;;
    *) break ;;
  esac
done
JOBS="$(nproc)"

if [ "$QUICK" = 0 ]; then
  scripts/check-format.sh
fi
BUILD_DIR=build scripts/build.sh -DSPARKIFY_WERROR=ON -DSPARKIFY_SANITIZE=

if [ "$ASAN" = 1 ]; then
  echo "== AddressSanitizer + UBSan: full suite (build-asan)"
  BUILD_DIR=build-asan scripts/build.sh -DSPARKIFY_WERROR=ON -DSPARKIFY_SANITIZE=address \
    -DSPARKIFY_BUILD_BENCH=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    ctest --test-dir build-asan --output-on-failure -j "$JOBS" --timeout 1500 -LE install
fi

echo "== Release: full suite (build)"
ctest --test-dir build --output-on-failure -j "$JOBS" "$@"
