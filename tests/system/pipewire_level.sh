#!/usr/bin/env bash
# shellcheck disable=SC2154  # the *_pid and server variables are set by lib.sh helpers (spawn VAR ..., printf -v)
# System test: the same level test as jack_level.sh, on PipeWire's JACK library instead of jackd. A private, headless
# PipeWire (no dbus, no session manager; its own dummy driver at 48 kHz / 64 frames) runs fohd, jack_simple_client and
# jack_rec, each under pw-jack -p 64 -s 48000. Channel 1 at 0 dB fader, centre pan, must reach main L and R at the
# source level minus the -3.01 dB constant-power pan law. (PipeWire's libjack never reports xruns: not tested here.)
#
# Usage: pipewire_level.sh PATH_TO_FOHD
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_fohd "${1:-}"
need pipewire pw-jack pw-cli jack_lsp jack_simple_client jack_rec sox timeout awk ps
start_time=$(now)

start_pipewire pipewire_pid
note "private PipeWire answers (pid $pipewire_pid, XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR)"

read -r -a extra <<<"${FOHD_EXTRA_ARGS:-}"
spawn fohd_pid fohd "${JACK_RUN[@]}" "$FOHD" --backend jack --channels 8 --status-interval 0.5 \
    --set /ch/1/fader=0 --connect in_1=jack_simple_client:output1 "${extra[@]}"
fohd_ports=(fohd:in_{1..8} fohd:main_L fohd:main_R)
wait_for_ports 5 "${fohd_ports[@]}"
alive "$fohd_pid" || fail "fohd exited at start-up"
grep -q '48000 Hz, 64 frames per period' "$FOH_WORK/fohd.err" ||
    fail "fohd did not report running at 48000 Hz / 64 frames (PipeWire quantum not 64?)"
pipewire_has_node fohd || fail "PipeWire lists no node 'fohd': fohd is not running on PipeWire's libjack"
pass "fohd runs as PipeWire node 'fohd' with ${#fohd_ports[@]} JACK ports at 48000 Hz / 64 frames"

spawn client_pid jack_simple_client "${JACK_RUN[@]}" jack_simple_client
wait_for_ports 5 jack_simple_client:output1 jack_simple_client:output2
wait_for_connections 3 "fohd:in_1|jack_simple_client:output1"
pass "fohd connected fohd:in_1 <- jack_simple_client:output1 by itself (--connect)"
wait_for_fohd_audio fohd 3

wav=$FOH_WORK/levels.wav
# PipeWire drops a whole graph cycle, silently, when the machine stalls (seen right after the ASan build): a
# recording whose independent source lost cycles is made again (record_clean); fohd is judged on a clean one.
record_clean "$wav" 2 0.3 jack_simple_client:output1 fohd:main_L fohd:main_R
check_main_levels "$wav" 0.3

alive "$pipewire_pid" || fail "pipewire died during the test"
stop "$client_pid"
stop_fohd "$fohd_pid" fohd
pass "pipewire level test done in $(since "$start_time") s"
