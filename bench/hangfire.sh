#!/usr/bin/env bash
# Mrq next to Hangfire, in one run on one redis-server: the same no-op Square(42) job, Mrq's sample worker
# (samples/QueuePerformance, one process) and Hangfire's BackgroundJobServer (bench/Mrq.Bench.Hangfire, Hangfire.Core
# with Hangfire.Redis.StackExchange storage), interleaved round by round. Prints a markdown table: jobs/s, CPU per job
# of the worker process and of redis-server, and Mrq / Hangfire. See docs/benchmarks.md.
#
# usage: bench/hangfire.sh [--rounds N] [--count N] [--hangfire-count N] [--workers N]
#   --rounds N          rounds (each: every Mrq row, then Hangfire); medians and ranges (default 3)
#   --count N           jobs per Mrq run (default 100000)
#   --hangfire-count N  jobs per Hangfire run (default 10000: Hangfire drains ~1,000 jobs/s here)
#   --workers N         Hangfire's WorkerCount (default 50, Mrq's --greenlets of the regular row)
set -euo pipefail

ROUNDS=3
COUNT=100000
HF_COUNT=10000
WORKERS=50
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --hangfire-count) HF_COUNT="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench/hangfire.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init hangfire
bench_require_redis
[[ -x /usr/bin/time ]] || { echo "bench/hangfire.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

log "publishing samples/QueuePerformance and bench/Mrq.Bench.Hangfire (Release)"
bench_publish "$REPO/samples/QueuePerformance/QueuePerformance.csproj" "$WORK/mrq"
bench_publish "$REPO/bench/Mrq.Bench.Hangfire/Mrq.Bench.Hangfire.csproj" "$WORK/hangfire"
bench_start_redis
log "load average $(cut -d' ' -f1-3 /proc/loadavg)"

redis_cpu() { redis-cli -p "$PORT" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.6f", s }'; }

# mrq QUEUE GREENLETS [--redis URI] -> "jobs/s worker_cpu_us_per_job redis_cpu_us_per_job"
mrq() {
  local queue=$1 greenlets=$2; shift 2
  local dir; dir="$(bench_run_dir "$WORK/mrq")"
  redis-cli -p "$PORT" flushall >/dev/null
  (cd "$dir" && "$WORK/mrq/QueuePerformance" enqueue "$queue" "$COUNT" "$@" >/dev/null 2>&1)
  local r0 r1
  r0=$(redis_cpu)
  (cd "$dir" && /usr/bin/time -f "%U %S" -o "$dir/time" "$WORK/mrq/QueuePerformance" worker "$queue" --greenlets "$greenlets" "$@" >"$dir/out" 2>&1) || true
  r1=$(redis_cpu)
  local rate
  rate=$(bench_worker_rate "$dir/out")
  awk -v rate="${rate:-0}" -v t="$(tail -1 "$dir/time")" -v r0="$r0" -v r1="$r1" -v n="$COUNT" \
    'BEGIN { split(t, a, " "); printf "%.1f %.1f %.1f\n", rate, (a[1] + a[2]) * 1e6 / n, (r1 - r0) * 1e6 / n }'
  rm -rf "$dir"
}

# hangfire -> "jobs/s worker_cpu_us_per_job redis_cpu_us_per_job"
hangfire() {
  redis-cli -p "$PORT" flushall >/dev/null
  local line
  line=$("$WORK/hangfire/Mrq.Bench.Hangfire" "127.0.0.1:$PORT" "$HF_COUNT" "$WORKERS" 2>"$WORK/hf.err" | grep '^Hangfire:' || true)
  [[ -n $line ]] || { log "Hangfire failed: $(tail -1 "$WORK/hf.err")"; echo "0 0 0"; return; }
  echo "$line" | sed -n 's/.*performed [0-9]* in [0-9.]* s (\([0-9.]*\) jobs\/second); CPU \([0-9.]*\) us\/job; redis \([0-9.]*\) us\/job.*/\1 \2 \3/p'
}

ROWS=("square 50" "square_raw 30 --redis $REDIS" "square_nostorage_raw 50 --redis $REDIS")
declare -A RESULTS
for round in $(seq "$ROUNDS"); do
  for row in "${ROWS[@]}"; do
    set -- $row
    r=$(mrq "$@")
    log "round $round: Mrq $1: $r"
    RESULTS[$1]+="$r;"
  done
  r=$(hangfire)
  log "round $round: Hangfire: $r"
  RESULTS[hangfire]+="$r;"
done

# stats "a b c;a b c;..." FIELD -> "median (min–max)"
stats() { echo "$1" | tr ';' '\n' | awk -v f="$2" 'NF { print $f }' | sort -g | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f", m, v[1], v[NR] }'; }

read -r hf_rate hf_lo hf_hi <<<"$(stats "${RESULTS[hangfire]}" 1)"
read -r hf_cpu _ _ <<<"$(stats "${RESULTS[hangfire]}" 2)"
read -r hf_redis _ _ <<<"$(stats "${RESULTS[hangfire]}" 3)"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$REPO" rev-parse --short HEAD); load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- command: \`bench/hangfire.sh --rounds $ROUNDS --count $COUNT --hangfire-count $HF_COUNT --workers $WORKERS\`"
echo
echo "| system, row | jobs | jobs/s, median (range) | worker CPU µs/job | redis-server CPU µs/job | jobs/s vs Hangfire | CPU/job, Hangfire / this |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| Hangfire 1.8 + Hangfire.Redis.StackExchange, $WORKERS workers | $HF_COUNT | $hf_rate ($hf_lo–$hf_hi) | $hf_cpu | $hf_redis | 1× | 1× |"
for row in "${ROWS[@]}"; do
  set -- $row
  read -r rate lo hi <<<"$(stats "${RESULTS[$1]}" 1)"
  read -r cpu _ _ <<<"$(stats "${RESULTS[$1]}" 2)"
  read -r rcpu _ _ <<<"$(stats "${RESULTS[$1]}" 3)"
  store="embedded store"; [[ $# -gt 2 ]] && store="Redis"; [[ $1 == square_raw ]] && store="Redis + embedded store"
  awk -v name="Mrq \`$1\` --greenlets $2, $store" -v n="$COUNT" -v rate="$rate" -v lo="$lo" -v hi="$hi" -v cpu="$cpu" -v rcpu="$rcpu" \
      -v hr="$hf_rate" -v hc="$hf_cpu" -v hrc="$hf_redis" 'BEGIN {
    printf "| %s | %d | %.0f (%.0f–%.0f) | %.1f | %.1f | %.1f× | %.1f× |\n", name, n, rate, lo, hi, cpu, rcpu,
      (hr > 0 ? rate / hr : 0), ((cpu + rcpu) > 0 ? (hc + hrc) / (cpu + rcpu) : 0) }'
done
echo
echo "Mrq's worker CPU is the whole process (start-up included, /usr/bin/time); Hangfire's is its process while the server ran."
