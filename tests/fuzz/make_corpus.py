#!/usr/bin/env python3
"""Writes the hand-made OSC packets of tests/fuzz/corpus/: the fuzzer's seeds and the malformed-corpus unit test's
inputs (tests/unit/osc/MalformedCorpusTest.cpp states what each one must do). One UDP datagram per file, named for
what it is:
  bad-*  decodePacket refuses it (counted as malformed, no message, no answer)
  err-*  it decodes, and is answered with /error; nothing changes
  ok-*   a valid message (a set, a query, /norm, /login, /subscribe, a bundle): the fuzzer starts from these

Usage: make_corpus.py [DIR]      writes the files (default: the corpus folder next to this script)
       make_corpus.py --check    exits 1 when the committed files differ from what this script generates
The console the test and the fuzzer run: 8 channels, 4 buses, 2 FX; admin PIN 2468, PIN 1003 = monitor 3."""
import math
import os
import struct
import sys


def s(text):
    """An OSC string: the bytes, a NUL, zero padding to a multiple of 4."""
    b = (text.encode() if isinstance(text, str) else text) + b"\0"
    return b + b"\0" * (-len(b) % 4)


def f32(x):
    return struct.pack(">f", x)


def i32(x):
    return struct.pack(">i", x)


def u32(x):
    return struct.pack(">I", x)


def f64(x):
    return struct.pack(">d", x)


def i64(x):
    return struct.pack(">q", x)


def msg(address, types="", *args):
    return s(address) + s("," + types) + b"".join(args)


def bundle(*elements):
    out = b"#bundle\0" + u32(0) + u32(1)  # time tag "immediately"
    for e in elements:
        out += u32(len(e)) + e
    return out


FADER = msg("/ch/1/fader", "f", f32(-6.0))
HEADER = b"#bundle\0" + u32(0) + u32(1)


def nested(levels, inner):
    for _ in range(levels):
        inner = bundle(inner)
    return inner


def fill_address(total):
    """One message of exactly `total` bytes: a long unknown address, then ,f and a float."""
    tail = s(",f") + f32(0.0)
    name_len = total - len(tail) - 4  # the address string: name + NUL + padding fill the rest
    address = "/" + "x" * (name_len - 1)
    out = s(address) + tail
    assert len(out) == total, len(out)
    return out


def fader_sets_bundle(total):
    """A bundle of exactly `total` bytes of fader sets over channels 1..8 (24 bytes per element)."""
    elements = []
    size = 16
    k = 0
    while size + 24 <= total:
        elements.append(msg(f"/ch/{k % 8 + 1}/fader", "f", f32(-float(k % 60))))
        size += 24
        k += 1
    out = bundle(*elements)
    assert len(out) == total, len(out)
    return out


CORPUS = {
    # ---- decodePacket refuses these ----------------------------------------------------------------------------
    "bad-empty.osc": b"",
    "bad-size-not-multiple-of-4.osc": s("/ch/1/fader") + b",f\0",
    "bad-no-leading-slash.osc": msg("ch/1/fader", "f", f32(-6.0)),
    "bad-nul-address.osc": b"\0\0\0\0" + s(",f") + f32(-6.0),
    "bad-truncated-address.osc": b"/ch/1/fa",
    "bad-address-only-no-type-tags.osc": s("/ch/1/fader"),
    "bad-type-tags-without-comma.osc": s("/ch/1/fader") + s("f") + f32(-6.0),
    "bad-type-tags-longer-than-data.osc": s("/ch/1/fader") + s(",fff") + f32(-6.0),
    "bad-float-tag-without-data.osc": s("/ch/1/fader") + s(",f"),
    "bad-unknown-type-tag.osc": s("/ch/1/fader") + s(",x") + f32(-6.0),
    "bad-unterminated-type-tags.osc": s("/ch/1/fader") + b",fff",
    "bad-unpadded-address.osc": b"/ch/1/pan\0" + b",i\0\0" + b"\0\0" + i32(5),
    "bad-unterminated-string-arg.osc": s("/ch/1/eq/2/type") + s(",s") + b"peak",
    "bad-int64-truncated.osc": s("/ch/1/fader") + s(",h") + i32(0),
    "bad-blob-size-huge.osc": s("/ch/1/fader") + s(",b") + u32(0x7FFFFFF0) + b"abcd",
    "bad-blob-size-negative.osc": s("/ch/1/fader") + s(",b") + u32(0xFFFFFFFF) + b"abcd",
    "bad-blob-size-past-end.osc": s("/ch/1/fader") + s(",b") + u32(8) + b"abcd",
    "bad-bundle-too-short.osc": b"#bundle\0" + u32(0),
    "bad-bundle-misspelt.osc": b"#bundlX\0" + u32(0) + u32(1) + u32(len(FADER)) + FADER,
    "bad-bundle-element-past-end.osc": HEADER + u32(64) + FADER,
    "bad-bundle-element-size-zero.osc": HEADER + u32(0),
    "bad-bundle-element-size-unaligned.osc": HEADER + u32(5) + FADER,
    "bad-bundle-element-size-negative.osc": HEADER + u32(0xFFFFFFFF) + FADER,
    "bad-bundle-element-garbage.osc": bundle(b"garbage!"),
    "bad-bundle-nested-too-deep.osc": nested(5, FADER),
    "bad-random-bytes.osc": bytes(range(256)) * 4,
    # ---- they decode, and are answered with /error --------------------------------------------------------------
    "err-unknown-address.osc": msg("/ch/99/fader", "f", f32(0.0)),
    "err-unknown-address-query.osc": msg("/nope"),
    "err-norm-of-norm.osc": msg("/ch/1/fader/norm/norm", "f", f32(0.5)),
    "err-address-64k.osc": fill_address(65536),
    "err-fader-nan.osc": msg("/ch/1/fader", "f", f32(math.nan)),
    "err-fader-plus-inf.osc": msg("/ch/1/fader", "f", f32(math.inf)),
    "err-fader-double-nan.osc": msg("/ch/1/fader", "d", f64(math.nan)),
    "err-fader-double-huge.osc": msg("/ch/1/fader", "d", f64(1e300)),
    "err-fader-out-of-range.osc": msg("/ch/1/fader", "f", f32(11.0)),
    "err-fader-string.osc": msg("/ch/1/fader", "s", s("loud")),
    "err-fader-two-values.osc": msg("/ch/1/fader", "ff", f32(-6.0), f32(-3.0)),
    "err-fader-blob.osc": msg("/ch/1/fader", "b", u32(4), b"abcd"),
    "err-fader-nil.osc": msg("/ch/1/fader", "N"),
    "err-norm-above-one.osc": msg("/ch/1/fader/norm", "f", f32(1.5)),
    "err-norm-nan.osc": msg("/ch/1/fader/norm", "f", f32(math.nan)),
    "err-enum-int-out-of-range.osc": msg("/ch/1/eq/2/type", "i", i32(3)),
    "err-enum-negative.osc": msg("/ch/1/eq/2/type", "i", i32(-1)),
    "err-enum-fraction.osc": msg("/ch/1/eq/2/type", "f", f32(1.5)),
    "err-enum-int64-huge.osc": msg("/ch/1/eq/2/type", "h", i64(1 << 40)),
    "err-enum-unknown-name.osc": msg("/ch/1/eq/2/type", "s", s("sideways")),
    "err-toggle-unknown-word.osc": msg("/ch/1/mute", "s", s("maybe")),
    "err-key-source-missing-channel.osc": msg("/ch/1/gate/key/src", "i", i32(9)),
    "err-login-empty-pin.osc": msg("/login", "s", s("")),
    "err-login-huge-pin.osc": msg("/login", "s", s("9" * 60000)),
    "err-login-no-pin.osc": msg("/login"),
    "err-login-negative.osc": msg("/login", "i", i32(-5)),
    "err-login-fraction.osc": msg("/login", "f", f32(12.5)),
    # regression: an int64 PIN of 2^63 - 1 became the double 2^63, converted to long long (undefined; UBSan)
    "err-login-int64-max.osc": msg("/login", "h", i64(2**63 - 1)),
    "err-subscribe-port-0.osc": msg("/subscribe", "i", i32(0)),
    "err-subscribe-port-65536.osc": msg("/subscribe", "i", i32(65536)),
    "err-subscribe-port-minus-1.osc": msg("/subscribe", "i", i32(-1)),
    "err-subscribe-port-string.osc": msg("/subscribe", "s", s("9000")),
    "err-subscribe-port-fraction.osc": msg("/subscribe", "f", f32(9000.5)),
    "err-role-with-argument.osc": msg("/role", "i", i32(1)),
    # ---- valid: the fuzzer's good seeds -----------------------------------------------------------------------
    "ok-fader-set-float.osc": FADER,
    "ok-fader-set-int.osc": msg("/ch/2/fader", "i", i32(-12)),
    "ok-fader-zero-padded-index.osc": msg("/ch/03/fader", "f", f32(-20.0)),
    "ok-bus-fader-minus-inf.osc": msg("/bus/1/fader", "f", f32(-math.inf)),
    "ok-mute-true.osc": msg("/ch/1/mute", "T"),
    "ok-pan-double.osc": msg("/ch/3/pan", "d", f64(-30.0)),
    "ok-enum-by-name.osc": msg("/ch/1/send/1/tap", "s", s("postfader")),
    "ok-monitor-send-level.osc": msg("/ch/1/send/2/level", "f", f32(-10.0)),
    "ok-query-fader.osc": msg("/ch/1/fader"),
    "ok-norm-set.osc": msg("/ch/4/fader/norm", "f", f32(0.75)),
    "ok-norm-query.osc": msg("/ch/4/fader/norm"),
    "ok-bundle.osc": bundle(msg("/ch/5/fader", "f", f32(-3.0)), msg("/ch/5/mute", "T"), msg("/ch/6/pan", "i", i32(20))),
    "ok-bundle-nested-at-limit.osc": nested(4, msg("/ch/7/fader", "f", f32(-1.0))),
    "ok-bundle-empty.osc": HEADER,
    "ok-bundle-64k-of-fader-sets.osc": fader_sets_bundle(65536),
    "ok-subscribe.osc": msg("/subscribe"),
    "ok-subscribe-port.osc": msg("/subscribe", "i", i32(9100)),
    "ok-login-admin-pin.osc": msg("/login", "s", s("2468")),
    "ok-login-int-pin.osc": msg("/login", "i", i32(1003)),
    "ok-login-int64-pin.osc": msg("/login", "h", i64(1003)),
    "ok-role.osc": msg("/role"),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    check = len(sys.argv) > 1 and sys.argv[1] == "--check"
    folder = os.path.join(here, "corpus") if check or len(sys.argv) < 2 else sys.argv[1]
    if check:
        committed = set(os.listdir(folder))
        problems = [f"{n}: not generated by make_corpus.py" for n in sorted(committed - CORPUS.keys())]
        for name, data in sorted(CORPUS.items()):
            path = os.path.join(folder, name)
            if not os.path.exists(path):
                problems.append(f"{name}: missing")
            elif open(path, "rb").read() != data:
                problems.append(f"{name}: differs from what make_corpus.py generates")
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("regenerate with: python3 tests/fuzz/make_corpus.py", file=sys.stderr)
        return 1 if problems else 0
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name not in CORPUS:
            os.remove(os.path.join(folder, name))
    for name, data in CORPUS.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print(f"{len(CORPUS)} files in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
