#!/usr/bin/env python3
"""Measures what betwire costs a translation unit to compile, and writes benchmarks/COMPILE_TIME.md.

    tools/compile_time.py                    every case, both compilers, median of 3 runs
    tools/compile_time.py --runs 5 --out -   print the table instead of writing the file

Each case is a small translation unit written to a temporary directory and compiled with -c at -O2
(what a user's release build does) and at -O0. The figure is the compiler's CPU time (user + system,
from the kernel's accounting of the child; on a shared machine wall time counts other programs'
turns), the median of --runs runs taken round by round (every case once, then again). Standard
library only.
"""
import argparse
import datetime
import os
import pathlib
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

CASES = [  # (name, what it shows, source)
    ("baseline", "`<string>`, `<vector>`, `<optional>` only: the floor",
     "#include <optional>\n#include <string>\n#include <vector>\nint main() {}\n"),
    ("umbrella", "`#include <betwire/betwire.hpp>`, nothing used",
     "#include <betwire/betwire.hpp>\nint main() {}\n"),
    ("codec", "`json/json.hpp`: decode and encode a 4-member struct",
     """#include <betwire/json/json.hpp>
#include <string>
struct quote { std::string market; long bid = 0; long ask = 0; bool open = false; };
int main() {
  std::string text = R"({"market":"x","bid":1,"ask":2,"open":true})";
  quote q;
  if (!betwire::json::decode(text, q)) return 1;
  std::string out;
  return betwire::json::encode(q, out) ? 0 : 1;
}
"""),
    ("abp_page", "decode an ABP `GET /orders` page (`abp::orders_page_view`: 11 struct types, 4 enums)",
     """#include <betwire/abp/schema.hpp>
#include <betwire/json/json.hpp>
#include <string>
int main(int, char** argv) {
  std::string text = argv[0];
  betwire::abp::orders_page_view page;
  return betwire::json::decode(text, page) ? 0 : 1;
}
"""),
    ("abp_client", "`abp::client` over `curl_transport`: get_orders (view) and cancel_orders",
     """#include <betwire/abp/abp.hpp>
#include <betwire/transport/curl.hpp>
int main() {
  betwire::curl_transport net{{.base_url = "http://127.0.0.1:1/abp"}};
  betwire::abp::client abp{net, {.api_key = betwire::secret("k")}};
  betwire::abp::orders_page_view page;
  auto r = abp.get_orders({.user_ref = "u", .limit = 1000}, page);
  auto c = abp.cancel_orders({.order_ids = std::vector<std::int64_t>{1}});
  return r && c ? 0 : 1;
}
"""),
]

COMPILERS = [  # (label, command, extra flags)
    ("g++ 12, libstdc++", "g++-12", []),
    ("clang 19, libc++", "clang++-19", ["-stdlib=libc++"]),
]


def cpu_seconds_of(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"compile_time.py: failed: {' '.join(cmd)}\n{proc.stdout}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "COMPILE_TIME.md"))
    args = ap.parse_args(argv[1:])

    compilers = [c for c in COMPILERS if shutil.which(c[1])]
    if not compilers:
        raise SystemExit("compile_time.py: neither g++-12 nor clang++-19 is installed")
    load_start = open("/proc/loadavg").read().split()[:3]
    results = {}  # (case, compiler label, opt) -> median seconds
    with tempfile.TemporaryDirectory() as tmp:
        commands = {}  # (case, compiler label, opt) -> command line
        for name, _, source in CASES:
            src = pathlib.Path(tmp) / f"{name}.cpp"
            src.write_text(source)
            for label, cxx, extra in compilers:
                for opt in ("-O2", "-O0"):
                    commands[(name, label, opt)] = [cxx, "-std=c++20", opt, *extra, f"-I{ROOT / 'include'}", "-c",
                                                    str(src), "-o", str(pathlib.Path(tmp) / f"{name}.o")]
        # Round by round (every case once, then again), not case after case: a slow phase of a
        # shared machine then costs every case one run instead of costing one case all of its runs
        # (seen here: the same translation unit at 4.8 s and at 6.9 s half an hour apart).
        runs = {key: [] for key in commands}
        for round_index in range(args.runs):
            for key, cmd in commands.items():
                runs[key].append(cpu_seconds_of(cmd))
            print(f"compile_time.py: round {round_index + 1} of {args.runs} done", file=sys.stderr)
        for (name, label, opt), times in runs.items():
            results[(name, label, opt)] = statistics.median(times)
            print(f"{name:10} {label:18} {opt}: {results[(name, label, opt)]:.2f} s "
                  f"({', '.join(f'{r:.2f}' for r in times)})", file=sys.stderr)
    load_end = open("/proc/loadavg").read().split()[:3]

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    out = ["# What betwire costs a translation unit to compile", "",
           "Generated by `tools/compile_time.py`; do not edit by hand.", "",
           f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
           f"- Machine: {cpu}, {os.cpu_count()} logical cores, {platform.system()} {platform.release()}; "
           f"load average at start {' '.join(load_start)}, at end {' '.join(load_end)}",
           f"- Each figure: the compiler's CPU time (user + system) for `-std=c++20 -c` of one small "
           f"translation unit, median of {args.runs} runs (one run of every cell per round), in seconds. "
           f"`+` = above the baseline.", "",
           "| Case | What it includes and instantiates | " +
           " | ".join(f"{label} {opt}" for label, _, _ in compilers for opt in ("-O2", "-O0")) + " |",
           "|---|---|" + "---:|" * (2 * len(compilers))]
    for name, what, _ in CASES:
        cells = []
        for label, _, _ in compilers:
            for opt in ("-O2", "-O0"):
                t = results[(name, label, opt)]
                base = results[("baseline", label, opt)]
                cells.append(f"{t:.2f}" if name == "baseline" else f"{t:.2f} (+{t - base:.2f})")
        out.append(f"| {name} | {what} | " + " | ".join(cells) + " |")
    out.append("")
    text = "\n".join(out)
    if args.out == "-":
        print(text)
    else:
        pathlib.Path(args.out).write_text(text)
        print(f"compile_time.py: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
