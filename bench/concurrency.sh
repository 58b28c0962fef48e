#!/usr/bin/env bash
# Concurrency of one worker (issue 17, point 4), with the sample's tutorial tasks on the embedded store:
#   io   `tasks.IO` jobs that await Task.Delay(MS) (default 20 ms) with --greenlets 500: the ideal is 500 / 20 ms =
#        25,000 jobs/s; the row prints the share of it reached.
#   cpu  `tasks.CPU` jobs that loop N times (default 2,000,000, ~2-4 ms) with --greenlets 1, 2 and 4: on 2 cores
#        greenlets >= 2 should run ~2x --greenlets 1 (cores used = worker CPU time / wall time).
#   proc --processes 2 against one process, alternated run by run (greenlets 1 for cpu jobs, 500 for io jobs, 50 for
#        no-op square jobs; io-proc, noop-proc: those rows only).
# CPU-bound rows only mean something on a quiet machine; every row also prints the worker's CPU time / wall time,
# which shows whether the worker had the cores. See docs/benchmarks.md ("Concurrency").
#
# usage: bench/concurrency.sh [--only io|cpu|proc|io-proc|noop-proc] [--io-count N] [--io-ms MS] [--cpu-count N] [--cpu-n N] [--runs N] [--aot]
#   --aot: the native AOT worker (published as test.sh does) instead of the JIT one
set -euo pipefail

ONLY=""
IO_COUNT=100000
IO_MS=20
CPU_COUNT=2000
CPU_N=2000000
RUNS=1
PUBLISH_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --io-count) IO_COUNT="$2"; shift 2 ;;
    --io-ms) IO_MS="$2"; shift 2 ;;
    --cpu-count) CPU_COUNT="$2"; shift 2 ;;
    --cpu-n) CPU_N="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --aot) PUBLISH_ARGS=(-r linux-x64 -p:PublishAot=true); shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench/concurrency.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init concurrency
[[ -x /usr/bin/time ]] || { echo "bench/concurrency.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

log "publishing samples/QueuePerformance (Release${PUBLISH_ARGS[*]:+, native AOT}); load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench_publish "$REPO/samples/QueuePerformance/QueuePerformance.csproj" "$WORK/app" ${PUBLISH_ARGS[@]+"${PUBLISH_ARGS[@]}"}
APP="$WORK/app/QueuePerformance"

# run QUEUE COUNT "ENQUEUE ARGS" "WORKER ARGS" -> "jobs/s cores_used threads"
run() {
  local queue=$1 count=$2 enqueue_args=$3 worker_args=$4
  local dir; dir="$(bench_run_dir "$WORK/app")"
  (cd "$dir" && $APP enqueue "$queue" "$count" $enqueue_args >/dev/null 2>"$dir/enqueue.err") || { echo "FAIL enqueue $(tail -1 "$dir/enqueue.err")"; return; }
  (cd "$dir"
   /usr/bin/time -f "%e %U %S" -o "$dir/time" $APP worker "$queue" $worker_args >"$dir/out" 2>&1 &
   pid=$!; threads=0
   while kill -0 "$pid" 2>/dev/null; do
     # The worker is /usr/bin/time's child (under --processes, the supervisor: its children are not counted).
     t=$(ps -o nlwp= --ppid "$pid" 2>/dev/null | sort -n | tail -1 || true)
     t=${t// /}
     [[ -n $t && $t -gt $threads ]] && threads=$t
     sleep 0.2
   done
   wait "$pid" || true
   echo "$threads" >"$dir/threads")
  local rate
  rate=$(bench_worker_rate "$dir/out")
  awk -v rate="${rate:-0}" -v t="$(tail -1 "$dir/time")" -v th="$(cat "$dir/threads")" \
    'BEGIN { split(t, a, " "); printf "%.0f %.2f %d\n", rate, (a[2] + a[3]) / a[1], th }'
  rm -rf "$dir"
}

echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$REPO" rev-parse --short HEAD); $(nproc) cores; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| row | command | jobs | worker jobs/s | worker CPU / wall (cores used) | peak threads | vs reference |"
echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
row() { # NAME QUEUE COUNT "ENQUEUE ARGS" "WORKER ARGS" REFERENCE_RATE REFERENCE_LABEL
  local name=$1 queue=$2 count=$3 eargs=$4 wargs=$5 ref=$6 label=$7
  for _ in $(seq "$RUNS"); do
    read -r rate cores threads <<<"$(run "$queue" "$count" "$eargs" "$wargs")"
    echo "| $name | \`worker $queue $wargs\` | $count | $rate | $cores | $threads | $(awk -v r="$rate" -v ref="$ref" -v l="$label" 'BEGIN { if (ref > 0) printf "%.2f× %s", r / ref, l; else print "" }') |"
    LAST=$rate
  done
}

LAST=0
if [[ -z $ONLY || $ONLY == io ]]; then
  row "I/O-bound, ${IO_MS} ms await" io "$IO_COUNT" "io $IO_MS" "--greenlets 500" "$(( 500 * 1000 / IO_MS ))" "of the ideal"
fi
if [[ -z $ONLY || $ONLY == cpu ]]; then
  row "CPU-bound, n=$CPU_N" cpu "$CPU_COUNT" "cpu $CPU_N" "--greenlets 1" 0 ""
  one=$LAST
  row "CPU-bound, n=$CPU_N" cpu "$CPU_COUNT" "cpu $CPU_N" "--greenlets 2" "$one" "of --greenlets 1"
  row "CPU-bound, n=$CPU_N" cpu "$CPU_COUNT" "cpu $CPU_N" "--greenlets 4" "$one" "of --greenlets 1"
fi
# one process, then two, run after run: on a noisy machine only neighbouring runs compare.
# processes KIND QUEUE COUNT "ENQUEUE ARGS" "WORKER ARGS"
processes() {
  local kind=$1 queue=$2 count=$3 eargs=$4 wargs=$5 runs=$RUNS
  for _ in $(seq "$runs"); do
    RUNS=1 row "$kind, one process" "$queue" "$count" "$eargs" "$wargs" 0 ""
    RUNS=1 row "$kind, two processes" "$queue" "$count" "$eargs" "$wargs --processes 2" "$LAST" "of one process"
  done
}
if [[ -z $ONLY || $ONLY == proc ]]; then
  processes "CPU-bound" cpu "$CPU_COUNT" "cpu $CPU_N" "--greenlets 1"
fi
if [[ -z $ONLY || $ONLY == proc || $ONLY == io-proc ]]; then
  processes "I/O-bound" io "$IO_COUNT" "io $IO_MS" "--greenlets 500"
fi
if [[ -z $ONLY || $ONLY == proc || $ONLY == noop-proc ]]; then
  processes "no-op" square 100000 "" "--greenlets 50"
fi
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
