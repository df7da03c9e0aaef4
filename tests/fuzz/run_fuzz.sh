#!/usr/bin/env bash
# Runs the OSC fuzz target for a bounded time from a fresh copy of the committed corpus (with osc.dict), all writes
# in WORK.
# Usage: run_fuzz.sh FOH_OSC_FUZZ CORPUS_DIR WORK_DIR SECONDS
# Exits non-zero on any crash, leak, sanitizer report, timeout or out-of-memory (the input is in WORK/artifacts/).
set -euo pipefail
fuzzer=$1 corpus=$2 work=$3 seconds=$4

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/"
echo "osc fuzz: $(ls "$work/corpus" | wc -l) seed files, ${seconds} s, new inputs and artifacts in $work"

status=0
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=4096 -timeout=10 -error_exitcode=77 -timeout_exitcode=78 \
          -print_final_stats=1 -dict="$(dirname "$0")/osc.dict" -artifact_prefix="$work/artifacts/" "$work/corpus" \
  || status=$?
if ((status != 0)) || [ -n "$(ls -A "$work/artifacts")" ]; then
  echo "osc fuzz: FAILED (exit $status); inputs that failed:" >&2
  ls -l "$work/artifacts" >&2
  echo "reproduce with: $fuzzer $work/artifacts/<file>" >&2
  exit 1
fi
echo "osc fuzz: no failure in ${seconds} s; corpus grew to $(ls "$work/corpus" | wc -l) files"
