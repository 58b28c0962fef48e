#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and ends with one line: "N passed, N failed, N skipped".
# Installs what the tests need first (Debian's redis-server, whose instances the tests start on free loopback ports,
# Debian's chromium, which the dashboard tests drive headless, and tzdata for the scheduler's zones; nothing downloads a
# browser).
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing redis-server (needed by the raw-queue tests)..."
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null \
    || { echo "could not install redis-server"; exit 1; }
  # The tests start their own servers; the package's service is not needed.
  ($sudo service redis-server stop || true) >/dev/null 2>&1
fi

if [ ! -d /usr/share/zoneinfo/Europe ]; then
  echo "Installing tzdata (needed by the scheduler's time zone tests)..."
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tzdata >/dev/null \
    || { echo "could not install tzdata"; exit 1; }
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium (needed by the dashboard's browser tests)..."
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
    || { echo "could not install chromium"; exit 1; }
fi

log=$(mktemp)
dotnet build Mrq.sln -c Release -nologo -v q 2>&1 | tail -n 30
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# House style (.editorconfig: whitespace, usings, and every IDE rule set to warning), checked right after the build so
# a formatting slip shows up early; it counts as one check in the summary line. The whitespace and style passes only:
# the analyzers pass of a bare `dotnet format` would re-run what the build already checks.
format_command="dotnet format whitespace Mrq.sln --no-restore && dotnet format style Mrq.sln --no-restore"
format_log=$(mktemp)
if dotnet format whitespace Mrq.sln --verify-no-changes --no-restore -v q >"$format_log" 2>&1 \
  && dotnet format style Mrq.sln --verify-no-changes --no-restore -v q >>"$format_log" 2>&1; then
  format_ok=1
  echo "Format: the code follows .editorconfig"
else
  format_ok=0
  grep -E ': (error|warning) ' "$format_log" | sed -E 's|^'"$PWD"'/||; s| \[[^]]*\]$||' | sort -u | head -n 20
  echo "Format: the code does not follow .editorconfig; fix it with: $format_command (repeat the style pass until this passes)"
fi
rm -f "$format_log"

# Quiet, except that a failed test prints its message and stack trace (the minimal console logger shows only those).
dotnet test Mrq.sln -c Release --no-build -nologo -v q --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}

# VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 1, Total: 13, ...".
summary=$(grep -E '(Passed|Failed)!  ?- Failed:' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6; runs += 1 }
  END { printf "%d %d %d %d", passed, failed, skipped, runs }')
read -r passed failed skipped runs <<<"$summary"
rm -f "$log"

# Native AOT smoke test: publish the sample with trim/AOT warnings as errors, then run the tutorial's regular and raw
# queues with the native worker on the embedded store and on a Redis started for the occasion; then publish the web
# sample the same way and drive it over HTTP.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

count_check() { # NAME OK: one more passed (OK=1) or failed check in the summary line
  if [ "$2" -eq 1 ]; then
    echo "$1: passed"
    passed=$((passed + 1))
  else
    echo "$1: FAILED"
    failed=$((failed + 1))
    test_status=1
  fi
}

aot_run() { # WORKDIR QUEUE COUNT GREENLETS [FLAGS...]: enqueue then drain with the native worker; check its line
  local dir=$1 queue=$2 count=$3 greenlets=$4
  shift 4
  (cd "$dir" && "$aot_out/QueuePerformance" enqueue "$queue" "$count" "$@" >/dev/null \
    && "$aot_out/QueuePerformance" worker "$queue" --greenlets "$greenlets" "$@") 2>"$dir/worker.log" \
    && grep -q "performing $count jobs" "$dir/worker.log" \
    && echo "Native AOT: $queue $* -> $(grep -o 'Worker spent.*' "$dir/worker.log")"
}

aot_web() { # PUBLISHDIR WORKDIR: run the native web sample on a free port, square 7 through HTTP, check health, stop it
  local dir=$1 work=$2 port pid id state="" waited="" ok=1
  port=$(free_port) || return 1
  (cd "$dir" && Mrq__EMBEDDED_DB="$work/web.db" Urls="http://127.0.0.1:$port" exec ./WebApp) >"$work/web.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break
    sleep 0.2
  done
  id=$(curl -sf -X POST "http://127.0.0.1:$port/squares/7" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
  for _ in $(seq 1 100); do
    state=$(curl -sf "http://127.0.0.1:$port/jobs/$id")
    case "$state" in *'"status":"success","result":49'*) break ;; esac
    sleep 0.2
  done
  case "$state" in *'"status":"success","result":49'*) ;; *) ok=0; echo "Native AOT web: job $id is $state" ;; esac
  # Enqueue and wait within the request.
  waited=$(curl -sf "http://127.0.0.1:$port/squares/8")
  case "$waited" in *'"square":64'*) ;; *) ok=0; echo "Native AOT web: GET /squares/8 answered $waited" ;; esac
  [ "$(curl -sf "http://127.0.0.1:$port/health/ready")" = "Healthy" ] || { ok=0; echo "Native AOT web: not ready"; }
  [ "$(curl -sf "http://127.0.0.1:$port/health/live")" = "Healthy" ] || { ok=0; echo "Native AOT web: not live"; }
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" || { ok=0; echo "Native AOT web: exited with $?"; }
  [ "$ok" -eq 1 ] && echo "Native AOT: WebApp -> POST /squares/7, GET /jobs/$id: success 49; GET /squares/8: 64; healthy, stopped" && return 0
  tail -n 40 "$work/web.log"
  return 1
}

count_check "Format (dotnet format --verify-no-changes)" "$format_ok"

if [ "${MRQ_SKIP_AOT:-0}" != "1" ]; then
  echo "Native AOT: publishing samples/QueuePerformance..."
  aot_out=$(mktemp -d)
  aot_work=$(mktemp -d)
  redis_pid=""
  ok=1
  # TreatWarningsAsErrors (Directory.Build.props) makes every trim/AOT warning of Mrq's own code an error here.
  if ! dotnet publish samples/QueuePerformance -c Release -r linux-x64 -p:PublishAot=true -o "$aot_out" -nologo -v q >"$aot_work/publish.log" 2>&1; then
    ok=0
    tail -n 40 "$aot_work/publish.log"
  else
    cp samples/QueuePerformance/mrq-config.json "$aot_work/"
    aot_run "$aot_work" square 200 50 || ok=0
    aot_run "$aot_work" square_raw 2000 30 || ok=0
    # The scheduler finds a cron entry's time zone in the system's data from a native binary too.
    mkdir -p "$aot_work/tz"
    echo '{"DEQUEUE_STRATEGY": "burst", "SCHEDULER_TASKS": [{"path": "tasks.Square", "params": {"n": 1}, "cron": "CRON_TZ=Europe/Paris 0 9 * * *"}]}' >"$aot_work/tz/mrq-config.json"
    if (cd "$aot_work/tz" && "$aot_out/QueuePerformance" worker square --scheduler) 2>"$aot_work/tz/worker.log"; then
      echo "Native AOT: scheduler with CRON_TZ=Europe/Paris started"
    else
      ok=0; cat "$aot_work/tz/worker.log"
    fi
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$aot_work/redis.pid" >/dev/null \
      && sleep 0.5 && redis_pid=$(cat "$aot_work/redis.pid")
    aot_run "$aot_work" square_nostorage_raw 20000 50 --redis "redis://127.0.0.1:$port" || ok=0
    [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null
    # The native dashboard serves its API (and asks for the credentials it was given).
    if command -v curl >/dev/null 2>&1; then
    port=$(free_port)
    (cd "$aot_work" && exec "$aot_out/QueuePerformance" dashboard --dashboard_port "$port" --dashboard_httpauth ci:ci) 2>"$aot_work/dashboard.log" &
    dashboard_pid=$!
    dashboard_ok=0
    for _ in $(seq 1 100); do
      if curl -sf -u ci:ci "http://127.0.0.1:$port/api/overview" | grep -q '"totalJobs"'; then dashboard_ok=1; break; fi
      sleep 0.2
    done
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = "401" ] || dashboard_ok=0
    kill "$dashboard_pid" 2>/dev/null; wait "$dashboard_pid" 2>/dev/null
    if [ "$dashboard_ok" -eq 1 ]; then echo "Native AOT: dashboard served its API"; else ok=0; cat "$aot_work/dashboard.log"; fi
    fi
    [ "$ok" -eq 1 ] || cat "$aot_work/worker.log" 2>/dev/null | tail -n 40
  fi
  # The web sample as a native binary: enqueue over HTTP, the in-process hosted worker runs the job, health endpoints
  # answer, and SIGTERM stops it gracefully.
  if [ "$ok" -eq 1 ]; then
    echo "Native AOT: publishing samples/WebApp..."
    web_out=$(mktemp -d)
    if ! dotnet publish samples/WebApp -c Release -r linux-x64 -p:PublishAot=true -o "$web_out" -nologo -v q >"$aot_work/web-publish.log" 2>&1; then
      ok=0
      tail -n 40 "$aot_work/web-publish.log"
    else
      aot_web "$web_out" "$aot_work" || ok=0
    fi
    rm -rf "$web_out"
  fi

  count_check "Native AOT" "$ok"
  rm -rf "$aot_out" "$aot_work"
fi

# Packages: pack every package into a local folder feed (artifacts/packages, the source tests/PackageConsumer's
# NuGet.config names), then build, run and natively publish that consumer, which references Mrq through
# PackageReference only. A version unique to this run keeps the feed's packages from ever being mistaken for another
# build's in the NuGet cache; its cache folders are removed at the end.
if [ "${MRQ_SKIP_PACKAGES:-0}" != "1" ]; then
  echo "Packages: packing into artifacts/packages and building tests/PackageConsumer from them..."
  pkg_version="0.1.0-ci.$(date +%Y%m%d%H%M%S).$$"
  pkg_work=$(mktemp -d)
  consumer_out=$(mktemp -d)
  ok=1
  rm -rf artifacts/packages && mkdir -p artifacts/packages
  for project in Mrq.Abstractions Mrq.Runtime Mrq.OpenTelemetry Mrq.Worker Mrq.Redis Mrq.MongoDB Mrq.Dashboard Mrq.Testing; do
    dotnet pack "src/$project" -c Release --no-build -p:Version="$pkg_version" -o artifacts/packages -nologo -v q \
      >>"$pkg_work/pack.log" 2>&1 || { ok=0; echo "pack of $project failed"; }
  done
  # The packages pin each other exactly (src/Directory.Build.targets): Mrq.Worker uses internals of Mrq.
  grep -q "<dependency id=\"Mrq\" version=\"\[$pkg_version\]\"" "src/Mrq.Worker/obj/Release/Mrq.Worker.$pkg_version.nuspec" 2>/dev/null \
    || { ok=0; echo "Mrq.Worker does not depend on exactly Mrq $pkg_version"; }
  consumer=tests/PackageConsumer/ConsumerWorker
  if [ "$ok" -eq 1 ] && dotnet build "$consumer" -c Release -p:MrqVersion="$pkg_version" -nologo -v q >"$pkg_work/build.log" 2>&1; then
    # Enqueue, drain with a burst worker, read the result back: with the built program, then with the native one.
    consumer_run() { # PROGRAM
      local dir id
      dir=$(mktemp -d)
      (cd "$dir" && id=$("$1" enqueue 7) && "$1" worker square --dequeue_strategy burst 2>"$dir/worker.log" \
        && [ "$("$1" result "$id")" = "49" ]) || { cat "$dir/worker.log" 2>/dev/null | tail -n 20; rm -rf "$dir"; return 1; }
      rm -rf "$dir"
    }
    consumer_run "$PWD/$consumer/bin/Release/net10.0/ConsumerWorker" || { ok=0; echo "the package consumer did not run"; }
    if dotnet publish "$consumer" -c Release -r linux-x64 -p:PublishAot=true -p:MrqVersion="$pkg_version" -o "$consumer_out" \
      -nologo -v q >"$pkg_work/publish.log" 2>&1; then
      consumer_run "$consumer_out/ConsumerWorker" || { ok=0; echo "the native package consumer did not run"; }
    else
      ok=0
      tail -n 40 "$pkg_work/publish.log"
    fi
  else
    ok=0
    tail -n 40 "$pkg_work/pack.log" "$pkg_work/build.log" 2>/dev/null
  fi
  count_check "Packages ($pkg_version)" "$ok"
  cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  for id in mrq mrq.abstractions mrq.opentelemetry mrq.worker mrq.redis mrq.mongodb mrq.dashboard mrq.testing; do rm -rf "${cache:?}/$id/$pkg_version"; done
  rm -rf "$pkg_work" "$consumer_out" tests/PackageConsumer/*/bin tests/PackageConsumer/*/obj
fi

if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host crashed or a project did not run: count it as a failure rather than hide it.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$test_status" -eq 0 ] && [ "$failed" -eq 0 ]
