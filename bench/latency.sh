#!/usr/bin/env bash
# Enqueue-to-start latency of each queue type (idle worker and under load at half the throughput) and the idle CPU of
# a worker; prints a markdown table (see docs/benchmarks.md, "Latency"). Options go to LatencyBenchmark:
#   bench/latency.sh [--samples 300] [--count 20000] [--load-seconds 3] [--idle-seconds 30] [--idle-warmup 10] [--out FILE]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mktemp -d -t mrq-latency-build.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT
dotnet publish "$REPO/bench/Mrq.Benchmarks/Mrq.Benchmarks.csproj" -c Release -o "$OUT" -nologo -v q >"$OUT.log" 2>&1 || { cat "$OUT.log" >&2; rm -f "$OUT.log"; exit 1; }
rm -f "$OUT.log"
"$OUT/Mrq.Benchmarks" latency "$@"
