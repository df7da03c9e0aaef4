#!/usr/bin/env bash
# OSC control with independent clients: liblo's oscsend sets /ch/1/fader on fohd (dummy backend, OSC on loopback);
# two oscdump listeners subscribed with /subscribe PORT and the sender (the foh CLI) all receive the push; a query
# returns the value; /norm 0.75 is 0 dB (the documented fader law); a client that joins late gets the full state;
# malformed packets and wrong types are counted and answered, and fohd keeps running.
# Usage: osc_push.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need oscsend oscdump python3

PORT=$(free_udp_port)
foh_cli() { "$FOH" --port "$PORT" --timeout 3 "$@"; }

spawn fohd_pid fohd "$FOHD" --backend dummy --channels 8 --osc-port "$PORT" --osc-bind 127.0.0.1 --status-interval 0.5
wait_for_log fohd.err "osc: listening on udp 127.0.0.1:$PORT" 5

# Two independent listeners, subscribed from oscsend's socket with the port they listen on.
L1=$(free_udp_port)
spawn dump1_pid dump1 oscdump -L "$L1"
L2=$(free_udp_port)
spawn dump2_pid dump2 oscdump -L "$L2"
sleep 0.3
oscsend 127.0.0.1 "$PORT" /subscribe i "$L1"
oscsend 127.0.0.1 "$PORT" /subscribe i "$L2"
# Full state on first contact: the default fader (-inf: faders start down) arrives at both.
wait_for_log dump1.out "/ch/1/fader f -inf" 5
wait_for_log dump2.out "/ch/1/fader f -inf" 5
pass "both listeners got the full state on subscribing"

oscsend 127.0.0.1 "$PORT" /ch/1/fader f -12.5
wait_for_log dump1.out "/ch/1/fader f -12.5" 3
wait_for_log dump2.out "/ch/1/fader f -12.5" 3
pass "oscsend's /ch/1/fader -12.5 was pushed to both oscdump listeners"

# The sender receives the push of its own change (foh set prints what fohd sends back).
out=$(foh_cli set /ch/2/fader -20) || fail "foh set /ch/2/fader -20 failed"
[[ $out == "/ch/2/fader -20" ]] || fail "foh set printed '$out', expected '/ch/2/fader -20'"
wait_for_log dump1.out "/ch/2/fader f -20.0" 3
wait_for_log dump2.out "/ch/2/fader f -20.0" 3
pass "foh set's change was pushed to the sender and both listeners"

out=$(foh_cli get /ch/1/fader) || fail "foh get /ch/1/fader failed"
[[ $out == "/ch/1/fader -12.5" ]] || fail "query answered '$out', expected '/ch/1/fader -12.5'"
pass "a query returns the value"

# /norm through the fader law: 0.75 -> 0 dB, 0.5 -> -10 dB (docs/PARAMETERS.md, docs/OSC.md).
oscsend 127.0.0.1 "$PORT" /ch/3/fader/norm f 0.5
wait_for_log dump1.out "/ch/3/fader f -10.0" 3
oscsend 127.0.0.1 "$PORT" /ch/3/fader/norm f 0.75
wait_for_log dump1.out "/ch/3/fader f 0.000000" 3
out=$(foh_cli get /ch/3/fader) || fail "foh get /ch/3/fader failed"
[[ $out == "/ch/3/fader 0" ]] || fail "/ch/3/fader/norm 0.75 gave '$out', expected 0 dB"
out=$(foh_cli get /ch/3/fader/norm) || fail "foh get /ch/3/fader/norm failed"
[[ $out == "/ch/3/fader/norm 0.75" ]] || fail "the /norm query answered '$out', expected 0.75"
pass "/norm 0.75 is 0 dB and 0.5 is -10 dB through the fader law"

# A client that joins late sees the truth: channel 1 at -12.5 dB.
L3=$(free_udp_port)
spawn dump3_pid dump3 oscdump -L "$L3"
sleep 0.3
oscsend 127.0.0.1 "$PORT" /subscribe i "$L3"
wait_for_log dump3.out "/ch/1/fader f -12.5" 5
wait_for_log dump3.out "/ch/2/fader f -20.0" 5
pass "a late client got the full state with the non-default faders"

# Bad input: counted, answered where there is an address, and fohd keeps running.
err=$(foh_cli set /ch/1/fader 99 2>&1) && fail "foh set /ch/1/fader 99 succeeded"
[[ $err == *"outside"* ]] || fail "out-of-range answer was '$err'"
err=$(foh_cli get /ch/99/fader 2>&1) && fail "foh get /ch/99/fader succeeded"
[[ $err == *"no such parameter"* ]] || fail "unknown-address answer was '$err'"
answer=$(timeout 5 python3 "$(dirname "${BASH_SOURCE[0]}")/osc_garbage.py" "$PORT") ||
    fail "garbage then a wrong type: no /error answer (got '$answer')"
[[ $answer == "/error /ch/1/fader expects a number"* ]] || fail "wrong-type answer was '$answer'"
pass "out-of-range, unknown and wrong-typed messages were answered with /error"
wait_for_log fohd.err "malformed (total 6)" 3
wait_for_log fohd.err "wrong type (total 1)" 3
grep -qF "refused (total 1)" "$FOH_WORK/fohd.err" || fail "the out-of-range set was not counted as refused"
grep -qF "unknown address (total 1)" "$FOH_WORK/fohd.err" || fail "the unknown address was not counted"
alive "$fohd_pid" || fail "fohd died after the bad input"
out=$(foh_cli get /ch/1/fader) || fail "foh get after the bad input failed"
[[ $out == "/ch/1/fader -12.5" ]] || fail "after the bad input /ch/1/fader is '$out'"
pass "6 malformed packets and the bad messages were counted; fohd still answers, state untouched"

stop_fohd "$fohd_pid" fohd
