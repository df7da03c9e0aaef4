#!/usr/bin/env bash
# The show file with the real fohd: scenes stored and recalled with the foh CLI while an oscdump listener sees the
# pushes (/scene/current and the recalled fader); the show on disk within 2 s of the last change (read by Python's
# json, not our parser); fohd SIGKILLed and started again restores the state, the scenes and the current scene; a
# truncated show file falls back to show.json.prev with a warning; when neither loads fohd exits 2 and leaves both
# files as they were.
# Usage: show_fohd.sh PATH_TO_FOHD PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_fohd "${1:-}"
[[ -x ${2:-} ]] || fail "foh binary '${2:-}' does not exist or is not executable"
FOH=$2
need oscsend oscdump python3 cmp
SHOW=$FOH_WORK/show.json
PORT=$(free_udp_port)
foh_cli() { "$FOH" --port "$PORT" --timeout 3 "$@"; }
start_fohd() {  # start_fohd LOGNAME
    spawn fohd_pid "$1" "$FOHD" --backend dummy --channels 8 --osc-port "$PORT" --osc-bind 127.0.0.1 --show "$SHOW" \
        --status-interval 0
    wait_for_log "$1.err" "osc: listening on udp 127.0.0.1:$PORT" 5
}
# show_value KEY...: a value from the show file on disk, by Python's json (e.g. state /ch/1/fader).
show_value() {
    python3 - "$SHOW" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d)
PY
}

start_fohd fohd1
wait_for_log fohd1.err "show: $SHOW does not exist yet" 1
L1=$(free_udp_port)
spawn dump_pid dump oscdump -L "$L1"
sleep 0.3
oscsend 127.0.0.1 "$PORT" /subscribe i "$L1"
wait_for_log dump.out "/ch/1/fader f -inf" 5
wait_for_log dump.out "/solo/inplace" 5  # the whole full state: no push of ours competes with it

foh_cli set /ch/1/fader -7.5 >/dev/null || fail "foh set failed"
out=$(foh_cli scene store Verse) || fail "foh scene store failed"
[[ $out == "/scene/stored 1 Verse" ]] || fail "scene store answered '$out'"
foh_cli set /ch/1/fader -3 >/dev/null
foh_cli set /ch/2/mute 1 >/dev/null
out=$(foh_cli scene 1 preview) || fail "foh scene 1 preview failed"
grep -q "^/scene/1/preview/change /ch/1/fader -3 -7.5$" <<<"$out" || fail "preview: $out"
grep -q "^/scene/1/preview/end 2$" <<<"$out" || fail "preview: $out"
foh_cli scene 1 recall >/dev/null || fail "foh scene 1 recall failed"
wait_for_log dump.out '/scene/current is 1 "Verse"' 3
wait_for_log dump.out "/ch/1/fader f -7.5" 3 2
pass "store, preview and recall with the CLI; oscdump saw /scene/current 1 Verse and the fader back at -7.5"
t_change=$(date +%s.%N)

# On disk within 2 s of the last change.
deadline=$(deadline_after 3)
until [[ -f $SHOW ]] && [[ $(show_value current_scene 2>/dev/null) == 1 ]]; do
    past "$deadline" && fail "the show file did not reach the disk with the recall within 3 s"
    sleep 0.05
done
t_disk=$(date +%s.%N)
delay=$(awk -v a="$t_change" -v b="$t_disk" 'BEGIN { printf "%.2f", b - a }')
awk -v d="$delay" 'BEGIN { exit !(d <= 2.0) }' || fail "the show reached the disk $delay s after the last change (limit 2 s)"
[[ $(show_value state /ch/1/fader) == -7.5 && $(show_value scenes 0 name) == Verse ]] || fail "the show file holds the wrong state"
pass "the show file was on disk $delay s after the last change, with the recalled state and scene 1"

# A second save, so there is a previous version; then SIGKILL.
foh_cli set /ch/3/fader -12 >/dev/null
deadline=$(deadline_after 3)
until [[ -f $SHOW.prev ]] && [[ $(show_value state /ch/3/fader) == -12.0 ]]; do
    past "$deadline" && fail "the second change did not reach the disk within 3 s"
    sleep 0.05
done
kill_now "$fohd_pid"
start_fohd fohd2
[[ $(foh_cli get /ch/1/fader) == "/ch/1/fader -7.5" && $(foh_cli get /ch/3/fader) == "/ch/3/fader -12" ]] ||
    fail "after SIGKILL and a restart the faders are $(foh_cli get /ch/1/fader), $(foh_cli get /ch/3/fader)"
out=$(foh_cli scene list)
grep -q "^/scene/1 Verse 0 $" <<<"$out" && grep -q "^/scene/current 1 Verse$" <<<"$out" || fail "scene list after restart: $out"
pass "fohd SIGKILLed and started again: faders, scene 1 'Verse' and the current scene are back"
stop_fohd "$fohd_pid" fohd2

# A truncated show file: the previous version, with a warning.
python3 -c "import sys; p = sys.argv[1]; b = open(p, 'rb').read(); open(p, 'wb').write(b[: len(b) // 2])" "$SHOW"
start_fohd fohd3
wait_for_log fohd3.err "not valid JSON" 1
wait_for_log fohd3.err "loaded the previous version $SHOW.prev instead" 1
[[ $(foh_cli get /ch/1/fader) == "/ch/1/fader -7.5" ]] || fail "the previous version's fader is not back"
pass "a truncated show file: fohd said where it breaks and loaded show.json.prev"
stop_fohd "$fohd_pid" fohd3

# Both broken: exit 2, nothing written over them.
printf '{"format": "foh-show", "version": 1, "state": {"/ch/1/fader": 99}}' >"$SHOW"
printf 'garbage' >"$SHOW.prev"
cp "$SHOW" "$FOH_WORK/show.before"
cp "$SHOW.prev" "$FOH_WORK/prev.before"
spawn bad_pid fohd4 "$FOHD" --backend dummy --channels 8 --osc-port "$PORT" --osc-bind 127.0.0.1 --show "$SHOW" --status-interval 0
reap "$bad_pid" 5
((REAP_RC == 2)) || fail "fohd with two broken show files exited $REAP_RC, expected 2"
grep -q 'state./ch/1/fader: value 99 is outside' "$FOH_WORK/fohd4.err" || fail "no clear error for the out-of-range value: $(cat "$FOH_WORK/fohd4.err")"
cmp -s "$SHOW" "$FOH_WORK/show.before" && cmp -s "$SHOW.prev" "$FOH_WORK/prev.before" || fail "a broken show file was written over"
pass "two broken show files: fohd exits 2 with the key and the reason, and leaves both as they were"
