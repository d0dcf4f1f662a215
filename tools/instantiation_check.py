#!/usr/bin/env python3
"""Checks that including betwire costs no JSON instantiation until something is called.

    tools/instantiation_check.py [--compiler clang++-19] [--flags "-stdlib=libc++"] [--keep DIR]

A translation unit that includes <betwire/betwire.hpp> and uses nothing is compiled with clang's
-ftime-trace at granularity 0, which records every template instantiation. The check fails when any
of them is a JSON reader or writer (json::encode, decode, decode_part and the detail:: readers and
writers of values, objects, arrays and maps): every venue encoder, error reader and decoder is a
template, or lives in one, so that only the code a user calls is instantiated (compile time,
issue #15). It prints each offending instantiation with the function clang was in when it met it.
Standard library only.
"""
import argparse
import json
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

JSON_CODE = re.compile(
    r"^betwire::json::(encode|decode|decode_part|detail::(read|write)_(value|object|map|vector|array|sequence|elements|members))<")

SOURCE = "#include <betwire/betwire.hpp>\nint main() {}\n"


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", default="clang++-19")
    ap.add_argument("--flags", default="-stdlib=libc++", help="extra compiler flags, one string")
    ap.add_argument("--keep", help="write the source and the trace here instead of a temporary directory")
    args = ap.parse_args(argv[1:])
    if shutil.which(args.compiler) is None:
        print(f"instantiation_check.py: {args.compiler} not found (tools/install-deps.sh installs clang 19)")
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(args.keep) if args.keep else pathlib.Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        src = work / "umbrella.cpp"
        trace = work / "umbrella.json"
        src.write_text(SOURCE, encoding="utf-8")
        cmd = [args.compiler, "-std=c++20", *shlex.split(args.flags), f"-I{ROOT / 'include'}", "-c",
               "-o", str(work / "umbrella.o"), f"-ftime-trace={trace}", "-ftime-trace-granularity=0", str(src)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            print(f"instantiation_check.py: the umbrella did not compile:\n  {' '.join(cmd)}\n{proc.stdout}")
            return 1
        if not trace.is_file():
            print(f"instantiation_check.py: {args.compiler} wrote no trace to {trace} "
                  "(-ftime-trace=<file> needs clang 16 or later)")
            return 1
        events = [e for e in json.loads(trace.read_text(encoding="utf-8"))["traceEvents"] if e.get("ph") == "X"]

    # The innermost enclosing non-instantiation event names where clang was when it instantiated.
    events.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack, found, seen = [], [], 0
    for e in events:
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
            stack.pop()
        if e["name"] == "InstantiateFunction":
            seen += 1
            detail = e.get("args", {}).get("detail", "")
            if JSON_CODE.match(detail):
                outer = next((s for s in reversed(stack) if s["name"] in ("InstantiateFunction", "ParseFunctionDefinition",
                                                                          "ParseClass", "PerformPendingInstantiations")), None)
                where = f"{outer['name']} {outer.get('args', {}).get('detail', '')}" if outer else "?"
                found.append((detail, where))
        stack.append(e)

    if seen == 0:
        print("instantiation_check.py: the trace records no instantiation at all; is -ftime-trace working?")
        return 1
    if found:
        print(f"instantiation_check.py: including <betwire/betwire.hpp> instantiates {len(found)} JSON readers or "
              "writers that nothing called:")
        for detail, where in found:
            print(f"  {detail[:200]}\n      within {where[:200]}")
        print("An instantiation within PerformPendingInstantiations was named by a function that is not a "
              "template: make that function one (`template <class = void>`), as the venues' encoders and "
              "error readers are.")
        return 1
    print(f"instantiation_check.py: <betwire/betwire.hpp> alone: {seen} function instantiations, none of them "
          "JSON code")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
