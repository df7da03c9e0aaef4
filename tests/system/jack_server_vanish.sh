#!/usr/bin/env bash
# shellcheck disable=SC2154  # the *_pid and server variables are set by lib.sh helpers (spawn VAR ..., printf -v)
# System test: fohd survives its JACK server going away and puts everything back when the server returns.
#
# fohd runs on jackd (dummy backend, -R, 48 kHz / 64 frames) with three --connect connections:
#   jack_simple_client:output1 -> fohd:in_1,  fohd:main_L -> system:playback_1,  fohd:main_R -> system:playback_2
# and a fourth one made by jack_connect while it runs (jack_simple_client:output2 -> fohd:in_2), which it must keep too.
# Twice (round 1: jackd gets SIGKILL, round 2: SIGTERM) the server goes away. fohd must keep running and log
# "JACK server vanished"; when jackd (same name) and jack_simple_client are started again, within 3 s of jackd answering
# fohd's ten ports and the four connections must be back, and fohd must process audio again (its meter shows the
# source, and it does not count an xrun every cycle, which is what a client whose callback is not run does). After the second round the level at main L/R is measured with jack_rec and sox. At the end fohd must exit 0
# on SIGTERM and log "stopped cleanly".
#
# Only one jack_rec recording, at the end: fohd also restores connections to a client that has quit (it cannot tell
# that from a crash), so a second jack_rec ("jackrec" again) would race fohd for its own connections and sometimes
# get EEXIST and exit. That is fohd's documented behaviour, not what this test is about.
#
# Usage: jack_server_vanish.sh PATH_TO_FOHD
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_fohd "${1:-}"
need jackd jack_lsp jack_connect jack_simple_client jack_rec sox timeout awk ps
start_time=$(now)
RESTORE_WITHIN_S=3

foh_diagnostics() {
    echo "---- diagnostics ----"
    if [[ -n ${fohd_pid:-} ]] && alive "$fohd_pid"; then
        echo "fohd (pid $fohd_pid) threads:"
        fohd_threads "$fohd_pid"
    fi
    local f
    for f in "$FOH_WORK"/jackd-*.err; do
        [[ -e $f ]] && echo "$(basename "$f"): $(grep -c 'not finished' "$f") 'not finished' lines"
    done
    echo "connections now: $(jack_connections | tr '\n' ' ')"
}

new_server_name server
start_jackd jackd_pid "$server"
export JACK_DEFAULT_SERVER=$server
note "jackd '$server' answers (pid $jackd_pid)"

read -r -a extra <<<"${FOHD_EXTRA_ARGS:-}"
spawn fohd_pid fohd "$FOHD" --backend jack --server "$server" --channels 8 --status-interval 0.5 \
    --set /ch/1/fader=0 --connect in_1=jack_simple_client:output1 \
    --connect main_L=system:playback_1 --connect main_R=system:playback_2 "${extra[@]}"
fohd_ports=(fohd:in_{1..8} fohd:main_L fohd:main_R)
wanted=("fohd:in_1|jack_simple_client:output1" "fohd:main_L|system:playback_1" "fohd:main_R|system:playback_2")
wait_for_ports 5 "${fohd_ports[@]}"
spawn client_pid jack_simple_client-0 jack_simple_client
wait_for_connections 3 "${wanted[@]}"
pass "fohd made its three --connect connections: ${wanted[*]}"
jk jack_connect jack_simple_client:output2 fohd:in_2 || fail "jack_connect jack_simple_client:output2 fohd:in_2 failed"
wanted+=("fohd:in_2|jack_simple_client:output2")
wait_for_connections 2 "${wanted[@]}"
wait_for_fohd_audio fohd 3 # also gives fohd (100 ms poll) time to note the jack_connect connection

# server_goes_away ROUND SIGNAL: jackd gets SIGNAL; fohd must stay up and say so.
server_goes_away() {
    local round=$1 sig=$2
    note "round $round: kill -$sig jackd (pid $jackd_pid)"
    disown "$jackd_pid" # no "Killed" job notice from bash in the output; reap still waits for it to be gone
    kill "-$sig" "$jackd_pid"
    reap "$jackd_pid" 5
    server_answers && fail "round $round: a JACK server named '$server' still answers after jackd got SIG$sig"
    wait_for_log fohd.err "JACK server vanished" 3 "$round"
    # Stay away long enough for fohd to try (and fail) to reconnect at least once (it retries every second).
    sleep 1.5
    alive "$fohd_pid" || fail "round $round: fohd exited after jackd got SIG$sig"
    pass "round $round: fohd still running after jackd got SIG$sig, and logged 'JACK server vanished'"
    # jack_simple_client exits by itself when its server goes (its shutdown callback calls exit); make sure.
    stop "$client_pid"
}

# server_comes_back ROUND: the same jackd name again, and jack_simple_client; fohd must restore ports and connections.
server_comes_back() {
    local round=$1 t0 deadline missing
    start_jackd jackd_pid "$server"
    t0=$(now)
    note "round $round: jackd '$server' answers again (pid $jackd_pid)"
    spawn client_pid "jack_simple_client-$round" jack_simple_client
    deadline=$(awk -v t="$t0" -v w="$RESTORE_WITHIN_S" 'BEGIN { printf "%.3f", t + w }')
    until [[ -z $(missing_ports "${fohd_ports[@]}") ]] && all_connected "${wanted[@]}"; do
        if past "$deadline"; then
            missing=$(missing_ports "${fohd_ports[@]}")
            fail "round $round: ${RESTORE_WITHIN_S} s after jackd answered again: missing ports: ${missing:-none};" \
                "connections now: $(jack_connections | tr '\n' ' ')"
        fi
        sleep 0.05
    done
    pass "round $round: fohd's ${#fohd_ports[@]} ports and ${#wanted[@]} connections back $(since "$t0") s after" \
        "jackd answered (limit ${RESTORE_WITHIN_S} s)"
    wait_for_log fohd.err "JACK server is back" 1 "$round"
    wait_for_fohd_audio fohd 3
    # A client whose callback is not being run counts an xrun about every other cycle: ~1000 in 1.6 s. A loaded machine
    # (2 cores, a compiler running) gives jackd -R bursts of spurious xruns too, but fewer than 100 in 1.6 s were seen.
    assert_fohd_keeps_up fohd 1 300
    pass "round $round: fohd processes audio again (its meter: main L $(tail -n 1 "$FOH_WORK/fohd.out" |
        sed -n 's/.*| main L *\([^ ]*\) pk.*/\1/p') dBFS peak; $XRUNS_DELTA xruns in the next 1.6 s)"
}

server_goes_away 1 KILL
server_comes_back 1
server_goes_away 2 TERM
server_comes_back 2

record "$FOH_WORK/after.wav" 2 jack_simple_client:output1 fohd:main_L fohd:main_R
check_main_levels "$FOH_WORK/after.wav" 0.3

alive "$fohd_pid" || fail "fohd died"
stop "$client_pid"
stop_fohd "$fohd_pid" fohd
pass "jack server vanish test done in $(since "$start_time") s"
