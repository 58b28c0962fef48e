# Shared by the bench scripts, which source it: their work folder, publishing, a private redis-server and the
# sample's run folders. Not a script of its own.
#
#   bench_init NAME          REPO, WORK (a temporary folder removed on exit) and log's "[NAME]" prefix; installs the
#                            EXIT trap, which also calls bench_extra_cleanup if the script defines it
#   bench_publish PROJECT OUT [ARGS...]   dotnet publish PROJECT (Release) to OUT; prints the log's tail and exits on failure
#   bench_require_redis      exits with a message when redis-server is not installed (bench/run.sh installs it)
#   bench_start_redis        a redis-server on a free loopback port, stopped by pid on exit: PORT, REDIS_PID, REDIS (URI)
#   bench_run_dir APP_DIR    a fresh folder under WORK holding APP_DIR's mrq-config.json, for one enqueue + worker run
#   bench_worker_rate FILE   the jobs/s of the last "Worker spent … performing N jobs (R jobs/second)" line in FILE

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REDIS_PID=""

bench_init() {
  BENCH_NAME=$1
  WORK="$(mktemp -d -t "mrq-$1.XXXXXX")"
  trap bench_cleanup EXIT
}

log() { echo "[$BENCH_NAME] $*" >&2; }

bench_cleanup() {
  if [[ -n "$REDIS_PID" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  if declare -F bench_extra_cleanup >/dev/null; then bench_extra_cleanup; fi
  rm -rf "$WORK"
}

bench_publish() {
  local project=$1 out=$2; shift 2
  dotnet publish "$project" -c Release -o "$out" -nologo -v q "$@" >"$out.log" 2>&1 \
    || { tail -40 "$out.log" >&2; exit 1; }
}

bench_require_redis() {
  command -v redis-server >/dev/null || { echo "bench/$BENCH_NAME.sh: redis-server is missing (bench/run.sh installs it)" >&2; exit 1; }
}

bench_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bench_start_redis() {
  local attempt
  for attempt in $(seq 1 20); do
    PORT=$(( (RANDOM * 32768 + RANDOM) % 30000 + 20000 ))
    bench_port_in_use "$PORT" && continue
    redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
      --logfile "$WORK/redis.log" --dir "$WORK" &
    REDIS_PID=$!
    for _ in $(seq 1 50); do
      bench_port_in_use "$PORT" && break
      kill -0 "$REDIS_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$REDIS_PID" 2>/dev/null && bench_port_in_use "$PORT"; then break; fi
    REDIS_PID=""
  done
  [[ -n "$REDIS_PID" ]] || { echo "bench/$BENCH_NAME.sh: could not start redis-server" >&2; exit 1; }
  REDIS="redis://127.0.0.1:$PORT"
  log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on port $PORT (pid $REDIS_PID)"
}

bench_run_dir() {
  local dir; dir="$(mktemp -d "$WORK/run.XXXX")"
  cp "$1/mrq-config.json" "$dir/" 2>/dev/null || true
  echo "$dir"
}

bench_worker_rate() { sed -n 's/.*performing [0-9]* jobs (\([0-9.]*\) jobs\/second).*/\1/p' "$1" | tail -1; }
