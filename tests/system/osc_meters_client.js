// An independent OSC client (the npm `osc` package) for osc_meters.sh: subscribes to channel meters as blobs at 30 Hz
// and to main at 10 Hz, listens for 2 s and decodes the blobs itself (big-endian float32 records, docs/OSC.md).
// Usage: node osc_meters_client.js FOHD_PORT CHANNELS
// Prints "ch_messages N", "main_messages N", "ch_records N", "first F", and "ch C in_peak peak rms" for the
// last blob of each channel; exits 1 on a malformed meter message or after 5 s without meters.
"use strict";
const osc = require("osc");

const fohdPort = Number(process.argv[2]);
const channels = Number(process.argv[3]);
const count = { ch: 0, main: 0 };
const last = {};
let records = 0;
let first = -1;

const port = new osc.UDPPort({ localAddress: "127.0.0.1", localPort: 0, remoteAddress: "127.0.0.1",
                               remotePort: fohdPort, metadata: true });
port.on("message", (msg) => {
    if (msg.address === "/error") {
        console.error(`/error ${msg.args.map((a) => a.value).join(" ")}`);
        process.exit(1);
    }
    if (!msg.address.startsWith("/meters/")) return;
    const group = msg.address.slice(8);
    if (msg.args.length !== 2 || msg.args[0].type !== "i" || msg.args[1].type !== "b") {
        console.error(`malformed ${msg.address}: ${JSON.stringify(msg.args)}`);
        process.exit(1);
    }
    const blob = Buffer.from(msg.args[1].value);
    count[group] = (count[group] || 0) + 1;
    if (group !== "ch") return;
    if (blob.length % 12 !== 0) {
        console.error(`ch blob of ${blob.length} bytes is not a whole number of 12-byte records`);
        process.exit(1);
    }
    records = blob.length / 12;
    first = msg.args[0].value;
    for (let r = 0; r < records; ++r)
        last[first + r] = [0, 1, 2].map((k) => blob.readFloatBE(12 * r + 4 * k).toFixed(2));
});
port.on("error", (e) => { console.error(e.message); process.exit(1); });
port.on("ready", () => {
    port.send({ address: "/meters", args: [{ type: "s", value: "ch" }, { type: "f", value: 30 }, { type: "s", value: "blob" }] });
    port.send({ address: "/meters", args: [{ type: "s", value: "main" }, { type: "i", value: 10 }] });
    setTimeout(() => {
        console.log(`ch_messages ${count.ch}`);
        console.log(`main_messages ${count.main}`);
        console.log(`ch_records ${records}`);
        console.log(`first ${first}`);
        for (let c = 1; c <= channels; ++c) if (last[c]) console.log(`ch ${c} ${last[c].join(" ")}`);
        process.exit(count.ch > 0 ? 0 : 1);
    }, 2000);
});
port.open();
