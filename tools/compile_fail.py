#!/usr/bin/env python3
"""Compile-error test driver (CTest and Meson both use it).

usage: compile_fail.py <source.cpp> -- <compiler> <flags...>

The test passes when compiling <source.cpp> FAILS and the compiler's output matches the Python
regular expression given on a line `// expect-error: <regex>` near the top of the file (several such
lines: each must match). A file without that line is an error in the test itself: a compile-fail test
that accepts any error also accepts a typo.

The same source compiled with -DBETWIRE_COMPILE_FAIL_CONTROL is expected to COMPILE when the file
contains `#ifndef BETWIRE_COMPILE_FAIL_CONTROL` (optional: a control proves the failure comes from
the line under test, not from a broken include).
"""
import re
import subprocess
import sys

EXPECT_RE = re.compile(r"^\s*//\s*expect-error:\s*(.+?)\s*$")


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__.strip())
        return 2
    source, command = argv[1], argv[3:]
    with open(source, encoding="utf-8") as f:
        text = f.read()
    patterns = [m.group(1) for line in text.splitlines()[:40] if (m := EXPECT_RE.match(line))]
    if not patterns:
        print(f"{source}: no '// expect-error: <regex>' line in the first 40 lines")
        return 1

    base = command + ["-fsyntax-only", source]
    proc = subprocess.run(base, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout
    if proc.returncode == 0:
        print(f"{source}: compiled, but it must not:\n  {' '.join(base)}")
        return 1
    failed = False
    for pattern in patterns:
        if re.search(pattern, output):
            print(f"ok: the compiler's error matches /{pattern}/")
        else:
            print(f"{source}: the compiler failed, but its output does not match /{pattern}/")
            failed = True
    if failed:
        print("---- compiler output ----")
        print(output)
        return 1

    if "BETWIRE_COMPILE_FAIL_CONTROL" in text:
        control = command + ["-fsyntax-only", "-DBETWIRE_COMPILE_FAIL_CONTROL", source]
        proc = subprocess.run(control, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            print(f"{source}: the control build (-DBETWIRE_COMPILE_FAIL_CONTROL) must compile:")
            print(proc.stdout)
            return 1
        print("ok: the control build compiles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
