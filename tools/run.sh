#!/usr/bin/env bash
# Installs what FOH needs, builds it (Release) and starts the console: on JACK when a server (jackd or PipeWire's
# JACK) answers, else on the internal dummy clock, playing the demo show through the console until Ctrl-C.
# Extra arguments go to fohd (see `fohd --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-debian.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOH_BUILD_TESTS=OFF -DFOH_BUILD_BENCH=OFF
cmake --build build/release --target fohd
exec build/release/control/fohd --backend auto --demo "$@"
