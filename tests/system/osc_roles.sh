#!/usr/bin/env bash
# OSC roles with independent clients: fohd (dummy backend) with a clients config that makes 127.0.0.1 read-only
# (all test traffic is loopback, which is admin by default), so oscsend and the foh CLI look like a tablet on the
# LAN. A set from them is refused with /error and never applies (an oscdump listener sees no push of it); /login
# with the monitor-3 PIN lets them change exactly bus 3's sends and master; wrong PINs are rate-limited; the admin
# PIN opens everything. A broken config stops fohd at start with a non-zero status.
# Usage: osc_roles.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need oscsend oscdump python3

PORT=$(free_udp_port)
foh_cli() { "$FOH" --port "$PORT" --timeout 3 "$@"; }

# A broken config: fohd refuses to start, saying what and where.
printf '{ "clients": [ { "host": "127.0.0.1", "role": "monitor 99" } ] }' > "$FOH_WORK/broken.json"
if "$FOHD" --backend dummy --osc-port "$PORT" --run-seconds 2 --clients "$FOH_WORK/broken.json" 2> "$FOH_WORK/broken.err"; then
    fail "fohd started with a broken clients config"
fi
grep -qF "clients[0].role: 'monitor 99' is not a role" "$FOH_WORK/broken.err" || fail "broken config error: $(cat "$FOH_WORK/broken.err")"
printf '{ "clients": [ ' > "$FOH_WORK/truncated.json"
"$FOHD" --backend dummy --osc-port "$PORT" --run-seconds 2 --clients "$FOH_WORK/truncated.json" 2> "$FOH_WORK/truncated.err" &&
    fail "fohd started with a clients config that is not JSON"
grep -qF "not valid JSON at line 1" "$FOH_WORK/truncated.err" || fail "bad JSON error: $(cat "$FOH_WORK/truncated.err")"
pass "a broken clients config (bad role, bad JSON) stops fohd at start with what and where"

cat > "$FOH_WORK/clients.json" <<'JSON'
{
  "admin_pin": "2468",
  "clients": [ { "host": "127.0.0.1", "role": "read-only" } ],
  "pins": [ { "pin": "3333", "role": "monitor 3" } ]
}
JSON
spawn fohd_pid fohd "$FOHD" --backend dummy --channels 8 --buses 8 --osc-port "$PORT" --osc-bind 127.0.0.1 \
    --status-interval 0 --clients "$FOH_WORK/clients.json"
wait_for_log fohd.err "osc: listening on udp 127.0.0.1:$PORT" 5
grep -qF "osc: admin PIN 2468" "$FOH_WORK/fohd.err" || fail "fohd did not print the admin PIN"

L1=$(free_udp_port)
spawn dump1_pid dump1 oscdump -L "$L1"
sleep 0.3
oscsend 127.0.0.1 "$PORT" /subscribe i "$L1"
wait_for_log dump1.out "/ch/1/fader f -inf" 5
pass "a read-only client subscribes and gets the full state"

out=$(foh_cli get /role) || fail "foh get /role failed"
[[ $out == "/role read-only" ]] || fail "/role answered '$out'"
err=$(foh_cli set /ch/1/fader -12 2>&1) && fail "a read-only client set /ch/1/fader"
[[ $err == *"not permitted for role read-only"* ]] || fail "read-only refusal answered '$err'"
oscsend 127.0.0.1 "$PORT" /ch/2/mute i 1
sleep 0.3
out=$(foh_cli get /ch/1/fader) || fail "foh get /ch/1/fader failed"
[[ $out == "/ch/1/fader -inf" ]] || fail "after a refused set /ch/1/fader is '$out'"
out=$(foh_cli get /ch/2/mute) || fail "foh get /ch/2/mute failed"
[[ $out == "/ch/2/mute 0" ]] || fail "after a refused oscsend /ch/2/mute is '$out'"
grep -q "/ch/2/mute i 1" "$FOH_WORK/dump1.out" && fail "the refused /ch/2/mute was pushed"
pass "a read-only client's sets are refused with /error, never applied, never pushed; queries answered"

# Wrong PIN: /error; the monitor PIN makes this address monitor 3.
err=$(foh_cli set /login 1111 2>&1) && fail "a wrong PIN was accepted"
[[ $err == *"wrong PIN"* ]] || fail "wrong PIN answered '$err'"
oscsend 127.0.0.1 "$PORT" /login s 3333
sleep 0.2
out=$(foh_cli get /role) || fail "foh get /role failed"
[[ $out == "/role monitor 3" ]] || fail "after /login 3333 /role answered '$out'"
out=$(foh_cli set /ch/1/send/3/level -6) || fail "monitor 3 could not set /ch/1/send/3/level"
[[ $out == "/ch/1/send/3/level -6" ]] || fail "monitor 3's send set printed '$out'"
oscsend 127.0.0.1 "$PORT" /bus/3/fader f -3
wait_for_log dump1.out "/bus/3/fader f -3.0" 3
err=$(foh_cli set /ch/1/send/4/level -6 2>&1) && fail "monitor 3 set a send into bus 4"
[[ $err == *"not permitted for role monitor 3"* ]] || fail "monitor 3 refusal answered '$err'"
err=$(foh_cli set /bus/3/eq/on 1 2>&1) && fail "monitor 3 switched bus 3's EQ"
err=$(foh_cli set /ch/1/fader 0 2>&1) && fail "monitor 3 moved a channel fader"
out=$(foh_cli get /ch/1/send/4/level) || fail "foh get failed"
[[ $out == "/ch/1/send/4/level -inf" ]] || fail "the refused send into bus 4 is '$out'"
pass "after /login with the monitor-3 PIN: bus 3's sends and fader change, bus 4's send, bus 3's EQ and faders do not"

# Rate limit: 5 wrong PINs in a minute (one is spent above), then even the right PIN is refused.
for pin in 1112 1113 1114 1115; do foh_cli set /login "$pin" > /dev/null 2>&1 && fail "wrong PIN $pin accepted"; done
err=$(foh_cli set /login 2468 2>&1) && fail "the admin PIN was accepted after 5 wrong PINs in a minute"
[[ $err == *"too many wrong PINs"* ]] || fail "rate-limited login answered '$err'"
wait_for_log fohd.err "wrong PIN (total 6)" 3
grep -qF "not permitted (total" "$FOH_WORK/fohd.err" || fail "refused sets were not counted and logged"
pass "wrong PINs are answered, counted and rate-limited (the 6th try in a minute is refused unchecked)"

# The admin PIN from another address: 127.0.0.2 is loopback (admin without a config rule) -- give it none and it
# logs in anyway; use python to send from it and read the answer.
answer=$(timeout 5 python3 - "$PORT" <<'PY'
import socket, struct, sys
def pad(b): return b + b"\0" * (4 - len(b) % 4)
def msg(addr, *args):
    tags = "," + "".join("s" if isinstance(a, str) else "f" for a in args)
    out = pad(addr.encode()) + pad(tags.encode())
    for a in args: out += pad(a.encode()) if isinstance(a, str) else struct.pack(">f", a)
    return out
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.2", 0)); s.settimeout(3)
s.sendto(msg("/login", "2468"), ("127.0.0.1", int(sys.argv[1])))
while True:
    data = s.recv(65536)
    if data.startswith(b"/role\0"): print(data[12:].split(b"\0")[0].decode()); break
PY
) || fail "no /role answer to the admin PIN from 127.0.0.2"
[[ $answer == "admin" ]] || fail "the admin PIN gave '$answer'"
pass "the admin PIN logs in as admin"

stop_fohd "$fohd_pid" fohd
