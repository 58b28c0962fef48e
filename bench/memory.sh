#!/usr/bin/env bash
# Peak resident memory of the native AOT sample worker while it drains COUNT jobs, on each queue type: publishes
# samples/QueuePerformance as test.sh does (-r linux-x64 -p:PublishAot=true), then for each row enqueues COUNT jobs and
# runs the worker under /usr/bin/time (its %M is the process's VmHWM). See docs/benchmarks.md ("Memory").
#
# usage: bench/memory.sh [--count N] [--runs N]     (defaults: 100000 jobs, 2 runs per row)
# Extra environment for the worker (e.g. DOTNET_GCgen0size=1000000) is passed through.
set -euo pipefail

COUNT=100000
RUNS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    *) echo "bench/memory.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init memory
bench_require_redis

log "publishing the native sample (a few minutes)"
bench_publish "$REPO/samples/QueuePerformance" "$WORK/app" -r linux-x64 -p:PublishAot=true
bench_start_redis

echo "| queue | greenlets | jobs | peak RSS MB (each run) | worker jobs/s (each run) |"
echo "| --- | ---: | ---: | --- | --- |"
for row in "square 50" "square_raw 30 --redis $REDIS" "square_nostorage_raw 50 --redis $REDIS"; do
  set -- $row
  queue=$1 greenlets=$2; shift 2
  rss="" rates=""
  for _ in $(seq "$RUNS"); do
    dir="$(bench_run_dir "$WORK/app")"
    redis-cli -p "$PORT" flushall >/dev/null
    (cd "$dir" && "$WORK/app/QueuePerformance" enqueue "$queue" "$COUNT" "$@" >/dev/null 2>&1)
    (cd "$dir" && /usr/bin/time -f "%M" -o "$dir/time" "$WORK/app/QueuePerformance" worker "$queue" --greenlets "$greenlets" "$@" >"$dir/out" 2>&1)
    rss+="$(awk '{ printf "%.1f", $1 / 1024 }' "$dir/time") "
    rates+="$(bench_worker_rate "$dir/out") "
    rm -rf "$dir"
  done
  echo "| \`$queue\` | $greenlets | $COUNT | ${rss% } | ${rates% } |"
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$REPO" rev-parse --short HEAD)"
