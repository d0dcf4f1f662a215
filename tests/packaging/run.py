#!/usr/bin/env python3
"""Packaging tests: build and run tests/packaging/consumer.cpp the ways users consume betwire.

usage: run.py <case> --work <dir> --source <betwire source dir> --version <x.y.z>
              [--prefix <install prefix>] [--build <betwire build dir>] [--curl]
              [--cmake <cmake>] [--generator <name>] [--make-program <path>]
              [--meson <meson>] [--cxx <compiler>] [--cxx-flags <flags>]
cases: install, find_package, add_subdirectory, fetchcontent, meson_pkgconfig, meson_subproject,
       meson_wrap, vcpkg_port

Every case starts from an empty <work>/<case> directory, copies the consumer project there (with
consumer.cpp as main.cpp), configures, builds and runs it; any failing step fails the test.
"""
import argparse
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
# Cases that build the consumer without the Beast backend, and the case that proves the same wiring.
BEAST_WIRED_AS = {"fetchcontent": "add_subdirectory", "meson_wrap": "meson_subproject",
                  "vcpkg_port": "find_package (the port has no Beast feature)"}


def run(cmd, cwd=None, env=None):
    print("+ " + " ".join(shlex.quote(str(c)) for c in cmd), flush=True)
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"step failed with exit status {proc.returncode}")


def fresh(path):
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def project(args, case, name=None):
    """A fresh copy of tests/packaging/<case> with consumer.cpp as main.cpp, in <work>/<name>."""
    work = fresh(pathlib.Path(args.work) / (name or case))
    src = work / "src"
    shutil.copytree(HERE / case, src)
    shutil.copy(HERE / "consumer.cpp", src / "main.cpp")
    return work, src


def cmake_case(args, case, extra, name=None):
    work, src = project(args, case, name)
    build = work / "build"
    cmd = [args.cmake, "-S", src, "-B", build, "-G", args.generator]
    if args.make_program:
        cmd.append(f"-DCMAKE_MAKE_PROGRAM={args.make_program}")
    cmd += [f"-DCMAKE_CXX_COMPILER={args.cxx}", f"-DCMAKE_CXX_FLAGS={args.cxx_flags}",
            f"-DBETWIRE_EXPECTED_VERSION={args.version}",
            f"-DBETWIRE_CONSUMER_CURL={'ON' if args.curl else 'OFF'}",
            f"-DBETWIRE_CONSUMER_BEAST={'ON' if args.beast else 'OFF'}"] + extra
    run(cmd)
    run([args.cmake, "--build", build, "--parallel", "2"])
    run([build / "consumer"])


def meson_case(args, case, env_extra, setup_extra, prepare=None):
    work, src = project(args, case)
    if prepare:
        prepare(src)
    env = dict(os.environ)
    env.pop("PKG_CONFIG_PATH", None)
    env.update(env_extra)
    env["CXX"] = args.cxx
    if args.cxx_flags:
        env["CXXFLAGS"] = args.cxx_flags
        env["LDFLAGS"] = args.cxx_flags
    build = work / "build"
    run([args.meson, "setup", build, src, f"-Dexpected_version={args.version}",
         f"-Dcurl={'true' if args.curl else 'false'}",
         f"-Dbeast={'true' if args.beast else 'false'}"] + setup_extra, env=env)
    run([args.meson, "compile", "-C", build, "-j", "2"], env=env)
    run([build / "consumer"], env=env)
    return build, env


def git_head(source):
    """The repository and commit a user would pin: the local checkout and its HEAD."""
    proc = subprocess.run(["git", "-C", source, "rev-parse", "HEAD"], stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{source} is not a git checkout: this case pins a commit of it")
    dirty = subprocess.run(["git", "-C", source, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    if dirty:
        print("note: uncommitted changes are not part of the commit this case checks out", flush=True)
    return source, proc.stdout.strip()


def vcpkg_port(args, source):
    """Runs ports/betwire/portfile.cmake through vcpkg_shim.cmake, checks the packages tree the
    way vcpkg's post-build checks would, then builds the find_package consumer against it."""
    port = source / "ports" / "betwire"
    manifest = json.loads((port / "vcpkg.json").read_text(encoding="utf-8"))
    if manifest.get("name") != "betwire":
        raise SystemExit("ports/betwire/vcpkg.json: name is not betwire")
    if manifest.get("version-semver") != args.version:
        raise SystemExit(f"ports/betwire/vcpkg.json: version-semver {manifest.get('version-semver')} "
                         f"!= {args.version} from include/betwire/version.hpp")
    if manifest.get("license") != "BSL-1.0":
        raise SystemExit(f"ports/betwire/vcpkg.json: license is {manifest.get('license')!r}, not BSL-1.0")
    if "curl" not in manifest.get("features", {}).get("curl", {}).get("dependencies", []):
        raise SystemExit("ports/betwire/vcpkg.json: the curl feature must depend on curl")

    work = fresh(pathlib.Path(args.work) / "vcpkg_port")
    features = "core;curl" if args.curl else "core"
    cmd = [args.cmake, f"-DPORTFILE={port / 'portfile.cmake'}", f"-DFEATURES={features}", f"-DWORK={work}",
           f"-DCXX={args.cxx}", f"-DCXX_FLAGS={args.cxx_flags}", f"-DGENERATOR={args.generator}"]
    if args.make_program:
        cmd.append(f"-DMAKE_PROGRAM={args.make_program}")
    run(cmd + ["-P", HERE / "vcpkg_shim.cmake"])

    packages = work / "packages"
    must = ["include/betwire/betwire.hpp", "include/betwire/version.hpp", "include/betwire/http/client.hpp",
            "share/betwire/betwireConfig.cmake", "share/betwire/betwireConfigVersion.cmake",
            "share/betwire/betwireTargets.cmake", "share/betwire/usage", "share/betwire/copyright",
            "share/pkgconfig/betwire.pc", "share/pkgconfig/betwire-curl.pc"]
    if args.curl:
        must.append("include/betwire/transport/curl.hpp")
    for rel in must:
        if not (packages / rel).is_file():
            raise SystemExit(f"the port did not install {rel}")
    for rel in ["lib", "debug", "share/cmake", "bin"]:
        if (packages / rel).exists():
            raise SystemExit(f"the port left {rel}/ in a header-only package")
    copyright_text = (packages / "share/betwire/copyright").read_text(encoding="utf-8")
    if copyright_text != (source / "LICENSE").read_text(encoding="utf-8"):
        raise SystemExit("share/betwire/copyright is not the text of LICENSE")
    if "Boost Software License - Version 1.0" not in copyright_text:
        raise SystemExit("share/betwire/copyright does not hold the Boost Software License")
    if (packages / "share/betwire/usage").read_text(encoding="utf-8") != (port / "usage").read_text(encoding="utf-8"):
        raise SystemExit("share/betwire/usage is not ports/betwire/usage")
    # vcpkg refuses packages that name the directory they were built in (they would not relocate).
    for f in packages.rglob("*"):
        if f.is_file() and str(packages) in f.read_text(encoding="utf-8", errors="replace"):
            raise SystemExit(f"{f.relative_to(packages)} contains the absolute path {packages}")
    print(f"ports/betwire installed {sum(1 for f in packages.rglob('*') if f.is_file())} files, "
          f"features {features}", flush=True)

    # A user of the installed port: find_package from the packages tree.
    cmake_case(args, "find_package", [f"-DCMAKE_PREFIX_PATH={packages}"], name="vcpkg_port_consumer")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=["install", "find_package", "add_subdirectory", "fetchcontent",
                                    "meson_pkgconfig", "meson_subproject", "meson_wrap", "vcpkg_port"])
    p.add_argument("--work", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--prefix")
    p.add_argument("--build")
    p.add_argument("--curl", action="store_true")
    p.add_argument("--beast", action="store_true")
    p.add_argument("--cmake", default="cmake")
    p.add_argument("--generator", default="Ninja")
    p.add_argument("--make-program", default="")
    p.add_argument("--meson", default="meson")
    p.add_argument("--cxx", default="c++")
    p.add_argument("--cxx-flags", default="")
    args = p.parse_args()
    source = pathlib.Path(args.source).resolve()
    # The Boost.Beast backend costs a consumer about 25 s of compiling (g++ 12 -O0), so each way of
    # wiring it is built once: fetchcontent adds the same tree as add_subdirectory, meson_wrap
    # checks out the tree meson_subproject uses, and the vcpkg port has no Beast feature.
    if args.beast and args.case in BEAST_WIRED_AS:
        print(f"{args.case}: the Beast backend is left to {BEAST_WIRED_AS[args.case]}", flush=True)
        args.beast = False

    if args.case == "install":
        prefix = fresh(pathlib.Path(args.prefix))
        run([args.cmake, "--install", args.build, "--prefix", prefix])
        for must in ["include/betwire/betwire.hpp", "include/betwire/version.hpp",
                     "share/cmake/betwire/betwireConfig.cmake",
                     "share/cmake/betwire/betwireConfigVersion.cmake",
                     "share/pkgconfig/betwire.pc", "share/pkgconfig/betwire-curl.pc",
                     "share/pkgconfig/betwire-beast.pc"]:
            if not (prefix / must).is_file():
                raise SystemExit(f"the install lacks {must}")
        print(f"installed into {prefix}")
    elif args.case == "find_package":
        cmake_case(args, "find_package", [f"-DCMAKE_PREFIX_PATH={args.prefix}"])
    elif args.case == "add_subdirectory":
        cmake_case(args, "add_subdirectory", [f"-DBETWIRE_SOURCE_DIR={source}"])
    elif args.case == "meson_pkgconfig":
        pc = pathlib.Path(args.prefix) / "share" / "pkgconfig"
        meson_case(args, "meson_pkgconfig", {"PKG_CONFIG_PATH": str(pc)}, [])
    elif args.case == "meson_subproject":
        def link_betwire(src):
            # The subproject is betwire's source tree itself, as a user's subprojects/betwire is.
            (src / "subprojects").mkdir()
            (src / "subprojects" / "betwire").symlink_to(source, target_is_directory=True)

        build, env = meson_case(args, "meson_subproject", {}, ["--wrap-mode=forcefallback"],
                                prepare=link_betwire)
        # betwire is a subproject here: none of its tests may have been set up.
        tests = subprocess.run([args.meson, "introspect", "--tests", build], stdout=subprocess.PIPE,
                               text=True, env=env, check=True).stdout
        if '"unit.' in tests or '"sim.' in tests:
            raise SystemExit("betwire registered its own tests while being a subproject")
    elif args.case == "fetchcontent":
        repo, commit = git_head(source)
        cmake_case(args, "fetchcontent", [f"-DBETWIRE_GIT_REPOSITORY={repo}", f"-DBETWIRE_GIT_TAG={commit}",
                                          "-DFETCHCONTENT_QUIET=OFF"])
    elif args.case == "meson_wrap":
        repo, commit = git_head(source)
        template = (source / "ports" / "meson" / "betwire.wrap").read_text(encoding="utf-8")

        def add_wrap(src):
            # The wrap users copy, with its url and revision pointed at the local repository.
            text, n_url = re.subn(r"(?m)^url = .*$", f"url = {repo}", template)
            text, n_rev = re.subn(r"(?m)^revision = .*$", f"revision = {commit}", text)
            if n_url != 1 or n_rev != 1:
                raise SystemExit("ports/meson/betwire.wrap needs exactly one `url = ` and one `revision = ` line")
            (src / "subprojects").mkdir()
            (src / "subprojects" / "betwire.wrap").write_text(text, encoding="utf-8")

        build, env = meson_case(args, "meson_wrap", {}, ["--force-fallback-for=betwire"], prepare=add_wrap)
        if not (build.parent / "src" / "subprojects" / "betwire" / "meson.build").is_file():
            raise SystemExit("the wrap did not check betwire out into subprojects/betwire")
    elif args.case == "vcpkg_port":
        vcpkg_port(args, source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
