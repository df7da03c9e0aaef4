#!/usr/bin/env bash
# Recording with the real fohd (dummy backend, demo show): /rec/start and /rec/stop over OSC (oscsend), the status
# pushed to an oscdump listener; the take folder holds one file per channel (named from the channel's name) plus
# main L/R, all the same length (soxi), the demo's channels with audio and the unused ones silent (sox stat), the
# manifest stopped with the scene recall as a marker, and automation.jsonl with the fader move made during the take
# at a frame matching when it was made. Arming over oscsend: a take of exactly the armed channels and a bus, with
# their channel numbers and taps in take.json; nothing armed starts nothing and says so.
# Usage: rec_fohd.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need oscsend oscdump python3 sox soxi
PORT=$(free_udp_port)
foh_cli() { "$FOH" --port "$PORT" --timeout 3 "$@"; }
spawn fohd_pid fohd "$FOHD" --backend dummy --channels 8 --demo --osc-port "$PORT" --osc-bind 127.0.0.1 \
    --rec-dir "$FOH_WORK/takes" --status-interval 0
wait_for_log fohd.err "osc: listening on udp 127.0.0.1:$PORT" 5
L1=$(free_udp_port)
spawn dump_pid dump oscdump -L "$L1"
sleep 0.3
oscsend 127.0.0.1 "$PORT" /subscribe i "$L1"
wait_for_log dump.out "/solo/inplace" 5
foh_cli set /ch/1/name Kick >/dev/null || fail "naming channel 1 failed"
foh_cli scene store Verse >/dev/null || fail "storing a scene failed"

oscsend 127.0.0.1 "$PORT" /rec/start s Soundcheck
wait_for_log dump.out '/rec/status ssffis "recording"' 3
t0=$(now)
sleep 1
foh_cli set /ch/2/fader -12 >/dev/null
t1=$(now)
foh_cli scene 1 recall >/dev/null
sleep 1
oscsend 127.0.0.1 "$PORT" /rec/stop
wait_for_log dump.out '/rec/status ssffis "stopped"' 5
pass "/rec/start and /rec/stop over oscsend; oscdump saw the status go to recording and back to stopped"

take=$(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d -name '*Soundcheck' | head -1)
[[ -n $take ]] || fail "no take folder named '... Soundcheck' in $FOH_WORK/takes"
[[ -f "$take/001 Kick.wav" && -f "$take/008 Ch 8.wav" && -f "$take/main L.wav" && -f "$take/main R.wav" ]] ||
    fail "the take lacks files: $(ls "$take")"
len=$(soxi -s "$take/001 Kick.wav")
((len > 48000 && len < 4 * 48000)) || fail "channel 1 holds $len samples for a ~2 s take"
for f in "$take"/*.wav; do
    [[ $(soxi -s "$f") == "$len" ]] || fail "$(basename "$f") holds $(soxi -s "$f") samples, channel 1 $len"
done
amp() { sox "$1" -n stat 2>&1 | awk '/Maximum amplitude/ { print $3 }'; }
a1=$(amp "$take/001 Kick.wav")
a8=$(amp "$take/008 Ch 8.wav")
awk -v a="$a1" 'BEGIN { exit !(a > 0.01) }' || fail "the demo's kick channel recorded at most $a1"
awk -v a="$a8" 'BEGIN { exit !(a == 0) }' || fail "silent channel 8 recorded $a8"
pass "$(ls "$take"/*.wav | wc -l) files of $len samples each; channel 1 peaks at $a1, channel 8 silent"

python3 - "$take" "$t0" "$t1" <<'PY' || fail "the manifest or the automation log is wrong (above)"
import json, sys
take, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
m = json.load(open(take + "/take.json"))
assert m["state"] == "stopped", m["state"]
assert any("Verse" in k["text"] for k in m["markers"]), m["markers"]
assert m["tracks"][0]["name"] == "Kick", m["tracks"][0]
lines = [json.loads(l) for l in open(take + "/automation.jsonl") if l.strip()]
moves = [l for l in lines if l["address"] == "/ch/2/fader"]
# The hand's move, then the recall putting the scene's value back, a little later.
assert len(moves) == 2 and moves[0]["value"] == -12.0 and moves[0]["origin"].startswith("osc "), lines
assert moves[1]["frame"] >= moves[0]["frame"] and moves[1]["origin"].startswith("scene 1 'Verse' recall"), lines
at = moves[0]["frame"] / m["sample_rate"]
# It was sent between 1 s and (t1 - t0) s after the start request; allow 0.3 s for OSC and the first block.
assert 0.7 <= at <= (t1 - t0) + 0.3, (at, t1 - t0)
print("automation: /ch/2/fader -12 at %.3f s of the take; %d changes logged" % (at, len(lines)))
PY
pass "the manifest is stopped with the recall as a marker; automation.jsonl has the fader move at the right time"

# Arming over oscsend: channel 3 and main off, bus 2 on. The take has exactly the armed tracks, and take.json says
# each one's channel number and tap (channel 4 at post-fader), main and bus sources, and the block sizes.
oscsend 127.0.0.1 "$PORT" /ch/3/rec/arm i 0
oscsend 127.0.0.1 "$PORT" /main/rec/arm i 0
oscsend 127.0.0.1 "$PORT" /bus/2/rec/arm i 1
oscsend 127.0.0.1 "$PORT" /ch/4/direct/tap s postfader
wait_for_log dump.out "/ch/4/direct/tap i 2" 3  # the push (the full state at subscribe had i 0)
[[ $(foh_cli get /ch/3/rec/arm) == "/ch/3/rec/arm 0" ]] || fail "/ch/3/rec/arm reads '$(foh_cli get /ch/3/rec/arm)' after oscsend 0"
oscsend 127.0.0.1 "$PORT" /rec/start s Armed
wait_for_log dump.out '/rec/status ssffis "recording"' 3 2
# Arming is fixed while a take runs: this applies to the next take only.
oscsend 127.0.0.1 "$PORT" /ch/5/rec/arm i 0
sleep 1
oscsend 127.0.0.1 "$PORT" /rec/stop
wait_for_log dump.out '/rec/status ssffis "stopped"' 5 2
take=$(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d -name '*Armed' | head -1)
[[ -n $take ]] || fail "no take folder named '... Armed'"
python3 - "$take" <<'PY' || fail "the armed take is wrong (above)"
import json, os, sys
take = sys.argv[1]
files = sorted(f for f in os.listdir(take) if f.endswith(".wav"))
want = ["001 Kick.wav", "002 Ch 2.wav", "004 Ch 4.wav", "005 Ch 5.wav", "006 Ch 6.wav", "007 Ch 7.wav",
        "008 Ch 8.wav", "bus 02.wav"]
assert files == want, files
m = json.load(open(take + "/take.json"))
tracks = m["tracks"]
assert [t["file"] for t in tracks] == want, tracks
chans = [t for t in tracks if t.get("source", "").startswith("/ch/")]
assert [int(t["source"][4:]) for t in chans] == [1, 2, 4, 5, 6, 7, 8], chans
assert all(t["tap"] == ("postfader" if t["source"] == "/ch/4" else "posttrim") for t in chans), chans
assert tracks[-1]["source"] == "/bus/2" and "tap" not in tracks[-1], tracks[-1]
assert m["block_frames"] > 0 and m["max_block"] >= m["block_frames"], m
assert m["sample_rate"] == 48000.0, m["sample_rate"]
print("armed take: %d tracks, channel 4 at post-fader, bus 2; block %d frames, max block %d"
      % (len(tracks), m["block_frames"], m["max_block"]))
PY
pass "arming over oscsend: the take holds exactly the armed channels and bus 2, take.json says sources and taps"

# Nothing armed: /rec/start starts nothing and every client hears why.
for c in 1 2 4 5 6 7 8; do oscsend 127.0.0.1 "$PORT" /ch/$c/rec/arm i 0; done
oscsend 127.0.0.1 "$PORT" /ch/5/rec/arm i 0
oscsend 127.0.0.1 "$PORT" /bus/2/rec/arm i 0
sleep 0.3
before=$(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d | wc -l)
oscsend 127.0.0.1 "$PORT" /rec/start s Nothing
wait_for_log dump.out 'nothing is armed' 3
[[ $(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d | wc -l) == "$before" ]] ||
    fail "/rec/start with nothing armed made a take folder"
pass "/rec/start with nothing armed: no take, and the status pushed to oscdump says 'nothing is armed'"
for c in 1 2 3 4 5 6 7 8; do oscsend 127.0.0.1 "$PORT" /ch/$c/rec/arm i 1; done
oscsend 127.0.0.1 "$PORT" /main/rec/arm i 1
oscsend 127.0.0.1 "$PORT" /ch/4/direct/tap s posttrim
sleep 0.3

# A take cut short by SIGKILL: foh recover repairs it; every file then holds at least all but the last second.
oscsend 127.0.0.1 "$PORT" /rec/start s Killed
wait_for_log dump.out '/rec/status ssffis "recording"' 3 3
sleep 2
kill_now "$fohd_pid"
take=$(find "$FOH_WORK/takes" -mindepth 1 -maxdepth 1 -type d -name '*Killed' | head -1)
[[ -n $take ]] || fail "no take folder for the killed take"
out=$("$FOH" recover "$take") || fail "foh recover failed: $out"
len=$(soxi -s "$take/001 Kick.wav")
((len >= 48000)) || fail "after recover channel 1 holds $len samples of a take killed after ~2 s (at most 1 s may be lost)"
for f in "$take"/*.wav; do
    [[ $(soxi -s "$f") == "$len" ]] || fail "after recover $(basename "$f") holds $(soxi -s "$f") samples, channel 1 $len"
done
pass "a take cut by SIGKILL after ~2 s: foh recover made every file $len samples ($(tail -1 <<<"$out"))"
