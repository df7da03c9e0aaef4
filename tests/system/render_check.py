#!/usr/bin/env python3
"""Compares a render with the take's recorded main output, sample for sample, independently of libsndfile.

    render_check.py MIX.wav TAKE_FOLDER

MIX.wav is `foh render`'s stereo output; TAKE_FOLDER holds "main L.wav" and "main R.wav" (mono, what fohd's main
output gave live). Walks the RIFF/RF64 chunks itself, decodes IEEE float samples (format tag 3, or
WAVE_FORMAT_EXTENSIBLE with the float subformat), and compares the 32-bit patterns. Prints the frame count and, on a
difference, where it starts, how many samples differ and the largest difference in dB re the programme's peak;
exits 1 then.
"""
import array
import math
import struct
import sys


def read_float_wav(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 12 or data[8:12] != b'WAVE' or data[0:4] not in (b'RIFF', b'RF64'):
        raise SystemExit('%s: not a RIFF/RF64 WAVE file' % path)
    rf64 = data[0:4] == b'RF64'
    pos, fmt, ds64_data = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack('<I', data[pos + 4:pos + 8])[0]
        if cid == b'fmt ':
            tag, channels, rate, _, align, bits = struct.unpack('<HHIIHH', data[pos + 8:pos + 24])
            if tag == 0xFFFE:  # extensible: the subformat GUID's first two bytes are the tag
                tag = struct.unpack('<H', data[pos + 32:pos + 34])[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b'ds64':
            ds64_data = struct.unpack('<Q', data[pos + 16:pos + 24])[0]
        elif cid == b'data':
            if fmt is None or fmt[0] != 3 or fmt[3] != 32:
                raise SystemExit('%s: not 32-bit float (fmt %s)' % (path, fmt))
            length = ds64_data if rf64 and size == 0xFFFFFFFF else size
            samples = array.array('f')
            samples.frombytes(data[pos + 8:pos + 8 + min(length, len(data) - pos - 8) // 4 * 4])
            return fmt[1], fmt[2], samples
        pos += 8 + size + (size & 1)
    raise SystemExit('%s: no data chunk' % path)


def main():
    mix, take = sys.argv[1], sys.argv[2]
    ch, rate, inter = read_float_wav(mix)
    if ch != 2:
        raise SystemExit('%s: %d channels, expected 2' % (mix, ch))
    _, rate_l, left = read_float_wav(take + '/main L.wav')
    _, rate_r, right = read_float_wav(take + '/main R.wav')
    if not (rate == rate_l == rate_r):
        raise SystemExit('rates differ: %d %d %d' % (rate, rate_l, rate_r))
    frames = len(inter) // 2
    if frames != len(left) or frames != len(right):
        raise SystemExit('lengths differ: render %d frames, main L %d, main R %d' % (frames, len(left), len(right)))
    # The bit patterns, not the values: -0.0 vs 0.0 or a NaN would count.
    bits = lambda a: array.array('I', a.tobytes())
    ib, lb, rb = bits(inter), bits(left), bits(right)
    diffs, first, worst, peak = 0, None, 0.0, 0.0
    for i in range(frames):
        peak = max(peak, abs(left[i]), abs(right[i]))
        for side, ref, refb in ((0, left, lb), (1, right, rb)):
            if ib[2 * i + side] != refb[i]:
                diffs += 1
                first = i if first is None else first
                worst = max(worst, abs(inter[2 * i + side] - ref[i]))
    print('frames %d at %d Hz, peak %.4f' % (frames, rate, peak))
    if diffs:
        print('DIFFERENT: %d samples differ, the first at frame %d (%.3f s), largest difference %.1f dB re peak'
              % (diffs, first, first / rate, 20 * math.log10(worst / peak) if peak > 0 else 0.0))
        sys.exit(1)
    print('identical: every sample of main L and R, bit for bit')


main()
