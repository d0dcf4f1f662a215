#!/usr/bin/env bash
# Builds betwire's libFuzzer targets (tests/fuzz, clang 19 + ASan + UBSan) and runs them, one at a
# time, each from its seed corpus (tests/fuzz/corpus/<target>) and saved crash inputs
# (tests/fuzz/regressions/<target>): every seed and saved crash input is run first, then new
# inputs for the time or number of runs given.
#
#   tools/fuzz.sh [--time SECONDS | --runs N] [--ci] [--jobs N] [target...]
#
#   --time S   fuzz each target for S seconds (default 60)
#   --runs N   or for N executions each (the offline target: --runs 10000000)
#   --ci       the CI budget: 10 s per target, built at -O0 in build/fuzz-ci (compiling the
#              sanitized targets at -O1 costs 3x more than the 10 s of fuzzing each gets)
#   target     json abp predictstreet opinion scalars headers stream (default: every tests/fuzz/*.cpp)
#
# The corpus a run grows is kept in build/fuzz/corpus/<target> (not in the repo); a crash leaves
# its input in build/fuzz/artifacts/<target>/ and makes the script fail: copy the input into
# tests/fuzz/regressions/<target>/ (every later run, CI's included, replays it first), add a unit
# test with it, and fix the bug.
# Runs are niced (19) so that they never take the CPU from anything else.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
time_budget=60
runs=""
ci=0
jobs=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
targets=()
while (($# > 0)); do
  case "$1" in
    --time) time_budget=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --ci) ci=1; time_budget=10; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ((${#targets[@]} == 0)); then
  for src in tests/fuzz/*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

build=build/fuzz
flags="-O1 -g"
if ((ci)); then build=build/fuzz-ci; flags="-O0"; fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
start=$(date +%s)
cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_CXX_FLAGS="$flags" \
  "${launcher[@]}" >/dev/null
nice -n 10 cmake --build "$build" -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")
echo "fuzz.sh: built ${#targets[@]} targets in $(($(date +%s) - start)) s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  for kind in corpus regressions; do [[ -d tests/fuzz/$kind/$t ]] && seeds+=("tests/fuzz/$kind/$t"); done
  limit=(-max_total_time="$time_budget")
  [[ -n "$runs" ]] && limit=(-runs="$runs")
  log="$build/$t.log"
  rc=0
  nice -n 19 "$build/fuzz_$t" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -oE '(#[0-9]+|DONE).*cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || echo "cov: ?")
  units=$(find "$corpus" -type f | wc -l)
  if ((rc == 0)); then
    printf 'fuzz %-14s ok      %10s execs  %6s/s  %s  corpus %s\n' "$t" "$execs" "$rate" "$cov" "$units"
  else
    status=1
    printf 'fuzz %-14s FAILED  (exit %d) see %s; inputs in %s\n' "$t" "$rc" "$log" "$artifacts"
    grep -E 'ERROR|fuzz check failed|SUMMARY' "$log" | head -n 5 || true
  fi
done
echo "fuzz.sh: total $(($(date +%s) - start)) s"
exit $status
