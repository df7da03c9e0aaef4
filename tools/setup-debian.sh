#!/usr/bin/env bash
# Installs every Debian 12 package FOH needs to build, run and test. Idempotent; run as root (or with sudo).
# Usage: tools/setup-debian.sh            # everything (build, run, test)
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # the fuzz round: clang with libFuzzer and its sanitizer runtimes
  clang libclang-rt-14-dev
  # audio servers and their client libraries
  jackd2 libjack-jackd2-dev pipewire pipewire-jack pipewire-bin
  # control, scenes, recording
  liblo-dev liblo-tools libboost-dev libboost-system-dev nlohmann-json3-dev libsndfile1-dev libsystemd-dev
  # operator console
  libimgui-dev libstb-dev libglfw3-dev libgl-dev
  # tests and benchmarks
  # (sndfile-tools: sndfile-jackplay, the band in the JACK recording, render and virtual soundcheck tests)
  catch2 libbenchmark-dev libebur128-dev ffmpeg sox sndfile-programs sndfile-tools xvfb xauth imagemagick procps psmisc lua5.1
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # jackd2 asks whether to enable realtime scheduling; answer for it.
  echo "jackd2 jackd/tweak_rt_limits boolean true" | $SUDO debconf-set-selections
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Node.js runs the npm `osc` test client; the machine image may already ship its own node/npm (not Debian's),
# which conflicts with Debian's nodejs package, so only install Debian's when there is none.
if ! command -v npm >/dev/null 2>&1; then
  ${SUDO:-} apt-get install -y -q --no-install-recommends nodejs npm
fi
# The npm `osc` package, an independent OSC client for the system tests (tests/system/osc_npm.sh), pinned by
# tests/system/npm/package-lock.json. Installed here, never at build or test time.
npm ci --prefix "$(dirname "$0")/../tests/system/npm" --no-audit --no-fund
echo "setup-debian: all ${#packages[@]} packages present"
