#!/usr/bin/env python3
"""Compares two takes of fohd (float WAV files), independently of libsndfile and of fohd's own code.

    vsc_compare.py LIVE_TAKE PLAYBACK_TAKE

The live take was recorded while a band (a JACK player) played; the playback take while the live take played back
through the console (virtual soundcheck). Each take has leading silence of a different length. Main L/R: the offset
is where the first non-zero sample of main L or R lies in each; over the overlapping length every sample must be
identical (bit for bit; the largest difference is printed). Every channel track must match at that same offset (a
channel silent in one take must be silent in the other). Walks the RIFF chunks itself; prints one line per check
and exits 1 when any differs.
"""
import array
import json
import os
import struct
import sys


def read_float_wav(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[8:12] != b'WAVE' or data[0:4] not in (b'RIFF', b'RF64'):
        raise ValueError('%s: not a RIFF/RF64 WAVE file' % path)
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack('<I', data[pos + 4:pos + 8])[0]
        if cid == b'fmt ':
            fmt = struct.unpack('<HHIIHH', data[pos + 8:pos + 24])
        elif cid == b'data':
            tag, ch, _, _, _, bits = fmt
            if not ((tag == 3 or tag == 0xFFFE) and ch == 1 and bits == 32):
                raise ValueError('%s: not mono 32-bit float (%r)' % (path, fmt))
            a = array.array('f')
            n = min(size, len(data) - pos - 8) // 4
            a.frombytes(data[pos + 8:pos + 8 + 4 * n])
            if sys.byteorder != 'little':
                a.byteswap()
            return a
        pos += 8 + size + (size & 1)
    raise ValueError('%s: no data chunk' % path)


def first_nonzero(*tracks):
    best = None
    for t in tracks:
        for i, x in enumerate(t):
            if x != 0.0:
                best = i if best is None else min(best, i)
                break
    return best


def main():
    live, play = sys.argv[1], sys.argv[2]
    ml = json.load(open(os.path.join(live, 'take.json')))
    mp = json.load(open(os.path.join(play, 'take.json')))
    tracks = lambda m: {t['source']: t['file'] for t in m['tracks']}
    tl, tp = tracks(ml), tracks(mp)
    L = {k: read_float_wav(os.path.join(live, v)) for k, v in tl.items()}
    P = {k: read_float_wav(os.path.join(play, v)) for k, v in tp.items()}
    fl = first_nonzero(L['/main/l'], L['/main/r'])
    fp = first_nonzero(P['/main/l'], P['/main/r'])
    if fl is None or fp is None:
        print('FAIL main: silent (first non-zero live %s, playback %s)' % (fl, fp))
        return 1
    offset = fp - fl
    print('offset %d frames (%.3f s): main starts at live frame %d, playback frame %d' % (offset, offset / 48000.0, fl, fp))
    ok = True
    for src in sorted(tl):
        if src not in P:
            print('FAIL %s: not in the playback take' % src)
            ok = False
            continue
        a, b = L[src], P[src]
        start = max(0, -offset)  # live index range where both exist
        n = min(len(a) - start, len(b) - (start + offset))
        diff, worst, first = 0, 0.0, None
        for i in range(start, start + n):
            d = abs(a[i] - b[i + offset])
            if d != 0.0:
                diff += 1
                worst = max(worst, d)
                if first is None:
                    first = i
        nonzero = sum(1 for i in range(start, start + n) if a[i] != 0.0)
        if src.startswith('/main/') and nonzero < 48000:
            print('FAIL %s: only %d non-zero samples in the overlap' % (src, nonzero))
            ok = False
        status = 'identical' if diff == 0 else 'DIFFERS'
        print('%s %s over %d samples (%d non-zero): %d differ, largest difference %.3g%s' % (
            src, status, n, nonzero, diff, worst, '' if first is None else ', first at live frame %d' % first))
        ok = ok and diff == 0
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
