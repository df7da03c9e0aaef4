#pragma once
// What an OSC client may change (issue 7, "roles, enforced by the engine"). Queries are allowed for every role;
// this is only about sets.
//
// - admin: every parameter.
// - monitor B (a musician's phone mixing wedge/in-ear bus B): the sends into bus B from every channel
//   (/ch/N/send/B/{on,level,tap,pan}) and that bus's own level and mute (/bus/B/fader, /bus/B/mute). Not the bus's
//   EQ, compressor, delay, pan, solo, link or routing to main: those shape the mix for the engineer, not the
//   musician, and a solo or a main assign reaches other people's ears.
// - read-only: nothing (queries, subscriptions and later meters only).

#include <optional>
#include <string>
#include <string_view>

#include "params/ParamRegistry.h"

namespace foh::osc {

struct Role {
    enum class Kind { ReadOnly, Monitor, Admin };
    Kind kind = Kind::ReadOnly;
    int bus = 0;  ///< monitor: the bus, 1-based as in its addresses

    static Role admin() { return {Kind::Admin, 0}; }
    static Role readOnly() { return {Kind::ReadOnly, 0}; }
    static Role monitor(int bus) { return {Kind::Monitor, bus}; }
    friend bool operator==(const Role&, const Role&) = default;
};

/// "admin", "read-only", "monitor 3": the names the clients config and /error use.
[[nodiscard]] std::string roleName(const Role& role);
/// Parses a role name ("monitor 3" or "monitor3"; the bus 1..maxBus). nullopt when it is none.
[[nodiscard]] std::optional<Role> parseRole(std::string_view text, int maxBus = kMaxBuses);

/// Whether `role` may change the parameter `param`.
[[nodiscard]] bool mayChange(const Role& role, const ParamInfo& param);

}  // namespace foh::osc
