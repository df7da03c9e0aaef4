# shellcheck shell=bash
# Shared helpers for the system tests: they run the real jackd / PipeWire, the real fohd and JACK's own example clients,
# and measure what comes out with sox. Source this file first thing in a test script:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Rules every test follows through these helpers:
# - A missing tool FAILS the test (need TOOL): a system test that skips silently proves nothing.
# - Every process a test starts goes through `spawn`, and the EXIT trap ends all of them (clients first, servers last),
#   removes the JACK shared-memory files of the servers it named, and deletes the work folder (kept on failure).
# - Every wait has a deadline; nothing waits forever.
#
# Environment knobs (for people, not for ctest):
#   FOH_KEEP_WORK=1     keep the work folder (logs, recordings) even when the test passes
#   FOHD_EXTRA_ARGS     extra arguments appended to fohd's command line, e.g. "--set /ch/1/fader=-6" to watch a level
#                       test fail (later --set options win)
#   FOH_STRICT_XRUNS=1  fail, instead of only reporting, when fohd counts xruns on jackd

set -euo pipefail
export LC_ALL=C                 # sox and awk print and parse "0.141421", never "0,141421"
export JACK_NO_START_SERVER=1   # no libjack call in a test may start a server of its own

FOH_TEST=$(basename "$0" .sh)
FOH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/foh-${FOH_TEST}.XXXXXX")
FOH_FAILED=0
JACK_RUN=()                     # prefix for JACK clients: empty on jackd, (pw-jack -p 64 -s 48000) on PipeWire

_FOH_PIDS=()                    # every process we started, in start order
declare -A _FOH_PID_NAME=()     # pid -> log name
declare -A _FOH_REAPED=()       # pids already waited for (never signal a pid twice: it may have been reused)
_FOH_JACK_SERVERS=()            # jackd server names we started, for stale shared-memory files after SIGKILL
_FOH_SERVER_SEQ=0

# ---- messages -------------------------------------------------------------------------------------------------------

note() { printf '[%s] %s: %s\n' "$(date +%T.%3N)" "$FOH_TEST" "$*"; }
pass() { printf 'PASS: %s: %s\n' "$FOH_TEST" "$*"; }

# fail MESSAGE: say what went wrong, show the end of every log, exit 1 (the EXIT trap cleans up).
fail() {
    FOH_FAILED=1
    printf 'FAIL: %s: %s\n' "$FOH_TEST" "$*" >&2
    # A test may define foh_diagnostics to print what it knows about the failure (process threads, server state).
    if declare -F foh_diagnostics >/dev/null; then foh_diagnostics >&2 || true; fi
    local f
    for f in "$FOH_WORK"/*.out "$FOH_WORK"/*.err; do
        [[ -s $f ]] || continue
        printf -- '---- %s (last 15 lines) ----\n' "$(basename "$f")" >&2
        tail -n 15 "$f" >&2
    done
    exit 1
}

# need TOOL...: every tool must be on PATH, or the test fails loudly.
need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 ||
            fail "required tool '$tool' is not installed (system tests never skip: install it, see tests/system/README.md)"
    done
}

# need_fohd PATH: the fohd binary under test must exist and be executable. Sets FOHD.
need_fohd() {
    [[ $# -ge 1 && -n $1 ]] || fail "usage: $0 PATH_TO_FOHD"
    [[ -x $1 ]] || fail "fohd binary '$1' does not exist or is not executable"
    # shellcheck disable=SC2034  # used by the test scripts
    FOHD=$1
}

# ---- processes ------------------------------------------------------------------------------------------------------

# spawn VAR LOGNAME COMMAND...: start COMMAND in the background with stdout/stderr in $FOH_WORK/LOGNAME.out/.err,
# remember it for cleanup and store its pid in VAR.
# (Locals here and in other VAR-setting helpers start with _ so that they never shadow the caller's VAR.)
spawn() {
    local _var=$1 _name=$2 _pid
    shift 2
    "$@" >"$FOH_WORK/$_name.out" 2>"$FOH_WORK/$_name.err" &
    _pid=$!
    _FOH_PIDS+=("$_pid")
    _FOH_PID_NAME[$_pid]=$_name
    printf -v "$_var" '%s' "$_pid"
}

alive() { [[ -z ${_FOH_REAPED[$1]:-} ]] && kill -0 "$1" 2>/dev/null; }

# reap PID TIMEOUT_S: wait for PID to exit by itself; sets REAP_RC to its exit status. Fails if it is still running.
reap() {
    local pid=$1 timeout=$2 deadline
    deadline=$(deadline_after "$timeout")
    while kill -0 "$pid" 2>/dev/null && [[ -z $(zombie "$pid") ]]; do
        past "$deadline" && fail "${_FOH_PID_NAME[$pid]:-pid $pid} did not exit within ${timeout}s"
        sleep 0.05
    done
    REAP_RC=0
    { wait "$pid"; } 2>/dev/null || REAP_RC=$?   # (no "Killed" job notice in the output)
    _FOH_REAPED[$pid]=1
}

zombie() { if [[ $(ps -o stat= -p "$1" 2>/dev/null) == Z* ]]; then echo yes; fi; }

# stop PID [SIGNAL]: signal PID (default TERM), give it 3 s, then SIGKILL; reaps it. Sets REAP_RC.
stop() {
    local pid=$1 sig=${2:-TERM} i
    REAP_RC=0
    [[ -n ${_FOH_REAPED[$pid]:-} ]] && return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do
        { kill -0 "$pid" 2>/dev/null && [[ -z $(zombie "$pid") ]]; } || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    { wait "$pid"; } 2>/dev/null || REAP_RC=$?
    _FOH_REAPED[$pid]=1
}

# kill_now PID: SIGKILL PID at once and reap it, with no grace period (a crash, or a power cut as far as the process
# can tell). Sets REAP_RC (137 when the signal killed it, its own status if it had exited already).
kill_now() {
    local pid=$1
    REAP_RC=0
    [[ -n ${_FOH_REAPED[$pid]:-} ]] && return 0
    kill -KILL "$pid" 2>/dev/null || true
    { wait "$pid"; } 2>/dev/null || REAP_RC=$?
    _FOH_REAPED[$pid]=1
}

_foh_cleanup() {
    local rc=$? i pid name
    trap - EXIT INT TERM HUP
    set +e
    # Clients before servers: the reverse of start order.
    for ((i = ${#_FOH_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${_FOH_PIDS[i]}
        [[ -n ${_FOH_REAPED[$pid]:-} ]] && continue
        stop "$pid" TERM
    done
    # A test may define foh_cleanup to undo what it set up itself (unmount a file system it mounted in the work
    # folder); it runs once every process is stopped. The work folder is then removed without crossing into any
    # mount that is still there (rm --one-file-system).
    if declare -F foh_cleanup >/dev/null; then foh_cleanup; fi
    # A jackd that was SIGKILLed leaves its semaphores and shared memory behind; remove those of our servers only.
    for name in "${_FOH_JACK_SERVERS[@]}"; do
        rm -f "/dev/shm/jack_sem.$(id -u)_${name}_"* "/dev/shm/jack_${name}_"*
    done
    if [[ -z $(ls -A "$FOH_WORK") ]]; then
        rmdir "$FOH_WORK" # failed before starting anything: nothing worth keeping
    elif ((rc != 0 || FOH_FAILED)); then
        printf '%s: exit %d; logs and recordings kept in %s\n' "$FOH_TEST" "$rc" "$FOH_WORK" >&2
    elif [[ ${FOH_KEEP_WORK:-0} == 1 ]]; then
        note "work folder kept: $FOH_WORK"
    else
        rm -rf --one-file-system "$FOH_WORK"
    fi
    exit "$rc"
}
trap _foh_cleanup EXIT
trap 'FOH_FAILED=1; echo "FAIL: $FOH_TEST: interrupted" >&2; exit 130' INT TERM HUP

# ---- time -----------------------------------------------------------------------------------------------------------

now() { date +%s.%N; }
deadline_after() { awk -v n="$(now)" -v t="$1" 'BEGIN { printf "%.3f", n + t }'; }
past() { awk -v n="$(now)" -v d="$1" 'BEGIN { exit !(n >= d) }'; }
since() { awk -v n="$(now)" -v t="$1" 'BEGIN { printf "%.2f", n - t }'; }

# ---- JACK -----------------------------------------------------------------------------------------------------------

# jk COMMAND...: run a JACK client tool the way this test reaches its server (pw-jack prefix on PipeWire), bounded.
jk() { timeout -k 1 5 "${JACK_RUN[@]}" "$@"; }

# new_server_name VAR: a JACK server name no other test (or other run of this one) uses.
new_server_name() {
    _FOH_SERVER_SEQ=$((_FOH_SERVER_SEQ + 1))
    printf -v "$1" 'foh-test-%s-%s' "$$" "$_FOH_SERVER_SEQ"
}

# server_answers: a JACK client can open (jack_lsp succeeds).
server_answers() { jk jack_lsp >/dev/null 2>&1; }

# start_jackd VAR NAME: jackd -R on the dummy backend at 48 kHz / 64 frames, named NAME; returns once a client can
# connect. Stores jackd's pid in VAR. Logs go to jackd-NAME[-k].out/.err.
start_jackd() {
    local _var=$1 _name=$2 _log _jpid _deadline
    _log=jackd-$_name
    [[ -e $FOH_WORK/$_log.err ]] && _log=$_log-$(date +%s%N)
    [[ " ${_FOH_JACK_SERVERS[*]} " == *" $_name "* ]] || _FOH_JACK_SERVERS+=("$_name")
    spawn _jpid "$_log" jackd -n "$_name" -R -P 70 -d dummy -r 48000 -p 64
    _deadline=$(deadline_after 10)
    until JACK_DEFAULT_SERVER=$_name server_answers; do
        alive "$_jpid" || fail "jackd '$_name' exited during start-up (see $_log.err)"
        past "$_deadline" && fail "jackd '$_name' did not answer within 10 s"
        sleep 0.05
    done
    printf -v "$_var" '%s' "$_jpid"
}

# free_udp_port: a UDP port on loopback nobody uses right now (for fohd's OSC server and the OSC clients).
free_udp_port() { python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- PipeWire -------------------------------------------------------------------------------------------------------

# start_pipewire VAR: a private, headless PipeWire daemon (no dbus, no session manager) whose graph runs at
# 48 kHz / 64 frames, with one null sink "foh-null-sink" whose two inputs JACK clients see as physical playback ports
# (jack_simple_client refuses to run without them). Sets JACK_RUN so that jk/record run clients under pw-jack, and
# exports XDG_RUNTIME_DIR (the socket lives in the work folder, so no other PipeWire is ever reached).
# Stores the daemon's pid in VAR.
start_pipewire() {
    local _var=$1 _pw _deadline _conf=$FOH_WORK/pipewire.conf _stock=/usr/share/pipewire/pipewire.conf
    need pipewire pw-jack pw-cli
    [[ -r $_stock ]] || fail "PipeWire's stock configuration $_stock is missing"
    export XDG_RUNTIME_DIR=$FOH_WORK/xdg-runtime
    unset PIPEWIRE_REMOTE PIPEWIRE_RUNTIME_DIR JACK_DEFAULT_SERVER
    mkdir -p "$XDG_RUNTIME_DIR"
    chmod 700 "$XDG_RUNTIME_DIR"
    # The stock daemon configuration, edited: no dbus, no portal module (it needs dbus), the graph at 48 kHz / 64 frames
    # (also when PipeWire thinks it runs in a VM, where it would raise min-quantum to 1024), and the null sink. With
    # adapter.auto-port-config the sink gets its DSP ports without a session manager; media.class Audio/Sink makes them
    # physical + terminal for JACK clients.
    awk '
        /^[[:space:]]*#?[[:space:]]*support\.dbus[[:space:]]*=/          { print "    support.dbus = false"; next }
        /^[[:space:]]*#?[[:space:]]*default\.clock\.rate[[:space:]]*=/   { print "    default.clock.rate = 48000"; next }
        /^[[:space:]]*#?[[:space:]]*default\.clock\.quantum[[:space:]]*=/ { print "    default.clock.quantum = 64"; next }
        /default\.clock\.min-quantum[[:space:]]*=[[:space:]]*1024/       { sub(/1024/, "16") }
        /name = libpipewire-module-portal/                                { skip = 1 }
        skip { if ($0 ~ /^[[:space:]]*}[[:space:]]*$/) skip = 0; next }
        /^context\.objects[[:space:]]*=[[:space:]]*\[/ {
            print
            print "    { factory = adapter"
            print "        args = {"
            print "            factory.name             = support.null-audio-sink"
            print "            node.name                = foh-null-sink"
            print "            media.class              = Audio/Sink"
            print "            audio.position           = [ FL FR ]"
            print "            adapter.auto-port-config = { mode = dsp monitor = false position = preserve }"
            print "        }"
            print "    }"
            next
        }
        { print }
    ' "$_stock" >"$_conf"
    if ! grep -q '^    support.dbus = false$' "$_conf" || ! grep -q '^    default.clock.quantum = 64$' "$_conf" ||
        ! grep -q 'foh-null-sink' "$_conf" || grep -q 'module-portal' "$_conf"; then
        fail "could not edit $_stock into $_conf (its layout changed?)"
    fi

    spawn _pw pipewire pipewire -c "$_conf"
    JACK_RUN=(pw-jack -p 64 -s 48000)
    _deadline=$(deadline_after 10)
    until grep -Fxq foh-null-sink:playback_FL <<<"$(jack_ports || true)"; do
        alive "$_pw" || fail "pipewire exited during start-up (see pipewire.err)"
        past "$_deadline" && fail "PipeWire did not show foh-null-sink:playback_FL to JACK clients within 10 s"
        sleep 0.1
    done
    grep -q 'physical' <<<"$(jk jack_lsp -p foh-null-sink:playback_FL || true)" ||
        fail "foh-null-sink:playback_FL is not a physical port: jack_simple_client would not start"
    printf -v "$_var" '%s' "$_pw"
}

# pipewire_has_node NAME: PipeWire lists a node with node.name NAME.
# (The listing is read whole first: with pipefail, `pw-cli | grep -q` fails when grep quits early and pw-cli gets SIGPIPE.)
pipewire_has_node() {
    local nodes
    nodes=$(timeout -k 1 5 pw-cli ls Node 2>/dev/null) || return 1
    grep -Fq "node.name = \"$1\"" <<<"$nodes"
}

# ---- JACK ports and connections ---------------------------------------------------------------------------------------

# jack_ports: all port names, one a line.
jack_ports() { jk jack_lsp 2>/dev/null; }

# jack_connections: every connection as "A|B" (each connection appears in both directions).
jack_connections() {
    jk jack_lsp -c 2>/dev/null | awk '/^[ \t]/ { sub(/^[ \t]+/, ""); print port "|" $0; next } { port = $0 }'
}

# missing_ports PORT...: prints the ports that do not exist now (nothing when all do).
missing_ports() {
    local ports p
    ports=$(jack_ports || true)
    for p in "$@"; do grep -Fxq -- "$p" <<<"$ports" || printf '%s ' "$p"; done
}

# wait_for_ports TIMEOUT_S PORT...: every PORT exists before the deadline, or the test fails.
wait_for_ports() {
    local timeout=$1 deadline missing
    shift
    deadline=$(deadline_after "$timeout")
    while :; do
        missing=$(missing_ports "$@")
        [[ -z $missing ]] && return 0
        past "$deadline" && fail "JACK ports missing after ${timeout}s: $missing"
        sleep 0.05
    done
}

# all_connected A|B...: true when every pair is connected now.
all_connected() {
    local conns pair
    conns=$(jack_connections || true)
    for pair in "$@"; do grep -Fxq -- "$pair" <<<"$conns" || return 1; done
}

# wait_for_connections TIMEOUT_S A|B...: every pair is connected before the deadline, or the test fails.
wait_for_connections() {
    local timeout=$1 deadline
    shift
    deadline=$(deadline_after "$timeout")
    until all_connected "$@"; do
        past "$deadline" && fail "JACK connections missing after ${timeout}s: wanted $*; have: $(jack_connections | tr '\n' ' ')"
        sleep 0.05
    done
}

# record WAV SECONDS PORT...: record the ports with JACK's own jack_rec (24-bit WAV), fail on any error or overrun.
record() {
    local wav=$1 seconds=$2 rec_pid log
    shift 2
    log=jack_rec-$(basename "$wav" .wav)
    # Spawned directly (not under `timeout`): if it hangs, reap fails and the cleanup signals jack_rec itself.
    spawn rec_pid "$log" "${JACK_RUN[@]}" jack_rec -f "$wav" -d "$seconds" -b 24 "$@"
    reap "$rec_pid" $((seconds + 8))
    ((REAP_RC == 0)) || fail "jack_rec exited with $REAP_RC (see $log.err)"
    if grep -Eq 'overrun|cannot|failed' "$FOH_WORK/$log.err"; then fail "jack_rec: $(head -3 "$FOH_WORK/$log.err")"; fi
    [[ -s $wav ]] || fail "jack_rec wrote nothing to $wav"
}

# ---- levels ---------------------------------------------------------------------------------------------------------

# db LINEAR: 20 log10(LINEAR), "-inf" for silence.
db() { awk -v x="$1" 'BEGIN { if (x <= 0) print "-inf"; else printf "%.3f\n", 20 * log(x) / log(10) }'; }

# measure WAV CHANNEL SKIP_S: sets PEAK_DB and RMS_DB of one channel, leaving out the first SKIP_S seconds (the part
# recorded while ports were still being connected). Fails if less than half a second remains.
measure() {
    local wav=$1 ch=$2 skip=$3 stat peak rms len
    stat=$(sox "$wav" -n trim "$skip" remix "$ch" stat 2>&1) || fail "sox could not read $wav: $stat"
    len=$(awk -F: '/^Length \(seconds\)/ { gsub(/ /, "", $2); print $2 }' <<<"$stat")
    peak=$(awk -F: '/^Maximum amplitude/ { gsub(/ /, "", $2); print $2 }' <<<"$stat")
    rms=$(awk -F: '/^RMS +amplitude/ { gsub(/ /, "", $2); print $2 }' <<<"$stat")
    [[ -n $len && -n $peak && -n $rms ]] || fail "unexpected sox stat output for $wav channel $ch: $stat"
    awk -v l="$len" 'BEGIN { exit !(l >= 0.5) }' || fail "$wav has only ${len}s after skipping ${skip}s"
    PEAK_DB=$(db "$peak")
    RMS_DB=$(db "$rms")
}

# assert_db WHAT MEASURED EXPECTED TOLERANCE: |MEASURED - EXPECTED| <= TOLERANCE (all in dB), else fail.
assert_db() {
    local what=$1 got=$2 want=$3 tol=$4
    if [[ $got == -inf ]] || ! awk -v g="$got" -v w="$want" -v t="$tol" 'BEGIN { d = g - w; exit !(d <= t && -d <= t) }'; then
        fail "$what = $got dBFS, expected $want dBFS ± $tol dB"
    fi
    pass "$what = $got dBFS (expected $want ± $tol)"
}

# The source: jack_simple_client (jack2 example-clients/simple_client.c) plays a 200-entry table of
# 0.2 * sin(2 pi i / 200) on output1, one entry per frame: 240 Hz at 48 kHz, and entry 50 is exactly sin(pi/2).
# So peak = 0.2 = -13.979 dBFS and RMS = 0.2/sqrt(2) = -16.990 dBFS. The tests measure it as well (it is recorded
# next to fohd's outputs) so a changed example client shows up as such, not as an fohd fault.
SOURCE_PEAK_DB=$(awk 'BEGIN { printf "%.3f", 20 * log(0.2) / log(10) }')
SOURCE_RMS_DB=$(awk 'BEGIN { printf "%.3f", 20 * log(0.2 / sqrt(2)) / log(10) }')
# A centred channel into the main bus, constant-power pan law: cos(pi/4) on each side = -3.0103 dB.
PAN_CENTRE_DB=$(awk 'BEGIN { printf "%.4f", 20 * log(cos(atan2(1, 1))) / log(10) }')
LEVEL_TOL_DB=0.1

# check_main_levels WAV SKIP_S: channel 1 of WAV is jack_simple_client:output1, channels 2 and 3 are fohd:main_L/R;
# the source must be what simple_client.c makes and each main side the source plus the centre pan law.
# source_clean WAV SKIP: true when channel 1 (the independent source, jack_simple_client recorded directly) reads its
# known RMS. A source that reads low lost whole graph cycles: the audio server dropped them (PipeWire does so without
# reporting an xrun when the machine stalls), which says nothing about fohd.
source_clean() {
    measure "$1" 1 "$2"
    awk -v g="$RMS_DB" -v w="$SOURCE_RMS_DB" -v t="$LEVEL_TOL_DB" 'BEGIN { d = g - w; exit !(d <= t && -d <= t) }'
}

# record_clean WAV SECONDS SKIP PORTS...: records until the source is clean, at most 3 times; every retry is
# reported, and a third glitched recording fails the test (a server that keeps dropping cycles is a real problem).
record_clean() {
    local wav=$1 seconds=$2 skip=$3 attempt
    shift 3
    for attempt in 1 2 3; do
        record "$wav" "$seconds" "$@"
        if source_clean "$wav" "$skip"; then
            ((attempt == 1)) || note "recording $attempt was clean"
            return 0
        fi
        note "NOTE: recording $attempt: the source itself reads $RMS_DB dBFS RMS (expected $SOURCE_RMS_DB): the server dropped cycles; recording again"
    done
    fail "the audio server dropped cycles in 3 recordings in a row (source at $RMS_DB dBFS RMS, expected $SOURCE_RMS_DB)"
}

check_main_levels() {
    local wav=$1 skip=$2 src_peak src_rms side ch want_peak want_rms
    measure "$wav" 1 "$skip"
    src_peak=$PEAK_DB src_rms=$RMS_DB
    assert_db "source jack_simple_client:output1 peak" "$src_peak" "$SOURCE_PEAK_DB" "$LEVEL_TOL_DB"
    assert_db "source jack_simple_client:output1 RMS" "$src_rms" "$SOURCE_RMS_DB" "$LEVEL_TOL_DB"
    want_peak=$(awk -v s="$src_peak" -v p="$PAN_CENTRE_DB" 'BEGIN { printf "%.3f", s + p }')
    want_rms=$(awk -v s="$src_rms" -v p="$PAN_CENTRE_DB" 'BEGIN { printf "%.3f", s + p }')
    note "expected on main L and R: source + pan law $PAN_CENTRE_DB dB = $want_peak dBFS peak, $want_rms dBFS RMS"
    for side in L R; do
        [[ $side == L ]] && ch=2 || ch=3
        measure "$wav" "$ch" "$skip"
        assert_db "fohd:main_$side peak" "$PEAK_DB" "$want_peak" "$LEVEL_TOL_DB"
        assert_db "fohd:main_$side RMS" "$RMS_DB" "$want_rms" "$LEVEL_TOL_DB"
    done
}

# ---- fohd -----------------------------------------------------------------------------------------------------------

# fohd_xruns LOGNAME: the xrun count on fohd's latest status line (stdout), or empty if there is none yet.
fohd_xruns() {
    { grep -o 'xruns [0-9]*' "$FOH_WORK/$1.out" 2>/dev/null || true; } | tail -n 1 | awk '{ print $2 }'
}

# wait_for_fohd_audio LOGNAME TIMEOUT_S: fohd's newest status line shows a level on main L (not -inf), i.e. its
# process callback runs and passes the source through. A status line is printed every 0.5 s.
wait_for_fohd_audio() {
    local log=$1 timeout=$2 deadline level
    deadline=$(deadline_after "$timeout")
    sleep 0.6 # a status line from after the caller's last change
    while :; do
        level=$(tail -n 1 "$FOH_WORK/$log.out" 2>/dev/null | sed -n 's/.*| main L *\([^ ]*\) pk.*/\1/p')
        [[ -n $level && $level != -inf ]] && return 0
        past "$deadline" && fail "fohd's main L meter still shows '${level:-no status line}' after ${timeout}s:" \
            "its process callback is not running or passes no signal (last status: $(tail -n 1 "$FOH_WORK/$log.out"))"
        sleep 0.1
    done
}

# assert_fohd_keeps_up LOGNAME SECONDS MAX_XRUNS: over SECONDS, fohd's xrun count (status line) grows by at most
# MAX_XRUNS. A client whose process callback is not being run counts an xrun nearly every cycle (~750 per second).
assert_fohd_keeps_up() {
    local log=$1 seconds=$2 max=$3 before after
    before=$(fohd_xruns "$log")
    sleep "$seconds"
    sleep 0.6 # a status line printed after the interval
    after=$(fohd_xruns "$log")
    [[ -n $before && -n $after ]] || fail "no 'xruns N' on fohd's status line"
    (( after - before <= max )) ||
        fail "fohd counted $((after - before)) xruns in about ${seconds}s (at most $max expected): its process" \
            "callback is not keeping up / not being run (last status: $(tail -n 1 "$FOH_WORK/$log.out"))"
    # shellcheck disable=SC2034  # read by the calling test
    XRUNS_DELTA=$((after - before))
}

# wait_for_log FILE PATTERN TIMEOUT_S [COUNT]: FILE (in $FOH_WORK) has at least COUNT lines matching the fixed string.
wait_for_log() {
    local file=$1 pattern=$2 timeout=$3 count=${4:-1} deadline n
    deadline=$(deadline_after "$timeout")
    while :; do
        n=$(grep -cF -- "$pattern" "$FOH_WORK/$file" 2>/dev/null || true)
        ((${n:-0} >= count)) && return 0
        past "$deadline" && fail "'$pattern' did not appear ${count}x in $file within ${timeout}s (found ${n:-0})"
        sleep 0.05
    done
}

# fohd_threads PID: fohd's threads, one a line: tid, name, scheduling policy and priority, where it sleeps.
fohd_threads() {
    local t
    for t in /proc/"$1"/task/*; do
        [[ -r $t/stat ]] || continue
        printf '    tid %s %s policy=%s rtprio=%s wchan=%s\n' "$(basename "$t")" "$(cat "$t/comm")" \
            "$(awk '{ print $41 }' "$t/stat")" "$(awk '{ print $40 }' "$t/stat")" "$(cat "$t/wchan" 2>/dev/null)"
    done
}

# stop_fohd PID LOGNAME: SIGTERM; fohd must exit 0 within 3 s and log "stopped cleanly".
stop_fohd() {
    local pid=$1 log=$2
    alive "$pid" || fail "fohd died before the end of the test (see $log.err)"
    kill -TERM "$pid"
    reap "$pid" 3
    ((REAP_RC == 0)) || fail "fohd exited with status $REAP_RC after SIGTERM, expected 0"
    grep -q 'stopped cleanly' "$FOH_WORK/$log.err" || fail "fohd did not log 'stopped cleanly' after SIGTERM"
    pass "fohd exited 0 after SIGTERM and logged 'stopped cleanly'"
}
