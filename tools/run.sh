#!/usr/bin/env bash
# betwire's two entry points (see README.md, "Quick start"):
#   tools/run.sh demo [-- demo arguments]   install what is missing, build, run the demo
#                                           (or, without a demo, every example)
#   tools/run.sh test                       install what is missing, run the whole test suite
# Build trees go to build/<config>; at most 2 parallel jobs throughout.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CMAKE_BUILD_PARALLEL_LEVEL=2 CTEST_PARALLEL_LEVEL=2
export CMAKE_GENERATOR=Ninja

usage() {
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

now() { date +%s; }

# --- demo ---------------------------------------------------------------------------------------
demo() {
  tools/install-deps.sh
  cmake --preset gcc -B build/demo -DBETWIRE_BUILD_TESTS=OFF -DBETWIRE_BUILD_BENCHMARKS=OFF \
        -DBETWIRE_BUILD_EXAMPLES=ON -DBETWIRE_REQUIRE_ALL=ON >/dev/null
  cmake --build build/demo
  shopt -s nullglob
  local demos=(examples/demo*.cpp) all=(examples/*.cpp) src status=0
  if ((${#demos[@]} > 0)); then
    for src in "${demos[@]}"; do
      echo "== $(basename "$src" .cpp)"
      "build/demo/examples/$(basename "$src" .cpp)" "$@"
    done
  elif ((${#all[@]} > 0)); then
    for src in "${all[@]}"; do
      local exe="build/demo/examples/$(basename "$src" .cpp)"
      echo "== $(basename "$src" .cpp)"
      if [[ -x "$exe" ]]; then "$exe" || status=1; else echo "(not built)"; status=1; fi
    done
  else
    echo "no examples yet: the library builds; run 'tools/run.sh test' for the test suite"
  fi
  return $status
}

# --- test ---------------------------------------------------------------------------------------
passed=0
failed=0
failures=()
timings=()

# ctest_counts <log>: add the "N tests failed out of M" of a ctest run to the totals.
ctest_counts() {
  local line total bad
  line=$(grep -E '[0-9]+ tests? failed out of [0-9]+' "$1" | tail -n 1 || true)
  if [[ -z "$line" ]]; then
    failed=$((failed + 1)); failures+=("$2: ctest ran no tests"); return
  fi
  bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  passed=$((passed + total - bad)); failed=$((failed + bad))
  ((bad == 0)) || failures+=("$2: $bad of $total tests failed")
}

# meson_counts <log>: the same for `meson test`'s summary.
meson_counts() {
  local ok xfail fail xpass timeout
  ok=$(grep -E '^Ok: +[0-9]+' "$1" | grep -oE '[0-9]+' | tail -n 1 || true)
  xfail=$(grep -E '^Expected Fail: +[0-9]+' "$1" | grep -oE '[0-9]+' | tail -n 1 || true)
  fail=$(grep -E '^Fail: +[0-9]+' "$1" | grep -oE '[0-9]+' | tail -n 1 || true)
  xpass=$(grep -E '^Unexpected Pass: +[0-9]+' "$1" | grep -oE '[0-9]+' | tail -n 1 || true)
  timeout=$(grep -E '^Timeout: +[0-9]+' "$1" | grep -oE '[0-9]+' | tail -n 1 || true)
  if [[ -z "$ok" ]]; then
    failed=$((failed + 1)); failures+=("$2: meson test ran no tests"); return
  fi
  local bad=$((${fail:-0} + ${xpass:-0} + ${timeout:-0}))
  passed=$((passed + ok + ${xfail:-0})); failed=$((failed + bad))
  ((bad == 0)) || failures+=("$2: $bad tests failed")
}

# step <name> <command...>: run, time, and record a failing step (a build counts as one failure).
step() {
  local name=$1 start rc=0
  shift
  echo
  echo "==== $name: $*"
  start=$(now)
  "$@" || rc=$?
  timings+=("$(printf '%-22s %4ds' "$name" $(($(now) - start)))")
  if ((rc != 0)); then
    failed=$((failed + 1)); failures+=("$name: exit status $rc")
  fi
  return $rc
}

# cmake_config <preset> <extra cmake args...>: configure, build, ctest; counts into the totals.
cmake_config() {
  local preset=$1
  shift
  # Line tables only (-g1): stack traces and sanitizer reports keep their file:line, and a
  # template-heavy test compiles about a quarter faster than with full -g (g++ 12: 7.1 s vs 9.0 s
  # CPU for http_client_test.cpp).
  step "$preset configure" cmake --preset "$preset" -DBETWIRE_REQUIRE_ALL=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1 "$@" || return 0
  # Keep going past a failing target so that everything else still builds and runs; the tests of
  # what failed to build then fail as "Not Run".
  step "$preset build" cmake --build --preset "$preset" -- -k 0 || true
  local log="build/$preset/ctest.log" rc=0
  echo
  echo "==== $preset ctest"
  local start
  start=$(now)
  ctest --preset "$preset" 2>&1 | tee "$log" || rc=$?
  timings+=("$(printf '%-22s %4ds' "$preset ctest" $(($(now) - start)))")
  ctest_counts "$log" "$preset ctest"
}

test_all() {
  local t0
  t0=$(now)
  step "install deps" tools/install-deps.sh || true
  if step "amalgamate --check" python3 tools/amalgamate.py --check; then passed=$((passed + 1)); fi

  # g++ 12: everything, including examples, benchmarks (built, not timed) and the packaging tests.
  cmake_config gcc -DBETWIRE_BUILD_EXAMPLES=ON -DBETWIRE_BUILD_BENCHMARKS=ON -DBETWIRE_TEST_PACKAGING=ON

  # The simulator is a separate process: the libc++ and sanitizer builds reuse the one built above.
  local sim=()
  if [[ -f build/gcc/betwire-simulator-path.txt ]]; then
    sim=(-DBETWIRE_SIMULATOR_EXECUTABLE="$(head -n 1 build/gcc/betwire-simulator-path.txt)")
  fi
  # Not every configuration needs every test (README.md, "Running the tests"): the presets say what
  # each one leaves to the g++ build above.
  # clang 19 + libc++: the unit, -fno-exceptions, simulator and compile-fail tests and every header
  # on its own (the clang preset).
  cmake_config clang "${sim[@]}"
  # ASan + UBSan: the tests that run betwire's code (the asan preset).
  cmake_config asan "${sim[@]}"

  # Meson proves the Meson build: the unit tests and one simulator test (-Dtest_set=ci), every
  # optional feature required; its packaging is tested by the g++ build's packaging.meson_* tests.
  local rc=0
  local meson_opts=(-Dauto_features=enabled -Dexamples=disabled -Dbenchmarks=disabled -Dtest_set=ci)
  if [[ ! -f build/meson/build.ninja ]]; then
    rm -rf build/meson
    step "meson setup" env CXX=g++-12 meson setup build/meson "${meson_opts[@]}" || rc=$?
  else
    step "meson setup" meson setup --reconfigure build/meson "${meson_opts[@]}" || rc=$?
  fi
  if ((rc == 0)); then
    step "meson compile" ninja -C build/meson -j 2 -k 0 || true
    local start
    start=$(now)
    echo
    echo "==== meson test"
    meson test -C build/meson --no-rebuild --num-processes 2 --print-errorlogs 2>&1 | tee build/meson/test.log || true
    timings+=("$(printf '%-22s %4ds' "meson test" $(($(now) - start)))")
    meson_counts build/meson/test.log "meson test"
  fi

  # The soak for 2 minutes in one configuration: asan, where LeakSanitizer and ASan watch the load
  # (tools/soak.sh runs it for an hour).
  if [[ -x build/asan/tests/simtest_soak ]]; then
    if step "soak (asan, 120 s)" env BETWIRE_SOAK_SECONDS=120 \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 build/asan/tests/simtest_soak; then
      passed=$((passed + 1))
    fi
  else
    failed=$((failed + 1)); failures+=("soak: build/asan/tests/simtest_soak was not built")
  fi

  # libFuzzer targets (tests/fuzz; clang 19 + ASan + UBSan): every seed and saved crash input, then
  # 10 s of fuzzing each (tools/fuzz.sh --ci; longer runs: tools/fuzz.sh --time S or --runs N).
  if step "fuzz (short)" tools/fuzz.sh --ci; then passed=$((passed + 1)); fi

  echo
  echo "==== timings"
  printf '  %s\n' "${timings[@]}"
  printf '  %-22s %4ds\n' "total" $(($(now) - t0))
  if ((${#failures[@]} > 0)); then
    echo "==== failures"
    printf '  %s\n' "${failures[@]}"
  fi
  echo
  echo "$passed passed, $failed failed"
  ((failed == 0))
}

case "${1:-}" in
  demo) shift; [[ "${1:-}" == "--" ]] && shift; demo "$@" ;;
  test) shift; (($# == 0)) || usage; test_all ;;
  *) usage ;;
esac
