#!/usr/bin/env bash
# Crash safety of the recorder (engine/record, docs/RECORDING.md): foh_record_writer records 4 tracks of a
# deterministic 24-bit signal in real time and is SIGKILLed at 20 random points, each run 0.6-2.4 s long (the header is refreshed every 0.5 s). After each kill:
# - every file opens with sndfile-info (libsndfile) before any repair, and what its header shows is bit-exact and
#   covers all audio up to <= 1 s before the kill (the writer's last "fed F" progress line before the kill; the kill
#   comes after it, so the check is, if anything, strict);
# - after `foh_record_writer --recover` (recoverTake) every file opens, all have one length, at least the same, and the
#   data is bit-exact (record_check.py parses the chunks and decodes the samples itself, independently of libsndfile);
# - take.json says "recovered".
# Usage: record_kill.sh PATH_TO_FOH_RECORD_WRITER
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x ${1:-} ]] || fail "usage: $0 PATH_TO_FOH_RECORD_WRITER (got '${1:-}', not an executable)"
WRITER=$1
need python3 sndfile-info
CHECK=$(dirname "${BASH_SOURCE[0]}")/record_check.py
RATE=48000
RUNS=${FOH_RECORD_KILL_RUNS:-20}
wpid=""

# sndfile_frames FILE: the frame count libsndfile reports, or fail if it does not open the file.
sndfile_frames() {
    local out frames
    out=$(sndfile-info "$1" 2>&1) || fail "sndfile-info $1 failed: $out"
    frames=$(awk -F: '/^Frames +:/ { gsub(/ /, "", $2); print $2 }' <<<"$out")
    [[ -n $frames ]] || fail "sndfile-info does not open $1: $(tail -n 3 <<<"$out")"
    echo "$frames"
}

worst_header_lag=0
worst_recovered_lag=0
for ((run = 1; run <= RUNS; run++)); do
    take=$FOH_WORK/take-$run
    ms=$((600 + (RANDOM * 32768 + RANDOM) % 1801))
    delay=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
    spawn wpid "writer-$run" "$WRITER" "$take" --tracks 4 --rate $RATE --format pcm24
    wait_for_log "writer-$run.out" started 10
    sleep "$delay"
    alive "$wpid" || fail "run $run: the writer exited before the kill"
    fed=$(grep '^fed ' "$FOH_WORK/writer-$run.out" | tail -n 1 | awk '{ print $2 }')
    kill_now "$wpid"
    ((REAP_RC == 137)) || fail "run $run: the writer's exit status is $REAP_RC, expected 137 (killed)"
    [[ -n $fed ]] || fail "run $run: no progress line before the kill"
    need_frames=$((fed > RATE ? fed - RATE : 0))

    # Before any repair: libsndfile opens every file, and the headers alone hold everything up to <= 1 s before.
    shopt -s nullglob
    files=("$take"/*.wav)
    shopt -u nullglob
    ((${#files[@]} == 4)) || fail "run $run: ${#files[@]} files in the take, expected 4"
    least=""
    for f in "${files[@]}"; do
        frames=$(sndfile_frames "$f")
        [[ -z $least || $frames -lt $least ]] && least=$frames
        ((frames >= need_frames)) ||
            fail "run $run (killed after ${delay}s, $fed frames fed): ${f##*/} shows $frames frames before recover, expected >= $need_frames"
        ((fed - frames > worst_header_lag)) && worst_header_lag=$((fed - frames))
    done
    result=$(python3 "$CHECK" "$take" "$need_frames" 2>&1) || fail "run $run, before recover: $result"

    rec=$("$WRITER" --recover "$take" 2>&1) || fail "run $run: recover failed: $rec"
    for f in "${files[@]}"; do sndfile_frames "$f" >/dev/null; done
    result=$(python3 "$CHECK" "$take" "$need_frames" 2>&1) || fail "run $run, after recover: $result"
    after=${result#frames }
    ((fed - after > worst_recovered_lag)) && worst_recovered_lag=$((fed - after))
    grep -q '"state": "recovered"' "$take/take.json" || fail "run $run: take.json is not marked recovered"
    note "run $run: killed after ${delay}s at >= $fed frames fed; headers show >= $least, recovered $after frames, bit-exact"
    rm -rf "$take"
done
pass "$RUNS kills: every file opened before and after recover; the headers lagged the last progress line by at most" \
    "$worst_header_lag frames ($(awk -v f=$worst_header_lag -v r=$RATE 'BEGIN { printf "%.3f", f / r }') s), recovered" \
    "files by at most $worst_recovered_lag frames ($(awk -v f=$worst_recovered_lag -v r=$RATE 'BEGIN { printf "%.3f", f / r }') s), all bit-exact, equal lengths"
