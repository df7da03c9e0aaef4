#!/usr/bin/env python3
"""Sends malformed OSC packets and a wrong-typed message to fohd and checks the wrong-typed one is answered with
/error on the sending socket. Usage: osc_garbage.py PORT. Exit 0 when the /error arrived."""
import socket
import struct
import sys

port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3.0)
garbage = [
    b"garbage!",
    b"abc",
    b"/ch/1/fader\0\0\0\0,x\0\0",           # unknown type tag
    b"/ch/1/fader\0\0\0\0,f\0\0",           # float tag without its bytes
    b"#bundle\0" + b"\0" * 8 + b"\0\0\0\x40",  # element longer than the packet
    bytes(range(256)) * 4,
]
for g in garbage:
    s.sendto(g, ("127.0.0.1", port))


def osc_string(text):
    b = text.encode() + b"\0"
    return b + b"\0" * (-len(b) % 4)


# /ch/1/fader with a string argument: a wrong type, answered with /error s /ch/1/fader s <reason>.
s.sendto(osc_string("/ch/1/fader") + osc_string(",s") + osc_string("loud"), ("127.0.0.1", port))
while True:
    data, _ = s.recvfrom(65536)  # full state arrives too (any message subscribes): skip to the /error
    if data.startswith(osc_string("/error")):
        rest = data[len(osc_string("/error")) + len(osc_string(",ss")):]
        address = rest.split(b"\0", 1)[0].decode()
        reason = rest[len(osc_string(address)):].split(b"\0", 1)[0].decode()
        print(f"/error {address} {reason}")
        sys.exit(0 if address == "/ch/1/fader" else 1)
