#!/usr/bin/env bash
# The soak (tests/sim/soak_test.cpp) for a chosen time: a mixed ABP load with random faults
# against the simulator; prints calls, faults, the store check (present / duplicated / lost) and
# resident memory after warm-up and at the end.
#
#   tools/soak.sh [SECONDS] [PRESET]     default 3600 s, preset asan (ASan + LeakSanitizer)
#
# The preset's build tree must exist (tools/run.sh test, or cmake --preset <p>); only the soak
# program is built. Runs under nice -n 10.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-3600}
preset=${2:-asan}
cmake --build "build/$preset" --target simtest_soak -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}" >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
BETWIRE_SOAK_SECONDS=$seconds nice -n 10 "build/$preset/tests/simtest_soak"
