#!/usr/bin/env bash
# Generates a small synthetic data set, runs the ETL on it and prints the run summary.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/sparkify-quickstart}"
SPARKIFY="${SPARKIFY:-build/sparkify}"  # or an installed one: SPARKIFY=sparkify
rm -rf "$work"
"$SPARKIFY" generate --output "$work/input" --songs 2000 --events 50000 --seed 42
"$SPARKIFY" etl --input "$work/input" --output "$work/lake"
echo "lake written to $work/lake"
