#include "osc/ClientsConfig.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace foh::osc {
namespace {
using nlohmann::json;

struct Invalid {
    std::string where, what;
};

/// Line and column (1-based) of byte offset `byte` in `text`.
std::string lineColumn(std::string_view text, std::size_t byte) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

void onlyKeys(const json& object, const std::string& where, std::initializer_list<std::string_view> keys) {
    if (!object.is_object()) throw Invalid{where, "must be an object"};
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (const auto k : keys) known = known || key == k;
        if (!known) {
            std::string list;
            for (const auto k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
            throw Invalid{where, "unknown key '" + key + "' (known: " + list + ")"};
        }
    }
}

Role roleAt(const json& object, const std::string& where, int buses) {
    if (!object.contains("role")) throw Invalid{where, "needs a \"role\""};
    const json& r = object["role"];
    if (!r.is_string()) throw Invalid{where + ".role", "must be a string"};
    const auto role = parseRole(r.get<std::string>(), buses);
    if (!role)
        throw Invalid{where + ".role", "'" + r.get<std::string>() + "' is not a role (admin, read-only, monitor 1.." +
                                           std::to_string(buses) + ")"};
    return *role;
}

/// A PIN: a string of 4 to 12 digits, or a non-negative integer written as one.
std::string pinAt(const json& value, const std::string& where) {
    std::string pin;
    if (value.is_string()) pin = value.get<std::string>();
    else if (value.is_number_unsigned()) pin = std::to_string(value.get<std::uint64_t>());
    else throw Invalid{where, "must be a string of digits"};
    if (pin.size() < 4 || pin.size() > 12 || pin.find_first_not_of("0123456789") != std::string::npos)
        throw Invalid{where, "must be 4 to 12 digits"};
    return pin;
}

ClientsConfig parse(const json& root, int buses) {
    ClientsConfig config;
    onlyKeys(root, "top level", {"admin_pin", "clients", "pins"});
    if (root.contains("admin_pin")) config.adminPin = pinAt(root["admin_pin"], "admin_pin");
    if (root.contains("clients")) {
        const json& clients = root["clients"];
        if (!clients.is_array()) throw Invalid{"clients", "must be an array"};
        for (std::size_t i = 0; i < clients.size(); ++i) {
            const std::string where = "clients[" + std::to_string(i) + "]";
            onlyKeys(clients[i], where, {"host", "role", "reply_port"});
            if (!clients[i].contains("host") || !clients[i]["host"].is_string())
                throw Invalid{where, "needs a \"host\": an IPv4 address or subnet, e.g. \"192.168.1.0/24\""};
            const std::string host = clients[i]["host"].get<std::string>();
            auto rule = parseHost(host);
            if (!rule) throw Invalid{where + ".host", "'" + host + "' is not an IPv4 address or subnet (a.b.c.d[/0..32])"};
            rule->role = roleAt(clients[i], where, buses);
            if (clients[i].contains("reply_port")) {
                const json& port = clients[i]["reply_port"];
                if (!port.is_number_integer() || port.get<long long>() < 1 || port.get<long long>() > 65535)
                    throw Invalid{where + ".reply_port", "must be a port number 1..65535 (TouchOSC listens on 9000)"};
                rule->replyPort = port.get<int>();
            }
            config.hosts.push_back(*rule);
        }
    }
    if (root.contains("pins")) {
        const json& pins = root["pins"];
        if (!pins.is_array()) throw Invalid{"pins", "must be an array"};
        for (std::size_t i = 0; i < pins.size(); ++i) {
            const std::string where = "pins[" + std::to_string(i) + "]";
            onlyKeys(pins[i], where, {"pin", "role"});
            if (!pins[i].contains("pin")) throw Invalid{where, "needs a \"pin\""};
            PinRule rule{pinAt(pins[i]["pin"], where + ".pin"), roleAt(pins[i], where, buses)};
            for (const PinRule& other : config.pins)
                if (other.pin == rule.pin) throw Invalid{where + ".pin", "the same PIN is given twice"};
            if (config.adminPin && *config.adminPin == rule.pin)
                throw Invalid{where + ".pin", "is the admin_pin"};
            config.pins.push_back(std::move(rule));
        }
    }
    return config;
}
}  // namespace

bool HostRule::matches(std::uint32_t ip) const {
    const std::uint32_t mask = prefix == 0 ? 0u : ~0u << (32 - prefix);
    return (ip & mask) == network;
}

std::optional<HostRule> parseHost(std::string_view text) {
    HostRule rule;
    const auto slash = text.find('/');
    std::string_view ip = text.substr(0, slash);
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        const auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), rule.prefix);
        if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || rule.prefix < 0 || rule.prefix > 32)
            return std::nullopt;
    }
    std::uint32_t address = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (!ip.starts_with('.')) return std::nullopt;
            ip.remove_prefix(1);
        }
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(ip.data(), ip.data() + ip.size(), value);
        const std::size_t digits = static_cast<std::size_t>(ptr - ip.data());
        if (ec != std::errc() || digits == 0 || digits > 3 || value > 255) return std::nullopt;
        address = address << 8 | value;
        ip.remove_prefix(digits);
    }
    if (!ip.empty()) return std::nullopt;
    rule.network = address & (rule.prefix == 0 ? 0u : ~0u << (32 - rule.prefix));
    return rule;
}

std::optional<ClientsConfig> parseClientsConfig(std::string_view text, const std::string& source, int buses,
                                                std::string& error) {
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // nlohmann's byte is 1-based: where it stopped (the end of the offending token). Its own text repeats the
        // position after an exception id; keep only the reason.
        std::string why = e.what();
        if (const auto column = why.find("column "); column != std::string::npos)
            if (const auto colon = why.find(": ", column); colon != std::string::npos) why = why.substr(colon + 2);
        error = source + ": not valid JSON at " + lineColumn(text, e.byte == 0 ? 0 : e.byte - 1) + ": " + why;
        return std::nullopt;
    }
    try {
        return parse(root, buses);
    } catch (const Invalid& e) {
        error = source + ": " + e.where + ": " + e.what;
    } catch (const json::exception& e) {
        error = source + ": " + e.what();
    }
    return std::nullopt;
}

std::optional<ClientsConfig> loadClientsConfig(const std::string& path, int buses, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = path + ": cannot be read";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parseClientsConfig(text.str(), path, buses, error);
}

}  // namespace foh::osc
