#!/usr/bin/env python3
"""Reads a TouchOSC document (.tosc: zlib-compressed <lexml> XML) the way touchosc_layout.sh needs it, with its own
parser (not the generator's code), and checks FOH's layout against fohd's address table.

    touchosc_check.py same A.tosc B.tosc          the two documents hold the same XML
    touchosc_check.py check LAYOUT OSC_TABLE --bus B --channels N [--lookups EVENTS]
                                                  the structure (below); OSC_TABLE is `fohd --list-osc`; EVENTS the
                                                  output of touchosc_root.lua, whose lookups must name controls
    touchosc_check.py script LAYOUT               prints the root script (Lua)
    touchosc_check.py sends LAYOUT                prints "NAME PATH TYPE" for every control that sends

Exit status 1 with the reasons on stderr when a check fails.
"""

import argparse
import re
import sys
import uuid
import xml.etree.ElementTree as ET
import zlib

PROPERTY_KINDS = {"b", "c", "f", "i", "r", "s"}
# The meter scheme: /meters GROUP HZ norm answers with one float 0..1 per element.
METER_PATHS = [re.compile(p) for p in (r"^/ch/[1-9][0-9]*/meter$", r"^/bus/[1-9][0-9]*/meter$",
                                       r"^/main/meter/[lr]$")]
problems = []


def problem(text):
    problems.append(text)


def load(path):
    with open(path, "rb") as f:
        return zlib.decompress(f.read()).decode("utf-8")


def props(node):
    """{key: (kind, value element)} of a node's properties."""
    out = {}
    for p in node.findall("properties/property"):
        out[p.findtext("key")] = (p.get("type"), p.find("value"))
    return out


def prop_text(node, key, default=None):
    p = props(node).get(key)
    return p[1].text if p is not None and p[1] is not None else default


def frame(node):
    v = props(node)["frame"][1]
    return tuple(float(v.findtext(k)) for k in "xywh")


def name_of(node):
    return prop_text(node, "name", "")


class Message:
    """One <osc> message: its flags, constant path and arguments."""

    def __init__(self, osc):
        self.flags = {k: osc.findtext(k) for k in ("enabled", "send", "receive", "feedback", "connections")}
        parts = osc.findall("path/partial")
        self.path = "".join(p.findtext("value") or "" for p in parts)
        self.constant_path = all(p.findtext("type") == "CONSTANT" for p in parts)
        self.args = [(a.findtext("type"), a.findtext("conversion"), a.findtext("value"),
                      a.findtext("scaleMin"), a.findtext("scaleMax")) for a in osc.findall("arguments/partial")]
        self.triggers = [(t.findtext("var"), t.findtext("condition")) for t in osc.findall("triggers/trigger")]

    @property
    def sends(self):
        return self.flags["send"] == "1"

    @property
    def osc_type(self):
        return {"FLOAT": "f", "INTEGER": "i", "STRING": "s", "BOOLEAN": "T"}.get(self.args[0][1], "?")


def address_table(path):
    """`fohd --list-osc`: [(regex, curve)] for every address pattern."""
    table = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\| `(/[^`]+)` \| [^|]+\| [^|]+\| (\w+) \|", line)
            if m:
                regex = "^" + re.sub(r"/[NBFDG](?=/|$)", "/[1-9][0-9]*", m.group(1)) + "$"
                table.append((re.compile(regex), m.group(2)))
    if not table:
        raise SystemExit(f"{path}: no address table")
    return table


def curve_of(table, address):
    for regex, curve in table:
        if regex.match(address):
            return curve
    return None


def monitor_may_send(path, bus):
    """osc/Role.h's rule for role monitor B: the sends into bus B, and bus B's fader and mute."""
    base = path.removesuffix("/norm")
    return bool(re.fullmatch(rf"/ch/[1-9][0-9]*/send/{bus}/(on|level|tap|pan)", base) or
                re.fullmatch(rf"/bus/{bus}/(fader|mute)", base))


def walk(node, parent_frame, depth, out):
    out.append((node, parent_frame, depth))
    for child in node.findall("children/node"):
        walk(child, frame(node), depth + 1, out)


def check_nodes(root):
    nodes = []
    top = root.findall("node")
    if root.tag != "lexml" or root.get("version") != "3":
        problem(f"root element is <{root.tag} version={root.get('version')}>, expected <lexml version='3'>")
    if len(top) != 1 or top[0].get("type") != "GROUP":
        problem("the document must hold exactly one root GROUP node")
        return nodes
    walk(top[0], None, 0, nodes)
    ids, names = set(), set()
    for node, parent, _ in nodes:
        name = name_of(node)
        kind = node.get("type")
        if kind not in {"GROUP", "PAGER", "FADER", "BUTTON", "LABEL"}:
            problem(f"{name}: unexpected control type {kind}")
        try:
            uuid.UUID(node.get("ID", ""))
        except ValueError:
            problem(f"{name}: ID {node.get('ID')!r} is not a UUID")
        if node.get("ID") in ids:
            problem(f"{name}: ID used twice")
        ids.add(node.get("ID"))
        if not name or name in names:
            problem(f"control name {name!r} is empty or used twice")
        names.add(name)
        for key, (k, _) in props(node).items():
            if k not in PROPERTY_KINDS:
                problem(f"{name}: property {key} has type {k!r}")
        if "frame" not in props(node):
            problem(f"{name}: no frame")
            continue
        x, y, w, h = frame(node)
        if parent is not None and (x < 0 or y < 0 or x + w > parent[2] or y + h > parent[3] or w <= 0 or h <= 0):
            problem(f"{name}: frame {x, y, w, h} is not inside its parent (0, 0, {parent[2]}, {parent[3]})")
        if kind in ("GROUP", "PAGER", "LABEL") and node.find("messages") is not None:
            problem(f"{name}: a {kind} must send nothing (it has messages)")
    return nodes


def pages(nodes):
    """{tab label: page GROUP} of the pager's pages."""
    return {prop_text(n, "tabLabel"): n for n, _, depth in nodes if depth == 2 and n.get("type") == "GROUP"}


def controls(nodes):
    """[(node, Message or None)] for every FADER and BUTTON; None when it has not exactly one OSC message and
    nothing else."""
    out = []
    for node, _, _ in nodes:
        if node.get("type") not in ("FADER", "BUTTON"):
            continue
        osc = node.findall("messages/osc")
        only_osc = node.find("messages/midi") is None and node.find("messages/local") is None
        out.append((node, Message(osc[0]) if len(osc) == 1 and only_osc else None))
    return out


def check_controls(nodes, table, bus, channels):
    """Every FADER and BUTTON has one OSC message: a sending control sends a registry address (faders its /norm, a
    toggle button the plain address); a meter only receives the meter scheme."""
    sends, meters = [], []
    by_page = pages(nodes)
    if set(by_page) != {"Mix", f"Monitor {bus}"}:
        problem(f"pages are {sorted(by_page)}, expected Mix and Monitor {bus}")
    on_monitor = {id(n) for label, page in by_page.items() if label.startswith("Monitor") for n in page.iter("node")}
    for node, m in controls(nodes):
        kind, name = node.get("type"), name_of(node)
        if m is None:
            problem(f"{name}: expected exactly one OSC message and nothing else")
            continue
        if m.flags["enabled"] != "1" or m.flags["receive"] != "1" or m.flags["feedback"] != "0":
            problem(f"{name}: flags {m.flags}: must be enabled, receive, no feedback")
        if not m.constant_path or m.args != [("VALUE", "FLOAT", "x", "0", "1")] or m.triggers != [("x", "ANY")]:
            problem(f"{name}: must send its x as one float 0..1 at a constant path on every change")
        if m.flags["connections"] != "00001":
            problem(f"{name}: connections {m.flags['connections']}, expected connection 1 only (00001)")
        interactive = prop_text(node, "interactive") == "1"
        if m.sends:
            if not interactive:
                problem(f"{name}: sends but cannot be touched")
            base = m.path.removesuffix("/norm")
            curve = curve_of(table, base)
            if curve is None:
                problem(f"{name}: sends {m.path}, which is not in fohd --list-osc")
            elif kind == "FADER" and not (m.path.endswith("/norm") and curve == "fader"):
                problem(f"{name}: a fader must send a fader-law address's /norm, not {m.path} ({curve})")
            elif kind == "BUTTON" and (m.path.endswith("/norm") or curve != "toggle"):
                problem(f"{name}: a button must send a toggle's address, not {m.path} ({curve})")
            if id(node) in on_monitor and not monitor_may_send(m.path, bus):
                problem(f"{name}: on the Monitor page but {m.path} is not permitted for role monitor {bus}")
            sends.append((name, m.path, m.osc_type, kind))
        else:
            if kind != "FADER" or interactive:
                problem(f"{name}: a receive-only control must be a fader nobody can touch (a meter)")
            if not any(p.match(m.path) for p in METER_PATHS):
                problem(f"{name}: receives {m.path}, which is not in the meter scheme")
            meters.append((name, m.path))
    sent = {p for _, p, _, _ in sends}
    wanted = [f"/ch/{n}/{a}" for n in range(1, channels + 1) for a in ("fader/norm", "mute", f"send/{bus}/level/norm")]
    for want in wanted + ["/main/fader/norm", "/main/mute", f"/bus/{bus}/fader/norm", f"/bus/{bus}/mute"]:
        if want not in sent:
            problem(f"no control sends {want}")
    got = {p for _, p in meters}
    for want in [f"/ch/{n}/meter" for n in range(1, channels + 1)] + ["/main/meter/l", "/main/meter/r",
                                                                      f"/bus/{bus}/meter"]:
        if want not in got:
            problem(f"no meter receives {want}")
    return sends, meters


def lua_table(script, name):
    m = re.search(rf"^local {name} = {{\n(.*?)^}}", script, re.M | re.S)
    if not m:
        problem(f"root script: no table {name}")
        return {}
    return dict(re.findall(r"\['([^']+)'\] = ('[^']*'|true)", m.group(1)))


def check_script(root, sends, nodes, lookups):
    script = prop_text(root.find("node"), "script", "")
    if not script:
        problem("the root GROUP has no script")
        return
    for fn in ("init", "update", "onReceiveOSC"):
        if not re.search(rf"^function {fn}\(", script, re.M):
            problem(f"root script: no function {fn}")
    if not re.search(r"^local REPLY_PORT = 9000\b", script, re.M):
        problem("root script: REPLY_PORT is not 9000 (TouchOSC's default receive port)")
    if "send('/subscribe', { { tag = 'i', value = REPLY_PORT } })" not in script:
        problem("root script does not send /subscribe i REPLY_PORT")
    if re.search(r"^local METERS = \{ 'ch', 'bus', 'main' \}", script, re.M) is None or \
            "{ tag = 's', value = METERS[i] }, { tag = 'f', value = METER_HZ }" not in script or \
            "{ tag = 's', value = 'norm' }" not in script:
        problem("root script does not ask for /meters s GROUP f HZ s norm for ch, bus and main")
    kinds = {name_of(n): n.get("type") for n, _, _ in nodes}
    path_of = {name: path for name, path, _, _ in sends}
    for address, quoted in lua_table(script, "FADERS").items():
        name = quoted.strip("'")
        if kinds.get(name) != "FADER" or path_of.get(name) != address + "/norm":
            problem(f"root script: FADERS maps {address} to {name}, which is not a fader sending {address}/norm")
    if set(lua_table(script, "SENT")) != set(path_of.values()):
        problem("root script: SENT is not exactly the set of addresses the controls send")
    if lookups:
        with open(lookups, encoding="utf-8") as f:
            for line in f:
                if line.startswith("find ") and line.split()[1] not in kinds:
                    problem(f"root script looks up {line.split()[1]}, which is no control")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("same")
    s.add_argument("a")
    s.add_argument("b")
    c = sub.add_parser("check")
    c.add_argument("layout")
    c.add_argument("osc_table")
    c.add_argument("--bus", type=int, required=True)
    c.add_argument("--channels", type=int, required=True)
    c.add_argument("--lookups")
    for name in ("script", "sends"):
        sub.add_parser(name).add_argument("layout")
    args = ap.parse_args()

    if args.cmd == "same":
        a, b = load(args.a).splitlines(), load(args.b).splitlines()
        if a != b:
            i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            print(f"{args.a} and {args.b} differ first at XML line {i + 1}:\n  {a[i] if i < len(a) else '(end)'}\n"
                  f"  {b[i] if i < len(b) else '(end)'}", file=sys.stderr)
            return 1
        return 0
    root = ET.fromstring(load(args.layout))
    if args.cmd == "script":
        print(prop_text(root.find("node"), "script", ""), end="")
        return 0
    nodes = check_nodes(root)
    if args.cmd == "sends":
        for node, m in controls(nodes):
            if m is not None and m.sends:
                print(name_of(node), m.path, m.osc_type)
        return 0
    sends, meters = check_controls(nodes, address_table(args.osc_table), args.bus, args.channels)
    check_script(root, sends, nodes, args.lookups)
    for p in problems:
        print(f"{args.layout}: {p}", file=sys.stderr)
    if not problems:
        print(f"{len(nodes)} nodes; {len(sends)} controls send registry addresses, {len(meters)} meters; "
              "the root script subscribes, asks for meters and knows every fader")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
