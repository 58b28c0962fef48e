#!/usr/bin/env bash
# Interleaved A/B of the sample worker: publishes samples/QueuePerformance from git revision OLD (a temporary
# worktree) and from the working tree, then runs each target row old, new, old, new, … on one redis-server and prints
# the worker lines and the per-round ratio new / old, with each worker process's CPU time per job (user + system,
# from GNU time) and the load average. On a noisy machine only interleaved runs and CPU per job compare. See
# docs/benchmarks.md.
#
# usage: bench/ab.sh OLD_REV [--rounds N] [--count N] [--only REGEX] [--row "QUEUE GREENLETS [ARGS]"]... [--aot]
#   --rounds N   rounds per row (default 3)
#   --count N    jobs per run (default 100000)
#   --only REGEX rows to run, by queue name (square, square_raw, square_nostorage_raw)
#   --row R      run this row instead of the default ones (repeatable); the word REDIS stands for the benchmark's
#                Redis URI, e.g. --row "square 50 --processes 2" --row "square_raw 60 --redis REDIS"
#   --aot        compare native AOT workers (published as test.sh does; a few minutes per side) instead of JIT ones
set -euo pipefail

[[ $# -ge 1 && $1 != -* ]] || { sed -n '2,13p' "$0"; exit 2; }
OLD_REV="$1"; shift
ROUNDS=3
COUNT=100000
ONLY=""
ROWS=()
PUBLISH_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --row) ROWS+=("$2"); shift 2 ;;
    --aot) PUBLISH_ARGS=(-r linux-x64 -p:PublishAot=true); shift ;;
    *) echo "bench/ab.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init ab
bench_require_redis
bench_extra_cleanup() { git -C "$REPO" worktree remove --force "$WORK/old-src" >/dev/null 2>&1 || true; }

log "publishing $OLD_REV and the working tree"
git -C "$REPO" worktree add -q --detach "$WORK/old-src" "$OLD_REV"
bench_publish "$WORK/old-src/samples/QueuePerformance/QueuePerformance.csproj" "$WORK/old" ${PUBLISH_ARGS[@]+"${PUBLISH_ARGS[@]}"}
bench_publish "$REPO/samples/QueuePerformance/QueuePerformance.csproj" "$WORK/new" ${PUBLISH_ARGS[@]+"${PUBLISH_ARGS[@]}"}
bench_start_redis

# timed FILE COMMAND...: GNU time writes the command's user and system seconds to FILE; without it the CPU columns show "?".
timed() {
  local out=$1; shift
  if [[ -x /usr/bin/time ]]; then /usr/bin/time -f "%U %S" -o "$out" "$@"; else "$@"; fi
}

# run VERSION QUEUE GREENLETS [--redis URI] -> the worker line's jobs/s (and VERSION.cpu: its CPU µs per job)
run() {
  local version=$1 queue=$2 greenlets=$3; shift 3
  local dir; dir="$(bench_run_dir "$WORK/$version")"
  redis-cli -p "$PORT" flushall >/dev/null
  (cd "$dir" && "$WORK/$version/QueuePerformance" enqueue "$queue" "$COUNT" "$@" >/dev/null 2>&1)
  (cd "$dir" && timed "$dir/cpu" "$WORK/$version/QueuePerformance" worker "$queue" --greenlets "$greenlets" "$@" >"$dir/out" 2>&1) || true
  bench_worker_rate "$dir/out"
  # The worker process's user + system CPU per job, which a loaded machine moves much less than the wall-clock rate.
  awk -v c="$COUNT" '{ printf "%.1f", ($1 + $2) * 1e6 / c }' "$dir/cpu" >"$WORK/$version.cpu" 2>/dev/null || echo "?" >"$WORK/$version.cpu"
  rm -rf "$dir"
}

echo "| row ($COUNT jobs) | round | $OLD_REV jobs/s | working tree jobs/s | new / old | old CPU µs/job | new CPU µs/job | load |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
[[ ${#ROWS[@]} -gt 0 ]] || ROWS=("square 50" "square_raw 30 --redis REDIS" "square_nostorage_raw 50 --redis REDIS")
for row in "${ROWS[@]}"; do
  set -- ${row//REDIS/$REDIS}
  queue=$1
  [[ -z "$ONLY" || "$queue" =~ $ONLY ]] || continue
  for round in $(seq "$ROUNDS"); do
    old=$(run old "$@")
    new=$(run new "$@")
    echo "| \`$row\` | $round | $old | $new | $(awk -v o="$old" -v n="$new" 'BEGIN { if (o > 0) printf "%.2f×", n / o; else print "?" }') | $(cat "$WORK/old.cpu") | $(cat "$WORK/new.cpu") | $(cut -d' ' -f1 /proc/loadavg) |"
  done
done
