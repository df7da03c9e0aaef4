#pragma once
// The parameter tables of each kind of console object. Each table's order is its enum's order: the enum value is
// the parameter's index within its object, carried in engine commands. Later stages add rows here and nowhere else.

#include <array>
#include <cstdint>
#include <limits>

#include "params/ParamSpec.h"

namespace foh {

/// The kinds of addressable object, in address order.
enum class ObjectKind : std::uint8_t { Channel, Main };

enum class ChannelParam : std::uint16_t { Trim, Polarity, Pan, Fader, Mute, Count };
enum class MainParam : std::uint16_t { Fader, Mute, Count };

inline constexpr float kFaderBottomDb = -90.0f;

// clang-format off
inline constexpr std::array<ParamSpec, static_cast<std::size_t>(ChannelParam::Count)> kChannelParams{{
    {"trim",     Unit::Decibel, -24.0f,  24.0f,  0.0f, Curve::Linear,   ParamGroup::Input,    false, {}, "input gain before every stage"},
    {"polarity", Unit::Toggle,    0.0f,   1.0f,  0.0f, Curve::Toggle,   ParamGroup::Input,    false, {}, "invert the signal"},
    {"pan",      Unit::Pan,    -100.0f, 100.0f,  0.0f, Curve::Linear,   ParamGroup::FaderPan, false, {}, "constant-power pan, -3 dB at centre"},
    {"fader",    Unit::Decibel, kFaderBottomDb, 10.0f, -std::numeric_limits<float>::infinity(), Curve::FaderLaw, ParamGroup::FaderPan, true, {}, "channel level into the main bus; -inf at the bottom"},
    {"mute",     Unit::Toggle,    0.0f,   1.0f,  0.0f, Curve::Toggle,   ParamGroup::Mute,     false, {}, "10 ms fade out/in"},
}};

inline constexpr std::array<ParamSpec, static_cast<std::size_t>(MainParam::Count)> kMainParams{{
    {"fader", Unit::Decibel, kFaderBottomDb, 10.0f, 0.0f, Curve::FaderLaw, ParamGroup::FaderPan, true, {}, "main bus level"},
    {"mute",  Unit::Toggle,    0.0f,   1.0f,  0.0f, Curve::Toggle,   ParamGroup::Mute,     false, {}, "10 ms fade out/in"},
}};
// clang-format on

[[nodiscard]] constexpr const ParamSpec& spec(ChannelParam p) { return kChannelParams[static_cast<std::size_t>(p)]; }
[[nodiscard]] constexpr const ParamSpec& spec(MainParam p) { return kMainParams[static_cast<std::size_t>(p)]; }

}  // namespace foh
