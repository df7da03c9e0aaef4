#include "osc/Role.h"

#include <charconv>

namespace foh::osc {

std::string roleName(const Role& role) {
    switch (role.kind) {
        case Role::Kind::Admin: return "admin";
        case Role::Kind::Monitor: return "monitor " + std::to_string(role.bus);
        case Role::Kind::ReadOnly: return "read-only";
    }
    return "?";
}

std::optional<Role> parseRole(std::string_view text, int maxBus) {
    if (text == "admin") return Role::admin();
    if (text == "read-only") return Role::readOnly();
    constexpr std::string_view kMonitor = "monitor";
    if (!text.starts_with(kMonitor)) return std::nullopt;
    text.remove_prefix(kMonitor.size());
    if (text.starts_with(' ')) text.remove_prefix(1);
    int bus = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), bus);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || bus < 1 || bus > maxBus)
        return std::nullopt;
    return Role::monitor(bus);
}

bool mayChange(const Role& role, const ParamInfo& param) {
    switch (role.kind) {
        case Role::Kind::Admin: return true;
        case Role::Kind::ReadOnly: return false;
        case Role::Kind::Monitor: break;
    }
    const int bus = role.bus - 1;  // 0-based, as in the targets
    const ParamTarget& t = param.target;
    if (t.object == ObjectKind::Channel) {
        const int first = static_cast<int>(ChannelParam::SendFirst) + bus * kSendFields;
        return t.param >= first && t.param < first + kSendFields;
    }
    if (t.object == ObjectKind::Bus && t.index == bus)
        return t.param == static_cast<std::uint16_t>(BusParam::Fader) ||
               t.param == static_cast<std::uint16_t>(BusParam::Mute);
    return false;
}

}  // namespace foh::osc
