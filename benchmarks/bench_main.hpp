// What every benchmark program's main() shares: `--check` asks for the correctness cross-check
// alone (CTest runs it); otherwise the registered benchmarks run with Google Benchmark's flags.
#ifndef BETWIRE_BENCHMARKS_BENCH_MAIN_HPP
#define BETWIRE_BENCHMARKS_BENCH_MAIN_HPP

#include <benchmark/benchmark.h>

#include <string_view>

namespace betwire_bench {

// Whether `flag` is on the command line. (Programs spell "--check" themselves: the build files
// find the programs that have a cross-check by that text.)
[[nodiscard]] inline bool has_flag(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == flag) return true;
  return false;
}

// Runs what the program registered; 1 for a flag Google Benchmark does not know.
[[nodiscard]] inline int run_registered(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace betwire_bench

#endif  // BETWIRE_BENCHMARKS_BENCH_MAIN_HPP
