#!/usr/bin/env bash
# Builds and runs the whole test suite: unit tests, DuckDB cross-engine tests, end-to-end tests
# on generated and real data, the loopback-S3 tests and the sanitizer fuzz test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
