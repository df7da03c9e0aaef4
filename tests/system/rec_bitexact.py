#!/usr/bin/env python3
"""The source multitrack of rec_bitexact.sh and the check of fohd's take against it, independently of libsndfile.

    rec_bitexact.py gen SOURCE.wav pcm24|float SECONDS CHANNELS
    rec_bitexact.py compare SOURCE.wav TAKE_FOLDER

gen writes an interleaved WAV (48 kHz; 24-bit PCM, or 32-bit IEEE float) with a different signal on every channel,
each non-zero at its first frame (so where it starts in a recording is where the recording's first non-zero sample
is): full-range noise, quantized sines at -1 and -60 dBFS, full-scale impulses among exact zeros, a full-scale
square (+max / -max), a ramp through the 24-bit codes, LSB-level noise, -20 dB noise. The float source holds values
no 24-bit file can: full-precision noise, overs up to +-2.0, tiny normals, denormals.

compare parses the source and every channel track in the take's take.json (RIFF/RF64 chunks walked here, by
record_check.py's reader), requires the take's samples to be the source's format, finds each channel's offset (its
first non-zero sample), requires ONE offset for all channels (sample-aligned), and then every sample of the source
equal, bit for bit, to the take's over the whole source length (no gap, no drop, no change), and no overrun or gap
in take.json. Prints the offset and the counts; exits 1 with the first difference otherwise.
"""
import array
import json
import math
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_check import read_track  # noqa: E402  (the project's own RIFF/RF64 walker, not libsndfile)

RATE = 48000
FULL = 1 << 23


class Lcg:
    def __init__(self, seed):
        self.x = seed & 0xFFFFFFFF

    def next(self):
        self.x = (self.x * 1664525 + 1013904223) & 0xFFFFFFFF
        return self.x


def pcm24_channel(c, n):
    """24-bit codes -2^23 .. 2^23 - 1 for channel c (0-based)."""
    r = Lcg(1000 + c)
    if c == 0:    # full-range noise
        k = [(r.next() >> 8) - FULL for _ in range(n)]
    elif c == 1:  # 997 Hz at -1 dBFS (cosine: non-zero at frame 0)
        a = (FULL - 1) * 10 ** (-1 / 20)
        k = [int(round(a * math.cos(2 * math.pi * 997 * i / RATE))) for i in range(n)]
    elif c == 2:  # 40 Hz at -60 dBFS
        a = FULL * 1e-3
        k = [int(round(a * math.cos(2 * math.pi * 40 * i / RATE + 0.3))) for i in range(n)]
    elif c == 3:  # full-scale impulses, alternating sign, among exact zeros
        k = [0] * n
        for j, i in enumerate(range(0, n, 4801)):
            k[i] = FULL - 1 if j % 2 == 0 else -FULL
    elif c == 4:  # full-scale square, 24 samples a half period
        k = [FULL - 1 if (i // 24) % 2 == 0 else -FULL for i in range(n)]
    elif c == 5:  # a ramp through the codes
        k = [((i * 7919 + 12345) % (2 * FULL)) - FULL for i in range(n)]
    elif c == 6:  # LSB-level noise, -3 .. 3 (frame 0 forced non-zero)
        k = [(r.next() >> 16) % 7 - 3 for _ in range(n)]
        k[0] = 1
    else:         # -20 dB noise
        k = [((r.next() >> 8) - FULL) // 10 for _ in range(n)]
    if k[0] == 0:
        k[0] = -1
    return k


def float_channel(c, n):
    """32-bit floats for channel c: what only a float take can keep exactly."""
    r = Lcg(2000 + c)
    if c == 0:    # full-precision noise in [-1, 1)
        v = [(r.next() / 2147483648.0) - 1.0 for _ in range(n)]
    elif c == 1:  # overs: a 997 Hz sine at amplitude 2.0
        v = [2.0 * math.cos(2 * math.pi * 997 * i / RATE) for i in range(n)]
    elif c == 2:  # tiny normals (about -600 dB)
        v = [((r.next() / 2147483648.0) - 1.0) * 1e-30 for _ in range(n)]
    elif c == 3:  # denormals among exact zeros, and 1.0 impulses
        v = [0.0] * n
        for i in range(0, n, 997):
            v[i] = 1e-40 if (i // 997) % 3 == 0 else (-3e-39 if (i // 997) % 3 == 1 else 1.0)
    elif c == 4:  # exactly +-1.0
        v = [1.0 if (i // 24) % 2 == 0 else -1.0 for i in range(n)]
    else:         # the 24-bit signals, as floats
        v = [k / FULL for k in pcm24_channel(c, n)]
    if v[0] == 0.0:
        v[0] = 0.5
    return array.array('f', v)  # rounds to float32 here, once


def interleave(chans, width):
    """Interleaves per-channel little-endian sample bytes."""
    n = len(chans[0]) // width
    frame = width * len(chans)
    out = bytearray(n * frame)
    for c, data in enumerate(chans):
        for b in range(width):
            out[c * width + b::frame] = data[b::width]
    return bytes(out)


def pcm24_bytes(codes):
    b4 = array.array('i', codes).tobytes()  # little-endian int32 on x86
    out = bytearray(3 * len(codes))
    out[0::3], out[1::3], out[2::3] = b4[0::4], b4[1::4], b4[2::4]
    return bytes(out)


def write_wav(path, fmt, channels, data):
    tag, bits = (1, 24) if fmt == 'pcm24' else (3, 32)
    align = channels * bits // 8
    fmt_chunk = struct.pack('<HHIIHH', tag, channels, RATE, RATE * align, align, bits)
    body = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt_chunk)) + fmt_chunk
    if tag == 3:
        body += b'fact' + struct.pack('<II', 4, len(data) // align)
    body += b'data' + struct.pack('<I', len(data)) + data + (b'\0' if len(data) % 2 else b'')
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', len(body)) + body)


def gen(path, fmt, seconds, channels):
    n = int(seconds * RATE)
    if fmt == 'pcm24':
        chans = [pcm24_bytes(pcm24_channel(c, n)) for c in range(channels)]
        write_wav(path, fmt, channels, interleave(chans, 3))
    else:
        chans = [float_channel(c, n).tobytes() for c in range(channels)]
        write_wav(path, fmt, channels, interleave(chans, 4))
    print('source: %s, %d channels, %d frames (%.1f s), %s' % (path, channels, n, n / RATE, fmt))


def first_nonzero(data, width):
    """Index of the first sample with a non-zero byte pattern (-0.0 counts as non-zero), or None."""
    stripped = data.lstrip(b'\0')
    return None if not stripped else (len(data) - len(stripped)) // width


def compare(source, folder):
    (tag, channels, rate, align, bits), raw = read_track(source)
    width = bits // 8
    n = len(raw) // align
    with open(os.path.join(folder, 'take.json')) as f:
        take = json.load(f)
    if take.get('gaps'):
        raise SystemExit('take.json lists gaps (dropped audio written as silence): %s' % take['gaps'])
    want_fmt = 'pcm24' if bits == 24 else 'float'
    if take['sample_format'] != want_fmt:
        raise SystemExit('the take is %s, the source %s' % (take['sample_format'], want_fmt))
    tracks = {int(t['source'][4:]): t for t in take['tracks'] if t.get('source', '').startswith('/ch/')}
    if sorted(tracks) != list(range(1, channels + 1)):
        raise SystemExit('the take has channel tracks %s, the source %d channels' % (sorted(tracks), channels))
    offsets, recs = {}, {}
    for ch in range(1, channels + 1):
        t = tracks[ch]
        if t.get('tap') != 'posttrim':
            raise SystemExit('channel %d was taken at %s, not post-trim' % (ch, t.get('tap')))
        if t.get('overrun_samples', 0) != 0:
            raise SystemExit('channel %d: %d samples overrun' % (ch, t['overrun_samples']))
        (ttag, tch, trate, talign, tbits), data = read_track(os.path.join(folder, t['file']))
        if (tch, trate, tbits) != (1, rate, bits):
            raise SystemExit('%s: %d ch, %d Hz, %d bits; the source %d Hz, %d bits' % (t['file'], tch, trate, tbits, rate, bits))
        off = first_nonzero(data, width)
        if off is None:
            raise SystemExit('%s: silent (the source never reached channel %d)' % (t['file'], ch))
        offsets[ch], recs[ch] = off, data
    if len(set(offsets.values())) != 1:
        raise SystemExit('channels start at different offsets (not sample-aligned): %s' % offsets)
    off = offsets[1]
    for ch in range(1, channels + 1):
        src = bytearray(n * width)
        for b in range(width):
            src[b::width] = raw[(ch - 1) * width + b::align]
        data = recs[ch]
        got = data[off * width:(off + n) * width]
        if len(got) < len(src):
            raise SystemExit('channel %d: the take holds %d frames from the start at %d, the source %d'
                             % (ch, len(got) // width, off, n))
        if got != bytes(src):
            bad = [i for i in range(n) if got[i * width:(i + 1) * width] != src[i * width:(i + 1) * width]]
            def val(b):
                return (int.from_bytes(b, 'little', signed=True) if width == 3 else struct.unpack('<f', b)[0])
            i = bad[0]
            raise SystemExit('channel %d: %d of %d samples differ; the first at source frame %d: take %r, source %r'
                             % (ch, len(bad), n, i, val(got[i * width:(i + 1) * width]), val(bytes(src[i * width:(i + 1) * width]))))
    total = len(recs[1]) // width
    print('bit-exact: %d channels x %d frames (%s) equal the source sample for sample, all at take frame %d '
          '(%.3f s into a %.3f s take)' % (channels, n, want_fmt, off, off / rate, total / rate))


if __name__ == '__main__':
    if len(sys.argv) == 6 and sys.argv[1] == 'gen':
        gen(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) == 4 and sys.argv[1] == 'compare':
        compare(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
