#!/usr/bin/env bash
# Render = live, on the real thing: fohd on jackd -R -d dummy (48 kHz, 64 frames) with a plain show (HPF, EQ, gate,
# compressor and pan on the played channels, the main bus compressor and limiter on; no reverb or echo), freshly
# started with silent inputs, records a take while a JACK client (sndfile-jackplay, from Debian's sndfile-tools)
# plays a generated 4-track file into it and an operator moves a fader and an EQ band over OSC (oscsend) and recalls
# a scene with a 1.5 s crossfade (the foh CLI). `foh render TAKE/show-at-start.json TAKE -o mix.wav` must give the
# take's recorded main L/R sample for sample (render_check.py, its own RIFF reader, compares the bit patterns).
# Usage: render_live.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need jackd jack_lsp sndfile-jackplay oscsend python3 sox soxi sndfile-info
HERE=$(dirname "${BASH_SOURCE[0]}")

# Four tracks with level changes (the gates open and close, the compressors work): noise, a sine, a square, a saw.
sox -n -r 48000 -b 24 -c 4 "$FOH_WORK/multi.wav" synth 6 pinknoise sine 220 square 110 sawtooth 330 \
    tremolo 1.5 90 gain -n -6 || fail "sox could not make the multitrack"

new_server_name server
start_jackd jackd_pid "$server"
export JACK_DEFAULT_SERVER=$server
PORT=$(free_udp_port)
foh_cli() { "$FOH" --port "$PORT" --timeout 3 "$@"; }
sets=()
for c in 1 2 3 4; do
    sets+=(--set "/ch/$c/trim=$((c * 3 - 2))" --set "/ch/$c/fader=-$((c + 4))" --set "/ch/$c/hpf/on=1"
        --set "/ch/$c/hpf/freq=$((60 + c * 15))" --set /ch/$c/eq/on=1 --set "/ch/$c/eq/2/gain=4"
        --set "/ch/$c/eq/3/gain=-3" --set /ch/$c/gate/on=1 --set /ch/$c/gate/threshold=-40 --set /ch/$c/comp/on=1
        --set /ch/$c/comp/threshold=-24 --set /ch/$c/comp/ratio=3 --set "/ch/$c/pan=$((c * 40 - 100))")
done
conns=()
for c in 1 2 3 4; do conns+=(--connect "in_$c=jackplay:out_$c"); done
spawn fohd_pid fohd "$FOHD" --backend jack --channels 8 --period 64 --name fohd --show "$FOH_WORK/show.json" \
    --osc-port "$PORT" --osc-bind 127.0.0.1 --rec-dir "$FOH_WORK/takes" --status-interval 0.5 \
    --set /main/comp/on=1 --set /main/comp/threshold=-20 --set /main/limit/on=1 --set /main/limit/ceiling=-2 \
    "${sets[@]}" "${conns[@]}"
wait_for_log fohd.err "osc: listening on udp 127.0.0.1:$PORT" 10
wait_for_ports 5 fohd:in_1 fohd:main_L
# Two scenes: "A" as started, "B" with other faders, an EQ and a pan; back to A before the take.
foh_cli scene store A >/dev/null || fail "storing scene A failed"
foh_cli set /ch/1/fader -20 >/dev/null && foh_cli set /ch/2/eq/2/gain 9 >/dev/null &&
    foh_cli set /ch/3/pan 90 >/dev/null && foh_cli set /main/fader -3 >/dev/null || fail "setting up scene B failed"
foh_cli scene store B >/dev/null || fail "storing scene B failed"
foh_cli scene 1 recall 0 >/dev/null || fail "recalling scene A failed"
sleep 1.5  # at rest: every ramp done, inputs silent

oscsend 127.0.0.1 "$PORT" /rec/start s Render
sleep 0.5
spawn play_pid player sndfile-jackplay "$FOH_WORK/multi.wav"
wait_for_connections 5 "jackplay:out_1|fohd:in_1" "jackplay:out_4|fohd:in_4"
sleep 1
oscsend 127.0.0.1 "$PORT" /ch/1/fader f -2
sleep 0.5
oscsend 127.0.0.1 "$PORT" /ch/2/eq/3/gain f 6
sleep 0.7
foh_cli scene 2 recall 1500 >/dev/null || fail "recalling scene B with a crossfade failed"
sleep 1
oscsend 127.0.0.1 "$PORT" /ch/4/fader f 0  # a hand during the crossfade
reap "$play_pid" 10
sleep 0.5  # the tails
oscsend 127.0.0.1 "$PORT" /rec/stop
take=$(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d -name '*Render' | head -1)
[[ -n $take ]] || fail "no take folder '... Render' in $FOH_WORK/takes"
deadline=$(deadline_after 5)
until grep -q '"state": *"stopped"' "$take/take.json" 2>/dev/null; do
    past "$deadline" && fail "take.json did not reach state stopped: $(cat "$take/take.json")"
    sleep 0.1
done
xruns=$(fohd_xruns fohd)
stop_fohd "$fohd_pid" fohd
note "take: $(soxi -s "$take/main L.wav") frames; fohd xruns: ${xruns:-?}; $(wc -l <"$take/automation.jsonl") automation lines"
grep -q '"/ch/1/fader","value":-2' "$take/automation.jsonl" || fail "the OSC fader move is not in automation.jsonl"
grep -q '"fade_ms":1500' "$take/automation.jsonl" || fail "the crossfade is not in automation.jsonl"
sox "$take/001 Ch 1.wav" -n stat 2>&1 | awk '/Maximum amplitude/ { exit !($3 > 0.01) }' ||
    fail "channel 1's track is silent: the player's audio did not reach fohd"

"$FOH" render "$take/show-at-start.json" "$take" -o "$FOH_WORK/mix.wav" >"$FOH_WORK/render.out" 2>"$FOH_WORK/render.err" ||
    fail "foh render failed: $(cat "$FOH_WORK/render.err")"
note "$(tr '\n' ' ' <"$FOH_WORK/render.out")"
grep -q 'warning' "$FOH_WORK/render.err" && note "render warnings: $(cat "$FOH_WORK/render.err")"
sndfile-info "$FOH_WORK/mix.wav" | grep -q 'Channels *: 2' || fail "sndfile-info does not read mix.wav as stereo"
out=$(python3 "$HERE/render_check.py" "$FOH_WORK/mix.wav" "$take") || fail "render != live: $out"
pass "foh render of the take = fohd's live main L/R on jackd: $out"
