#!/usr/bin/env bash
# The TouchOSC layout (control/touchosc/foh.tosc, docs/TOUCHOSC.md) without TouchOSC:
# 1. it is what tools/touchosc/make_layout.py makes (regenerated here, every address checked against fohd --list-osc);
# 2. its structure (touchosc_check.py, its own parser): every fader and button has one OSC message at a registry
#    address (faders /norm through the fader law, buttons a toggle), every meter receives the meter scheme, the Monitor
#    page holds only what role "monitor 1" may change; a variant for bus 3 with a PIN checks the same for bus 3;
# 3. its root script (Lua, run by lua5.1 against a stand-in for TouchOSC's script API, touchosc_root.lua):
#    /subscribe 9000 and /meters GROUP HZ norm at start and renewed before fohd's 60 s expiry, a push answered with a
#    /norm query (not while the fader is touched), a refused change asked for again;
# 4. live, on fohd (dummy backend): the root script's own start-up messages (from step 3), sent from one socket like
#    TouchOSC's, bring the full state, the role and the meters to oscdump on the "receive port"; the controls' own
#    messages (read from the document, sent with oscsend) change what they should for the roles that may, and are
#    refused for those that may not; the script's /norm query after a push is answered on the receive port.
# Usage: touchosc_layout.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need python3 lua5.1 oscsend oscdump

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAYOUT=$REPO/control/touchosc/foh.tosc
check() { python3 "$HERE/touchosc_check.py" "$@"; }

# ---- 1. the committed layout is current --------------------------------------------------------------------------
python3 "$REPO/tools/touchosc/make_layout.py" --fohd "$FOHD" --out "$FOH_WORK/foh.tosc" >"$FOH_WORK/make.out" ||
    fail "make_layout.py failed: $(cat "$FOH_WORK/make.out")"
check same "$LAYOUT" "$FOH_WORK/foh.tosc" ||
    fail "control/touchosc/foh.tosc is not what tools/touchosc/make_layout.py makes: run it and commit the result"
pass "control/touchosc/foh.tosc is what make_layout.py makes, and every address it sends is in fohd --list-osc"

# ---- 2. structure ------------------------------------------------------------------------------------------------
"$FOHD" --list-osc >"$FOH_WORK/osc.md"
check script "$LAYOUT" >"$FOH_WORK/root.lua"
lua5.1 "$HERE/touchosc_root.lua" "$FOH_WORK/root.lua" >"$FOH_WORK/events.txt" 2>"$FOH_WORK/lua.err" ||
    fail "the root script failed under touchosc_root.lua: $(cat "$FOH_WORK/lua.err")"
out=$(check check "$LAYOUT" "$FOH_WORK/osc.md" --bus 1 --channels 8 --lookups "$FOH_WORK/events.txt" 2>&1) ||
    fail "layout structure: $out"
pass "structure: $out"

python3 "$REPO/tools/touchosc/make_layout.py" --bus 3 --pin 3333 --fohd "$FOHD" --out "$FOH_WORK/mix3.tosc" >/dev/null ||
    fail "make_layout.py --bus 3 --pin 3333 failed"
check check "$FOH_WORK/mix3.tosc" "$FOH_WORK/osc.md" --bus 3 --channels 8 >/dev/null || fail "the bus 3 variant"
check script "$FOH_WORK/mix3.tosc" >"$FOH_WORK/root3.lua"
lua5.1 "$HERE/touchosc_root.lua" "$FOH_WORK/root3.lua" >"$FOH_WORK/events3.txt" 2>&1 || fail "bus 3 root script"
grep -Fxq "send /login s 3333 conn=1" "$FOH_WORK/events3.txt" || fail "--pin 3333: the root script does not /login"
check check "$FOH_WORK/mix3.tosc" "$FOH_WORK/osc.md" --bus 1 --channels 8 2>/dev/null &&
    fail "the check passed the bus 3 variant as a bus 1 layout: it checks nothing"
pass "make_layout.py --bus 3 --pin 3333: sends into bus 3 only on its Monitor page, and logs in with the PIN"

# ---- 3. the root script ------------------------------------------------------------------------------------------
# sends STEP: the sends of one scenario step, one a line.
sends() { awk -v s="$1" '$1 == "step" { on = ($2 == s); next } on && $1 == "send"' "$FOH_WORK/events.txt"; }
expect_sends() {
    local step=$1 want got
    shift
    want=$(printf '%s\n' "$@")
    got=$(sends "$step")
    [[ $got == "$want" ]] || fail "root script, step '$step': sent"$'\n'"${got:-(nothing)}"$'\n'"expected"$'\n'"${want:-(nothing)}"
}
texts() { awk -v s="$1" '$1 == "step" { on = ($2 == s); next } on && $1 == "text" { $1 = ""; $2 = ""; print substr($0, 3) }' \
    "$FOH_WORK/events.txt" | sort -u; }
meters=("send /meters sfs ch 20 norm conn=1" "send /meters sfs bus 20 norm conn=1" "send /meters sfs main 20 norm conn=1")
expect_sends start "send /subscribe i 9000 conn=1" "send /role - conn=1" "${meters[@]}"
expect_sends push "send /ch/1/fader/norm - conn=1"
expect_sends touched
expect_sends released "send /ch/1/fader/norm - conn=1"
expect_sends refused "send /ch/2/mute - conn=1"
expect_sends other-errors
expect_sends other-connection
expect_sends renew "send /role - conn=1" "${meters[@]}"
expect_sends silent "send /subscribe i 9000 conn=1" "send /role - conn=1" "${meters[@]}"
[[ $(texts role) == "fohd: admin" ]] || fail "status line after /role: '$(texts role)'"
[[ $(texts refused) == "fohd refused: not permitted for role read-only" ]] || fail "status after /error: '$(texts refused)'"
[[ $(texts silent) == "no answer from fohd"* ]] || fail "status line when fohd is silent: '$(texts silent)'"
pass "root script: subscribes on 9000 and asks for ch/bus/main meters (norm) at start, renews every 15 s, subscribes" \
    "again after 20 s of silence; answers a fader push with a /norm query, not while touched; re-asks a refused mute"

# ---- 4. live: the layout's own messages on fohd --------------------------------------------------------------------
check sends "$LAYOUT" >"$FOH_WORK/sends.txt"
# as_touchosc: sends each "send PATH TAGS ARG... conn=C" line of stdin (touchosc_root.lua's format) to fohd from one
# fixed port SRC, as TouchOSC sends everything from one socket.
as_touchosc() {
    python3 -c '
import socket, struct, sys
def s(x):
    b = x.encode() + b"\0"
    return b + b"\0" * (-len(b) % 4)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", int(sys.argv[2])))
for line in sys.stdin:
    _, path, tags, *rest = line.split()
    args = rest[:-1]                                   # the last word is conn=...
    tags = "" if tags == "-" else tags
    data = b"".join(s(a) if t == "s" else struct.pack(">i" if t == "i" else ">f", (int if t == "i" else float)(a))
                    for t, a in zip(tags, args))
    sock.sendto(s(path) + s("," + tags) + data, ("127.0.0.1", int(sys.argv[1])))
' "$PORT" "$SRC"
}
# replay STEP: what the root script sent in that scenario step, with its reply port 9000 replaced by oscdump's port
# L1 (standing in for TouchOSC's receive port).
replay() { sends "$1" | sed "s|^send /subscribe i 9000 |send /subscribe i $L1 |" | as_touchosc; }
# press NAME VALUE: send what control NAME sends (its path and OSC type, from the document) with VALUE.
press() {
    local path type
    read -r _ path type < <(grep "^$1 " "$FOH_WORK/sends.txt") || fail "the layout has no control $1"
    oscsend 127.0.0.1 "$PORT" "$path" "$type" "$2"
}
foh_cli() { "$FOH" --port "$PORT" --timeout 3 "$@"; }
expect_value() {
    local out
    out=$(foh_cli get "$1") || fail "foh get $1 failed"
    [[ $out == "$1 $2" ]] || fail "$1 is '$out', expected '$1 $2' ($3)"
}

# All test traffic is loopback, which is admin by default: make it read-only, as a tablet on the LAN is.
cat >"$FOH_WORK/clients.json" <<'JSON'
{
  "admin_pin": "2468",
  "clients": [ { "host": "127.0.0.1", "role": "read-only" } ],
  "pins": [ { "pin": "1001", "role": "monitor 1" } ]
}
JSON
PORT=$(free_udp_port)
SRC=$(free_udp_port)
spawn fohd_pid fohd "$FOHD" --backend dummy --osc-port "$PORT" --osc-bind 127.0.0.1 --status-interval 0 \
    --clients "$FOH_WORK/clients.json"
wait_for_log fohd.err "osc: listening on udp 127.0.0.1:$PORT" 5
L1=$(free_udp_port)
spawn dump_pid dump oscdump -L "$L1"
sleep 0.3
replay start
wait_for_log dump.out "/ch/1/mute i 0" 5
wait_for_log dump.out "/role s \"read-only\"" 3
for m in /ch/1/meter /ch/8/meter /bus/1/meter /main/meter/l /main/meter/r; do wait_for_log dump.out "$m f" 3; done
before=$(grep -c "/main/meter/l f" "$FOH_WORK/dump.out")
sleep 2
after=$(grep -c "/main/meter/l f" "$FOH_WORK/dump.out")
((after - before >= 32 && after - before <= 48)) || fail "$((after - before)) /main/meter/l in 2 s, expected 40 (20 Hz)"
pass "the root script's start-up messages, replayed: full state, /role and the ch, bus and main meters (norm, 20 Hz," \
    "$((after - before)) in 2 s) arrive at the port it subscribed"

press ch1_mute 1
press ch1_fader 0.75
sleep 0.3
expect_value /ch/1/mute 0 "read-only"
expect_value /ch/1/fader -inf "read-only"
# The refusal names the address as sent: the root script looks it up in SENT to ask for the value again.
read -r _ path type < <(grep "^ch1_mute " "$FOH_WORK/sends.txt")
echo "send $path $type 1 conn=1" | as_touchosc
wait_for_log dump.out "/error ss \"$path\" \"not permitted for role read-only\"" 3
pass "read-only: the layout's mute and fader on channel 1 are refused, answered at the receive port with" \
    "/error s $path s \"not permitted ...\""

oscsend 127.0.0.1 "$PORT" /login s 1001
sleep 0.2
[[ $(foh_cli get /role) == "/role monitor 1" ]] || fail "/login 1001 did not make this address monitor 1"
press send1_fader 0.75
wait_for_log dump.out "/ch/1/send/1/level f 0.000000" 3
press send2_fader 0.5
wait_for_log dump.out "/ch/2/send/1/level f -10.0" 3
press bus_fader 0.5
wait_for_log dump.out "/bus/1/fader f -10.0" 3
press bus_mute 1
wait_for_log dump.out "/bus/1/mute i 1" 3
press ch1_fader 0.75
press main_mute 1
sleep 0.3
expect_value /ch/1/fader -inf "monitor 1 may not move a channel fader"
expect_value /main/mute 0 "monitor 1 may not mute main"
pass "monitor 1: every Monitor-page control it was given works (sends 0.75 = 0 dB, 0.5 = -10 dB, bus fader, bus" \
    "mute); the Mix page's channel fader and main mute are refused"

oscsend 127.0.0.1 "$PORT" /login s 2468
sleep 0.2
press ch1_mute 1
wait_for_log dump.out "/ch/1/mute i 1" 3
press ch1_fader 0.75
wait_for_log dump.out "/ch/1/fader f 0.000000" 3
press main_fader 0.5
wait_for_log dump.out "/main/fader f -10.0" 3
press ch1_mute 0
wait_for_log dump.out "/ch/1/mute i 0" 3 2
# What the root script asks after a push (step 3's "push"): /ch/1/fader/norm, answered at the receive port with the
# position the fader's own message receives.
replay push
wait_for_log dump.out "/ch/1/fader/norm f 0.75" 3
pass "admin: the layout's channel 1 mute (1.0 then 0.0) and fader (0.75 = 0 dB), main fader; the root script's query" \
    "after a push is answered /ch/1/fader/norm 0.75 at its receive port"

stop_fohd "$fohd_pid" fohd
