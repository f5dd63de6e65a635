#!/usr/bin/env bash
# Configures and builds sparkify (Release) into ./build. Extra arguments go to CMake's configure
# step. ccache (installed by setup.sh) is used when present, so rebuilds and the sanitizer build
# share compiled objects. SPARKIFY_BUILD_TARGET builds one target instead of everything.
set -euo pipefail
cd "$(dirname "$0")/.."
LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
fi
cmake -S . -B "${BUILD_DIR:-build}" -G Ninja -DCMAKE_BUILD_TYPE=Release "${LAUNCHER[@]}" "$@" >/dev/null
cmake --build "${BUILD_DIR:-build}" -j "$(nproc)" ${SPARKIFY_BUILD_TARGET:+--target "$SPARKIFY_BUILD_TARGET"}
