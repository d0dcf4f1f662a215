#!/usr/bin/env bash
# The stream soak (tests/sim/abp_stream_soak_test.cpp) at full size: REST placements and cancels
# against the simulator while abp::stream_driver over beast_websocket follows `orders`, with forced
# disconnects, skipped seqs (replay heals them) and lost seqs (only REST reconciliation heals them).
# Checks every order's final state against the simulator's, no event delivered twice, no seq left
# unaccounted; prints the figures (docs/reliability.md quotes the last run).
#
#   tools/stream_soak.sh [EVENTS] [DISCONNECTS] [SKIPS] [LOSSES] [PRESET]
#                        default 100000 20 5 5 gcc
#
# The preset's build tree must exist (cmake --preset <p>); only the soak program is built. Runs
# under nice -n 10.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
events=${1:-100000}
disconnects=${2:-20}
skips=${3:-5}
losses=${4:-5}
preset=${5:-gcc}
cmake --build "build/$preset" --target simtest_abp_stream_soak -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}" >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
BETWIRE_STREAM_SOAK_EVENTS=$events BETWIRE_STREAM_SOAK_DISCONNECTS=$disconnects \
  BETWIRE_STREAM_SOAK_SKIPS=$skips BETWIRE_STREAM_SOAK_LOSSES=$losses \
  nice -n 10 "build/$preset/tests/simtest_abp_stream_soak"
