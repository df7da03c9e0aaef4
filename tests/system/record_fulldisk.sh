#!/usr/bin/env bash
# The recorder on a full disk (engine/record, docs/RECORDING.md): foh_record_writer records 16 float tracks at 4x real
# time (about 12 MB/s) onto a 16 MiB tmpfs mounted in the work folder until it fills, twice:
# 1. reserve 0: a real ENOSPC in the middle of a write (the short-write path);
# 2. reserve 4 MiB: the free-space watch stops the take before the disk is full.
# Each time the take must stop by itself with a clear error (exit 3, "disk full: ..."), the audio side must never have
# blocked (the longest write_rt < 1 ms), every file must open with sndfile-info, all tracks must have one length
# > 0 and be bit-exact (record_check.py), and take.json must say "stopped: disk full ...". Needs root for the mount.
# Usage: record_fulldisk.sh PATH_TO_FOH_RECORD_WRITER
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x ${1:-} ]] || fail "usage: $0 PATH_TO_FOH_RECORD_WRITER (got '${1:-}', not an executable)"
WRITER=$1
wpid=""
need python3 sndfile-info mount umount mountpoint
CHECK=$(dirname "${BASH_SOURCE[0]}")/record_check.py
(($(id -u) == 0)) || fail "needs root to mount a small tmpfs (CI runs as root)"
DISK=$FOH_WORK/disk
mkdir "$DISK"
foh_cleanup() {
    if mountpoint -q "$DISK"; then
        umount "$DISK" || umount -l "$DISK"
    fi
}

fill_once() {  # fill_once NAME RESERVE_MB EXPECTED_ERROR_PART
    local name=$1 reserve=$2 expect=$3 take out line err us f frames
    mount -t tmpfs -o size=16m,mode=0755 tmpfs "$DISK" || fail "cannot mount a tmpfs on $DISK"
    take=$DISK/take
    spawn wpid "writer-$name" "$WRITER" "$take" --tracks 16 --format float --speed 4 --seconds 120 --reserve-mb "$reserve"
    reap "$wpid" 60
    out=$FOH_WORK/writer-$name.out
    ((REAP_RC == 3)) || fail "$name: the writer exited with $REAP_RC, expected 3 (stopped by an error)"
    line=$(grep '^stopped ' "$out") || fail "$name: no 'stopped' line"
    err=${line#*error=}
    [[ $err == "disk full: "*"$expect"*"files finalized" ]] || fail "$name: unexpected error text: '$err'"
    us=$(sed -n 's/.*max_write_rt_us=\([0-9.]*\).*/\1/p' <<<"$line")
    awk -v u="$us" 'BEGIN { exit !(u < 1000) }' || fail "$name: the longest write_rt took ${us} us (>= 1 ms)"
    for f in "$take"/*.wav; do
        frames=$(sndfile-info "$f" 2>&1 | awk -F: '/^Frames +:/ { gsub(/ /, "", $2); print $2 }')
        [[ -n $frames && $frames -gt 0 ]] || fail "$name: sndfile-info does not open ${f##*/} or it is empty"
    done
    result=$(python3 "$CHECK" "$take" 1 2>&1) || fail "$name: $result"
    grep -q '"state": "stopped: disk full' "$take/take.json" || fail "$name: take.json does not say 'stopped: disk full'"
    [[ -e $take/take.json.reserve ]] && fail "$name: the manifest reserve file was left behind"
    pass "$name: clean stop with '$err'; ${result#frames } frames in every file, bit-exact, longest write_rt ${us} us"
    umount "$DISK"
}

fill_once enospc 0 "No space left on device"
fill_once reserve 4 "below the reserve of 4.0 MiB"
