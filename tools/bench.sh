#!/usr/bin/env bash
# Builds the `bench` preset (Release), runs every benchmark with repetitions, and writes
# benchmarks/RESULTS.md and benchmarks/results.svg from the medians.
#
#   tools/bench.sh                       the full run (a few minutes)
#   BENCH_REPETITIONS=3 BENCH_MIN_TIME=0.1 BENCH_FILTER='decode/1000/' tools/bench.sh   a quick one
#   BENCH_ONLY=concurrency tools/bench.sh   only concurrency_bench (~15 minutes of wall time: its rows
#                                           run at the venues' rate limits); its section of
#                                           RESULTS.md is replaced, the rest kept as it is
#   BENCH_ONLY=stream tools/bench.sh        only stream_bench (the ABP stream: decode, and REST cancel
#                                           to orders UPDATE over loopback) and the full stream soak
#                                           (tools/stream_soak.sh, a few minutes; BENCH_SOAK=0 skips
#                                           it in any run); likewise its section
#   BENCH_ONLY=concurrency,stream           both
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
want() { [[ -z $only || ",$only," == *",$1,"* ]]; }
cmake --preset bench >/dev/null
only_targets=()
for section in ${only//,/ }; do
  case $section in
    concurrency|stream) only_targets+=("betwire_bench_${section}_bench") ;;
    *) echo "bench.sh: BENCH_ONLY=$only: only 'concurrency' and 'stream' are known" >&2; exit 2 ;;
  esac
done
if [[ -n $only ]]; then
  cmake --build --preset bench -j2 --target "${only_targets[@]}" betwire_simulator
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
  # These three programs' repetitions are interleaved at random across their rows, so that a slow
  # phase of a shared machine (a neighbour's job, a frequency change) slows every row of a ratio
  # alike: run row after row, the 1000-order in-order rows once fell in a phase about 50% slower
  # than the rest of the run (simdjson's rows with them), and shuffled keys looked 0.74x in-order
  # instead of about 0.5x.
  run decode_bench "$out/decode.json" --benchmark_enable_random_interleaving=true
  run encode_bench "$out/encode.json" --benchmark_enable_random_interleaving=true
  # Wall time against the simulator (another process).
  run roundtrip_bench "$out/roundtrip.json" --benchmark_enable_random_interleaving=true
fi
# Composite operations at the venues' limits: wall time of single long runs (the rows fix their
# own repetitions: Repetitions(1) for the minute-long ones).
if want concurrency; then run concurrency_bench "$out/concurrency.json"; fi
# The ABP stream: one orders frame's decode (CPU time), and a REST cancel to its orders UPDATE in
# the stream callback over loopback (wall time, manual timing, p50/p99 counters).
if want stream; then run stream_bench "$out/stream.json"; fi
# The full stream soak (issue 13: 100,000 events, 20 disconnects, 5 skipped and 5 lost seqs) in the
# g++ Debug build, as CI runs its small one; its figures go into the stream section, a failure
# fails the script after the report is written. BENCH_SOAK=0 leaves it out.
soak_args=()
soak_rc=0
if want stream && [[ ${BENCH_SOAK:-1} != 0 ]]; then
  [[ -f build/gcc/build.ninja ]] || cmake --preset gcc >/dev/null
  tools/stream_soak.sh >"$out/stream_soak.log" 2>&1 || soak_rc=$?
  tail -n 3 "$out/stream_soak.log"
  soak_args=(--stream-soak "$out/stream_soak.log")
fi

# The flags of the first program run (the heredoc is quoted: BENCH_ONLY comes in as an argument).
flags=$(python3 - "$build/compile_commands.json" "$only" <<'EOF'
import json, shlex, sys
first = sys.argv[2].split(",")[0] if sys.argv[2] else "decode"
for entry in json.load(open(sys.argv[1])):
    if entry["file"].endswith("benchmarks/" + first + "_bench.cpp"):
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
if [[ -n $only ]]; then
  sections=()
  want concurrency && sections+=(--concurrency "$out/concurrency.json")
  want stream && sections+=(--stream "$out/stream.json" "${soak_args[@]}")
  python3 benchmarks/report.py "${sections[@]}" --machine "$out/machine.json" --splice benchmarks/RESULTS.md
  echo "bench.sh: replaced the $only section(s) of benchmarks/RESULTS.md"
  ((soak_rc == 0)) || { echo "bench.sh: the stream soak failed: $out/stream_soak.log" >&2; exit 1; }
  exit 0
fi
python3 benchmarks/report.py --decode "$out/decode.json" --encode "$out/encode.json" \
  --roundtrip "$out/roundtrip.json" --concurrency "$out/concurrency.json" --stream "$out/stream.json" \
  --machine "$out/machine.json" "${soak_args[@]}" \
  --md benchmarks/RESULTS.md --svg benchmarks/results.svg
echo "bench.sh: wrote benchmarks/RESULTS.md and benchmarks/results.svg"
((soak_rc == 0)) || { echo "bench.sh: the stream soak failed: $out/stream_soak.log" >&2; exit 1; }
