#!/usr/bin/env bash
# shellcheck disable=SC2154  # the *_pid variables are set by lib.sh helpers (spawn VAR ...)
# System test: the console's latency as real jackd sees it. With the main limiter in, fohd adds its lookahead
# (90 frames at 48 kHz) to every path, and JACK's own jack_lsp -l shows it on fohd's ports: the capture latency of
# every output is the inputs' capture range + 90, the playback latency of the inputs the outputs' range + 90. When
# the limiter goes out (over OSC), the console adds nothing again and JACK is told.
#
#   system:capture_1 -> fohd:in_1,  fohd:main_L -> system:playback_1   (--connect)
#
# Usage: jack_latency.sh PATH_TO_FOHD
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_fohd "${1:-}"
need jackd jack_lsp oscsend python3 awk

new_server_name server
start_jackd jackd_pid "$server"
export JACK_DEFAULT_SERVER=$server
PORT=$(free_udp_port)
spawn fohd_pid fohd "$FOHD" --backend jack --server "$server" --channels 2 --status-interval 0 --osc-port "$PORT" \
    --osc-bind 127.0.0.1 --set /main/limit/on=1 --connect in_1=system:capture_1 --connect main_L=system:playback_1
wait_for_ports 5 fohd:in_1 fohd:main_L fohd:bus_1
wait_for_connections 3 "fohd:in_1|system:capture_1" "fohd:main_L|system:playback_1"
wait_for_log fohd.err "the console's latency is now 90 frames" 5

# latency PORT capture|playback: "MIN MAX" as jack_lsp -l prints it.
latency() { jk jack_lsp -l "$1" | awk -v d="$2" '$0 ~ "port " d " latency" { print $6, $7; exit }'; }
check() {  # check PORT DIRECTION "MIN MAX"
    local got
    got=$(latency "$1" "$2")
    [[ $got == "$3" ]] || fail "$1 $2 latency is [ $got ], expected [ $3 ]"
    pass "$1 $2 latency [ $got ] (jack_lsp -l)"
}
# What the server says of its own ports: the dummy backend's capture and playback latency.
read -r cap_min cap_max <<<"$(latency system:capture_1 capture)"
read -r play_min play_max <<<"$(latency system:playback_1 playback)"
note "system:capture_1 capture [ $cap_min $cap_max ], system:playback_1 playback [ $play_min $play_max ]"
# Outputs: the worst range over fohd's inputs (in_2 unconnected: 0) plus 90; every output alike (all aligned).
for port in fohd:main_L fohd:bus_1 fohd:mtx_1 fohd:solo_L; do check "$port" capture "90 $((cap_max + 90))"; done
# Inputs: the worst range over fohd's outputs (main_L to system:playback_1, the rest 0) plus 90.
check fohd:in_1 playback "90 $((play_max + 90))"

oscsend 127.0.0.1 "$PORT" /main/limit/on f 0
wait_for_log fohd.err "the console's latency is now 0 frames" 5
check fohd:main_L capture "0 $cap_max"
check fohd:bus_1 capture "0 $cap_max"
check fohd:in_1 playback "0 $play_max"

alive "$jackd_pid" || fail "jackd died during the test"
stop_fohd "$fohd_pid" fohd
pass "jack latency test done"
