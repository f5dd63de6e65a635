#!/usr/bin/env bash
# Builds the Debian package sparkify_<version>_<arch>.deb with CPack from a portable build (no
# -march=native, so it runs on any x86-64 machine). BUILD_DIR names an existing build folder to
# package; it is used only when it was configured portable (SPARKIFY_MARCH x86-64, x86-64-v2 or
# empty), otherwise a portable build is configured in build-package/. The .deb is written to
# OUT_DIR (default: the build folder). Prints the path of the .deb on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
MARCH="${SPARKIFY_PACKAGE_MARCH:-x86-64}"

portable() {
  local cache="$1/CMakeCache.txt" march
  [ -f "$cache" ] || return 1
  march=$(sed -n 's/^SPARKIFY_MARCH:[A-Z]*=//p' "$cache")
  case "$march" in x86-64|x86-64-v2|"") return 0 ;; *) return 1 ;; esac
}

dir="${BUILD_DIR:-}"
if [ -n "$dir" ] && portable "$dir"; then
  echo "package: using the portable build in $dir"
else
  if [ -n "$dir" ]; then
    echo "package: $dir is not a portable build (SPARKIFY_MARCH=$(sed -n 's/^SPARKIFY_MARCH:[A-Z]*=//p' "$dir/CMakeCache.txt" 2>/dev/null)); building one in build-package/"
  fi
  dir=build-package
  LAUNCHER=()
  if command -v ccache >/dev/null 2>&1; then
    LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  fi
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPARKIFY_MARCH="$MARCH" \
    -DSPARKIFY_BUILD_TESTS=OFF -DSPARKIFY_BUILD_BENCH=OFF "${LAUNCHER[@]}" >/dev/null
fi
cmake --build "$dir" --target sparkify -j "$(nproc)"
out="$(cd "${OUT_DIR:-$dir}" && pwd)"
(cd "$dir" && cpack -G DEB -B "$out" >/dev/null)
rm -rf "$out/_CPack_Packages"
ls -t "$out"/sparkify_*.deb | head -1
