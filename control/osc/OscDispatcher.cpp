#include "osc/OscDispatcher.h"

#include <cmath>
#include <string_view>

#include "params/ParamCurve.h"

namespace foh::osc {
namespace {

bool isIntegral(Unit unit) { return unit == Unit::Toggle || unit == Unit::Choice || unit == Unit::Channel; }

/// The operator value an argument stands for, or the reason it stands for none.
std::optional<float> argumentValue(const ParamSpec& spec, const OscArg& arg, std::string& why) {
    switch (arg.type) {
        case 'f':
        case 'd':
        case 'i':
        case 'h': return static_cast<float>(arg.number);
        case 'T': return 1.0f;
        case 'F': return 0.0f;
        case 's':
        case 'S':
            for (std::size_t c = 0; c < spec.choices.size(); ++c)
                if (spec.choices[c] == arg.text) return static_cast<float>(c);
            if (spec.unit == Unit::Toggle && (arg.text == "on" || arg.text == "off")) return arg.text == "on" ? 1.0f : 0.0f;
            if (spec.minusInfAtBottom && arg.text == "-inf") return -INFINITY;
            why = spec.choices.empty() ? "expects a number, not the string '" + arg.text + "'"
                                       : "'" + arg.text + "' is not one of its choices";
            return std::nullopt;
        default: why = std::string("argument type '") + arg.type + "' is not a value"; return std::nullopt;
    }
}

}  // namespace

OscMessage OscDispatcher::valueMessage(const ParamInfo& info, float value) {
    if (isIntegral(info.spec->unit)) return {info.address, {OscArg::i(static_cast<std::int32_t>(std::lround(value)))}};
    return {info.address, {OscArg::f(value)}};
}

OscMessage OscDispatcher::errorMessage(const std::string& address, const std::string& reason) {
    return {"/error", {OscArg::s(address), OscArg::s(reason)}};
}

Outcome OscDispatcher::handle(const OscMessage& message, const Role& role, std::string_view origin) {
    Outcome out;
    const std::string& address = message.address;
    auto fail = [&](BadKind kind, const std::string& reason) {
        out.bad = kind;
        out.replies.push_back(errorMessage(address, reason));
        return out;
    };

    if (address == "/subscribe") {
        if (message.args.empty()) {
            out.subscribePort = 0;
            return out;
        }
        const OscArg& a = message.args[0];
        if (message.args.size() != 1 || (a.type != 'i' && a.type != 'f' && a.type != 'h') ||
            a.number != std::floor(a.number) || a.number < 1 || a.number > 65535)
            return fail(BadKind::WrongType, "expects no argument or one port number 1..65535");
        out.subscribePort = static_cast<int>(a.number);
        return out;
    }

    if (address == "/login") {
        if (message.args.size() == 1 && (message.args[0].type == 's' || message.args[0].type == 'S')) {
            out.login = message.args[0].text;
            return out;
        }
        const OscArg* a = message.args.size() == 1 ? &message.args[0] : nullptr;
        // A number PIN: TouchOSC and `foh set` send floats, exact for whole numbers below 2^24; an int64 is held as a
        // double, exact below 2^53 (and converting one near 2^63 to long long would be undefined).
        const bool number = a && (a->type == 'i' || (a->type == 'h' && a->number < 9007199254740992.0) ||
                                  (a->type == 'f' && a->number < 16777216.0));
        if (number && a->number >= 0 && a->number == std::floor(a->number)) {
            out.login = std::to_string(static_cast<long long>(a->number));
            return out;
        }
        return fail(BadKind::WrongType, "expects one PIN (a string, or a whole number)");
    }
    if (address == "/logout") {
        if (!message.args.empty()) return fail(BadKind::WrongType, "takes no argument");
        out.logout = true;
        return out;
    }
    if (address == "/meters") {
        std::string why;
        out.meters = parseMeterRequest(message.args, why);
        if (!out.meters) return fail(BadKind::WrongType, why);
        return out;
    }
    if (address == "/role") {
        if (!message.args.empty()) return fail(BadKind::WrongType, "is a query: it takes no argument");
        out.replies.push_back({"/role", {OscArg::s(roleName(role))}});
        return out;
    }

    const auto registry = engine_.registry();
    std::string_view base = address;
    bool norm = false;
    auto id = registry->find(base);
    if (!id && base.ends_with(kNormSuffix)) {
        base.remove_suffix(std::string_view(kNormSuffix).size());
        id = registry->find(base);
        norm = id.has_value();
    }
    if (!id) return fail(BadKind::Unknown, "no such parameter");
    const ParamInfo& info = registry->info(*id);

    if (message.args.empty()) {
        const float value = engine_.get(info.address).value_or(info.spec->def);
        if (norm) out.replies.push_back({info.address + kNormSuffix, {OscArg::f(toNormalized(*info.spec, value))}});
        else out.replies.push_back(valueMessage(info, value));
        return out;
    }
    if (!mayChange(role, info)) return fail(BadKind::Forbidden, "not permitted for role " + roleName(role));
    if (message.args.size() != 1) return fail(BadKind::WrongType, "expects one value (or none, to query)");

    std::string why;
    const auto value = argumentValue(*info.spec, message.args[0], why);
    if (!value) return fail(BadKind::WrongType, why);
    const SetOptions how{0.0f, origin};
    const Checked c = norm ? engine_.setNormalized(queue_, info.address, *value, how) : engine_.set(queue_, *id, *value, how);
    if (!c.ok) {
        // The engine's reasons start with the address, which /error already carries.
        const std::string prefix = info.address + ": ";
        return fail(BadKind::Refused, c.error.starts_with(prefix) ? c.error.substr(prefix.size()) : c.error);
    }
    out.applied = true;
    return out;
}

}  // namespace foh::osc
