#!/usr/bin/env bash
# foh master on files made by sox: a stereo 48 kHz 24-bit programme to spotify (-14 LUFS / -1 dBTP) and a mono
# 44.1 kHz 16-bit one to ebu (-23 / -1); ffmpeg's ebur128 filter (an independent meter) reads each result's
# integrated loudness within 0.5 LU of the target and its true peak at or under the ceiling; the output has the
# input's length (stereo: mono comes out on both sides); the SVG plot parses as XML (python3 xml.etree) with its
# curves; bad usage exits 2 and an unreadable file 1, with a message.
# Usage: master_file.sh PATH_TO_FOH
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x ${1:-} ]] || fail "foh binary '${1:-}' does not exist or is not executable"
FOH=$1
need sox soxi ffmpeg python3

W=$FOH_WORK
# Programme: pink noise swelling and dipping (amplitude-modulated at 0.3 Hz) and, 11 dB above it in peak, a click at
# every edge of a 2 Hz square wave (high-passed at 1.5 kHz): peaky enough that -14 LUFS needs the limiter to work.
sox -q -n -r 48000 -c 2 -b 24 "$W/bed.wav" synth 20 pinknoise synth 20 sine amod 0.3 60 gain -n -12
sox -q -n -r 48000 -c 2 -b 24 "$W/clicks.wav" synth 20 square 2 gain -10 highpass 1500 gain -n -1
sox -q -m "$W/bed.wav" "$W/clicks.wav" "$W/stereo.wav"
sox -q -n -r 44100 -c 1 -b 16 "$W/mono.wav" synth 15 pinknoise tremolo 0.5 70 gain -n -25

# ffmpeg_loudness FILE: "I PEAK" from the ebur128 filter's summary (the last one ffmpeg prints).
ffmpeg_loudness() {
    ffmpeg -nostats -hide_banner -i "$1" -filter_complex ebur128=peak=true -f null - 2>&1 |
        awk '/Summary:/ { i = ""; p = "" } $1 == "I:" { i = $2 } $1 == "Peak:" { p = $2 } END { print i, p }'
}

# check_master IN TARGET LUFS CEILING
check_master() {
    local in=$1 target=$2 lufs=$3 ceiling=$4 out="$W/$2.wav" svg="$W/$2.svg" measured i peak
    "$FOH" master "$in" -o "$out" --target "$target" --plot "$svg" >"$W/$target.out" 2>"$W/$target.err" ||
        fail "foh master $target exited $?"
    grep -q '^before ' "$W/$target.out" && grep -q '^after ' "$W/$target.out" ||
        fail "foh master $target did not print before/after loudness"
    sed 's/^/    /' "$W/$target.out"
    read -r i peak <<<"$(ffmpeg_loudness "$in")"
    note "$target: input I $i LUFS, true peak $peak dBTP (ffmpeg)"
    measured=$(ffmpeg_loudness "$out")
    read -r i peak <<<"$measured"
    [[ -n $i && -n $peak ]] || fail "could not read ffmpeg's ebur128 summary for $out"
    awk -v i="$i" -v t="$lufs" 'BEGIN { d = i - t; if (d < 0) d = -d; exit !(d <= 0.5) }' ||
        fail "$target: ffmpeg reads I $i LUFS, target $lufs (more than 0.5 LU off)"
    awk -v p="$peak" -v c="$ceiling" 'BEGIN { exit !(p <= c) }' ||
        fail "$target: ffmpeg reads a true peak of $peak dBTP, over the ceiling $ceiling"
    pass "$target: ffmpeg reads I $i LUFS (target $lufs), true peak $peak dBTP (ceiling $ceiling)"
    [[ $(soxi -s "$out") == "$(soxi -s "$in")" ]] || fail "$target: $(soxi -s "$out") frames out, $(soxi -s "$in") in"
    [[ $(soxi -c "$out") == 2 ]] || fail "$target: the output is not stereo"
    [[ $(soxi -r "$out") == "$(soxi -r "$in")" ]] || fail "$target: the sample rate changed"
    pass "$target: $(soxi -s "$out") frames, as many as the input, stereo at $(soxi -r "$out") Hz"
    python3 - "$svg" <<'PY' || fail "$target: the plot is not a well-formed SVG with its curves"
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
lines = root.findall(".//{http://www.w3.org/2000/svg}polyline")
assert len(lines) == 3, len(lines)
assert all(len(l.get("points").split()) > 50 for l in lines)
PY
    pass "$target: the plot parses as SVG with 3 curves"
}

check_master "$W/stereo.wav" spotify -14 -1
check_master "$W/mono.wav" ebu -23 -1

# Usage errors exit 2, an unreadable input 1, each with a message on stderr.
expect_exit() {
    local want=$1 rc=0
    shift
    "$FOH" master "$@" >"$W/err.out" 2>"$W/err.err" || rc=$?
    [[ $rc == "$want" ]] || fail "foh master $* exited $rc, not $want"
    grep -q 'foh master: ' "$W/err.err" || fail "foh master $* gave no message"
}
expect_exit 2
expect_exit 2 "$W/stereo.wav" --target spotify
expect_exit 2 "$W/stereo.wav" -o "$W/x.wav" --target nowhere
expect_exit 2 "$W/stereo.wav" -o "$W/x.wav" --target spotify --ceiling 3
expect_exit 1 "$W/missing.wav" -o "$W/x.wav" --target spotify
echo "not audio" >"$W/text.wav"
expect_exit 1 "$W/text.wav" -o "$W/x.wav" --target spotify
"$FOH" master --list-targets | grep -q '^spotify ' || fail "--list-targets does not list spotify"
pass "usage errors exit 2, unreadable files 1, --list-targets lists the targets"
