#!/usr/bin/env bash
# Interleaved A/B of the sample worker's CPU time per job (user + sys of the worker process, /usr/bin/time), which a
# shared, loaded machine disturbs far less than jobs/s. Publishes samples/QueuePerformance from git revision OLD and
# from the working tree, then runs each row old, new, old, new, … and prints CPU µs per job and the ratio new / old.
#
# usage: bench/ab-cpu.sh OLD_REV [--rounds N] [--count N] [--only REGEX]
set -euo pipefail

[[ $# -ge 1 && $1 != -* ]] || { sed -n '2,7p' "$0"; exit 2; }
OLD_REV="$1"; shift
ROUNDS=3
COUNT=100000
ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) echo "bench/ab-cpu.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v redis-server >/dev/null || { echo "bench/ab-cpu.sh: redis-server is missing (bench/run.sh installs it)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench/ab-cpu.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

WORK="$(mktemp -d -t mrq-abcpu.XXXXXX)"
REDIS_PID=""
cleanup() {
  [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null || true
  git -C "$REPO" worktree remove --force "$WORK/old-src" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "[ab-cpu] $*" >&2; }

log "publishing $OLD_REV and the working tree"
git -C "$REPO" worktree add -q --detach "$WORK/old-src" "$OLD_REV"
dotnet publish "$WORK/old-src/samples/QueuePerformance/QueuePerformance.csproj" -c Release -o "$WORK/old" -nologo -v q >"$WORK/old.log" 2>&1 \
  || { cat "$WORK/old.log" >&2; exit 1; }
dotnet publish "$REPO/samples/QueuePerformance/QueuePerformance.csproj" -c Release -o "$WORK/new" -nologo -v q >"$WORK/new.log" 2>&1 \
  || { cat "$WORK/new.log" >&2; exit 1; }

PORT=$(( 20000 + RANDOM % 20000 ))
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
REDIS="redis://127.0.0.1:$PORT"

# run VERSION QUEUE GREENLETS [--redis URI] -> CPU µs per job of the worker process
run() {
  local version=$1 queue=$2 greenlets=$3; shift 3
  local dir; dir="$(mktemp -d "$WORK/run.XXXX")"
  cp "$WORK/$version/mrq-config.json" "$dir/" 2>/dev/null || true
  redis-cli -p "$PORT" flushall >/dev/null
  (cd "$dir" && "$WORK/$version/QueuePerformance" enqueue "$queue" "$COUNT" "$@" >/dev/null 2>&1)
  (cd "$dir" && /usr/bin/time -f "%U %S" -o "$dir/time" "$WORK/$version/QueuePerformance" worker "$queue" --greenlets "$greenlets" "$@" >/dev/null 2>&1)
  awk -v n="$COUNT" '{ printf "%.2f", ($1 + $2) * 1e6 / n }' "$dir/time"
  rm -rf "$dir"
}

echo "| row ($COUNT jobs) | round | $OLD_REV CPU µs/job | working tree CPU µs/job | new / old | load average |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for row in "square 50" "square_raw 30 --redis $REDIS" "square_nostorage_raw 50 --redis $REDIS"; do
  set -- $row
  queue=$1
  [[ -z "$ONLY" || "$queue" =~ $ONLY ]] || continue
  for round in $(seq "$ROUNDS"); do
    old=$(run old "$@")
    new=$(run new "$@")
    echo "| \`$queue\` | $round | $old | $new | $(awk -v o="$old" -v n="$new" 'BEGIN { if (o > 0) printf "%.2f×", n / o; else print "?" }') | $(cut -d' ' -f1 /proc/loadavg) |"
  done
done
