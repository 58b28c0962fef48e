#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and ends with one line: "N passed, N failed, N skipped".
# Installs what the tests need first (Debian's redis-server; the tests start their own instances on free loopback ports).
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

log=$(mktemp)
dotnet build Mrq.sln -c Release -nologo -v q 2>&1 | tail -n 30
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Mrq.sln -c Release --no-build -nologo -v q "$@" 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}

# VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 1, Total: 13, ...".
summary=$(grep -E '(Passed|Failed)!  ?- Failed:' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6; runs += 1 }
  END { printf "%d %d %d %d", passed, failed, skipped, runs }')
read -r passed failed skipped runs <<<"$summary"
rm -f "$log"

# Native AOT smoke test: publish the sample with trim/AOT warnings as errors and run the tutorial with the native binary.
if [ "${MRQ_SKIP_AOT:-0}" != "1" ]; then
  echo "Native AOT: publishing samples/QueuePerformance and running the tutorial with the native worker..."
  aot_out=$(mktemp -d)
  aot_work=$(mktemp -d)
  # TreatWarningsAsErrors (Directory.Build.props) makes every trim/AOT warning of Mrq's own code an error here.
  if dotnet publish samples/QueuePerformance -c Release -r linux-x64 -p:PublishAot=true \
       -o "$aot_out" -nologo -v q >"$aot_work/publish.log" 2>&1 \
     && cp samples/QueuePerformance/mrq-config.json "$aot_work/" \
     && (cd "$aot_work" && "$aot_out/QueuePerformance" enqueue square 200 && "$aot_out/QueuePerformance" worker square --greenlets 50) 2>"$aot_work/worker.log" \
     && grep -q "performing 200 jobs" "$aot_work/worker.log"; then
    echo "Native AOT: passed ($(grep -o 'Worker spent.*' "$aot_work/worker.log"))"
    passed=$((passed + 1))
  else
    echo "Native AOT: FAILED"
    tail -n 40 "$aot_work/publish.log" "$aot_work/worker.log" 2>/dev/null
    failed=$((failed + 1))
    test_status=1
  fi
  rm -rf "$aot_out" "$aot_work"
fi

if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host crashed or a project did not run: count it as a failure rather than hide it.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$test_status" -eq 0 ] && [ "$failed" -eq 0 ]
