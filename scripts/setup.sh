#!/usr/bin/env bash
# Installs everything sparkify needs to build and test on Debian 12: compiler, CMake, the C++
# libraries (all from Debian's packages) and the Node.js test tools (DuckDB, a loopback S3).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsimdjson-dev libsnappy-dev libzstd-dev zlib1g-dev
  libcurl4-openssl-dev libssl-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  awscli python3 procps openssl ccache clang-format
  chromium dpkg-dev
  liblz4-dev libbrotli-dev
  libopenmpi-dev openmpi-bin
  libjemalloc-dev
)
# qemu-user runs the portable binary on emulated CPUs without AVX2 or SSE4.2 (parse kernels test).
PACKAGES+=(qemu-user)
# Node.js runs the cross-engine tests; keep a node the machine already has (any >= 18).
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
# `npm ci` installs exactly the lock file. DuckDB's Node package lists a native binding per
# platform as optional dependencies; a registry mirror that serves only some platforms leaves
# the others out of the lock, and npm ci then refuses the lock as out of sync. `npm install`
# still takes every locked version and skips the bindings this platform does not need.
npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error
echo "setup: done"
