// Every packet of the fuzzer's corpus (tests/fuzz/corpus, written by tests/fuzz/make_corpus.py) through the path
// the fuzzer drives: OscServer's per-packet handling without sockets (tests/fuzz/OscHarness.h). What each malformed
// packet must do (counted as malformed, or answered with /error), that none of them changes a value, that the valid
// seeds apply, and what each role may do with them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/OscHarness.h"
#include "osc/Role.h"
#include "params/ParamCurve.h"

using namespace foh;
using namespace foh::osc;
using namespace foh::test;

namespace {

const std::filesystem::path kCorpus = std::filesystem::path(FOH_SOURCE_DIR) / "tests" / "fuzz" / "corpus";
const Clock::time_point kNow = Clock::now();

std::vector<std::string> corpusFiles() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::uint8_t> readPacket(const std::string& name) {
    std::ifstream in(kCorpus / name, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

PacketResult send(OscHarness& h, const std::string& name, Endpoint from = kAdminSource) {
    const std::vector<std::uint8_t> bytes = readPacket(name);
    PacketResult r = h.packet(bytes.data(), bytes.size(), from, kNow);
    INFO(name);
    for (const std::string& failure : r.roundTripFailures) FAIL_CHECK(failure);
    return r;
}

std::uint64_t badTotal(const PacketResult& r) {
    std::uint64_t n = 0;
    for (const std::uint64_t k : r.bad) n += k;
    return n;
}

/// "/role s:admin", "/ch/1/fader f:-6", "/error s:/ch/1/fader s:value is not a number".
std::string describe(const OscMessage& m) {
    std::ostringstream out;
    out << m.address;
    for (const OscArg& a : m.args) {
        out << ' ' << a.type << ':';
        if (a.type == 's' || a.type == 'S') out << a.text;
        else if (a.type == 'f') out << static_cast<float>(a.number);
        else out << a.number;
    }
    return out.str();
}

/// The addresses whose value or sequence number differ between two snapshots of engine.values().
std::map<std::string, float> changes(const Engine& engine, const std::vector<ParamState>& before,
                                     const std::vector<ParamState>& after) {
    REQUIRE(before.size() == after.size());
    const auto registry = engine.registry();
    std::map<std::string, float> out;
    for (std::size_t id = 0; id < after.size(); ++id)
        if (after[id].seq != before[id].seq || !(after[id].value == before[id].value))
            out[registry->info(static_cast<ParamId>(id)).address] = after[id].value;
    return out;
}

// ---- what each packet must do -------------------------------------------------------------------------------------

/// bad-*: decodePacket refuses it; the number of malformed counts (a packet, or the bundle element that is broken).
const std::map<std::string, int> kMalformed = {
    {"bad-empty.osc", 1},
    {"bad-size-not-multiple-of-4.osc", 1},
    {"bad-no-leading-slash.osc", 1},
    {"bad-nul-address.osc", 1},
    {"bad-truncated-address.osc", 1},
    {"bad-address-only-no-type-tags.osc", 1},
    {"bad-type-tags-without-comma.osc", 1},
    {"bad-type-tags-longer-than-data.osc", 1},
    {"bad-float-tag-without-data.osc", 1},
    {"bad-unknown-type-tag.osc", 1},
    {"bad-unterminated-type-tags.osc", 1},
    {"bad-unpadded-address.osc", 1},
    {"bad-unterminated-string-arg.osc", 1},
    {"bad-int64-truncated.osc", 1},
    {"bad-blob-size-huge.osc", 1},
    {"bad-blob-size-negative.osc", 1},
    {"bad-blob-size-past-end.osc", 1},
    {"bad-bundle-too-short.osc", 1},
    {"bad-bundle-misspelt.osc", 1},
    {"bad-bundle-element-past-end.osc", 1},
    {"bad-bundle-element-size-zero.osc", 1},
    {"bad-bundle-element-size-unaligned.osc", 1},
    {"bad-bundle-element-size-negative.osc", 1},
    {"bad-bundle-element-garbage.osc", 1},
    {"bad-bundle-nested-too-deep.osc", 1},
    {"bad-random-bytes.osc", 1},
};

struct ErrorReply {
    BadKind kind;
    std::string address;  ///< the first argument of /error
    std::string reason;   ///< a part of the second
};

/// err-*: one message, answered with /error.
const std::map<std::string, ErrorReply> kErrors = {
    {"err-unknown-address.osc", {BadKind::Unknown, "/ch/99/fader", "no such parameter"}},
    {"err-unknown-address-query.osc", {BadKind::Unknown, "/nope", "no such parameter"}},
    {"err-norm-of-norm.osc", {BadKind::Unknown, "/ch/1/fader/norm/norm", "no such parameter"}},
    {"err-address-64k.osc", {BadKind::Unknown, "/" + std::string(65523, 'x'), "no such parameter"}},
    {"err-fader-nan.osc", {BadKind::Refused, "/ch/1/fader", "not a number"}},
    {"err-fader-plus-inf.osc", {BadKind::Refused, "/ch/1/fader", "+infinity"}},
    {"err-fader-double-nan.osc", {BadKind::Refused, "/ch/1/fader", "not a number"}},
    {"err-fader-double-huge.osc", {BadKind::Refused, "/ch/1/fader", "+infinity"}},
    {"err-fader-out-of-range.osc", {BadKind::Refused, "/ch/1/fader", "outside"}},
    {"err-fader-string.osc", {BadKind::WrongType, "/ch/1/fader", "expects a number, not the string 'loud'"}},
    {"err-fader-two-values.osc", {BadKind::WrongType, "/ch/1/fader", "expects one value"}},
    {"err-fader-blob.osc", {BadKind::WrongType, "/ch/1/fader", "argument type 'b' is not a value"}},
    {"err-fader-nil.osc", {BadKind::WrongType, "/ch/1/fader", "argument type 'N' is not a value"}},
    {"err-norm-above-one.osc", {BadKind::Refused, "/ch/1/fader/norm", "within 0..1"}},
    {"err-norm-nan.osc", {BadKind::Refused, "/ch/1/fader/norm", "within 0..1"}},
    {"err-enum-int-out-of-range.osc", {BadKind::Refused, "/ch/1/eq/2/type", "outside"}},
    {"err-enum-negative.osc", {BadKind::Refused, "/ch/1/eq/2/type", "outside"}},
    {"err-enum-fraction.osc", {BadKind::Refused, "/ch/1/eq/2/type", "not a whole number"}},
    {"err-enum-int64-huge.osc", {BadKind::Refused, "/ch/1/eq/2/type", "outside"}},
    {"err-enum-unknown-name.osc", {BadKind::WrongType, "/ch/1/eq/2/type", "'sideways' is not one of its choices"}},
    {"err-toggle-unknown-word.osc", {BadKind::WrongType, "/ch/1/mute", "not the string 'maybe'"}},
    {"err-key-source-missing-channel.osc", {BadKind::Refused, "/ch/1/gate/key/src", "channel 9 does not exist"}},
    {"err-login-empty-pin.osc", {BadKind::WrongPin, "/login", "wrong PIN"}},
    {"err-login-huge-pin.osc", {BadKind::WrongPin, "/login", "wrong PIN"}},
    {"err-login-no-pin.osc", {BadKind::WrongType, "/login", "expects one PIN"}},
    {"err-login-negative.osc", {BadKind::WrongType, "/login", "expects one PIN"}},
    {"err-login-fraction.osc", {BadKind::WrongType, "/login", "expects one PIN"}},
    {"err-login-int64-max.osc", {BadKind::WrongType, "/login", "expects one PIN"}},
    {"err-subscribe-port-0.osc", {BadKind::WrongType, "/subscribe", "port number 1..65535"}},
    {"err-subscribe-port-65536.osc", {BadKind::WrongType, "/subscribe", "port number 1..65535"}},
    {"err-subscribe-port-minus-1.osc", {BadKind::WrongType, "/subscribe", "port number 1..65535"}},
    {"err-subscribe-port-string.osc", {BadKind::WrongType, "/subscribe", "port number 1..65535"}},
    {"err-subscribe-port-fraction.osc", {BadKind::WrongType, "/subscribe", "port number 1..65535"}},
    {"err-role-with-argument.osc", {BadKind::WrongType, "/role", "takes no argument"}},
};

struct Valid {
    std::map<std::string, float> changes;  ///< exactly these values change (from an admin)
    std::vector<std::string> replies;      ///< exactly these replies (describe())
};

/// ok-*: valid messages (ok-bundle-64k-of-fader-sets.osc has its own test).
const std::map<std::string, Valid> kValid = {
    {"ok-fader-set-float.osc", {{{"/ch/1/fader", -6.0f}}, {}}},
    {"ok-fader-set-int.osc", {{{"/ch/2/fader", -12.0f}}, {}}},
    {"ok-fader-zero-padded-index.osc", {{{"/ch/3/fader", -20.0f}}, {}}},
    {"ok-bus-fader-minus-inf.osc", {{{"/bus/1/fader", -INFINITY}}, {}}},
    {"ok-mute-true.osc", {{{"/ch/1/mute", 1.0f}}, {}}},
    {"ok-pan-double.osc", {{{"/ch/3/pan", -30.0f}}, {}}},
    {"ok-enum-by-name.osc", {{{"/ch/1/send/1/tap", 2.0f}}, {}}},
    {"ok-monitor-send-level.osc", {{{"/ch/1/send/2/level", -10.0f}}, {}}},
    {"ok-query-fader.osc", {{}, {"/ch/1/fader f:-inf"}}},
    {"ok-norm-set.osc", {{}, {}}},  // sets /ch/4/fader to the fader law's 0.75: checked in the test
    {"ok-norm-query.osc", {{}, {"/ch/4/fader/norm f:0"}}},
    {"ok-bundle.osc", {{{"/ch/5/fader", -3.0f}, {"/ch/5/mute", 1.0f}, {"/ch/6/pan", 20.0f}}, {}}},
    {"ok-bundle-nested-at-limit.osc", {{{"/ch/7/fader", -1.0f}}, {}}},
    {"ok-bundle-empty.osc", {{}, {}}},
    {"ok-subscribe.osc", {{}, {}}},
    {"ok-subscribe-port.osc", {{}, {}}},
    {"ok-login-admin-pin.osc", {{}, {"/role s:admin"}}},
    {"ok-login-int-pin.osc", {{}, {"/role s:monitor 3"}}},
    {"ok-login-int64-pin.osc", {{}, {"/role s:monitor 3"}}},
    {"ok-role.osc", {{}, {"/role s:admin"}}},
};
const std::string kBigBundle = "ok-bundle-64k-of-fader-sets.osc";

}  // namespace

TEST_CASE("every corpus file has a stated outcome, by its name's prefix", "[osc][corpus]") {
    const std::vector<std::string> files = corpusFiles();
    CHECK(files.size() == kMalformed.size() + kErrors.size() + kValid.size() + 1);
    for (const std::string& name : files) {
        INFO(name);
        if (name.starts_with("bad-")) CHECK(kMalformed.contains(name));
        else if (name.starts_with("err-")) CHECK(kErrors.contains(name));
        else if (name.starts_with("ok-")) CHECK((kValid.contains(name) || name == kBigBundle));
        else FAIL_CHECK("a corpus file is named bad-*, err-* or ok-*");
    }
}

TEST_CASE("a malformed packet is counted as malformed, answered with nothing, subscribes nobody, changes nothing",
          "[osc][corpus]") {
    for (const auto& [name, malformed] : kMalformed) {
        INFO(name);
        OscHarness h;
        const auto before = h.engine().values();
        const PacketResult r = send(h, name);
        CHECK(r.malformed == malformed);
        CHECK(r.count(BadKind::Malformed) == static_cast<std::uint64_t>(malformed));
        CHECK(h.badInput().total(BadKind::Malformed) == static_cast<std::uint64_t>(malformed));
        CHECK(r.messages.empty());
        CHECK(r.replies.empty());
        CHECK(h.clients().size() == 0);
        CHECK(changes(h.engine(), before, h.engine().values()).empty());
    }
}

TEST_CASE("a wrong message is answered with /error naming it and the reason, counted by kind, and changes nothing",
          "[osc][corpus]") {
    for (const auto& [name, expected] : kErrors) {
        INFO(name);
        OscHarness h;
        const auto before = h.engine().values();
        const PacketResult r = send(h, name);
        CHECK(r.malformed == 0);
        CHECK(r.messages.size() == 1);
        CHECK(r.count(expected.kind) == 1);
        CHECK(h.badInput().total(expected.kind) == 1);
        REQUIRE(r.replies.size() == 1);
        const OscMessage& e = r.replies[0];
        CHECK(e.address == "/error");
        REQUIRE(e.args.size() == 2);
        CHECK(e.args[0].text == expected.address);
        INFO(e.args[1].text);
        CHECK(e.args[1].text.find(expected.reason) != std::string::npos);
        CHECK(r.queueFull == 0);
        CHECK(h.clients().size() == 1);  // any message subscribes its sender, a wrong one too
        CHECK(changes(h.engine(), before, h.engine().values()).empty());
        CHECK(h.render());
    }
}

TEST_CASE("the valid seeds apply exactly their values and get exactly their replies", "[osc][corpus]") {
    for (const auto& [name, expected] : kValid) {
        INFO(name);
        OscHarness h;
        const auto before = h.engine().values();
        const PacketResult r = send(h, name);
        CHECK(r.malformed == 0);
        CHECK(badTotal(r) == 0);
        std::vector<std::string> replies;
        for (const OscMessage& m : r.replies) replies.push_back(describe(m));
        CHECK(replies == expected.replies);
        auto changed = changes(h.engine(), before, h.engine().values());
        if (name == "ok-norm-set.osc") {
            const auto registry = h.engine().registry();
            const float level = fromNormalized(*registry->info(*registry->find("/ch/4/fader")).spec, 0.75f);
            CHECK(changed == std::map<std::string, float>{{"/ch/4/fader", level}});
        } else {
            CHECK(changed == expected.changes);
        }
        CHECK(h.clients().size() == (r.messages.empty() ? 0u : 1u));  // an empty bundle has no sender to answer
        CHECK(h.render());
    }
}

TEST_CASE("a 64 KiB bundle of 2730 fader sets applies every one, in order", "[osc][corpus]") {
    OscHarness h;
    const auto before = h.engine().values();
    const PacketResult r = send(h, kBigBundle);
    CHECK(r.malformed == 0);
    CHECK(r.messages.size() == 2730);
    CHECK(r.replies.empty());
    std::map<std::string, float> expected;
    for (int k = 0; k < 2730; ++k) expected["/ch/" + std::to_string(k % 8 + 1) + "/fader"] = -static_cast<float>(k % 60);
    CHECK(changes(h.engine(), before, h.engine().values()) == expected);
    CHECK(h.render());
}

TEST_CASE("/subscribe PORT sends replies to that port; a bare /subscribe to the source port", "[osc][corpus]") {
    OscHarness h;
    CHECK(send(h, "ok-subscribe-port.osc").replyTo == Endpoint{kAdminSource.ip, 9100});
    CHECK(h.clients().clients() == std::vector<Endpoint>{{kAdminSource.ip, 9100}});
    // The source stays mapped to that port for everything it sends next.
    CHECK(send(h, "ok-query-fader.osc").replyTo == Endpoint{kAdminSource.ip, 9100});
    OscHarness fresh;
    CHECK(send(fresh, "ok-subscribe.osc").replyTo == kAdminSource);
}

TEST_CASE("from a read-only sender no corpus packet changes anything; its sets are answered as not permitted",
          "[osc][corpus][roles]") {
    for (const std::string& name : corpusFiles()) {
        INFO(name);
        OscHarness admin;
        const auto adminBefore = admin.engine().values();
        (void)send(admin, name);
        const bool setsSomething = !changes(admin.engine(), adminBefore, admin.engine().values()).empty();

        OscHarness h;
        const auto before = h.engine().values();
        const PacketResult r = send(h, name, kReadOnlySource);
        CHECK(changes(h.engine(), before, h.engine().values()).empty());
        if (setsSomething) CHECK(r.count(BadKind::Forbidden) >= 1);
    }
    OscHarness h;
    CHECK(describe(send(h, "ok-role.osc", kReadOnlySource).replies.at(0)) == "/role s:read-only");
}

TEST_CASE("from a monitor sender a corpus packet changes only its own bus's sends, level and mute",
          "[osc][corpus][roles]") {
    const Role monitor = Role::monitor(kMonitorBus);
    for (const std::string& name : corpusFiles()) {
        INFO(name);
        OscHarness h;
        const auto before = h.engine().values();
        (void)send(h, name, kMonitorSource);
        const auto registry = h.engine().registry();
        for (const auto& [address, value] : changes(h.engine(), before, h.engine().values())) {
            INFO(address);
            CHECK(mayChange(monitor, registry->info(*registry->find(address))));
        }
    }
    OscHarness h;
    auto before = h.engine().values();
    CHECK(badTotal(send(h, "ok-monitor-send-level.osc", kMonitorSource)) == 0);
    CHECK(changes(h.engine(), before, h.engine().values()) == std::map<std::string, float>{{"/ch/1/send/2/level", -10.0f}});
    before = h.engine().values();
    CHECK(send(h, "ok-fader-set-float.osc", kMonitorSource).count(BadKind::Forbidden) == 1);
    CHECK(changes(h.engine(), before, h.engine().values()).empty());
    CHECK(describe(send(h, "ok-role.osc", kMonitorSource).replies.at(0)) == "/role s:monitor 2");
}

TEST_CASE("a PIN login changes what the sender may do; wrong PINs are rate-limited", "[osc][corpus][roles]") {
    OscHarness h;
    auto before = h.engine().values();
    CHECK(send(h, "ok-fader-set-float.osc", kReadOnlySource).count(BadKind::Forbidden) == 1);
    CHECK(describe(send(h, "ok-login-admin-pin.osc", kReadOnlySource).replies.at(0)) == "/role s:admin");
    CHECK(send(h, "ok-fader-set-float.osc", kReadOnlySource).count(BadKind::Forbidden) == 0);
    CHECK(changes(h.engine(), before, h.engine().values()) == std::map<std::string, float>{{"/ch/1/fader", -6.0f}});

    OscHarness limited;
    for (int i = 0; i < ClientAccess::kMaxTries; ++i)
        CHECK(send(limited, "err-login-empty-pin.osc", kMonitorSource).count(BadKind::WrongPin) == 1);
    // The next one is refused before the PIN is looked at: the right PIN too.
    const PacketResult r = send(limited, "ok-login-admin-pin.osc", kMonitorSource);
    CHECK(r.count(BadKind::WrongPin) == 1);
    REQUIRE(r.replies.size() == 1);
    CHECK(r.replies[0].args.at(1).text.find("too many wrong PINs") != std::string::npos);
    CHECK(describe(send(limited, "ok-role.osc", kMonitorSource).replies.at(0)) == "/role s:monitor 2");
}

TEST_CASE("sets that find the command queue full are refused and change nothing; they apply once it is drained",
          "[osc][corpus]") {
    OscHarness h;
    int refused = 0;
    for (int i = 0; i < 4; ++i) {
        const PacketResult r = send(h, kBigBundle);
        CHECK(r.count(BadKind::Refused) == static_cast<std::uint64_t>(r.queueFull));
        refused += r.queueFull;
    }
    // Nothing drains the queue but render(): four bundles of 2730 sets overflow it by exactly the rest.
    CHECK(4 * 2730 - refused == static_cast<int>(CommandQueue::kCapacity));
    const auto before = h.engine().values();
    const PacketResult full = send(h, "ok-fader-set-float.osc");
    CHECK(full.queueFull == 1);
    REQUIRE(full.replies.size() == 1);
    CHECK(full.replies[0].args.at(1).text.find("command queue full") != std::string::npos);
    CHECK(changes(h.engine(), before, h.engine().values()).empty());

    CHECK(h.render());
    CHECK(send(h, "ok-fader-set-float.osc").queueFull == 0);
    CHECK(h.engine().get("/ch/1/fader") == -6.0f);
}

TEST_CASE("every reply and push the console produces for the corpus decodes back to itself", "[osc][corpus]") {
    // send() fails on a reply that does not round-trip; this adds the pushes of a flush after every file.
    OscHarness h;
    auto t = kNow;
    for (const std::string& name : corpusFiles())
        for (const Endpoint from : {kAdminSource, kMonitorSource, kReadOnlySource}) {
            INFO(name);
            const std::vector<std::uint8_t> bytes = readPacket(name);
            const PacketResult r = h.packet(bytes.data(), bytes.size(), from, t);
            CHECK(r.roundTripFailures.empty());
            t += std::chrono::milliseconds(25);
            CHECK(h.flush(t).empty());
            CHECK(h.render());
        }
    CHECK(h.pushes() > 0);
}
