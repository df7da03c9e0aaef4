#!/usr/bin/env bash
# OSC with a client FOH did not write on either end: the npm `osc` package (tests/system/npm, installed by
# tools/setup-debian.sh) sets /ch/1/fader from one socket; a second npm socket subscribed with /subscribe, an
# oscdump listener and the sender itself all receive the push.
# Usage: osc_npm.sh PATH_TO_FOHD
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
need node oscsend oscdump python3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ -f $HERE/npm/node_modules/osc/package.json ]] ||
    fail "the npm osc package is not installed in $HERE/npm (run tools/setup-debian.sh, or: npm ci --prefix $HERE/npm)"

PORT=$(free_udp_port)
spawn fohd_pid fohd "$FOHD" --backend dummy --channels 8 --osc-port "$PORT" --osc-bind 127.0.0.1 --status-interval 0
wait_for_log fohd.err "osc: listening on udp 127.0.0.1:$PORT" 5

L1=$(free_udp_port)
spawn dump_pid dump oscdump -L "$L1"
sleep 0.3
oscsend 127.0.0.1 "$PORT" /subscribe i "$L1"
wait_for_log dump.out "/ch/1/fader f -inf" 5

out=$(NODE_PATH="$HERE/npm/node_modules" timeout 10 node "$HERE/osc_npm_client.js" "$PORT" -7.5 2>&1) ||
    fail "the npm osc clients did not both receive the push: $out"
grep -qx "listener -7.5" <<<"$out" || fail "npm listener: $out"
grep -qx "sender -7.5" <<<"$out" || fail "npm sender: $out"
wait_for_log dump.out "/ch/1/fader f -7.5" 3
pass "npm osc sender's /ch/1/fader -7.5 reached the sender, an npm listener and oscdump"
stop_fohd "$fohd_pid" fohd
