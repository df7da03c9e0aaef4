#!/usr/bin/env bash
# Crash-safe show file, killed at random points: foh_show_writer saves version after version of a show-file-like
# document through scenes::writeFileAtomically and is killed with SIGKILL 240 times: most kills 0-30 ms after it
# starts saving (so they land in writes, fsyncs and renames; writes take about 1-10 ms here), every fourth one right
# after it reports a save. After each kill an independent checker (show_check.py: Python's json and zlib.crc32) reads
# show.json: it must parse, its checksum match, and its version be the last one the writer reported or the one after
# (a kill after the rename, before the report), never older, never a mix; show.json.prev, when there, must be complete
# too and the version before (or the same one, after a kill between the two renames). The next writer starts with
# --clean, as the loader does: it must remove exactly the temp files the kill left, and at the end none is left.
# The test fails unless at least 20 kills left a temp file behind, i.e. really landed inside a save. (A SIGKILL takes
# effect when the system call under way returns: one sent during a slow link or rename lands right after it, which is
# why the gaps between link, rename and rename are hit far more often than their few microseconds suggest.)
# Breaking the protocol is caught within a few kills: writing show.json in place (O_TRUNC) leaves it empty, and
# rename(show.json, show.json.prev) before the rename over it leaves no show.json at all.
#
# What this does NOT prove: SIGKILL loses nothing the process already wrote (the data is in the page cache, and the
# kernel finishes the renames it started), so this checks the order of the protocol (no instant without a complete
# show.json), not that fsync makes it survive a real power cut; that needs a VM or a dm-flakey/dm-log-writes device.
# Usage: show_powercut.sh PATH_TO_FOH_SHOW_WRITER
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x ${1:-} ]] || fail "usage: $0 PATH_TO_FOH_SHOW_WRITER (got '${1:-}', not an executable)"
WRITER=$1
wpid=""   # set by spawn
need python3
CHECK=$(dirname "${BASH_SOURCE[0]}")/show_check.py
ITERATIONS=${FOH_POWERCUT_ITERATIONS:-240}
MIN_MID_WRITE=20

mkdir "$FOH_WORK/show"
SHOW=$FOH_WORK/show/show.json
OUT=$FOH_WORK/writer.out

# A sleep without a fork (sleep(1) costs a millisecond or more, as long as the windows we aim at): read with a
# timeout on a FIFO nobody writes to.
mkfifo "$FOH_WORK/nap.fifo"
exec {NAP_FD}<>"$FOH_WORK/nap.fifo"
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }

# writer_lines: the writer's output so far in LINES (mapfile: no fork).
writer_lines() { mapfile -t LINES <"$OUT"; }

# wait_for_line PATTERN COUNT: the writer printed at least COUNT lines starting with PATTERN (or it died: then return).
wait_for_line() {
    local pattern=$1 count=$2 deadline n line
    deadline=$((${EPOCHREALTIME/./} + 10000000)) # microseconds
    while :; do
        writer_lines
        n=0
        for line in "${LINES[@]}"; do [[ $line == "$pattern"* ]] && n=$((n + 1)); done
        ((n >= count)) && return 0
        alive "$wpid" || return 0
        ((${EPOCHREALTIME/./} < deadline)) || fail "the writer printed no '$pattern' ${count}x in 10 s"
        nap 0.0002
    done
}

# leftovers: LEFT = the temp files an interrupted save left in the show folder (names; a glob: no fork).
leftovers() {
    local f
    LEFT=()
    for f in "$FOH_WORK/show/show.json.tmp."* "$FOH_WORK/show/show.json.prev.tmp."*; do
        if [[ -e $f ]]; then LEFT+=("${f##*/}"); fi
    done
}

# The checker runs once for the whole test and answers one request a line through two FIFOs (a Python start for
# every check would cost more than the rest of an iteration on a loaded machine).
mkfifo "$FOH_WORK/check.in" "$FOH_WORK/check.out"
spawn checker_pid checker python3 "$CHECK" --serve "$FOH_WORK/check.in" "$FOH_WORK/check.out"
exec {CHECK_IN}<>"$FOH_WORK/check.in" {CHECK_OUT}<>"$FOH_WORK/check.out" # read-write: opening never blocks
# check_show LOW HIGH: show.json is whole and LOW..HIGH, show.json.prev whole and one older or the same; sets
# CHECKED ("VERSION PREV_VERSION") or CHECK_ERROR (and returns 1).
check_show() {
    local answer
    printf '%s %s %s\n' "$SHOW" "$1" "$2" >&"$CHECK_IN"
    read -r -t 60 -u "$CHECK_OUT" answer || fail "the checker did not answer within 60 s"
    CHECKED=${answer#ok } CHECK_ERROR=${answer#error }
    [[ $answer == "ok "* ]]
}

# The first version, saved without a kill, so that there always is a show file to check.
spawn wpid writer "$WRITER" "$SHOW" --from 1 --count 1
reap "$wpid" 10
((REAP_RC == 0)) || fail "the first save failed (exit $REAP_RC): $(cat "$FOH_WORK/writer.err")"
current=1

start=$(now)
kills=0 reported_saves=0 mid_write=0 mid_prev=0 renamed_unreported=0 prev_same=0 after_report=0 none_saved=0
declare -A removed=()
LEFT=()
for ((i = 1; i <= ITERATIONS; i++)); do
    : >"$OUT" # empty before the start: we must never read the last writer's "ready" as this one's
    spawn wpid writer "$WRITER" "$SHOW" --clean --from $((current + 1))
    wait_for_line ready 1
    if ((i % 4 == 0)); then
        wait_for_line wrote $((1 + RANDOM % 3))  # kill right after a save returned: in the next one's first steps
        after_report=$((after_report + 1))
    else
        printf -v delay '0.%03d' $((RANDOM % 31))
        nap "$delay"
    fi
    kill_now "$wpid"
    ((REAP_RC == 137)) || fail "iteration $i: the writer exited with $REAP_RC before it was killed: $(cat "$FOH_WORK/writer.err")"
    kills=$((kills + 1))

    # What the writer said: the leftovers it removed at start must be those the last kill left, and its last
    # "wrote" is the newest version that must be on disk.
    writer_lines
    last=$current
    removed=()
    for line in "${LINES[@]}"; do
        case $line in
            "wrote "*) last=${line#wrote }; reported_saves=$((reported_saves + 1)) ;;
            "removed "*) removed[${line#removed }]=1 ;;
        esac
    done
    for name in "${LEFT[@]}"; do
        [[ -n ${removed[$name]:-} ]] || fail "iteration $i: --clean did not remove $name, left by the last kill"
        unset "removed[$name]"
    done
    ((${#removed[@]} == 0)) || fail "iteration $i: --clean removed ${!removed[*]}, which the last kill did not leave"
    ((last == current)) && none_saved=$((none_saved + 1))

    leftovers
    [[ " ${LEFT[*]} " == *" show.json.tmp."* ]] && mid_write=$((mid_write + 1))
    [[ " ${LEFT[*]} " == *" show.json.prev.tmp."* ]] && mid_prev=$((mid_prev + 1))

    check_show "$last" $((last + 1)) ||
        fail "iteration $i (killed after it reported version $last): $CHECK_ERROR (leftovers: ${LEFT[*]})"
    read -r current prev <<<"$CHECKED"
    ((current == last + 1)) && renamed_unreported=$((renamed_unreported + 1))
    [[ $prev == "$current" ]] && prev_same=$((prev_same + 1))
done
elapsed=$(since "$start")

# The loader's clean-up at the next start removes every leftover, and the show file is still whole.
spawn wpid writer "$WRITER" "$SHOW" --clean --count 0
reap "$wpid" 10
((REAP_RC == 0)) || fail "the final clean-up failed (exit $REAP_RC): $(cat "$FOH_WORK/writer.err")"
leftovers
((${#LEFT[@]} == 0)) || fail "temp files left after --clean: ${LEFT[*]}"
check_show "$current" "$current" || fail "after the final clean-up: $CHECK_ERROR"

note "$kills kills in ${elapsed}s; the writer reported $reported_saves saves; show.json ended at version $current"
note "kills that left a temp file (inside a save: write, fsync, close, link, before the rename): $mid_write;" \
    "of them after the link of the current version, before its rename to .prev: $mid_prev"
note "kills after the rename over show.json but before the writer reported it: $renamed_unreported;" \
    "with show.json.prev naming the same version as show.json (between the two renames): $prev_same"
note "kills right after a reported save: $after_report; kills before any save of that run finished: $none_saved"
((mid_write >= MIN_MID_WRITE)) ||
    fail "only $mid_write of $kills kills landed inside a save (at least $MIN_MID_WRITE wanted): the test did not test"
pass "after $kills SIGKILLs show.json always parsed, matched its checksum and was the last reported version or the next;" \
    "show.json.prev was always whole and one older or the same; --clean removed exactly the leftovers"
