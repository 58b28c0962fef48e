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

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v redis-server >/dev/null || { echo "bench/memory.sh: redis-server is missing (bench/run.sh installs it)" >&2; exit 1; }
WORK="$(mktemp -d -t mrq-memory.XXXXXX)"
REDIS_PID=""
cleanup() {
  [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "[memory] publishing the native sample (a few minutes)" >&2
dotnet publish "$REPO/samples/QueuePerformance" -c Release -r linux-x64 -p:PublishAot=true -o "$WORK/app" -nologo -v q >"$WORK/publish.log" 2>&1 \
  || { tail -40 "$WORK/publish.log" >&2; exit 1; }

PORT=$(( 20000 + RANDOM % 20000 ))
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "| queue | greenlets | jobs | peak RSS MB (each run) | worker jobs/s (each run) |"
echo "| --- | ---: | ---: | --- | --- |"
for row in "square 50" "square_raw 30 --redis redis://127.0.0.1:$PORT" "square_nostorage_raw 50 --redis redis://127.0.0.1:$PORT"; do
  set -- $row
  queue=$1 greenlets=$2; shift 2
  rss="" rates=""
  for _ in $(seq "$RUNS"); do
    dir="$(mktemp -d "$WORK/run.XXXX")"
    cp "$WORK/app/mrq-config.json" "$dir/"
    redis-cli -p "$PORT" flushall >/dev/null
    (cd "$dir" && "$WORK/app/QueuePerformance" enqueue "$queue" "$COUNT" "$@" >/dev/null 2>&1)
    (cd "$dir" && /usr/bin/time -f "%M" -o "$dir/time" "$WORK/app/QueuePerformance" worker "$queue" --greenlets "$greenlets" "$@" >"$dir/out" 2>&1)
    rss+="$(awk '{ printf "%.1f", $1 / 1024 }' "$dir/time") "
    rates+="$(sed -n 's/.*performing [0-9]* jobs (\([0-9]*\).*/\1/p' "$dir/out" | tail -1) "
    rm -rf "$dir"
  done
  echo "| \`$queue\` | $greenlets | $COUNT | ${rss% } | ${rates% } |"
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$REPO" rev-parse --short HEAD)"
