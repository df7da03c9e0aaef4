#pragma once
// The parameter tables of each kind of console object. Each table's order is its enum's order: the enum value is
// the parameter's index within its object, carried in engine commands. Later stages add rows here and nowhere else.

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "params/ParamSpec.h"

namespace foh {

/// The kinds of addressable object, in address order.
enum class ObjectKind : std::uint8_t { Channel, Main };

enum class ChannelParam : std::uint16_t {
    Trim, Polarity,
    HpfOn, HpfFreq, HpfSlope,
    GateOn, GateMode, GateThreshold, GateRange, GateRatio, GateAttack, GateHold, GateRelease,
    GateKeySrc, GateKeyFilter, GateKeyFreq,
    EqOn,
    Eq1On, Eq1Type, Eq1Freq, Eq1Gain, Eq1Q,
    Eq2On, Eq2Type, Eq2Freq, Eq2Gain, Eq2Q,
    Eq3On, Eq3Type, Eq3Freq, Eq3Gain, Eq3Q,
    Eq4On, Eq4Type, Eq4Freq, Eq4Gain, Eq4Q,
    CompOn, CompThreshold, CompRatio, CompKnee, CompAttack, CompRelease, CompMakeup, CompAutoMakeup, CompDetector,
    CompKeySrc, CompKeyHpf,
    DeessOn, DeessMode, DeessFreq, DeessThreshold, DeessRange, DeessListen,
    DelayOn, DelayMs,
    Pan, Fader, Mute, Solo, Link,
    Count
};
enum class MainParam : std::uint16_t { Fader, Mute, Count };

inline constexpr float kFaderBottomDb = -90.0f;
inline constexpr float kRatioInfinity = 100.0f;  ///< a compressor ratio at the top of its range is inf:1

inline constexpr std::string_view kHpfSlopes[] = {"12", "18", "24"};
inline constexpr std::string_view kGateModes[] = {"gate", "expander"};
inline constexpr std::string_view kEqTypesLow[] = {"lowshelf", "peak", "highshelf", "lowcut"};
inline constexpr std::string_view kEqTypesMid[] = {"lowshelf", "peak", "highshelf"};
inline constexpr std::string_view kEqTypesHigh[] = {"lowshelf", "peak", "highshelf", "highcut"};
inline constexpr std::string_view kDetectors[] = {"peak", "rms"};
inline constexpr std::string_view kDeessModes[] = {"split", "wide"};

namespace detail {
constexpr ParamSpec toggle(std::string_view key, bool def, ParamGroup g, std::string_view help) {
    return {key, Unit::Toggle, 0.0f, 1.0f, def ? 1.0f : 0.0f, Curve::Toggle, g, false, {}, help};
}
constexpr ParamSpec choice(std::string_view key, std::span<const std::string_view> c, int def, ParamGroup g,
                           std::string_view help) {
    return {key, Unit::Choice, 0.0f, static_cast<float>(c.size() - 1), static_cast<float>(def), Curve::Choice, g,
            false, c, help};
}
constexpr ParamSpec num(std::string_view key, Unit u, float lo, float hi, float def, Curve c, ParamGroup g,
                        std::string_view help) {
    return {key, u, lo, hi, def, c, g, false, {}, help};
}
constexpr ParamSpec keySource(std::string_view key, ParamGroup g) {
    return {key, Unit::Channel, 0.0f, 512.0f, 0.0f, Curve::Linear, g, false, {}, "key channel; 0 = this channel"};
}
}  // namespace detail

// clang-format off
inline constexpr std::array<ParamSpec, static_cast<std::size_t>(ChannelParam::Count)> kChannelParams = [] {
    using namespace detail;
    using G = ParamGroup;
    using U = Unit;
    using C = Curve;
    auto table = std::array<ParamSpec, static_cast<std::size_t>(ChannelParam::Count)>{{
    num("trim", U::Decibel, -24.0f, 24.0f, 0.0f, C::Linear, G::Input, "input gain before every stage"),
    toggle("polarity", false, G::Input, "invert the signal"),
    toggle("hpf/on", false, G::Eq, "high-pass filter in"),
    num("hpf/freq", U::Hertz, 20.0f, 400.0f, 80.0f, C::Logarithmic, G::Eq, "Butterworth corner (-3 dB)"),
    choice("hpf/slope", kHpfSlopes, 2, G::Eq, "dB/oct"),
    toggle("gate/on", false, G::Dynamics, "gate/expander in"),
    choice("gate/mode", kGateModes, 0, G::Dynamics, "gate closes by the range; expander by ratio, down to the range"),
    num("gate/threshold", U::Decibel, -80.0f, 0.0f, -40.0f, C::Linear, G::Dynamics, "key peak level that opens it"),
    num("gate/range", U::Decibel, 0.0f, 80.0f, 40.0f, C::Linear, G::Dynamics, "how far it closes"),
    num("gate/ratio", U::Ratio, 1.0f, 10.0f, 2.0f, C::Logarithmic, G::Dynamics, "expander: dB off per dB below threshold, plus one"),
    num("gate/attack", U::Millisecond, 0.02f, 100.0f, 0.5f, C::Logarithmic, G::Dynamics, "time to open fully"),
    num("gate/hold", U::Millisecond, 0.0f, 2000.0f, 50.0f, C::Linear, G::Dynamics, "stays open after the key falls"),
    num("gate/release", U::Millisecond, 5.0f, 4000.0f, 150.0f, C::Logarithmic, G::Dynamics, "time to close fully"),
    keySource("gate/key/src", G::Dynamics),
    toggle("gate/key/filter", false, G::Dynamics, "band-pass key filter in"),
    num("gate/key/freq", U::Hertz, 20.0f, 20000.0f, 1000.0f, C::Logarithmic, G::Dynamics, "key filter centre (Q 1)"),
    toggle("eq/on", true, G::Eq, "4-band EQ in"),
    toggle("eq/1/on", true, G::Eq, "band 1 in"),
    choice("eq/1/type", kEqTypesLow, 0, G::Eq, "band 1 shape"),
    num("eq/1/freq", U::Hertz, 20.0f, 20000.0f, 100.0f, C::Logarithmic, G::Eq, "band 1 frequency"),
    num("eq/1/gain", U::Decibel, -15.0f, 15.0f, 0.0f, C::Linear, G::Eq, "band 1 gain"),
    num("eq/1/q", U::Q, 0.3f, 10.0f, 0.707f, C::Logarithmic, G::Eq, "band 1 Q"),
    toggle("eq/2/on", true, G::Eq, "band 2 in"),
    choice("eq/2/type", kEqTypesMid, 1, G::Eq, "band 2 shape"),
    num("eq/2/freq", U::Hertz, 20.0f, 20000.0f, 400.0f, C::Logarithmic, G::Eq, "band 2 frequency"),
    num("eq/2/gain", U::Decibel, -15.0f, 15.0f, 0.0f, C::Linear, G::Eq, "band 2 gain"),
    num("eq/2/q", U::Q, 0.3f, 10.0f, 1.0f, C::Logarithmic, G::Eq, "band 2 Q"),
    toggle("eq/3/on", true, G::Eq, "band 3 in"),
    choice("eq/3/type", kEqTypesMid, 1, G::Eq, "band 3 shape"),
    num("eq/3/freq", U::Hertz, 20.0f, 20000.0f, 2500.0f, C::Logarithmic, G::Eq, "band 3 frequency"),
    num("eq/3/gain", U::Decibel, -15.0f, 15.0f, 0.0f, C::Linear, G::Eq, "band 3 gain"),
    num("eq/3/q", U::Q, 0.3f, 10.0f, 1.0f, C::Logarithmic, G::Eq, "band 3 Q"),
    toggle("eq/4/on", true, G::Eq, "band 4 in"),
    choice("eq/4/type", kEqTypesHigh, 2, G::Eq, "band 4 shape"),
    num("eq/4/freq", U::Hertz, 20.0f, 20000.0f, 8000.0f, C::Logarithmic, G::Eq, "band 4 frequency"),
    num("eq/4/gain", U::Decibel, -15.0f, 15.0f, 0.0f, C::Linear, G::Eq, "band 4 gain"),
    num("eq/4/q", U::Q, 0.3f, 10.0f, 0.707f, C::Logarithmic, G::Eq, "band 4 Q"),
    toggle("comp/on", false, G::Dynamics, "compressor in"),
    num("comp/threshold", U::Decibel, -60.0f, 0.0f, -20.0f, C::Linear, G::Dynamics, "level where reduction starts"),
    num("comp/ratio", U::Ratio, 1.0f, kRatioInfinity, 3.0f, C::Logarithmic, G::Dynamics, "N:1; 100 = inf:1 (limiting)"),
    num("comp/knee", U::Decibel, 0.0f, 24.0f, 6.0f, C::Linear, G::Dynamics, "soft-knee width around the threshold"),
    num("comp/attack", U::Millisecond, 0.05f, 200.0f, 10.0f, C::Logarithmic, G::Dynamics, "time constant of the reduction rising"),
    num("comp/release", U::Millisecond, 5.0f, 4000.0f, 100.0f, C::Logarithmic, G::Dynamics, "time constant of the reduction falling"),
    num("comp/makeup", U::Decibel, 0.0f, 24.0f, 0.0f, C::Linear, G::Dynamics, "gain after the compressor"),
    toggle("comp/automakeup", false, G::Dynamics, "adds back half the reduction a 0 dBFS input gets"),
    choice("comp/detector", kDetectors, 0, G::Dynamics, "peak (5 ms sliding max) or RMS (10 ms)"),
    keySource("comp/key/src", G::Dynamics),
    num("comp/key/hpf", U::Hertz, 20.0f, 400.0f, 20.0f, C::Logarithmic, G::Dynamics, "key high-pass; 20 Hz = off"),
    toggle("deess/on", false, G::Dynamics, "de-esser in"),
    choice("deess/mode", kDeessModes, 0, G::Dynamics, "split: only the sibilant band; wide: the whole signal"),
    num("deess/freq", U::Hertz, 2000.0f, 12000.0f, 6000.0f, C::Logarithmic, G::Dynamics, "sibilance frequency"),
    num("deess/threshold", U::Decibel, -60.0f, 0.0f, -30.0f, C::Linear, G::Dynamics, "band level where reduction starts"),
    num("deess/range", U::Decibel, 0.0f, 24.0f, 6.0f, C::Linear, G::Dynamics, "most it takes off"),
    toggle("deess/listen", false, G::Dynamics, "hear the detector band"),
    toggle("delay/on", false, G::Input, "time-alignment delay in"),
    num("delay/ms", U::Millisecond, 0.0f, 500.0f, 0.0f, C::Linear, G::Input, "delay, rounded to whole samples"),
    num("pan", U::Pan, -100.0f, 100.0f, 0.0f, C::Linear, G::FaderPan, "constant-power pan, -3 dB at centre"),
    {"fader", U::Decibel, kFaderBottomDb, 10.0f, -std::numeric_limits<float>::infinity(), C::FaderLaw, G::FaderPan, true, {}, "channel level into the main bus; -inf at the bottom"},
    toggle("mute", false, G::Mute, "10 ms fade out/in"),
    toggle("solo", false, G::Routing, "solo flag (the solo bus arrives with the buses)"),
    toggle("link", false, G::Routing, "stereo-link with the pair partner (1-2, 3-4, ...): controls move together, dynamics share a detector"),
    }};
    // A linked pair keeps its own pan (the image), and linking is set for both halves by the link logic itself.
    table[static_cast<std::size_t>(ChannelParam::Pan)].followsLink = false;
    table[static_cast<std::size_t>(ChannelParam::Link)].followsLink = false;
    return table;
}();

inline constexpr std::array<ParamSpec, static_cast<std::size_t>(MainParam::Count)> kMainParams{{
    {"fader", Unit::Decibel, kFaderBottomDb, 10.0f, 0.0f, Curve::FaderLaw, ParamGroup::FaderPan, true, {}, "main bus level"},
    {"mute",  Unit::Toggle,    0.0f,   1.0f,  0.0f, Curve::Toggle,   ParamGroup::Mute,     false, {}, "10 ms fade out/in"},
}};
// clang-format on

[[nodiscard]] constexpr const ParamSpec& spec(ChannelParam p) { return kChannelParams[static_cast<std::size_t>(p)]; }
[[nodiscard]] constexpr const ParamSpec& spec(MainParam p) { return kMainParams[static_cast<std::size_t>(p)]; }

}  // namespace foh
