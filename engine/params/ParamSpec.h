#pragma once
// The definition of one kind of parameter: what the operator sees (unit, range, default) and how a 0..1 control
// maps onto it. Specs are compile-time tables (see ChannelParams.h, MainParams.h); the registry instantiates them
// per channel/bus into addressable parameters.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace foh {

enum class Unit : std::uint8_t { Decibel, Hertz, Millisecond, Second, Percent, Ratio, Q, Pan, Toggle, Choice, Channel };

/// How a 0..1 control (TouchOSC's default range) maps onto the operator value.
enum class Curve : std::uint8_t {
    Linear,       ///< min + n * (max - min)
    Logarithmic,  ///< geometric: equal steps are equal ratios (frequencies, times)
    FaderLaw,     ///< the desk fader law documented in docs/PARAMETERS.md (0 -> -inf, 0.75 -> 0 dB, 1 -> +10 dB)
    Toggle,       ///< off below 0.5, on from 0.5
    Choice,       ///< n spread evenly over the choices
};

/// The recall-safe / scope groups a scene uses (issue 8); every parameter belongs to exactly one.
enum class ParamGroup : std::uint8_t { Input, Eq, Dynamics, Sends, FaderPan, Mute, Routing };

struct ParamSpec {
    std::string_view key;  ///< address tail below the object, e.g. "fader", "eq/2/gain"
    Unit unit;
    float min;
    float max;
    float def;
    Curve curve;
    ParamGroup group;
    /// A value at or below `min` means -infinity (faders and send levels: the bottom of the travel is "off").
    bool minusInfAtBottom = false;
    std::span<const std::string_view> choices = {};
    std::string_view help = {};
    /// Whether a stereo-linked partner follows this parameter (everything but pan and the link itself).
    bool followsLink = true;
    /// The parameter exists only when the layout has this bus / FX (0-based; -1 = always): sends to bus 20 do not
    /// exist on a 16-bus console.
    std::int8_t needsBus = -1;
    std::int8_t needsFx = -1;
};

[[nodiscard]] std::string_view unitSymbol(Unit unit);
[[nodiscard]] std::string_view curveName(Curve curve);
[[nodiscard]] std::string_view groupName(ParamGroup group);
inline constexpr int kParamGroups = 7;
/// The group named `name` ("eq", "fader/pan"; also "fader" and "pan" for fader/pan, "input" as "trim").
[[nodiscard]] std::optional<ParamGroup> parseGroup(std::string_view name);
/// Whether scenes store and recall a parameter of `key` on an object of kind `solo` (false for the solo object):
/// everything but listening aids and momentary actions (solo, de-esser listen, band solo, tap tempo, loudness
/// run/reset), the solo bus setup, which a recall never touches, a channel's source (live or playback: recalling
/// the show's scenes during a virtual soundcheck must not drop channels back to live) and the record arming
/// (`rec/arm`: what the recorder takes is the engineer's choice for the whole show, not a song's).
[[nodiscard]] bool recalledByScenes(bool soloObject, std::string_view key);
/// Whether the show file's state keeps a parameter: everything scenes recall, plus the record arming (kept with the
/// show, restored when it is opened, never touched by a recall).
[[nodiscard]] bool keptInShow(bool soloObject, std::string_view key);

}  // namespace foh
