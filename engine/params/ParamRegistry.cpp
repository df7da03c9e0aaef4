#include "params/ParamRegistry.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace foh {
namespace {


std::string formatNumber(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
    return buf;
}

// "/ch/007/fader" -> "/ch/7/fader"; leaves non-numeric segments alone.
std::string canonicalAddress(std::string_view address) {
    std::string out;
    out.reserve(address.size());
    std::size_t i = 0;
    while (i < address.size()) {
        if (address[i] == '/') {
            out += '/';
            ++i;
            std::size_t j = i;
            while (j < address.size() && address[j] != '/') ++j;
            std::string_view seg = address.substr(i, j - i);
            bool numeric = !seg.empty();
            for (char c : seg) numeric = numeric && c >= '0' && c <= '9';
            if (numeric) {
                while (seg.size() > 1 && seg.front() == '0') seg.remove_prefix(1);
            }
            out += seg;
            i = j;
        } else {
            out += address[i++];
        }
    }
    return out;
}

}  // namespace

ParamRegistry::ParamRegistry(const ConsoleLayout& layout) : layout_(layout), slots_(layout) {
    auto check = [](int n, int max, const char* what) {
        if (n < 1 || n > max)
            throw std::invalid_argument(std::string(what) + " count " + std::to_string(n) + " is outside 1.." +
                                        std::to_string(max));
    };
    check(layout.channels, kMaxChannels, "channel");
    check(layout.buses, kMaxBuses, "bus");
    check(layout.fx, kMaxFx, "FX");
    idBySlot_.assign(slots_.size(), kNoId);
    for (int k = 0; k < kObjectKinds; ++k) {
        const auto kind = static_cast<ObjectKind>(k);
        const std::span<const ParamSpec> table = paramTable(kind);
        for (int i = 0; i < layout.count(kind); ++i) {
            for (std::size_t p = 0; p < table.size(); ++p) {
                if (!layout.has(table[p])) continue;
                const ParamTarget t{kind, static_cast<std::uint16_t>(i), static_cast<std::uint16_t>(p)};
                idBySlot_[slots_.of(kind, static_cast<std::size_t>(i), p)] = static_cast<ParamId>(params_.size());
                params_.push_back({objectAddress(t) + "/" + std::string(table[p].key), t, &table[p]});
            }
        }
    }
    byAddress_.reserve(params_.size());
    for (ParamId id = 0; id < params_.size(); ++id) byAddress_.emplace(params_[id].address, id);
}

std::string ParamRegistry::objectAddress(ParamTarget target) {
    const std::string n = std::to_string(target.index + 1);
    switch (target.object) {
        case ObjectKind::Channel: return "/ch/" + n;
        case ObjectKind::Main: return "/main";
        case ObjectKind::Bus: return "/bus/" + n;
        case ObjectKind::Fx: return "/fx/" + n;
        case ObjectKind::Matrix: return "/mtx/" + n;
        case ObjectKind::Dca: return "/dca/" + n;
        case ObjectKind::MuteGroup: return "/mgrp/" + n;
        case ObjectKind::Solo: return "/solo";
    }
    return "/";
}

std::optional<ParamId> ParamRegistry::find(std::string_view address) const {
    if (auto it = byAddress_.find(std::string(address)); it != byAddress_.end()) return it->second;
    if (auto it = byAddress_.find(canonicalAddress(address)); it != byAddress_.end()) return it->second;
    return std::nullopt;
}

std::optional<ParamId> ParamRegistry::idOf(ParamTarget t) const {
    const std::size_t slot = slots_.of(t.object, t.index, t.param);
    if (slot >= idBySlot_.size() || idBySlot_[slot] == kNoId) return std::nullopt;
    return idBySlot_[slot];
}

Checked ParamRegistry::validate(ParamId id, float value) const {
    if (id >= params_.size()) return {false, 0.0f, "no such parameter"};
    Checked c = validateAgainst(*params_[id].spec, value);
    if (c.ok && params_[id].spec->unit == Unit::Channel && value > static_cast<float>(layout_.channels))
        c = {false, 0.0f, "channel " + formatNumber(value) + " does not exist (1.." + std::to_string(layout_.channels) + ", 0 = self)"};
    if (!c.ok) c.error = params_[id].address + ": " + c.error;
    return c;
}

Checked validateAgainst(const ParamSpec& spec, float value) {
    // Only a refusal formats the range: a valid set (every OSC fader move) must not pay for two snprintf calls.
    const auto range = [&] {
        return "[" + formatNumber(spec.min) + ", " + formatNumber(spec.max) + "] " + std::string(unitSymbol(spec.unit));
    };
    if (std::isnan(value)) return {false, 0.0f, "value is not a number"};
    if (std::isinf(value) && value > 0) return {false, 0.0f, "value is +infinity; range is " + range()};
    if (spec.minusInfAtBottom && value <= spec.min) return {true, -std::numeric_limits<float>::infinity(), {}};
    if (std::isinf(value)) return {false, 0.0f, "value is -infinity; range is " + range()};
    if (value < spec.min || value > spec.max)
        return {false, 0.0f, "value " + formatNumber(value) + " is outside " + range()};
    if ((spec.unit == Unit::Toggle || spec.unit == Unit::Choice || spec.unit == Unit::Channel) &&
        value != std::floor(value))
        return {false, 0.0f, "value " + formatNumber(value) + " is not a whole number"};
    return {true, value, {}};
}

std::string formatValue(const ParamSpec& spec, float value) {
    char buf[48];
    switch (spec.unit) {
        case Unit::Toggle: return value >= 0.5f ? "on" : "off";
        case Unit::Choice: {
            const auto i = static_cast<std::size_t>(value);
            return i < spec.choices.size() ? std::string(spec.choices[i]) : formatNumber(value);
        }
        case Unit::Channel: return value == 0.0f ? "self" : "ch " + formatNumber(value);
        case Unit::Ratio:
            if (value >= kRatioInfinity) return "inf:1";
            std::snprintf(buf, sizeof buf, "%.2g:1", static_cast<double>(value));
            return buf;
        case Unit::Q:
            std::snprintf(buf, sizeof buf, "Q %.2g", static_cast<double>(value));
            return buf;
        case Unit::Percent:
            std::snprintf(buf, sizeof buf, "%.0f %%", static_cast<double>(value));
            return buf;
        case Unit::Pan:
            if (value == 0.0f) return "C";
            std::snprintf(buf, sizeof buf, "%s%.0f", value < 0 ? "L" : "R", static_cast<double>(std::fabs(value)));
            return buf;
        default:
            if (std::isinf(value)) return "-inf " + std::string(unitSymbol(spec.unit));
            std::snprintf(buf, sizeof buf, "%.1f %s", static_cast<double>(value), std::string(unitSymbol(spec.unit)).c_str());
            return buf;
    }
}

}  // namespace foh
