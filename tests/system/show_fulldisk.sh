#!/usr/bin/env bash
# Crash-safe show file on a full disk: on a 256 KiB tmpfs mounted in the work folder, foh_show_writer (the same
# scenes::writeFileAtomically as fohd) saves two small versions; then a file fills the disk, leaving 8 KiB, and saving a
# 100 KiB version must fail with "No space left on device" (after a short write: the code path a full disk takes), say
# which file and that the previous version is kept; show.json and show.json.prev must be the two good versions byte for
# byte, no temp file may be left, and the space the failed save took must be free again. The same with no byte free
# (the first write fails). With the filler gone, the 100 KiB save succeeds and the good version becomes .prev.
# EDQUOT takes the same path (any write, fsync or close error) but is not provoked here: this kernel's tmpfs has no
# quotas. Needs root, to mount the tmpfs.
# Usage: show_fulldisk.sh PATH_TO_FOH_SHOW_WRITER
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x ${1:-} ]] || fail "usage: $0 PATH_TO_FOH_SHOW_WRITER (got '${1:-}', not an executable)"
WRITER=$1
wpid=""   # set by spawn
need python3 mount umount mountpoint dd truncate stat cmp
CHECK=$(dirname "${BASH_SOURCE[0]}")/show_check.py
(($(id -u) == 0)) || fail "needs root to mount a small tmpfs (CI runs as root)"

DISK=$FOH_WORK/disk
SHOW=$DISK/show.json
mkdir "$DISK"
# lib.sh's EXIT trap calls this after stopping every process, before it removes (or, on failure, keeps) the work
# folder: a copy of the disk's files stays there to look at.
foh_cleanup() {
    if mountpoint -q "$DISK"; then
        cp -a "$DISK" "$FOH_WORK/disk-at-exit"
        umount "$DISK" || umount -l "$DISK"
    fi
}
mount -t tmpfs -o size=256k,mode=0755 tmpfs "$DISK" || fail "cannot mount a tmpfs on $DISK"

free_bytes() { stat -f -c '%a %S' "$DISK" | awk '{ print $1 * $2 }'; }

# save VERSION SIZE: one save of VERSION with a SIZE-byte payload, through the writer; sets REAP_RC.
save() {
    spawn wpid writer "$WRITER" "$SHOW" --from "$1" --count 1 --size "$2"
    reap "$wpid" 10
}

# no_temp_files: nothing in the disk but show.json, show.json.prev and the fillers.
no_temp_files() {
    local f
    for f in "$DISK"/*; do
        case ${f##*/} in show.json | show.json.prev | fill*) ;; *) fail "left behind on the disk: ${f##*/}" ;; esac
    done
}

# fails_full VERSION SIZE WHAT: the save must fail with ENOSPC, and change nothing.
fails_full() {
    local before after err
    before=$(free_bytes)
    save "$1" "$2"
    ((REAP_RC == 1)) || fail "$3: the save exited with $REAP_RC, expected 1 (a failed save)"
    err=$(cat "$FOH_WORK/writer.err")
    [[ $err == "foh_show_writer: $SHOW: cannot write: No space left on device (the previous version is kept)" ]] ||
        fail "$3: unexpected error: '$err'"
    cmp -s "$SHOW" "$FOH_WORK/good.json" || fail "$3: show.json is no longer the previous good version"
    cmp -s "$SHOW.prev" "$FOH_WORK/good.prev.json" || fail "$3: show.json.prev changed"
    no_temp_files
    after=$(free_bytes)
    ((after == before)) || fail "$3: $before bytes were free before the failed save, $after after (temp file kept?)"
    pass "$3: the save failed with '$err'; show.json and .prev are unchanged byte for byte, no temp file, $after bytes free again"
}

save 1 2048
((REAP_RC == 0)) || fail "saving version 1 on an empty disk failed: $(cat "$FOH_WORK/writer.err")"
save 2 3000
((REAP_RC == 0)) || fail "saving version 2 on an empty disk failed: $(cat "$FOH_WORK/writer.err")"
result=$(python3 "$CHECK" "$SHOW" 2 2 2>&1) || fail "after two saves: $result"
[[ $result == "2 1" ]] || fail "after two saves show.json / .prev are versions '$result', expected '2 1'"
cp "$SHOW" "$FOH_WORK/good.json"
cp "$SHOW.prev" "$FOH_WORK/good.prev.json"

# Fill the disk, then give 8 KiB back: the 100 KiB save's first write fits partly (a short write), the next fails.
dd if=/dev/zero of="$DISK/fill" bs=4096 2>/dev/null && fail "dd filled a 256 KiB tmpfs without running out of space"
(($(free_bytes) == 0)) || fail "the disk is not full after dd: $(free_bytes) bytes free"
truncate -s -8K "$DISK/fill"
free=$(free_bytes)
((free >= 4096 && free <= 16384)) || fail "$free bytes free after giving back 8 KiB, expected about 8192"
note "disk full but $free bytes"
fails_full 3 102400 "100 KiB with $free bytes free"

dd if=/dev/zero of="$DISK/fill2" bs=4096 2>/dev/null && fail "dd filled the rest without running out of space"
(($(free_bytes) == 0)) || fail "the disk is not full after the second dd: $(free_bytes) bytes free"
fails_full 3 2048 "2 KiB with no byte free"

rm -f "$DISK/fill" "$DISK/fill2"
save 3 102400
((REAP_RC == 0)) || fail "saving 100 KiB after freeing the disk failed: $(cat "$FOH_WORK/writer.err")"
result=$(python3 "$CHECK" "$SHOW" 3 3 2>&1) || fail "after the save on a freed disk: $result"
[[ $result == "3 2" ]] || fail "after the save on a freed disk show.json / .prev are versions '$result', expected '3 2'"
cmp -s "$SHOW.prev" "$FOH_WORK/good.json" || fail "show.json.prev is not the previous good version byte for byte"
no_temp_files
pass "with space again the 100 KiB save succeeded: show.json is version 3, show.json.prev the previous good one"
