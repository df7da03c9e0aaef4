// The clients config (JSON) and ClientAccess: roles by address and subnet, secure defaults, /login with the right
// and a wrong PIN, the per-address rate limit on wrong PINs. No sockets; an explicit clock.
#include <catch2/catch.hpp>

#include "osc/ClientAccess.h"
#include "osc/ClientsConfig.h"

using namespace foh::osc;
using namespace std::chrono_literals;

namespace {
constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) { return a << 24 | b << 16 | c << 8 | d; }

ClientsConfig parsed(const std::string& json) {
    std::string error;
    auto config = parseClientsConfig(json, "clients.json", 16, error);
    INFO(error);
    REQUIRE(config);
    return *config;
}

std::string errorOf(const std::string& json) {
    std::string error;
    CHECK_FALSE(parseClientsConfig(json, "clients.json", 16, error));
    return error;
}

const std::string kExample = R"({
  "admin_pin": "2468",
  "clients": [
    { "host": "192.168.1.20", "role": "admin" },
    { "host": "192.168.1.0/24", "role": "monitor 3" },
    { "host": "10.0.0.0/8", "role": "read-only" },
    { "host": "127.0.0.2", "role": "read-only" }
  ],
  "pins": [ { "pin": "1003", "role": "monitor 3" }, { "pin": 1005, "role": "monitor 5" } ]
})";
}  // namespace

TEST_CASE("a valid clients config gives its admin PIN, address rules and PINs", "[osc][roles]") {
    const ClientsConfig c = parsed(kExample);
    CHECK(c.adminPin == "2468");
    REQUIRE(c.hosts.size() == 4);
    CHECK(c.hosts[1].network == ip(192, 168, 1, 0));
    CHECK(c.hosts[1].prefix == 24);
    CHECK(c.hosts[1].role == Role::monitor(3));
    REQUIRE(c.pins.size() == 2);
    CHECK(c.pins[1].pin == "1005");
    CHECK(c.pins[1].role == Role::monitor(5));
    CHECK(parsed("{}").hosts.empty());
}

TEST_CASE("a subnet matches the addresses under its prefix only, and a host is a /32", "[osc][roles]") {
    const auto net = parseHost("192.168.1.0/24");
    REQUIRE(net);
    CHECK(net->matches(ip(192, 168, 1, 0)));
    CHECK(net->matches(ip(192, 168, 1, 255)));
    CHECK_FALSE(net->matches(ip(192, 168, 2, 1)));
    const auto host = parseHost("10.1.2.3");
    REQUIRE(host);
    CHECK(host->prefix == 32);
    CHECK(host->matches(ip(10, 1, 2, 3)));
    CHECK_FALSE(host->matches(ip(10, 1, 2, 4)));
    CHECK(parseHost("0.0.0.0/0")->matches(ip(8, 8, 8, 8)));
    CHECK(parseHost("10.1.2.3/20")->network == ip(10, 1, 0, 0));  // host bits are masked off
    for (const char* bad : {"10.1.2", "10.1.2.3.4", "256.1.1.1", "10.1.2.3/33", "10.1.2.3/", "a.b.c.d", "", "10..1.2"})
        CHECK_FALSE(parseHost(bad));
}

TEST_CASE("a broken clients config is refused with what is wrong and where", "[osc][roles]") {
    CHECK(errorOf("{ \"clients\": [ { \"host\": \"1.2.3.4\" \"role\": \"admin\" } ] }")
              ==
          "clients.json: not valid JSON at line 1, column 41: syntax error while parsing object - unexpected string "
          "literal; expected '}'");
    CHECK(errorOf("{\n  \"pins\": [\n    { \"pin\": \"1234\", \"role\": \"admin\" },\n  ]\n}")
              .starts_with("clients.json: not valid JSON at line 4"));
    CHECK(errorOf(R"({"clients": [{"host": "192.168.1.0/24", "role": "monitor 17"}]})") ==
          "clients.json: clients[0].role: 'monitor 17' is not a role (admin, read-only, monitor 1..16)");
    CHECK(errorOf(R"({"clients": [{"host": "192.168.1/24", "role": "admin"}]})") ==
          "clients.json: clients[0].host: '192.168.1/24' is not an IPv4 address or subnet (a.b.c.d[/0..32])");
    CHECK(errorOf(R"({"client": []})").starts_with("clients.json: top level: unknown key 'client'"));
    CHECK(errorOf(R"({"pins": [{"pin": "12", "role": "admin"}]})") == "clients.json: pins[0].pin: must be 4 to 12 digits");
    CHECK(errorOf(R"({"pins": [{"pin": "1234", "role": "admin"}, {"pin": "1234", "role": "read-only"}]})") ==
          "clients.json: pins[1].pin: the same PIN is given twice");
    CHECK(errorOf(R"({"clients": {}})") == "clients.json: clients: must be an array");
    CHECK(errorOf(R"({"clients": [{"role": "admin"}]})").starts_with("clients.json: clients[0]: needs a \"host\""));
}

TEST_CASE("secure by default: loopback is admin, every other address read-only", "[osc][roles]") {
    ClientAccess access({}, "9999");
    const auto now = Clock::now();
    CHECK(access.roleOf(ip(127, 0, 0, 1), now) == Role::admin());
    CHECK(access.roleOf(ip(127, 0, 0, 2), now) == Role::admin());
    CHECK(access.roleOf(ip(192, 168, 1, 20), now) == Role::readOnly());
    CHECK(access.roleOf(ip(10, 0, 0, 1), now) == Role::readOnly());
}

TEST_CASE("the most specific address rule wins, and a rule can make loopback read-only", "[osc][roles]") {
    ClientAccess access(parsed(kExample), "2468");
    const auto now = Clock::now();
    CHECK(access.roleOf(ip(192, 168, 1, 20), now) == Role::admin());
    CHECK(access.roleOf(ip(192, 168, 1, 21), now) == Role::monitor(3));
    CHECK(access.roleOf(ip(10, 9, 8, 7), now) == Role::readOnly());
    CHECK(access.roleOf(ip(172, 16, 0, 1), now) == Role::readOnly());
    CHECK(access.roleOf(ip(127, 0, 0, 2), now) == Role::readOnly());
    CHECK(access.roleOf(ip(127, 0, 0, 1), now) == Role::admin());
}

TEST_CASE("/login with a right PIN gives its role to the address; a wrong one changes nothing", "[osc][roles]") {
    ClientAccess access(parsed(kExample), "2468");
    const auto t0 = Clock::now();
    const std::uint32_t phone = ip(172, 16, 0, 9);
    auto r = access.login(phone, "1003", t0);
    CHECK(r.ok);
    CHECK(r.role == Role::monitor(3));
    CHECK(access.roleOf(phone, t0 + 1s) == Role::monitor(3));
    r = access.login(phone, "0000", t0 + 2s);
    CHECK_FALSE(r.ok);
    CHECK(r.error == "wrong PIN (4 more tries this minute)");
    CHECK(access.wrongPins() == 1);
    CHECK(access.roleOf(phone, t0 + 3s) == Role::monitor(3));
    r = access.login(phone, "2468", t0 + 4s);
    CHECK(r.ok);
    CHECK(access.roleOf(phone, t0 + 5s) == Role::admin());
    // Other addresses are not affected by the phone's login.
    CHECK(access.roleOf(ip(172, 16, 0, 10), t0 + 5s) == Role::readOnly());
    // A login is dropped after kLoginIdle without a message.
    CHECK(access.roleOf(phone, t0 + 5s + ClientAccess::kLoginIdle + 1s) == Role::readOnly());
}

TEST_CASE("wrong PINs are rate-limited per address: 5 a minute, then even the right PIN is refused", "[osc][roles]") {
    ClientAccess access({}, "2468");
    const auto t0 = Clock::now();
    const std::uint32_t guesser = ip(192, 168, 1, 66);
    for (int i = 0; i < ClientAccess::kMaxTries; ++i) CHECK_FALSE(access.login(guesser, std::to_string(1000 + i), t0 + i * 1s).ok);
    auto r = access.login(guesser, "2468", t0 + 10s);
    CHECK_FALSE(r.ok);
    CHECK(r.error == "too many wrong PINs from this address: try again in 50 s");
    CHECK(access.roleOf(guesser, t0 + 10s) == Role::readOnly());
    CHECK(access.wrongPins() == 5);  // refused tries are not checked, so not counted as wrong PINs
    // Another address may still log in.
    CHECK(access.login(ip(192, 168, 1, 67), "2468", t0 + 10s).ok);
    // When the first wrong PIN is a minute old, one more try is allowed.
    CHECK(access.login(guesser, "2468", t0 + 60s).ok);
    CHECK(access.roleOf(guesser, t0 + 61s) == Role::admin());
}

TEST_CASE("the random admin PIN is 6 digits", "[osc][roles]") {
    const std::string pin = ClientAccess::randomPin();
    CHECK(pin.size() == 6);
    CHECK(pin.find_first_not_of("0123456789") == std::string::npos);
}

TEST_CASE("/logout ends a login: the address has its configured role again", "[osc][roles]") {
    ClientAccess access(parsed(kExample), "2468");
    const auto now = Clock::now();
    const std::uint32_t phone = ip(10, 1, 2, 3);
    CHECK(access.roleOf(phone, now) == Role::readOnly());
    REQUIRE(access.login(phone, "1003", now).ok);
    CHECK(access.roleOf(phone, now) == Role::monitor(3));
    access.logout(phone);
    CHECK(access.roleOf(phone, now) == Role::readOnly());
    access.logout(phone);  // twice: nothing more happens
    CHECK(access.roleOf(phone, now) == Role::readOnly());
}

TEST_CASE("reply_port in the clients config: the most specific rule naming one wins; bad ports are refused",
          "[osc][roles]") {
    ClientAccess access(parsed(R"({ "clients": [
        { "host": "192.168.1.0/24", "role": "read-only", "reply_port": 9000 },
        { "host": "192.168.1.7", "role": "monitor 2", "reply_port": 9100 },
        { "host": "192.168.1.8", "role": "admin" } ] })"),
                        "2468");
    CHECK(access.replyPortOf(ip(192, 168, 1, 7)) == 9100);
    CHECK(access.replyPortOf(ip(192, 168, 1, 8)) == 9000);  // its own rule names no port: the subnet's
    CHECK(access.replyPortOf(ip(192, 168, 1, 99)) == 9000);
    CHECK(access.replyPortOf(ip(10, 0, 0, 1)) == 0);
    CHECK(errorOf(R"({ "clients": [ { "host": "10.0.0.1", "role": "admin", "reply_port": 0 } ] })")
              .find("clients[0].reply_port") != std::string::npos);
    CHECK(errorOf(R"({ "clients": [ { "host": "10.0.0.1", "role": "admin", "reply_port": 70000 } ] })")
              .find("1..65535") != std::string::npos);
    CHECK(errorOf(R"({ "clients": [ { "host": "10.0.0.1", "role": "admin", "reply_port": "9000" } ] })")
              .find("reply_port") != std::string::npos);
}
