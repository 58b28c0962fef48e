#!/usr/bin/env bash
# Issue 17's throughput targets with the working tree's sample worker, one process, no-op jobs: each queue at several
# --greenlets, the Redis raw queue with storage with and without --pipeline_raw_dequeue, rounds alternated (every
# setting once per round) on one redis-server. Prints the worker line's jobs/s and the worker's CPU µs per job.
# See docs/benchmarks.md ("Session 5 on a quiet machine").
#
# usage: bench/targets.sh [--rounds N] [--count N] [--jit]
#   --rounds N  rounds (default 3)
#   --count N   jobs per run (default 100000)
#   --jit       the JIT worker instead of the native AOT one (published as test.sh does)
set -euo pipefail

ROUNDS=3
COUNT=100000
PUBLISH_ARGS=(-r linux-x64 -p:PublishAot=true)
KIND="native AOT"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --jit) PUBLISH_ARGS=(); KIND=JIT; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench/targets.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init targets
bench_require_redis
log "publishing samples/QueuePerformance ($KIND); load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench_publish "$REPO/samples/QueuePerformance/QueuePerformance.csproj" "$WORK/app" ${PUBLISH_ARGS[@]+"${PUBLISH_ARGS[@]}"}
bench_start_redis

# run QUEUE GREENLETS [WORKER ARGS...] -> "jobs/s cpu_us_per_job"
run() {
  local queue=$1 greenlets=$2; shift 2
  local dir; dir="$(bench_run_dir "$WORK/app")"
  redis-cli -p "$PORT" flushall >/dev/null
  (cd "$dir" && "$WORK/app/QueuePerformance" enqueue "$queue" "$COUNT" --redis "$REDIS" >/dev/null 2>&1)
  (cd "$dir" && /usr/bin/time -f "%U %S" -o "$dir/cpu" "$WORK/app/QueuePerformance" worker "$queue" --greenlets "$greenlets" --redis "$REDIS" "$@" >"$dir/out" 2>&1) || true
  echo "$(bench_worker_rate "$dir/out") $(awk -v c="$COUNT" '{ printf "%.1f", ($1 + $2) * 1e6 / c }' "$dir/cpu" 2>/dev/null || echo "?")"
  rm -rf "$dir"
}

ROWS=(
  "square 50" "square 100" "square 200"
  "square_raw 30" "square_raw 30 --pipeline_raw_dequeue" "square_raw 60" "square_raw 60 --pipeline_raw_dequeue"
  "square_raw 100" "square_raw 100 --pipeline_raw_dequeue"
  "square_nostorage_raw 50" "square_nostorage_raw 100"
)
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$REPO" rev-parse --short HEAD); $KIND worker; $COUNT jobs per run"
echo
echo "| row | round | jobs/s | worker CPU µs/job | load |"
echo "| --- | ---: | ---: | ---: | ---: |"
for round in $(seq "$ROUNDS"); do
  for row in "${ROWS[@]}"; do
    read -r rate cpu <<<"$(run $row)"
    echo "| \`worker ${row/ / --greenlets }\` | $round | $rate | $cpu | $(cut -d' ' -f1 /proc/loadavg) |"
  done
done
