#!/usr/bin/env python3
"""Checks a take folder written by foh_record_writer, independently of libsndfile.

    record_check.py TAKE_FOLDER MIN_FRAMES

For every track in take.json: walks the RIFF/RF64 chunks itself, takes the data length the header states (the ds64
data size for RF64, the data chunk size for RIFF), capped at what the file holds, as a reader does; decodes the 24-bit
or float samples and compares every one, bit for bit, with the writer's deterministic signal. Every track must have
the same length, at least MIN_FRAMES. Prints "frames N" (the common length); exits 1 with the reason otherwise.
"""
import array
import json
import os
import struct
import sys


def signal_k(t, n):
    x = ((n + 1) * (2 * t + 1) * 2654435761 + t * 977) & 0xFFFFFFFFFFFFFFFF
    return ((x ^ (x >> 17)) & 0xFFFFFF) - (1 << 23)


def read_track(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 12 or data[8:12] != b'WAVE' or data[0:4] not in (b'RIFF', b'RF64'):
        raise ValueError('%s: not a RIFF/RF64 WAVE file' % path)
    rf64 = data[0:4] == b'RF64'
    pos, fmt, ds64_data = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack('<I', data[pos + 4:pos + 8])[0]
        if cid == b'fmt ':
            tag, ch, rate, _, align, bits = struct.unpack('<HHIIHH', data[pos + 8:pos + 24])
            fmt = (tag, ch, rate, align, bits)
        elif cid == b'ds64':
            ds64_data = struct.unpack('<Q', data[pos + 16:pos + 24])[0]
        elif cid == b'data':
            off = pos + 8
            length = ds64_data if rf64 else size
            if length is None:
                raise ValueError('%s: RF64 without ds64' % path)
            length = min(length, len(data) - off)
            if fmt is None:
                raise ValueError('%s: data before fmt' % path)
            return fmt, data[off:off + length - length % fmt[3]]
        pos += 8 + size + (size & 1)
    raise ValueError('%s: no data chunk' % path)


def main():
    folder, min_frames = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(folder, 'take.json')) as f:
        take = json.load(f)
    lengths = []
    for t, track in enumerate(take['tracks']):
        path = os.path.join(folder, track['file'])
        (tag, ch, rate, align, bits), raw = read_track(path)
        if ch != 1:
            raise SystemExit('%s: %d channels, expected 1' % (track['file'], ch))
        if bits == 24:
            n = len(raw) // 3
            b4 = bytearray(4 * n)
            b4[1::4], b4[2::4], b4[3::4] = raw[0::3], raw[1::3], raw[2::3]
            got = array.array('i', bytes(b4))  # sample << 8
            want = [signal_k(t, i) << 8 for i in range(n)]
        elif bits == 32:
            n = len(raw) // 4
            got = array.array('f', raw)
            want = array.array('f', [signal_k(t, i) / 8388608.0 for i in range(n)])
        else:
            raise SystemExit('%s: %d bits per sample' % (track['file'], bits))
        if list(got) != list(want):
            first = next(i for i in range(n) if got[i] != want[i])
            raise SystemExit('%s: sample %d differs from the signal (%r, expected %r)' % (track['file'], first, got[first], want[first]))
        lengths.append(n)
    if not lengths:
        raise SystemExit('no tracks in take.json')
    if len(set(lengths)) != 1:
        raise SystemExit('tracks differ in length: %s' % lengths)
    if lengths[0] < min_frames:
        raise SystemExit('%d frames, expected at least %d' % (lengths[0], min_frames))
    print('frames %d' % lengths[0])


if __name__ == '__main__':
    main()
