#!/usr/bin/env bash
# Builds the `bench` preset (Release), runs every benchmark with repetitions, and writes
# benchmarks/RESULTS.md and benchmarks/results.svg from the medians.
#
#   tools/bench.sh                       the full run (a few minutes)
#   BENCH_REPETITIONS=3 BENCH_MIN_TIME=0.1 BENCH_FILTER='decode/1000/' tools/bench.sh   a quick one
#   BENCH_ONLY=concurrency tools/bench.sh   only concurrency_bench (~15 minutes of wall time: its rows
#                                           run at the venues' rate limits); its section of
#                                           RESULTS.md is replaced, the rest kept as it is
#
# Each decode program cross-checks every decoder before timing anything and aborts if they
# disagree. Keep the machine as quiet as you can: the figures are CPU time, but caches and memory
# bandwidth are still shared.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
reps=${BENCH_REPETITIONS:-5}
min_time=${BENCH_MIN_TIME:-0.3}
filter=${BENCH_FILTER:-.}
build=build/bench
out=$build/bench-results
mkdir -p "$out"

load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)

only=${BENCH_ONLY:-}
cmake --preset bench >/dev/null
if [[ -n $only && $only != concurrency ]]; then
  echo "bench.sh: BENCH_ONLY=$only: only 'concurrency' is known" >&2
  exit 2
fi
if [[ $only == concurrency ]]; then
  cmake --build --preset bench -j2 --target betwire_bench_concurrency_bench betwire_simulator
else
  cmake --build --preset bench -j2  # the benchmarks and the simulator (Release)
fi

run() {  # run <program> <json out> [more flags]
  local program=$1 json=$2
  shift 2
  "$build/benchmarks/$program" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_min_time="$min_time" --benchmark_filter="$filter" \
    --benchmark_out="$json" --benchmark_out_format=json "$@"
}
if [[ -z $only ]]; then
  run decode_bench "$out/decode.json"
  run encode_bench "$out/encode.json"
  # Wall time against the simulator (another process): the rows' repetitions are interleaved at
  # random so that a noisy neighbour slows every row alike.
  run roundtrip_bench "$out/roundtrip.json" --benchmark_enable_random_interleaving=true
fi
# Composite operations at the venues' limits: wall time of single long runs (the rows fix their
# own repetitions: Repetitions(1) for the minute-long ones).
run concurrency_bench "$out/concurrency.json"

flags=$(python3 - "$build/compile_commands.json" <<'EOF'
import json, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if entry["file"].endswith("benchmarks/concurrency_bench.cpp" if "$only" else "benchmarks/decode_bench.cpp"):
        args = shlex.split(entry["command"])
        keep = [a for a in args[1:] if a.startswith(("-O", "-m", "-f", "-W", "-std", "-DNDEBUG", "-g"))]
        print(" ".join(keep))
EOF
)
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
python3 - "$out/machine.json" <<EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "cpu": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')",
    "cores": "$(nproc)",
    "os": "$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)",
    "compiler": "$(g++-12 --version | head -1)",
    "flags": "$flags",
    "libraries": "simdjson $(pkgver libsimdjson-dev), RapidJSON $(pkgver rapidjson-dev), nlohmann-json $(pkgver nlohmann-json3-dev), libcurl $(pkgver libcurl4-openssl-dev), cpp-httplib $(pkgver libcpp-httplib-dev) (the simulator), Google Benchmark $(pkgver libbenchmark-dev)",
    "load_start": "$load_start",
    "load_end": "$(load)",
}, open(sys.argv[1], "w"), indent=1)
EOF
if [[ $only == concurrency ]]; then
  python3 benchmarks/report.py --concurrency "$out/concurrency.json" --machine "$out/machine.json" \
    --splice benchmarks/RESULTS.md
  echo "bench.sh: replaced the concurrency section of benchmarks/RESULTS.md"
  exit 0
fi
python3 benchmarks/report.py --decode "$out/decode.json" --encode "$out/encode.json" \
  --roundtrip "$out/roundtrip.json" --concurrency "$out/concurrency.json" --machine "$out/machine.json" \
  --md benchmarks/RESULTS.md --svg benchmarks/results.svg
echo "bench.sh: wrote benchmarks/RESULTS.md and benchmarks/results.svg"
