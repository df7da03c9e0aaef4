// Meters over OSC: the request grammar, the blob layout (decoded here from the bytes, big-endian float32 records),
// the norm messages, rates on an explicit clock, peaks held between sends, and the whole path from audio through
// the engine's meter packets to the bytes of a blob.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <numbers>

#include "osc/MeterFeed.h"
#include "osc/OscCodec.h"
#include "params/ParamCurve.h"
#include "support/Desk.h"

using namespace foh;
using namespace foh::osc;
using namespace std::chrono_literals;

namespace {
const Endpoint kTablet{0x7f000001, 50000};
const Endpoint kPhone{0x7f000001, 50001};

std::vector<float> floatsOf(const std::vector<std::uint8_t>& blob) {
    std::vector<float> out;
    for (std::size_t i = 0; i + 4 <= blob.size(); i += 4) {
        const std::uint32_t bits = (std::uint32_t{blob[i]} << 24) | (std::uint32_t{blob[i + 1]} << 16) |
                                   (std::uint32_t{blob[i + 2]} << 8) | blob[i + 3];
        out.push_back(std::bit_cast<float>(bits));
    }
    return out;
}

MeterReading readingOf(int channels) {
    MeterReading r;
    r.chInputPeak.assign(static_cast<std::size_t>(channels), 0.0f);
    r.chPeak = r.chRms = r.chGateGrDb = r.chCompGrDb = r.chDeessGrDb = r.chInputPeak;
    r.chGateOpen.assign(static_cast<std::size_t>(channels), false);
    return r;
}

MeterRequest parsed(std::vector<OscArg> args) {
    std::string why;
    const auto r = parseMeterRequest(args, why);
    INFO(why);
    REQUIRE(r);
    return *r;
}
}  // namespace

TEST_CASE("/meters requests: groups, rates and formats, and what is refused", "[osc][meters]") {
    CHECK(!parsed({}).group);  // a query
    CHECK(!parsed({}).all);
    const MeterRequest ch = parsed({OscArg::s("ch")});
    CHECK(ch.group == MeterGroup::Ch);
    CHECK(ch.hz == 30.0f);
    CHECK(ch.format == MeterFormat::Blob);
    const MeterRequest loud = parsed({OscArg::s("loud"), OscArg::i(5), OscArg::s("norm")});
    CHECK(loud.group == MeterGroup::Loud);
    CHECK(loud.hz == 5.0f);
    CHECK(loud.format == MeterFormat::Norm);
    CHECK(parsed({OscArg::s("all"), OscArg::f(0.0f)}).all);
    for (const auto& name : {"ch", "bus", "fx", "mtx", "main", "gr", "loud"}) {
        const auto g = parseMeterGroup(name);
        REQUIRE(g);
        CHECK(meterGroupName(*g) == name);
    }

    std::string why;
    CHECK(!parseMeterRequest({OscArg::s("channels")}, why));
    CHECK(why.find("not a meter group") != std::string::npos);
    CHECK(!parseMeterRequest({OscArg::s("ch"), OscArg::f(31.0f)}, why));  // above 30 Hz
    CHECK(!parseMeterRequest({OscArg::s("ch"), OscArg::f(-1.0f)}, why));
    CHECK(!parseMeterRequest({OscArg::s("ch"), OscArg::f(NAN)}, why));
    CHECK(!parseMeterRequest({OscArg::s("ch"), OscArg::s("fast")}, why));
    CHECK(!parseMeterRequest({OscArg::s("ch"), OscArg::f(10), OscArg::s("json")}, why));
    CHECK(!parseMeterRequest({OscArg::f(1.0f)}, why));
    CHECK(!parseMeterRequest({OscArg::s("ch"), OscArg::f(10), OscArg::s("blob"), OscArg::i(1)}, why));
}

TEST_CASE("channel meter blobs: 3 big-endian float32 dB values per channel, split under 1200 bytes", "[osc][meters]") {
    const int channels = 512;
    MeterReading r = readingOf(channels);
    for (int c = 0; c < channels; ++c) {
        const auto i = static_cast<std::size_t>(c);
        r.chInputPeak[i] = std::pow(10.0f, -static_cast<float>(c % 60) / 20.0f);  // 0 .. -59 dB
        r.chPeak[i] = 0.5f * r.chInputPeak[i];
        r.chRms[i] = c == 7 ? 0.0f : 0.25f * r.chInputPeak[i];  // channel 8: silence
    }
    const auto messages = meterMessages(MeterGroup::Ch, MeterFormat::Blob, r, ConsoleLayout{channels, 16, 4});
    REQUIRE(recordFields(MeterGroup::Ch).size() == 3);
    const int perMessage = static_cast<int>(MeterFeed::kMaxBlobBytes / 12);  // 100 channels
    REQUIRE(messages.size() == static_cast<std::size_t>((channels + perMessage - 1) / perMessage));
    int next = 1;
    for (const OscMessage& m : messages) {
        CHECK(m.address == "/meters/ch");
        REQUIRE(m.args.size() == 2);
        REQUIRE(m.args[0].type == 'i');
        REQUIRE(m.args[1].type == 'b');
        CHECK(static_cast<int>(m.args[0].number) == next);
        CHECK(m.args[1].blob.size() <= MeterFeed::kMaxBlobBytes);
        const std::vector<float> v = floatsOf(m.args[1].blob);
        REQUIRE(v.size() % 3 == 0);
        for (std::size_t k = 0; k < v.size() / 3; ++k) {
            const int c = next - 1 + static_cast<int>(k);
            const float inDb = -static_cast<float>(c % 60);
            CHECK(v[3 * k] == Approx(inDb).margin(1e-4));
            CHECK(v[3 * k + 1] == Approx(inDb - 6.0206f).margin(1e-4));
            CHECK(v[3 * k + 2] == Approx(c == 7 ? MeterFeed::kFloorDb : inDb - 12.0412f).margin(1e-4));
        }
        next += static_cast<int>(v.size() / 3);
        // The message survives the wire: encoded, decoded, the same bytes.
        const auto bytes = encodeMessage(m);
        REQUIRE(!bytes.empty());
        CHECK(bytes.size() <= MeterFeed::kMaxBlobBytes + 40);
        const Decoded d = decodePacket(bytes.data(), bytes.size());
        REQUIRE(d.messages.size() == 1);
        CHECK(d.messages[0].args[1].blob == m.args[1].blob);
    }
    CHECK(next == channels + 1);
}

TEST_CASE("main and loudness records carry the master meters in the documented order", "[osc][meters]") {
    MeterReading r = readingOf(2);
    r.mainPeak[0] = 1.0f;
    r.mainPeak[1] = 0.1f;
    r.master.correlation = -0.25f;
    r.master.limitGrDb = 3.5f;
    r.master.mbGrDb[2] = 1.5f;
    r.master.momentary = -14.0f;
    r.master.integrated = -16.5f;
    r.master.truePeakMax = -1.25f;
    r.master.targetLufs = -14.0f;
    const ConsoleLayout layout{2, 16, 4};
    const auto field = [](MeterGroup g, std::string_view name) {
        const auto& f = recordFields(g);
        const auto it = std::find(f.begin(), f.end(), name);
        REQUIRE(it != f.end());
        return static_cast<std::size_t>(it - f.begin());
    };
    const auto main = meterMessages(MeterGroup::Main, MeterFormat::Blob, r, layout);
    REQUIRE(main.size() == 1);
    const auto m = floatsOf(main[0].args[1].blob);
    REQUIRE(m.size() == recordFields(MeterGroup::Main).size());
    CHECK(m[field(MeterGroup::Main, "peak_l")] == Approx(0.0f).margin(1e-5));
    CHECK(m[field(MeterGroup::Main, "peak_r")] == Approx(-20.0f).margin(1e-4));
    CHECK(m[field(MeterGroup::Main, "correlation")] == -0.25f);
    CHECK(m[field(MeterGroup::Main, "limit_gr")] == 3.5f);
    CHECK(m[field(MeterGroup::Main, "mb3_gr")] == 1.5f);
    const auto loud = floatsOf(meterMessages(MeterGroup::Loud, MeterFormat::Blob, r, layout)[0].args[1].blob);
    REQUIRE(loud.size() == recordFields(MeterGroup::Loud).size());
    CHECK(loud[field(MeterGroup::Loud, "momentary")] == -14.0f);
    CHECK(loud[field(MeterGroup::Loud, "integrated")] == -16.5f);
    CHECK(loud[field(MeterGroup::Loud, "true_peak_max")] == -1.25f);
    CHECK(loud[field(MeterGroup::Loud, "target")] == -14.0f);
    // Buses: as many records as the layout has buses.
    const auto bus = meterMessages(MeterGroup::Bus, MeterFormat::Blob, r, ConsoleLayout{2, 6, 4});
    CHECK(floatsOf(bus[0].args[1].blob).size() == 6 * recordFields(MeterGroup::Bus).size());
}

TEST_CASE("norm meters: one 0..1 message per element, levels on the fader's curve", "[osc][meters]") {
    MeterReading r = readingOf(4);
    r.chPeak = {1.0f, 0.5f, 0.0f, 0.01f};
    r.chCompGrDb = {0.0f, 12.0f, 30.0f, 0.0f};
    r.chGateOpen = {true, false, true, false};
    const ConsoleLayout layout{4, 16, 4};
    const auto ch = meterMessages(MeterGroup::Ch, MeterFormat::Norm, r, layout);
    REQUIRE(ch.size() == 4);
    const ParamSpec& fader = spec(ChannelParam::Fader);
    CHECK(ch[0].address == "/ch/1/meter");
    CHECK(ch[0].args[0].number == Approx(toNormalized(fader, 0.0f)));
    CHECK(ch[1].args[0].number == Approx(toNormalized(fader, -6.0206f)).margin(1e-4));
    CHECK(ch[2].args[0].number == 0.0);
    CHECK(ch[3].address == "/ch/4/meter");
    CHECK(ch[3].args[0].number == Approx(toNormalized(fader, -40.0f)).margin(1e-4));
    CHECK(ch[0].args[0].number > ch[1].args[0].number);
    const auto gr = meterMessages(MeterGroup::Gr, MeterFormat::Norm, r, layout);
    REQUIRE(gr.size() == 8);
    CHECK(gr[2].address == "/ch/2/meter/gr");
    CHECK(gr[2].args[0].number == Approx(0.5));
    CHECK(gr[4].args[0].number == 1.0);  // 30 dB: full scale (24 dB)
    CHECK(gr[3].address == "/ch/2/meter/gate");
    CHECK(gr[3].args[0].number == 0.0);
    const auto main = meterMessages(MeterGroup::Main, MeterFormat::Norm, r, layout);
    REQUIRE(main.size() == 3);
    CHECK(main[0].address == "/main/meter/l");
}

TEST_CASE("meter rates: HZ sends per second per group, each client its own, HZ 0 and expiry stop", "[osc][meters]") {
    MeterFeed feed;
    auto now = Clock::now();
    const ConsoleLayout layout{4, 16, 4};
    (void)feed.request(kTablet, parsed({OscArg::s("ch"), OscArg::f(30)}), now);
    (void)feed.request(kTablet, parsed({OscArg::s("main"), OscArg::f(10), OscArg::s("norm")}), now);
    (void)feed.request(kPhone, parsed({OscArg::s("all"), OscArg::f(5)}), now);
    CHECK(feed.subscriptions() == 2 + kMeterGroups);
    std::map<std::pair<Endpoint, std::string>, int> sends;
    MeterAccum packet{};
    packet.clear(4);
    packet.frames = 480;
    for (int ms = 0; ms < 2000; ++ms, now += 1ms) {
        if (ms % 10 == 0) feed.add(packet);
        feed.due(now, layout, [&](Endpoint to, MeterFormat, const std::vector<OscMessage>& m) {
            REQUIRE(!m.empty());
            ++sends[{to, m[0].address}];
        });
    }
    CHECK(sends[{kTablet, "/meters/ch"}] == 60);
    CHECK(sends[{kTablet, "/main/meter/l"}] == 20);
    CHECK(sends[{kPhone, "/meters/loud"}] == 10);
    CHECK(sends[{kPhone, "/meters/gr"}] == 10);
    CHECK(sends.count({kTablet, "/meters/loud"}) == 0);

    // The query lists a client's subscriptions.
    const auto list = feed.request(kTablet, MeterRequest{}, now);
    REQUIRE(list.size() == 2);
    CHECK(list[0].args[0].text == "ch");
    CHECK(list[1].args[0].text == "main");
    CHECK(list[1].args[2].text == "norm");

    (void)feed.request(kTablet, parsed({OscArg::s("ch"), OscArg::f(0)}), now);
    CHECK(feed.subscriptions() == 1 + kMeterGroups);
    feed.retain({kTablet});  // the phone expired
    CHECK(feed.subscriptions() == 1);
    (void)feed.request(kTablet, parsed({OscArg::s("all"), OscArg::f(0)}), now);
    CHECK(feed.empty());
}

TEST_CASE("a slow meter subscriber still sees every peak since its last send", "[osc][meters]") {
    MeterFeed feed;
    auto now = Clock::now();
    (void)feed.request(kTablet, parsed({OscArg::s("ch"), OscArg::f(2)}), now);  // every 500 ms
    std::vector<float> peaks;
    const auto collect = [&](Endpoint, MeterFormat, const std::vector<OscMessage>& m) {
        peaks.push_back(floatsOf(m[0].args[1].blob)[1]);
    };
    feed.due(now, ConsoleLayout{2, 16, 4}, collect);  // due at once, but nothing to send before the first packet
    CHECK(peaks.empty());
    for (int packet = 0; packet < 50; ++packet) {
        MeterAccum a{};
        a.clear(2);
        a.frames = 480;
        a.chPeak[0] = packet == 13 ? 0.5f : 0.001f;  // one 10 ms spike in the middle
        feed.add(a);
        now += 10ms;
        feed.due(now, ConsoleLayout{2, 16, 4}, collect);
    }
    REQUIRE(peaks.size() == 1);  // at 500 ms
    CHECK(peaks[0] == Approx(-6.0206f).margin(1e-4));
}

TEST_CASE("engine to blob: a -12 dBFS sine on channel 3 at unity reads -12 dB peaks and -15 dB RMS", "[osc][meters]") {
    GraphConfig config;
    config.channels = 4;
    config.maxBlock = 64;
    test::Desk desk(config);
    MeterFeed feed;
    const int sink = desk.engine.addMeterSink([&](const MeterAccum& p) { feed.add(p); });
    auto now = Clock::now();
    (void)feed.request(kTablet, parsed({OscArg::s("ch"), OscArg::f(30)}), now);
    desk.set("/ch/3/fader", 0.0f);
    const std::size_t n = 48000 / 10;
    std::vector<std::vector<float>> in(4, std::vector<float>(n, 0.0f));
    const float amp = std::pow(10.0f, -12.0f / 20.0f);
    for (std::size_t i = 0; i < n; ++i)
        in[2][i] = amp * static_cast<float>(std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 48000.0));
    (void)desk.render(in, n);  // the fader's ramp
    desk.engine.housekeeping();
    feed.due(now, config.layout(), [](Endpoint, MeterFormat, const std::vector<OscMessage>&) {});
    (void)desk.render(in, n);
    desk.engine.housekeeping();
    std::vector<float> v;
    feed.due(now + 1s, config.layout(), [&](Endpoint, MeterFormat, const std::vector<OscMessage>& m) {
        v = floatsOf(m[0].args[1].blob);
    });
    desk.engine.removeMeterSink(sink);
    REQUIRE(v.size() == 12);
    CHECK(v[2 * 3 + 0] == Approx(-12.0f).margin(0.05));  // channel 3 input peak
    CHECK(v[2 * 3 + 1] == Approx(-12.0f).margin(0.05));           // post-fader peak
    CHECK(v[2 * 3 + 2] == Approx(-12.0f - 3.0103f).margin(0.05));  // post-fader RMS
    CHECK(v[0] == MeterFeed::kFloorDb);                            // channel 1: silence
    CHECK(v[3 * 3 + 1] == MeterFeed::kFloorDb);                    // channel 4
}
