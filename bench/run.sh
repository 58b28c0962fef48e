#!/usr/bin/env bash
# Mrq throughput harness: re-runs the rows of MRQ's queue performance tutorial with samples/QueuePerformance, on the
# embedded store and on Redis (raw queues in Redis, started/success jobs in the embedded store), and writes a
# markdown table of medians to bench/results/latest.md. See docs/benchmarks.md.
#
# usage: bench/run.sh [--runs N] [--count N] [--small-count N] [--target-count N] [--only REGEX] [--skip-targets]
#                     [--skip-tutorial] [--skip-throughput] [--out FILE]
#   --runs N          runs per row; the table shows medians (default 3)
#   --count N         jobs per throughput row with 30 or 50 greenlets (default 20000)
#   --small-count N   jobs per throughput row with 1 or 5 greenlets (default 5000)
#   --target-count N  jobs per target row (default 100000)
#   --only REGEX      run only rows whose id matches (ids look like "tutorial/redis/square_raw/g30/p1")
#   --out FILE        markdown output (default bench/results/latest.md)
# Environment: BENCH_PROCESSES=auto|on|off decides whether --processes 2 rows run (auto probes the worker).
set -euo pipefail

ARGS="$*"
RUNS=3
COUNT=20000
SMALL_COUNT=5000
TARGET_COUNT=100000
TUTORIAL_COUNT=200
ONLY=""
DO_TUTORIAL=1
DO_THROUGHPUT=1
DO_TARGETS=1
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init run
OUT="$REPO/bench/results/latest.md"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --small-count) SMALL_COUNT="$2"; shift 2 ;;
    --target-count) TARGET_COUNT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --skip-tutorial) DO_TUTORIAL=0; shift ;;
    --skip-throughput) DO_THROUGHPUT=0; shift ;;
    --skip-targets) DO_TARGETS=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "bench/run.sh: $1 is missing; install it (apt-get install -y $1)" >&2
    exit 1
  fi
  log "installing $1"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null
  fi
}

command -v redis-server >/dev/null || apt_install redis-server
[[ -x /usr/bin/time ]] || apt_install time

trap 'exit 130' INT TERM

# --- build: publish to a private folder so builds elsewhere in the tree cannot swap binaries mid-run ---------------
log "building samples/QueuePerformance (Release)"
bench_publish "$REPO/samples/QueuePerformance/QueuePerformance.csproj" "$WORK/app"
APP="$WORK/app/QueuePerformance"

# --- Redis on a free loopback port, stopped by pid on exit ---------------------------------------------------------
bench_start_redis

# --- one run ---------------------------------------------------------------------------------------------------------
now() { date +%s.%N; }

# run_once BACKEND QUEUE GREENLETS PROCESSES COUNT -> prints "worker_rate wall_rate enqueue_rate rss_mb done" or "FAIL reason"
run_once() {
  local backend=$1 queue=$2 greenlets=$3 processes=$4 count=$5
  rm -rf "$WORK"/run.* # the previous run's folder: its store file can be large
  local dir; dir="$(bench_run_dir "$WORK/app")"
  local redis_args=()
  [[ $backend == redis ]] && redis_args=(--redis "$REDIS") && redis-cli -p "$PORT" FLUSHALL >/dev/null
  local proc_args=()
  [[ $processes -gt 1 ]] && proc_args=(--processes "$processes")

  local t0 t1 t2 t3
  t0=$(now)
  (cd "$dir" && "$APP" enqueue "$queue" "$count" "${redis_args[@]}" >"$dir/enqueue.out" 2>"$dir/enqueue.err") \
    || { echo "FAIL enqueue: $(tail -1 "$dir/enqueue.err")"; return; }
  t1=$(now)
  t2=$(now)
  (cd "$dir" && /usr/bin/time -f "%M %e" -o "$dir/time.out" \
      "$APP" worker "$queue" --greenlets "$greenlets" "${proc_args[@]}" "${redis_args[@]}" >"$dir/worker.out" 2>"$dir/worker.err") \
    || { echo "FAIL worker: $(grep -v '^Command exited' "$dir/worker.err" | tail -1)"; return; }
  t3=$(now)
  local line
  line=$(grep -E "Worker spent [0-9.]+ seconds performing [0-9]+ jobs" "$dir/worker.err" | tail -1 || true)
  [[ -n $line ]] || { echo "FAIL no 'Worker spent' line"; return; }
  awk -v line="$line" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v count="$count" -v timeout="$(cat "$dir/time.out" | tail -1)" 'BEGIN {
    match(line, /performing [0-9]+ jobs/); done = substr(line, RSTART + 11, RLENGTH - 16) + 0
    match(line, /\([0-9.]+ jobs\/second\)/); rate = substr(line, RSTART + 1, RLENGTH - 15) + 0
    split(timeout, tv, " "); rss = tv[1] / 1024
    printf "%.1f %.1f %.1f %.1f %d\n", rate, done / (t3 - t2), count / (t1 - t0), rss, done
  }'
}

# --processes support: the flag is a known setting, so probe whether a second worker process really starts.
PROCESSES_SUPPORTED=0
probe_processes() {
  case "${BENCH_PROCESSES:-auto}" in
    on) PROCESSES_SUPPORTED=1; return ;;
    off) PROCESSES_SUPPORTED=0; return ;;
  esac
  local dir; dir="$(bench_run_dir "$WORK/app")"
  (cd "$dir" && "$APP" enqueue square 3000 >/dev/null 2>&1) || return 0
  (cd "$dir" && exec "$APP" worker square --greenlets 1 --processes 2 >"$dir/out" 2>"$dir/err") &
  local pid=$! children=0
  while kill -0 "$pid" 2>/dev/null; do
    if [[ -n $(ps -o pid= --ppid "$pid" 2>/dev/null) ]]; then children=1; fi
    sleep 0.05
  done
  wait "$pid" && local rc=0 || local rc=$?
  local starts
  starts=$(grep -c "Starting worker" "$dir/err" || true)
  if [[ $rc -eq 0 && ( $children -eq 1 || $starts -ge 2 ) ]]; then PROCESSES_SUPPORTED=1; fi
}
probe_processes
log "--processes 2: $([[ $PROCESSES_SUPPORTED == 1 ]] && echo supported || echo 'not yet supported (rows marked)')"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-" } else if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }

ROWS_MD="$WORK/rows.md"
: >"$ROWS_MD"
RAW_LOG="$WORK/raw.txt"
: >"$RAW_LOG"

# Thousands separators by hand: mawk ignores printf's ' flag.
fmt() { awk -v v="$1" 'BEGIN {
  if (v == "-") { print "-"; exit }
  if (v < 100) { printf "%.1f\n", v; exit }
  s = sprintf("%d", v + 0.5); out = ""
  while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
  print s out }'; }

# row SECTION BACKEND QUEUE GREENLETS PROCESSES COUNT
row() {
  local section=$1 backend=$2 queue=$3 greenlets=$4 processes=$5 count=$6
  local id="$section/$backend/$queue/g$greenlets/p$processes"
  if [[ -n $ONLY ]] && ! [[ $id =~ $ONLY ]]; then return; fi
  local label="\`$queue\` --greenlets $greenlets"
  [[ $processes -gt 1 ]] && label="$label --processes $processes"
  local store="embedded"
  [[ $backend == redis ]] && store="Redis + embedded"
  if [[ $processes -gt 1 && $PROCESSES_SUPPORTED != 1 ]]; then
    echo "| $section | $store | $label | $count | not yet supported | | | | |" >>"$ROWS_MD"
    return
  fi
  local rates=() walls=() enqs=() rsss=() fails=0 note=""
  for i in $(seq 1 "$RUNS"); do
    local r
    r=$(run_once "$backend" "$queue" "$greenlets" "$processes" "$count")
    echo "$id run $i: $r" >>"$RAW_LOG"
    log "$id run $i: $r"
    if [[ $r == FAIL* ]]; then fails=$((fails + 1)); note="${r#FAIL }"; continue; fi
    read -r rate wall enq rss done <<<"$r"
    [[ $done -eq $count ]] || note="ran $done of $count jobs"
    rates+=("$rate"); walls+=("$wall"); enqs+=("$enq"); rsss+=("$rss")
  done
  if [[ ${#rates[@]} -eq 0 ]]; then
    echo "| $section | $store | $label | $count | failed: $note | | | | |" >>"$ROWS_MD"
    return
  fi
  local m_rate m_wall m_enq m_rss
  m_rate=$(printf '%s\n' "${rates[@]}" | median)
  m_wall=$(printf '%s\n' "${walls[@]}" | median)
  m_enq=$(printf '%s\n' "${enqs[@]}" | median)
  m_rss=$(printf '%s\n' "${rsss[@]}" | median)
  local spread
  spread=$(printf '%s\n' "${rates[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }')
  [[ $fails -gt 0 ]] && note="$fails failed run(s): $note"
  echo "| $section | $store | $label | $count | $(fmt "$m_rate") | $(fmt "$m_wall") | $(fmt "$m_enq") | $(fmt "$m_rss") | ${#rates[@]} runs, worker line $spread jobs/s${note:+; $note} |" >>"$ROWS_MD"
}

# The tutorial's rows: regular queue `square` (jobs in the job store) with 1, 5 and 50 greenlets; raw queues
# `square_raw` (30 greenlets; jobs stored as started) and `square_nostorage_raw` (50; nothing stored on success).
# Regular queues live in the job store whatever the broker, so they have only the embedded rows.
rows_for() {
  local section=$1 big=$2 small=$3
  for p in 1 2; do
    row "$section" embedded square 1 "$p" "$small"
    row "$section" embedded square 5 "$p" "$small"
    row "$section" embedded square 50 "$p" "$big"
    for backend in embedded redis; do
      row "$section" "$backend" square_raw 30 "$p" "$big"
      row "$section" "$backend" square_nostorage_raw 50 "$p" "$big"
    done
  done
}

START=$(now)
[[ $DO_TUTORIAL == 1 ]] && rows_for tutorial "$TUTORIAL_COUNT" "$TUTORIAL_COUNT"
[[ $DO_THROUGHPUT == 1 ]] && rows_for throughput "$COUNT" "$SMALL_COUNT"
if [[ $DO_TARGETS == 1 ]]; then
  # The issue's targets: one worker process, 100,000 no-op Square jobs.
  row target redis square_nostorage_raw 50 1 "$TARGET_COUNT"
  row target redis square_raw 30 1 "$TARGET_COUNT"
  row target embedded square 50 1 "$TARGET_COUNT"
fi
ELAPSED=$(awk -v a="$START" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')

mkdir -p "$(dirname "$OUT")"
{
  echo "# Mrq queue performance (bench/run.sh)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet 2>/dev/null || echo ' (+ local changes)')"
  echo "- machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ { print $2 }') GiB; $(uname -sr); .NET $(dotnet --version); redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on loopback, sharing the cores"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the machine: prefer ratios)"
  echo "- command: \`bench/run.sh${ARGS:+ $ARGS}\` (runs $RUNS, counts: tutorial $TUTORIAL_COUNT, throughput $COUNT / $SMALL_COUNT, targets $TARGET_COUNT; $ELAPSED s)"
  echo "- each run: fresh folder, \`enqueue QUEUE COUNT\`, then \`worker QUEUE --greenlets N\` in burst mode (the sample's mrq-config.json); medians of $RUNS runs"
  echo
  echo "Columns: *worker* is the worker's own \`Worker spent X seconds performing N jobs (R jobs/second)\` line; *wall* is"
  echo "jobs / wall time of the worker process (start-up and shutdown included); *enqueue* is jobs / wall time of the"
  echo "enqueue process (start-up included); *RSS* is the worker's peak resident memory (/usr/bin/time, largest process)."
  echo
  echo "| rows | store | command | jobs | worker jobs/s | wall jobs/s | enqueue jobs/s | peak RSS MB | notes |"
  echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
  cat "$ROWS_MD"
  echo
  echo "<details><summary>every run (worker, wall, enqueue jobs/s, RSS MB, jobs done)</summary>"
  echo
  echo '```'
  cat "$RAW_LOG"
  echo '```'
  echo "</details>"
} >"$OUT"
cat "$OUT"
log "wrote $OUT"
