#!/usr/bin/env bash
# Times `sparkify report` on the M and L lakes of bench/run.mjs (same generator flags, seed 42):
# wall time, CPU time (user + sys) and peak RSS, with and without the verify checks, RUNS alternating runs each; prints
# the median of each. Usage: bench/report/bench_report.sh [BUILD_DIR] (default build).
# WORK (default /dev/shm/sparkify-bench-report) keeps the inputs and lakes between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-build}/sparkify"
work="${WORK:-/dev/shm/sparkify-bench-report}"
runs="${RUNS:-5}"
declare -A SONGS=([M]=15000 [L]=50000) EVENTS=([M]=8000 [L]=2000000)
echo "load before: $(uptime | sed 's/.*load average/load average/')"
for tier in M L; do
  lake="$work/$tier/lake"
  if [ ! -f "$lake/songplays/_SUCCESS" ]; then
    rm -rf "$work/$tier"
    "$bin" generate --output "$work/$tier/in" --songs "${SONGS[$tier]}" --events "${EVENTS[$tier]}" \
      --seed 42 >/dev/null
    "$bin" etl --input "$work/$tier/in" --output "$lake" --no-progress >/dev/null
  fi
  plays=$("$bin" report --lake "$lake" --output "$work/$tier/report.html" --no-checks | sed 's/.*(\([0-9]*\) song plays.*/\1/')
  files=$(find "$lake" -name '*.parquet' | wc -l)
  for mode in checks no-checks; do : >"$work/$tier/$mode.times"; done
  for ((i = 0; i < runs; i++)); do
    for mode in checks no-checks; do
      flag=(); [ "$mode" = no-checks ] && flag=(--no-checks)
      /usr/bin/time -f '%e %M %U %S' -a -o "$work/$tier/$mode.times" \
        "$bin" report --lake "$lake" --output "$work/$tier/report.html" "${flag[@]}" >/dev/null
    done
  done
  for mode in checks no-checks; do
    median_s=$(cut -d' ' -f1 "$work/$tier/$mode.times" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
    median_rss=$(cut -d' ' -f2 "$work/$tier/$mode.times" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
    median_cpu=$(awk '{print $3 + $4}' "$work/$tier/$mode.times" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
    printf '%s  %-9s  songplays %9s  parquet files %6s  median %6.2f s wall, %5.2f s CPU  peak RSS %5d MB  (wall: %s)\n' \
      "$tier" "$mode" "$plays" "$files" "$median_s" "$median_cpu" "$((median_rss / 1024))" \
      "$(cut -d' ' -f1 "$work/$tier/$mode.times" | tr '\n' ' ')"
  done
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"
