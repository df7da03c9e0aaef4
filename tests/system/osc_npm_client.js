// An independent OSC client (the npm `osc` package) for osc_npm.sh: a listener subscribes, a sender sets
// /ch/1/fader; both must receive the push with the value set. Usage: node osc_npm_client.js FOHD_PORT VALUE
// Prints "listener VALUE" and "sender VALUE" and exits 0, or exits 1 after 5 s.
"use strict";
const osc = require("osc");

const fohdPort = Number(process.argv[2]);
const value = Number(process.argv[3]);
const got = { listener: false, sender: false };

function open(name) {
    const port = new osc.UDPPort({ localAddress: "127.0.0.1", localPort: 0, remoteAddress: "127.0.0.1",
                                   remotePort: fohdPort, metadata: true });
    port.on("message", (msg) => {
        if (msg.address === "/error") console.error(`${name}: /error ${msg.args.map((a) => a.value).join(" ")}`);
        if (msg.address !== "/ch/1/fader" || msg.args.length !== 1 || msg.args[0].type !== "f") return;
        if (Math.abs(msg.args[0].value - value) > 1e-6 || got[name]) return;
        got[name] = true;
        console.log(`${name} ${msg.args[0].value}`);
        if (got.listener && got.sender) process.exit(0);
    });
    port.on("error", (e) => { console.error(`${name}: ${e.message}`); process.exit(1); });
    return new Promise((resolve) => {
        port.on("ready", () => resolve(port));
        port.open();
    });
}

(async () => {
    const listener = await open("listener");
    listener.send({ address: "/subscribe", args: [] });
    const sender = await open("sender");
    setTimeout(() => sender.send({ address: "/ch/1/fader", args: [{ type: "f", value: value }] }), 300);
    setTimeout(() => { console.error(`timeout: ${JSON.stringify(got)}`); process.exit(1); }, 5000);
})();
