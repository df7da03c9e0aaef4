#!/usr/bin/env python3
"""The independent checker of the show files foh_show_writer saves (tests/tools/show_writer.cpp), for
show_powercut.sh and show_fulldisk.sh. It shares no code with the writer: JSON by Python's json module, the checksum
by zlib.crc32.

    show_check.py FILE LOW HIGH
    show_check.py --serve IN_FIFO OUT_FIFO   (the same for each "FILE LOW HIGH" line read from IN_FIFO, answering
                                              "ok VERSION PREV_VERSION" or "error WHAT" on OUT_FIFO: one Python
                                              start for a whole test instead of one per check)

FILE must be one complete version: one line of JSON with exactly the keys version, length, payload, checksum; the
payload `length` characters long, starting with "v<version>:", its CRC-32 equal to checksum; and LOW <= version <= HIGH.
FILE.prev, when it exists, must be a complete version too, the one before FILE's or (after a kill between the two
renames of a save) the same one. Prints "VERSION PREV_VERSION" ("-" when there is no FILE.prev) and exits 0, or
prints what is wrong and exits 1.
"""
import json
import os
import sys
import zlib


def version_of(path):
    """The version in PATH, or raises ValueError saying what is wrong with it."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.endswith(b"}\n") or data.count(b"\n") != 1:
        raise ValueError(f"{path}: not one complete line ({len(data)} bytes, ends with {data[-20:]!r})")
    try:
        doc = json.loads(data.decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: does not parse ({len(data)} bytes): {e}") from None
    if not isinstance(doc, dict) or sorted(doc) != ["checksum", "length", "payload", "version"]:
        raise ValueError(f"{path}: wrong keys: {sorted(doc) if isinstance(doc, dict) else type(doc).__name__}")
    version, length, payload, checksum = doc["version"], doc["length"], doc["payload"], doc["checksum"]
    if not all(isinstance(v, int) for v in (version, length, checksum)) or not isinstance(payload, str):
        raise ValueError(f"{path}: wrong types")
    if len(payload) != length:
        raise ValueError(f"{path}: version {version}: payload is {len(payload)} characters, length says {length}")
    prefix = f"v{version}:"
    if not (payload.startswith(prefix) or (length < len(prefix) and prefix.startswith(payload))):
        raise ValueError(f"{path}: version {version}: payload starts with {payload[:12]!r}, not {prefix!r}")
    crc = zlib.crc32(payload.encode("ascii"))
    if crc != checksum:
        raise ValueError(f"{path}: version {version}: CRC-32 of the payload is {crc}, checksum says {checksum}")
    return version


def check(path, low, high):
    """ "VERSION PREV_VERSION" for PATH and PATH.prev, or raises ValueError / OSError."""
    version = version_of(path)
    if not low <= version <= high:
        raise ValueError(f"{path}: version {version}, expected {low}..{high}")
    prev = "-"
    if os.path.exists(path + ".prev"):
        prev = version_of(path + ".prev")
        if prev not in (version - 1, version):
            raise ValueError(f"{path}.prev: version {prev}, expected {version - 1} (or {version})")
    return f"{version} {prev}"


def serve(in_fifo, out_fifo):
    with open(in_fifo, "r") as requests, open(out_fifo, "w") as answers:
        for line in requests:
            path, low, high = line.rstrip("\n").rsplit(" ", 2)  # the path may hold spaces
            try:
                answer = "ok " + check(path, int(low), int(high))
            except (OSError, ValueError) as e:
                answer = f"error {e}"
            answers.write(answer.replace("\n", " ") + "\n")
            answers.flush()
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        return serve(sys.argv[2], sys.argv[3])
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(check(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
    except (OSError, ValueError) as e:
        print(f"show_check: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
