// The wire format through liblo: round trips, bundles, and garbage that must be refused without a crash.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "osc/OscCodec.h"

using namespace foh::osc;

namespace {
Decoded decode(const std::vector<std::uint8_t>& bytes) { return decodePacket(bytes.data(), bytes.size()); }
std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
void appendBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
}  // namespace

TEST_CASE("a message encodes and decodes back with its address and typed arguments", "[osc]") {
    const auto wire = encodeMessage({"/ch/1/fader", {OscArg::f(-6.5f), OscArg::i(3), OscArg::s("peak")}});
    REQUIRE(wire.size() % 4 == 0);
    const Decoded d = decode(wire);
    CHECK(d.malformed == 0);
    REQUIRE(d.messages.size() == 1);
    const OscMessage& m = d.messages[0];
    CHECK(m.address == "/ch/1/fader");
    REQUIRE(m.args.size() == 3);
    CHECK(m.args[0].type == 'f');
    CHECK(m.args[0].number == -6.5);
    CHECK(m.args[1].type == 'i');
    CHECK(m.args[1].number == 3.0);
    CHECK(m.args[2].type == 's');
    CHECK(m.args[2].text == "peak");
}

TEST_CASE("a bundle yields its messages in order, nested bundles too", "[osc]") {
    const auto a = encodeMessage({"/ch/1/fader", {OscArg::f(-1.0f)}});
    const auto b = encodeMessage({"/ch/2/fader", {OscArg::f(-2.0f)}});
    auto bundle = [](const std::vector<std::vector<std::uint8_t>>& elements) {
        std::vector<std::uint8_t> out = bytes(std::string("#bundle\0", 8));
        out.resize(16, 0);
        out[15] = 1;  // time tag "immediately"
        for (const auto& e : elements) {
            appendBigEndian32(out, static_cast<std::uint32_t>(e.size()));
            out.insert(out.end(), e.begin(), e.end());
        }
        return out;
    };
    const Decoded d = decode(bundle({a, bundle({b})}));
    CHECK(d.malformed == 0);
    REQUIRE(d.messages.size() == 2);
    CHECK(d.messages[0].address == "/ch/1/fader");
    CHECK(d.messages[1].address == "/ch/2/fader");
    SECTION("a bundle element longer than the packet is malformed, what came before it is kept") {
        auto cut = bundle({a});
        appendBigEndian32(cut, 64);
        const Decoded c = decode(cut);
        CHECK(c.malformed == 1);
        CHECK(c.messages.size() == 1);
    }
    SECTION("bundles nested deeper than kMaxBundleDepth are refused") {
        auto deep = bundle({a});
        for (int i = 0; i < kMaxBundleDepth; ++i) deep = bundle({deep});
        const Decoded c = decode(deep);
        CHECK(c.malformed == 1);
        CHECK(c.messages.empty());
    }
}

TEST_CASE("garbage, truncated and unpadded packets are counted as malformed and yield no message", "[osc]") {
    const std::vector<std::vector<std::uint8_t>> garbage = {
        {},
        bytes("abc"),
        bytes("garbage!"),
        bytes(std::string("/ch/1/fader\0\0\0\0,x\0\0", 20)),     // unknown type tag
        bytes(std::string("/ch/1/fader\0\0\0\0,f\0\0", 20)),     // a float tag without its 4 bytes
        bytes(std::string("/ch/1/fader\0", 12)),                 // fine address, no type tag string
        bytes(std::string("/noterminator", 12)),
        bytes(std::string("#bundle\0\0\0\0\0\0\0\0\0\0\0\0\x40", 20)),
    };
    for (const auto& g : garbage) {
        const Decoded d = decode(g);
        INFO("packet of " << g.size() << " bytes");
        CHECK(d.messages.empty());
        CHECK(d.malformed >= 1);
    }
}

TEST_CASE("a bundle carries each message byte for byte as liblo encodes it, and decodes back", "[osc]") {
    std::vector<OscMessage> messages;
    for (const char* address : {"/a", "/ab", "/abc", "/abcd", "/ch/1/meter", "/ch/12/meter", "/main/loud/meter/tp"})
        messages.push_back({address, {OscArg::f(0.375f)}});
    messages.push_back({"/meters", {OscArg::s("ch"), OscArg::f(30.0f), OscArg::s("norm")}});
    messages.push_back({"/meters/ch", {OscArg::i(1), OscArg::b({1, 2, 3, 4, 5})}});
    const std::vector<std::uint8_t> bundle = encodeBundle(messages);
    REQUIRE(bundle.size() > 16);
    std::size_t at = 16;
    for (const OscMessage& m : messages) {
        const std::vector<std::uint8_t> alone = encodeMessage(m);
        REQUIRE(!alone.empty());
        REQUIRE(at + 4 + alone.size() <= bundle.size());
        const std::uint32_t size = (std::uint32_t{bundle[at]} << 24) | (std::uint32_t{bundle[at + 1]} << 16) |
                                   (std::uint32_t{bundle[at + 2]} << 8) | bundle[at + 3];
        CHECK(size == alone.size());
        CHECK(std::vector<std::uint8_t>(bundle.begin() + static_cast<long>(at + 4),
                                        bundle.begin() + static_cast<long>(at + 4 + alone.size())) == alone);
        at += 4 + alone.size();
    }
    CHECK(at == bundle.size());
    const Decoded d = decodePacket(bundle.data(), bundle.size());
    CHECK(d.malformed == 0);
    REQUIRE(d.messages.size() == messages.size());
    CHECK(d.messages[4].address == "/ch/1/meter");
    CHECK(d.messages[4].args[0].number == 0.375);
    CHECK(d.messages.back().args[1].blob == std::vector<std::uint8_t>{1, 2, 3, 4, 5});
}
