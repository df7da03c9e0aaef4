#!/usr/bin/env bash
# Meters over OSC with clients FOH did not write: the npm `osc` package subscribes to channel meters as blobs at
# 30 Hz and decodes them itself (rate, record layout, demo channels 1-4 playing, 5-8 silent); oscdump receives the
# norm meters (/ch/N/meter 0..1) at the reply port the clients config names for its host; `foh meters` prints main.
# Usage: osc_meters.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need node oscsend oscdump python3 awk
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ -f $HERE/npm/node_modules/osc/package.json ]] ||
    fail "the npm osc package is not installed in $HERE/npm (run tools/setup-debian.sh, or: npm ci --prefix $HERE/npm)"

PORT=$(free_udp_port)
L1=$(free_udp_port)
# Replies for 127.0.0.2 go to oscdump's port, like a tablet app that listens on a fixed port (TouchOSC: 9000) and sends
# from another. (oscsend cannot choose its source address, so send_from_2 below sends from 127.0.0.2.)
cat >"$FOH_WORK/clients.json" <<JSON
{ "clients": [ { "host": "127.0.0.2", "role": "read-only", "reply_port": $L1 } ] }
JSON
spawn fohd_pid fohd "$FOHD" --backend dummy --channels 8 --demo --osc-port "$PORT" --osc-bind 0.0.0.0 \
    --clients "$FOH_WORK/clients.json" --status-interval 0
wait_for_log fohd.err "osc: listening on udp 0.0.0.0:$PORT" 5

out=$(NODE_PATH="$HERE/npm/node_modules" timeout 10 node "$HERE/osc_meters_client.js" "$PORT" 8 2>&1) ||
    fail "the npm osc meter client failed: $out"
note "npm client: $(tr '\n' ';' <<<"$out")"
value() { awk -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
n=$(value ch_messages)
((n >= 54 && n <= 66)) || fail "$n channel meter blobs in 2 s at 30 Hz, expected 60 +- 10 %"
m=$(value main_messages)
((m >= 17 && m <= 23)) || fail "$m main meter blobs in 2 s at 10 Hz, expected 20 +- 15 %"
[[ $(value ch_records) == 8 && $(value first) == 1 ]] || fail "expected one blob of 8 channel records from channel 1"
for c in 1 2 3 4; do
    peak=$(awk -v c="$c" '$1 == "ch" && $2 == c { print $4 }' <<<"$out")
    awk -v p="$peak" 'BEGIN { exit !(p > -60 && p <= 0) }' || fail "demo channel $c post-fader peak '$peak' dBFS, expected -60..0"
done
for c in 5 6 7 8; do
    line=$(awk -v c="$c" '$1 == "ch" && $2 == c { print $3, $4, $5 }' <<<"$out")
    [[ $line == "-120.00 -120.00 -120.00" ]] || fail "silent channel $c reads '$line', expected the -120 dB floor"
done
pass "npm osc decoded $n channel blobs in 2 s (30 Hz) and $m main blobs (10 Hz): demo channels 1-4 play, 5-8 silent"

# send_from_2 ADDRESS GROUP HZ FORMAT: /meters s f s from 127.0.0.2 (OSC strings padded to 4 bytes, big-endian float).
send_from_2() {
    python3 - "$PORT" "$@" <<'PY'
import socket, struct, sys
def s(x):
    b = x.encode() + b"\0"
    return b + b"\0" * (-len(b) % 4)
port, address, group, hz, fmt = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.2", 0))
sock.sendto(s(address) + s(",sfs") + s(group) + struct.pack(">f", hz) + s(fmt), ("127.0.0.1", int(port)))
PY
}
spawn dump_pid dump oscdump -L "$L1"
sleep 0.3
send_from_2 /meters ch 10 norm
wait_for_log dump.out "/ch/8/meter f 0.000000" 3 5
# The loudest of channel 1's meter messages (the kick: silent between hits) and channel 8's (silent).
v=$(grep -F "/ch/1/meter f" "$FOH_WORK/dump.out" | awk '$4 > m { m = $4 } END { print m + 0 }')
awk -v v="$v" 'BEGIN { exit !(v > 0.1 && v <= 1) }' || fail "/ch/1/meter norm peaked at '$v', expected a playing channel's 0.1..1"
s8=$(grep -F "/ch/8/meter f" "$FOH_WORK/dump.out" | awk '$4 > m { m = $4 } END { print m + 0 }')
[[ $s8 == 0 ]] || fail "/ch/8/meter (silent) reached $s8"
pass "oscdump, at the clients config's reply_port, received /ch/N/meter 0..1 (channel 1 up to $v, channel 8 at 0)"
send_from_2 /meters ch 0 norm
sleep 0.3
before=$(grep -c "/ch/1/meter f" "$FOH_WORK/dump.out")
sleep 0.5
after=$(grep -c "/ch/1/meter f" "$FOH_WORK/dump.out")
((before == after)) || fail "meters kept coming after /meters ch 0 ($before then $after)"
pass "/meters ch 0 stops them"

out=$("$FOH" --port "$PORT" --count 3 meters main 10) || fail "foh meters main failed"
[[ $(grep -c '^main 1 peak_l=' <<<"$out") == 3 ]] || fail "foh meters main printed: $out"
pass "foh meters main printed 3 updates: $(head -1 <<<"$out" | cut -c1-60)..."
stop_fohd "$fohd_pid" fohd
