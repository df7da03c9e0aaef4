#!/usr/bin/env bash
# Installs what FOH needs, builds it and runs the whole test suite:
#   1. Release build with -Werror: unit, whole-engine and system tests (real jackd and PipeWire);
#   2. AddressSanitizer + UBSan build: the same tests again (the recorder's kill test with 10 kills instead of 20,
#      for CI's time budget: the 20 of issue 9 run in round 1);
#   3. clang libFuzzer build (ASan + UBSan): the OSC packet fuzzer for 60 s from its corpus (tests/fuzz/README.md).
# Every test binary carries the real-time allocation/lock trap. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-debian.sh
jobs=$(nproc)
start=$(date +%s)

echo "== Release build (-Werror)"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOH_WERROR=ON
cmake --build build/release -j "$jobs"
sync  # let the build's writeback finish before real-time tests share the disk and CPUs with it
echo "== Release: tests"
ctest --test-dir build/release --output-on-failure -j "$jobs"

echo "== ASan + UBSan build"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOH_SANITIZE=ON -DFOH_WERROR=ON -DFOH_BUILD_BENCH=OFF
cmake --build build/asan -j "$jobs"
sync
echo "== ASan + UBSan: tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
FOH_RECORD_KILL_RUNS=10 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== Fuzz (clang, libFuzzer + ASan/UBSan, 60 s)"
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
  -DFOH_FUZZ=ON
cmake --build build/fuzz -j "$jobs" --target foh_osc_fuzz
ctest --test-dir build/fuzz --output-on-failure -L fuzz

echo "== all tests passed in $(( $(date +%s) - start )) s"
