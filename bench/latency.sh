#!/usr/bin/env bash
# Enqueue-to-start latency of each queue type (idle worker and under load at half the throughput) and the idle CPU of
# a worker; prints a markdown table (see docs/benchmarks.md, "Latency"). Options go to LatencyBenchmark:
#   bench/latency.sh [--samples 300] [--count 20000] [--load-seconds 3] [--idle-seconds 30] [--idle-warmup 10] [--out FILE]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init latency
bench_publish "$REPO/bench/Mrq.Benchmarks/Mrq.Benchmarks.csproj" "$WORK/app"
"$WORK/app/Mrq.Benchmarks" latency "$@"
