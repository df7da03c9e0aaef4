#!/usr/bin/env bash
# shellcheck disable=SC2154  # the *_pid and server variables are set by lib.sh helpers (spawn VAR ..., printf -v)
# Virtual soundcheck on a real jackd (-R, dummy, 48 kHz / 64 frames): the recording played back through the console
# with the same scene gives the same main mix as live, bit for bit.
#
# 1. The show: fohd with 6 channels, trim/EQ/compressor/gate/HPF/polarity/pan/faders set on 4 of them (no FX).
#    The band: sndfile-jackplay (libsndfile's JACK player, sndfile-tools) plays a sox-made 4-track file into
#    fohd:in_1..4. Take 1 ("Live") is recorded over OSC (oscsend), status seen by oscdump.
# 2. The next afternoon: fohd restarted from take 1's show-at-start.json (a copy: fohd autosaves into its show file),
#    fresh DSP state, nothing connected. foh play load, play vsc on, take 2 ("Afternoon") recorded while the take
#    plays to its end.
# 3. vsc_compare.py (its own RIFF reader): take 2's main L/R equal take 1's at one offset (the leading silence
#    differs), every sample; every channel track equal at that offset too.
# xruns: reported; FOH_STRICT_XRUNS=1 fails them (lib.sh). A lost cycle would also show as a difference.
# Usage: vsc_fohd.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need jackd jack_lsp sndfile-jackplay oscsend oscdump python3 sox soxi
HERE=$(dirname "${BASH_SOURCE[0]}")

new_server_name server
start_jackd jackd_pid "$server"
export JACK_DEFAULT_SERVER=$server

# The band: 4 tracks, 3 s after 0.5 s of silence (so the player's ports are connected before it starts), float.
mt=$FOH_WORK/multitrack.wav
sox -n -r 48000 -e floating-point -b 32 -c 4 "$mt" synth 3 sine 110 pinknoise square 330 sine 1200 \
    tremolo 3 80 pad 0.5 0.5 vol 0.5 || fail "sox could not make the multitrack"
[[ $(soxi -c "$mt") == 4 && $(soxi -r "$mt") == 48000 ]] || fail "the multitrack is not 4 channels at 48 kHz"

SHOW=(--set /ch/1/trim=3 --set /ch/1/fader=-3 --set /ch/1/eq/2/gain=5 --set /ch/1/pan=-40
      --set /ch/2/fader=0 --set /ch/2/hpf/on=1 --set /ch/2/comp/on=1 --set /ch/2/comp/threshold=-24 --set /ch/2/comp/ratio=4
      --set /ch/3/fader=-6 --set /ch/3/gate/on=1 --set /ch/3/gate/threshold=-20 --set /ch/3/pan=70
      --set /ch/4/fader=-10 --set /ch/4/eq/4/gain=-6 --set /ch/4/polarity=1 --set /ch/4/comp/on=1)
PORT=$(free_udp_port)
foh_cli() { "$FOH" --port "$PORT" --timeout 3 "$@"; }
start_fohd() {  # VAR LOGNAME ARGS...
    local _v=$1 _log=$2
    shift 2
    spawn "$_v" "$_log" "$FOHD" --backend jack --server "$server" --channels 6 --status-interval 0.5 \
        --osc-port "$PORT" --osc-bind 127.0.0.1 --rec-dir "$FOH_WORK/takes" "$@"
    wait_for_log "$_log.err" "osc: listening on udp 127.0.0.1:$PORT" 5
    wait_for_log "$_log.err" "48000 Hz, 64 frames" 5
}
L1=$(free_udp_port)
spawn dump_pid dump oscdump -L "$L1"

# ---- 1. live: the band plays, take 1 -------------------------------------------------------------------------------
start_fohd fohd_pid fohd "${SHOW[@]}" --connect in_1=jackplay:out_1 --connect in_2=jackplay:out_2 \
    --connect in_3=jackplay:out_3 --connect in_4=jackplay:out_4
oscsend 127.0.0.1 "$PORT" /subscribe i "$L1"
wait_for_log dump.out "/solo/inplace" 5
oscsend 127.0.0.1 "$PORT" /rec/start s Live
wait_for_log dump.out '/rec/status ssffis "recording"' 3
spawn band_pid jackplay sndfile-jackplay "$mt"
wait_for_connections 3 "fohd:in_1|jackplay:out_1" "fohd:in_4|jackplay:out_4"
reap "$band_pid" 15
((REAP_RC == 0)) || fail "sndfile-jackplay exited with $REAP_RC"
sleep 0.5
oscsend 127.0.0.1 "$PORT" /rec/stop
wait_for_log dump.out '/rec/status ssffis "stopped"' 5
sleep 0.6
xruns_live=$(fohd_xruns fohd)
stop_fohd "$fohd_pid" fohd
take1=$(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d -name '*Live' | head -1)
[[ -n $take1 && -f $take1/show-at-start.json ]] || fail "no take 1 with show-at-start.json in $FOH_WORK/takes"
pass "take 1 recorded live ($(soxi -D "$take1/main L.wav") s), fohd counted ${xruns_live:-?} xruns"

# ---- 2. the next afternoon: the same show, no band, the take plays back, take 2 ------------------------------------
cp "$take1/show-at-start.json" "$FOH_WORK/afternoon.json"
start_fohd fohd2_pid fohd2 --show "$FOH_WORK/afternoon.json"
oscsend 127.0.0.1 "$PORT" /subscribe i "$L1"
out=$(foh_cli play load "$(basename "$take1")") || fail "foh play load failed: $out"
note "$out"
out=$(foh_cli play vsc on) || fail "foh play vsc on failed: $out"
# /play/status take playing position length loop a b underruns on_playback vsc message: the message is empty here
on=$(awk '{ print $(NF - 1) }' <<<"$out")
[[ $on == 6 ]] || fail "after play vsc on, $on channels are on playback (expected all 6): $out"
[[ $(foh_cli get /ch/1/source) == "/ch/1/source 1" ]] || fail "/ch/1/source is not playback: $(foh_cli get /ch/1/source)"
pass "foh play load + play vsc on: the 6 channels with a track are on playback"
oscsend 127.0.0.1 "$PORT" /rec/start s Afternoon
wait_for_log dump.out '/rec/status ssffis "recording"' 3 2
sleep 0.3
foh_cli play start >/dev/null || fail "foh play start failed"
wait_for_log dump.out '/play/status siffiffiiis "'"$(basename "$take1")"'" 1' 3  # pushed: playing
length=$(soxi -D "$take1/main L.wav")
deadline=$(deadline_after "$(awk -v l="$length" 'BEGIN { print l + 5 }')")
while :; do
    st=$(foh_cli play status) || fail "foh play status failed"
    playing=$(awk '{ print $(NF - 8) }' <<<"$st")
    [[ $playing == 0 ]] && break
    past "$deadline" && fail "the take was still playing ${length}+5 s after play start: $st"
    sleep 0.3
done
pass "the take played to its end: $st"
# the disk read-ahead thread's CPU (utime + stime, clock ticks) while it played
for t in /proc/"$fohd2_pid"/task/*; do
    if [[ $(cat "$t/comm" 2>/dev/null) == foh-play-disk ]]; then
        note "disk read-ahead thread CPU: $(awk '{ printf "%.2f s", ($14 + $15) / 100 }' "$t/stat") for ${length} s of 6 tracks"
    fi
done
sleep 0.3
oscsend 127.0.0.1 "$PORT" /rec/stop
wait_for_log dump.out '/rec/status ssffis "stopped"' 5 2
underruns=$(awk '{ print $(NF - 2) }' <<<"$st")
[[ $underruns == 0 ]] || fail "the player counted $underruns underrun samples"
out=$(foh_cli play vsc off) || fail "foh play vsc off failed: $out"
[[ $(awk '{ print $(NF - 1) }' <<<"$out") == 0 ]] || fail "after play vsc off channels are still on playback: $out"
pass "play vsc off: every channel live again; 0 underruns"
sleep 0.6
xruns_play=$(fohd_xruns fohd2)
stop_fohd "$fohd2_pid" fohd2
take2=$(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d -name '*Afternoon' | head -1)
[[ -n $take2 ]] || fail "no take 2"

# ---- 3. the same mix -----------------------------------------------------------------------------------------------
xr_note="fohd counted ${xruns_live:-?} xruns live and ${xruns_play:-?} in the afternoon"
result=$(python3 "$HERE/vsc_compare.py" "$take1" "$take2") || fail "take 2 differs from take 1 ($xr_note):"$'\n'"$result"
note $'\n'"$result"
pass "virtual soundcheck: main L/R and every channel track of take 2 equal take 1 bit for bit at one offset"
if [[ ${xruns_live:-0} == 0 && ${xruns_play:-0} == 0 ]]; then
    pass "$xr_note"
elif [[ ${FOH_STRICT_XRUNS:-0} == 1 ]]; then
    fail "$xr_note (FOH_STRICT_XRUNS=1)"
else
    note "NOTE: $xr_note; jackd says:"
    grep -h 'not finished\|XRun' "$FOH_WORK"/jackd-*.err | head -n 6 | sed 's/^/    /' || true
fi

# ---- 4. a console started from the take's own show-at-start.json never saves over it --------------------------------
before=$(sha256sum "$take1/show-at-start.json")
start_fohd fohd3_pid fohd3 --show "$take1/show-at-start.json"
grep -q "belongs to a take" "$FOH_WORK/fohd3.err" || fail "fohd did not say the show belongs to a take"
foh_cli set /ch/1/fader -20 >/dev/null || fail "foh set failed"
foh_cli scene store "Changed" >/dev/null || fail "foh scene store failed"
out=$(foh_cli save 2>&1) && fail "foh save over a take's show-at-start.json succeeded: $out"
grep -q "never saved over" <<<"$out" || fail "foh save gave no reason: $out"
out=$(foh_cli rec status) || fail "foh rec status failed: $out"
grep -q '^/rec/status stopped' <<<"$out" || fail "foh rec status: $out"
sleep 2.5  # longer than the autosave's 1.5 s
stop_fohd "$fohd3_pid" fohd3
[[ $(sha256sum "$take1/show-at-start.json") == "$before" ]] || fail "fohd wrote into the take's show-at-start.json"
pass "fohd --show TAKE/show-at-start.json: loaded, a change and foh save leave the take's file byte for byte; foh rec status answers"
