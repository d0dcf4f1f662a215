#!/usr/bin/env python3
"""The one definition of which sources become which test, example and benchmark programs.

Meson calls it at configure time (`list_tests.py <kind>`); CMake globs the same folders natively and
a CTest test (`test_lists`) runs `list_tests.py --compare <file CMake wrote>` so the two build
systems cannot drift apart.

Each output line is `<path relative to the repo root>[:<tag>,<tag>...]`. Kinds and tags:
  unit          tests/*_test.cpp                                  pure unit tests
  noexcept      the unit tests also built with -fno-exceptions:   result, error, decimal, timestamp,
                reflect*, json*, abp_stream
  sim           tests/sim/*_test.cpp                              need libcurl and the simulator
  compile_fail  tests/compile_fail/*.cpp                          must fail to compile
  examples      examples/*.cpp      tags: curl (name ends in _curl.cpp or includes a
                                    betwire/transport/curl*.hpp backend), beast (likewise for
                                    betwire/transport/beast*.hpp), httplib (includes <httplib.h>)
  benchmarks    benchmarks/*.cpp    tags: curl, httplib as above; check (mentions "--check": CTest
                                    runs `<benchmark> --check` as its correctness cross-check);
                                    sim (includes tests/support/simulator_process.hpp: its check
                                    needs the simulator)
  docs          README.md and docs/*.md: the test `docs` compiles their C++ blocks (doc_test.py)
  headers       include/betwire/**/*.hpp (paths relative to include/)   tags: the backend family
                (curl, beast) of include/betwire/transport/<family>*.hpp
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
KINDS = ("unit", "noexcept", "sim", "compile_fail", "examples", "benchmarks", "docs", "headers")
NOEXCEPT_RE = re.compile(r"^(result|error|decimal|timestamp|reflect.*|json.*|abp_stream)_test\.cpp$")
# Optional backends by family: a header include/betwire/transport/<family>[_<more>].hpp, and any
# program that includes one, gets the family's tag (curl: link libcurl; beast: Boost.Beast + OpenSSL).
BACKEND_FAMILIES = ("curl", "beast")
BACKEND_HEADER_RE = re.compile(r"^betwire/transport/(" + "|".join(BACKEND_FAMILIES) + r")(_[a-z0-9_]+)?\.hpp$")
BACKEND_INCLUDE_RE = {
    family: re.compile(r'^\s*#\s*include\s*[<"]betwire/transport/' + family + r'(_[a-z0-9_]+)?\.hpp[>"]', re.M)
    for family in BACKEND_FAMILIES}
HTTPLIB_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]httplib\.h[>"]', re.M)
SIMULATOR_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"[^"]*simulator_process\.hpp"', re.M)


def _files(folder, pattern):
    return sorted(p for p in (ROOT / folder).glob(pattern) if p.is_file())


def _program_tags(path, with_check=False):
    text = path.read_text(encoding="utf-8", errors="replace")
    tags = []
    for family in BACKEND_FAMILIES:
        if path.name.endswith(f"_{family}.cpp") or BACKEND_INCLUDE_RE[family].search(text):
            tags.append(family)
    if HTTPLIB_INCLUDE_RE.search(text):
        tags.append("httplib")
    if with_check and '"--check"' in text:
        tags.append("check")
    if with_check and SIMULATOR_INCLUDE_RE.search(text):
        tags.append("sim")
    return tags


def _line(rel, tags=()):
    return rel + (":" + ",".join(tags) if tags else "")


def listing(kind):
    if kind == "unit":
        return [_line(p.relative_to(ROOT).as_posix()) for p in _files("tests", "*_test.cpp")]
    if kind == "noexcept":
        return [_line(p.relative_to(ROOT).as_posix()) for p in _files("tests", "*_test.cpp")
                if NOEXCEPT_RE.match(p.name)]
    if kind == "sim":
        return [_line(p.relative_to(ROOT).as_posix()) for p in _files("tests/sim", "*_test.cpp")]
    if kind == "compile_fail":
        return [_line(p.relative_to(ROOT).as_posix()) for p in _files("tests/compile_fail", "*.cpp")]
    if kind == "examples":
        return [_line(p.relative_to(ROOT).as_posix(), _program_tags(p))
                for p in _files("examples", "*.cpp")]
    if kind == "benchmarks":
        return [_line(p.relative_to(ROOT).as_posix(), _program_tags(p, with_check=True))
                for p in _files("benchmarks", "*.cpp")]
    if kind == "docs":
        return [_line(p.relative_to(ROOT).as_posix()) for p in [ROOT / "README.md"] + _files("docs", "*.md")]
    if kind == "headers":
        inc = ROOT / "include"
        lines = []
        for p in sorted(inc.rglob("*.hpp")):
            rel = p.relative_to(inc).as_posix()
            m = BACKEND_HEADER_RE.match(rel)
            lines.append(_line(rel, [m.group(1)] if m else []))
        return lines
    raise SystemExit(f"list_tests.py: unknown kind '{kind}' (known: {', '.join(KINDS)})")


def compare(path):
    """Compare the `<kind> <line>` listing a build system wrote with ours; print the differences."""
    theirs = set()
    for raw in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        if raw.strip():
            theirs.add(raw.strip())
    ours = {f"{kind} {line}" for kind in KINDS for line in listing(kind)}
    missing, extra = sorted(ours - theirs), sorted(theirs - ours)
    for entry in missing:
        print(f"build system lacks: {entry}")
    for entry in extra:
        print(f"build system has, list_tests.py does not: {entry}")
    if missing or extra:
        print(f"{path}: the build system's test lists drifted from tools/list_tests.py "
              "(re-run the configure step after adding files; if that does not help, fix the rule)")
        return 1
    print(f"{len(ours)} entries agree")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--compare":
        return compare(argv[2])
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        print(f"\nusage: {argv[0]} <kind> | --compare <file>")
        return 0 if len(argv) == 2 else 2
    for line in listing(argv[1]):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
