#!/usr/bin/env bash
# Installs everything betwire's build, tests, simulator and benchmarks need on Debian bookworm.
# Fast when everything is already there (checked with dpkg); otherwise apt-get update + install.
set -euo pipefail

packages=(
  # toolchains and build systems
  g++ g++-12 cmake ninja-build meson pkg-config python3
  clang-19 libc++-19-dev libc++abi-19-dev libclang-rt-19-dev
  # tests
  libgtest-dev libgmock-dev
  # the libcurl transport, and the venue simulator
  libcurl4-openssl-dev libcpp-httplib-dev nlohmann-json3-dev
  # the Boost.Beast WebSocket backend (and the simulator's /ws): Boost's headers, OpenSSL
  libboost-dev libssl-dev
  # the libcurl transport's TLS tests run openssl s_server with certificates made by openssl req
  openssl
  # benchmarks and their peers
  libbenchmark-dev libsimdjson-dev rapidjson-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
