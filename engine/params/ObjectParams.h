#pragma once
// The parameter tables of each kind of console object. Each table's order is its enum's order: the enum value is
// the parameter's index within its object, carried in engine commands. Later stages add rows here and nowhere else.

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "dsp/LoudnessTargets.h"
#include "params/ParamSpec.h"

namespace foh {

/// The kinds of addressable object, in address order.
enum class ObjectKind : std::uint8_t { Channel, Main, Bus, Fx, Matrix, Dca, MuteGroup, Solo };
inline constexpr int kObjectKinds = 8;

// How many of each object a console has. Buses and FX are set per layout (GraphConfig); the rest are fixed.
inline constexpr int kMaxBuses = 32;       ///< aux/monitor buses (mono; adjacent pairs link into stereo)
inline constexpr int kDefaultBuses = 16;
inline constexpr int kMaxFx = 8;           ///< FX slots, each with its own send bus and stereo return
inline constexpr int kDefaultFx = 4;
inline constexpr int kMatrices = 8;
inline constexpr int kDcas = 8;
inline constexpr int kMuteGroups = 6;

inline constexpr int kSendFields = 4;    ///< per channel and bus: on, level, tap, pan
inline constexpr int kFxSendFields = 3;  ///< per channel and FX: on, level, tap
enum class SendField : std::uint16_t { On, Level, Tap, Pan };
/// Where a send (or a direct out) takes the channel's signal.
enum class Tap : int { PreEq = 0, PreFader = 1, PostFader = 2 };
enum class DirectTap : int { PostTrim = 0, PreFader = 1, PostFader = 2 };

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
    MainOn, DirectTap, Source, RecArm,
    SendFirst,                                        // send/<bus>/{on,level,tap,pan}, bus-major
    FxSendFirst = SendFirst + kMaxBuses * kSendFields,  // fxsend/<fx>/{on,level,tap}
    DcaFirst = FxSendFirst + kMaxFx * kFxSendFields,    // dca/<d>: member of DCA d
    MgrpFirst = DcaFirst + kDcas,                       // mgrp/<g>: member of mute group g
    Count = MgrpFirst + kMuteGroups
};
inline constexpr int kMbBands = 4;       ///< the multiband compressor's most bands
inline constexpr int kMbBandFields = 7;  ///< per band: threshold, ratio, attack, release, gain, solo, bypass

/// The main bus: fader, mute, mono output, and the mastering chain in signal order (docs/PARAMETERS.md).
enum class MainParam : std::uint16_t {
    Fader, Mute, MonoOn, MonoLevel,
    EqOn,
    Eq1On, Eq1Type, Eq1Freq, Eq1Gain, Eq1Q,
    Eq2On, Eq2Type, Eq2Freq, Eq2Gain, Eq2Q,
    Eq3On, Eq3Type, Eq3Freq, Eq3Gain, Eq3Q,
    Eq4On, Eq4Type, Eq4Freq, Eq4Gain, Eq4Q,
    CompOn, CompThreshold, CompRatio, CompKnee, CompAttack, CompRelease, CompMakeup, CompMix, CompKeyHpf,
    MbOn, MbBands, MbXover1, MbXover2, MbXover3,
    MbFirst,  // mb/<band>/{threshold,ratio,attack,release,gain,solo,bypass}
    ImageOn = MbFirst + kMbBands * kMbBandFields, ImageXover, ImageLowWidth, ImageHighWidth, ImageMonoBass,
    SatOn, SatDrive, SatMix,
    LimitOn, LimitCeiling, LimitRelease,
    LoudTarget, LoudRun, LoudReset,
    RecArm,
    Count
};
enum class MbField : std::uint16_t { Threshold, Ratio, Attack, Release, Gain, Solo, Bypass };
[[nodiscard]] constexpr MainParam mbParam(int band, MbField f) {
    return static_cast<MainParam>(static_cast<int>(MainParam::MbFirst) + band * kMbBandFields + static_cast<int>(f));
}

enum class BusParam : std::uint16_t {
    EqOn,
    Eq1On, Eq1Type, Eq1Freq, Eq1Gain, Eq1Q,
    Eq2On, Eq2Type, Eq2Freq, Eq2Gain, Eq2Q,
    Eq3On, Eq3Type, Eq3Freq, Eq3Gain, Eq3Q,
    Eq4On, Eq4Type, Eq4Freq, Eq4Gain, Eq4Q,
    CompOn, CompThreshold, CompRatio, CompKnee, CompAttack, CompRelease, CompMakeup, CompAutoMakeup, CompDetector,
    DelayOn, DelayMs,
    Pan, Fader, Mute, Solo, Link, MainOn, RecArm,
    Count
};

enum class FxParam : std::uint16_t {
    Type,
    RevPreDelay, RevDecay, RevDamping, RevSize, RevMix,
    DlyMs, DlyTap, DlyFeedback, DlyLowCut, DlyHighCut, DlyPingPong, DlyMix,
    Fader, Mute, Solo, MainOn,
    SendFirst,                                  // send/<bus>/{on,level}: the return into aux buses (FX in wedges)
    FxSendFirst = SendFirst + kMaxBuses * 2,    // fxsend/<fx>/{on,level}: the return into another FX (no loops)
    Count = FxSendFirst + kMaxFx * 2
};

enum class MatrixParam : std::uint16_t {
    BusFirst,                                   // bus/<b>/{on,level}
    MainOn = BusFirst + kMaxBuses * 2, MainLevel,
    DelayOn, DelayMs, Fader, Mute,
    Count
};

enum class DcaParam : std::uint16_t { Fader, Mute, Count };
enum class MuteGroupParam : std::uint16_t { Mute, Count };
enum class SoloParam : std::uint16_t { Mode, Level, InPlace, Count };

[[nodiscard]] constexpr ChannelParam sendParam(int bus, SendField f) {
    return static_cast<ChannelParam>(static_cast<int>(ChannelParam::SendFirst) + bus * kSendFields + static_cast<int>(f));
}
[[nodiscard]] constexpr ChannelParam fxSendParam(int fx, SendField f) {
    return static_cast<ChannelParam>(static_cast<int>(ChannelParam::FxSendFirst) + fx * kFxSendFields + static_cast<int>(f));
}
[[nodiscard]] constexpr ChannelParam dcaMemberParam(int dca) {
    return static_cast<ChannelParam>(static_cast<int>(ChannelParam::DcaFirst) + dca);
}
[[nodiscard]] constexpr ChannelParam mgrpMemberParam(int group) {
    return static_cast<ChannelParam>(static_cast<int>(ChannelParam::MgrpFirst) + group);
}
/// FX return sends: field 0 = on, 1 = level.
[[nodiscard]] constexpr FxParam fxReturnSendParam(int bus, int field) {
    return static_cast<FxParam>(static_cast<int>(FxParam::SendFirst) + bus * 2 + field);
}
[[nodiscard]] constexpr FxParam fxToFxParam(int fx, int field) {
    return static_cast<FxParam>(static_cast<int>(FxParam::FxSendFirst) + fx * 2 + field);
}
[[nodiscard]] constexpr MatrixParam matrixBusParam(int bus, int field) {
    return static_cast<MatrixParam>(static_cast<int>(MatrixParam::BusFirst) + bus * 2 + field);
}

inline constexpr float kFaderBottomDb = -90.0f;
inline constexpr float kRatioInfinity = 100.0f;  ///< a compressor ratio at the top of its range is inf:1

inline constexpr std::string_view kHpfSlopes[] = {"12", "18", "24"};
inline constexpr std::string_view kGateModes[] = {"gate", "expander"};
inline constexpr std::string_view kEqTypesLow[] = {"lowshelf", "peak", "highshelf", "lowcut"};
inline constexpr std::string_view kEqTypesMid[] = {"lowshelf", "peak", "highshelf"};
inline constexpr std::string_view kEqTypesHigh[] = {"lowshelf", "peak", "highshelf", "highcut"};
inline constexpr std::string_view kDetectors[] = {"peak", "rms"};
inline constexpr std::string_view kDeessModes[] = {"split", "wide"};
inline constexpr std::string_view kSendTaps[] = {"preeq", "prefader", "postfader"};
inline constexpr std::string_view kDirectTaps[] = {"posttrim", "prefader", "postfader"};
/// Where a channel's signal comes from: its live input, or a take played back (virtual soundcheck).
enum class ChannelSource : int { Live = 0, Playback = 1 };
inline constexpr std::string_view kChannelSources[] = {"live", "playback"};
inline constexpr std::string_view kFxTypes[] = {"reverb", "delay"};
inline constexpr std::string_view kSoloModes[] = {"pfl", "afl"};

/// Keys made at compile time for the repeated parameters ("send/12/level"): string_views in the tables point here.
struct KeyText {
    char text[32]{};
    std::size_t length = 0;
    [[nodiscard]] constexpr std::string_view view() const { return {text, length}; }
};
[[nodiscard]] constexpr KeyText makeKey(std::string_view prefix, int index1, std::string_view suffix) {
    KeyText k;
    auto put = [&](char c) { k.text[k.length++] = c; };
    for (char c : prefix) put(c);
    char digits[4]{};
    int d = 0;
    for (int v = index1; v > 0 || d == 0; v /= 10) digits[d++] = static_cast<char>('0' + v % 10);
    while (d > 0) put(digits[--d]);
    for (char c : suffix) put(c);
    return k;
}
/// `count` objects x the suffixes, object-major: prefix + (i+1) + suffix.
template <int Count, std::size_t Fields>
[[nodiscard]] constexpr std::array<KeyText, Count * Fields> makeKeys(std::string_view prefix,
                                                                    const std::array<std::string_view, Fields>& suffixes) {
    std::array<KeyText, Count * Fields> keys{};
    for (int i = 0; i < Count; ++i)
        for (std::size_t f = 0; f < Fields; ++f) keys[static_cast<std::size_t>(i) * Fields + f] = makeKey(prefix, i + 1, suffixes[f]);
    return keys;
}
inline constexpr auto kSendKeys = makeKeys<kMaxBuses, 4>("send/", {"/on", "/level", "/tap", "/pan"});
inline constexpr auto kFxSendKeys = makeKeys<kMaxFx, 3>("fxsend/", {"/on", "/level", "/tap"});
inline constexpr auto kDcaKeys = makeKeys<kDcas, 1>("dca/", {""});
inline constexpr auto kMgrpKeys = makeKeys<kMuteGroups, 1>("mgrp/", {""});
inline constexpr auto kReturnSendKeys = makeKeys<kMaxBuses, 2>("send/", {"/on", "/level"});
inline constexpr auto kFxToFxKeys = makeKeys<kMaxFx, 2>("fxsend/", {"/on", "/level"});
inline constexpr auto kMatrixBusKeys = makeKeys<kMaxBuses, 2>("bus/", {"/on", "/level"});
inline constexpr auto kMbKeys = makeKeys<kMbBands, kMbBandFields>(
    "mb/", {"/threshold", "/ratio", "/attack", "/release", "/gain", "/solo", "/bypass"});
inline constexpr std::string_view kMbBandCounts[] = {"3", "4"};
/// The platform loudness targets' names, taken from their one table (dsp/LoudnessTargets.h).
inline constexpr auto kLoudTargetNames = [] {
    std::array<std::string_view, dsp::kLoudnessTargets.size()> names{};
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = dsp::kLoudnessTargets[i].name;
    return names;
}();

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
constexpr ParamSpec level(std::string_view key, float def, ParamGroup g, std::string_view help) {
    return {key, Unit::Decibel, kFaderBottomDb, 10.0f, def, Curve::FaderLaw, g, true, {}, help};
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
    toggle("main/on", true, G::Routing, "assigned to the main L/R bus"),
    choice("direct/tap", kDirectTaps, 0, G::Routing, "where the direct out (and the recorder) takes the signal"),
    choice("source", kChannelSources, 0, G::Input, "live input, or the take playing back (virtual soundcheck; enters after trim, where the recorder tapped it; not recalled by scenes)"),
    toggle("rec/arm", true, G::Routing, "recorded by the next /rec/start, at direct/tap (a take's tracks are fixed while it runs; scenes never recall arming)"),
    }};
    for (int b = 0; b < kMaxBuses; ++b) {
        const auto at = [&](SendField f) -> ParamSpec& { return table[static_cast<std::size_t>(sendParam(b, f))]; };
        const auto key = [&](SendField f) { return kSendKeys[static_cast<std::size_t>(b * kSendFields) + static_cast<std::size_t>(f)].view(); };
        at(SendField::On) = toggle(key(SendField::On), true, G::Sends, "send into this aux bus switched on");
        at(SendField::Level) = level(key(SendField::Level), -std::numeric_limits<float>::infinity(), G::Sends, "send level; -inf at the bottom");
        at(SendField::Tap) = choice(key(SendField::Tap), kSendTaps, 1, G::Sends, "pre-EQ (after gate), pre-fader, post-fader; every tap follows mute");
        at(SendField::Pan) = num(key(SendField::Pan), U::Pan, -100.0f, 100.0f, 0.0f, C::Linear, G::Sends, "pan into a linked (stereo) bus pair, on the odd bus's send");
        at(SendField::Pan).needsBus = at(SendField::On).needsBus = at(SendField::Level).needsBus = at(SendField::Tap).needsBus = static_cast<std::int8_t>(b);
    }
    for (int k = 0; k < kMaxFx; ++k) {
        const auto at = [&](SendField f) -> ParamSpec& { return table[static_cast<std::size_t>(fxSendParam(k, f))]; };
        const auto key = [&](SendField f) { return kFxSendKeys[static_cast<std::size_t>(k * kFxSendFields) + static_cast<std::size_t>(f)].view(); };
        at(SendField::On) = toggle(key(SendField::On), true, G::Sends, "send into this FX switched on");
        at(SendField::Level) = level(key(SendField::Level), -std::numeric_limits<float>::infinity(), G::Sends, "FX send level; -inf at the bottom");
        at(SendField::Tap) = choice(key(SendField::Tap), kSendTaps, 2, G::Sends, "pre-EQ, pre-fader, post-fader");
        at(SendField::On).needsFx = at(SendField::Level).needsFx = at(SendField::Tap).needsFx = static_cast<std::int8_t>(k);
    }
    for (int d = 0; d < kDcas; ++d)
        table[static_cast<std::size_t>(dcaMemberParam(d))] = toggle(kDcaKeys[static_cast<std::size_t>(d)].view(), false, G::Routing, "member of this DCA");
    for (int g = 0; g < kMuteGroups; ++g)
        table[static_cast<std::size_t>(mgrpMemberParam(g))] = toggle(kMgrpKeys[static_cast<std::size_t>(g)].view(), false, G::Routing, "member of this mute group");
    // A linked pair keeps its own pan (the image), and linking is set for both halves by the link logic itself.
    table[static_cast<std::size_t>(ChannelParam::Pan)].followsLink = false;
    table[static_cast<std::size_t>(ChannelParam::Link)].followsLink = false;
    // Sends into a linked bus pair are one stereo send (the odd bus's level and pan); each channel of a linked
    // channel pair keeps its own send pan, like its own pan.
    for (int b = 0; b < kMaxBuses; ++b) table[static_cast<std::size_t>(sendParam(b, SendField::Pan))].followsLink = false;
    return table;
}();

/// Rows the bus table shares with the channel table (the same EQ, compressor and delay units).
[[nodiscard]] constexpr ParamSpec channelRow(ChannelParam p) { return kChannelParams[static_cast<std::size_t>(p)]; }

inline constexpr std::array<ParamSpec, static_cast<std::size_t>(MainParam::Count)> kMainParams = [] {
    using namespace detail;
    using G = ParamGroup;
    using U = Unit;
    using C = Curve;
    using P = MainParam;
    std::array<ParamSpec, static_cast<std::size_t>(P::Count)> t{};
    auto at = [&](P p) -> ParamSpec& { return t[static_cast<std::size_t>(p)]; };
    at(P::Fader) = level("fader", 0.0f, G::FaderPan, "main bus level (before the limiter, so the ceiling holds at any fader)");
    at(P::Mute) = toggle("mute", false, G::Mute, "10 ms fade out/in");
    at(P::MonoOn) = toggle("mono/on", false, G::Routing, "mono/centre output main_M = (L + R) / 2, post main fader");
    at(P::MonoLevel) = level("mono/level", 0.0f, G::FaderPan, "mono/centre output level");
    // Corrective EQ: the channel's 4-band unit on both sides (band 1 low shelf, band 4 high shelf by default).
    const auto eqFirst = static_cast<int>(ChannelParam::EqOn);
    for (int i = 0; i <= static_cast<int>(P::Eq4Q) - static_cast<int>(P::EqOn); ++i)
        t[static_cast<std::size_t>(static_cast<int>(P::EqOn) + i)] = channelRow(static_cast<ChannelParam>(eqFirst + i));
    at(P::EqOn).def = 0.0f;
    at(P::EqOn).help = "corrective EQ in (first in the chain)";
    // Bus ("glue") compressor: the channel's unit, stereo-linked, with a parallel mix and a key high-pass.
    at(P::CompOn) = toggle("comp/on", false, G::Dynamics, "bus compressor in (stereo-linked detector)");
    at(P::CompThreshold) = channelRow(ChannelParam::CompThreshold);
    at(P::CompRatio) = channelRow(ChannelParam::CompRatio);
    at(P::CompRatio).def = 2.0f;
    at(P::CompKnee) = channelRow(ChannelParam::CompKnee);
    at(P::CompAttack) = channelRow(ChannelParam::CompAttack);
    at(P::CompAttack).def = 30.0f;
    at(P::CompRelease) = channelRow(ChannelParam::CompRelease);
    at(P::CompRelease).def = 200.0f;
    at(P::CompMakeup) = channelRow(ChannelParam::CompMakeup);
    at(P::CompMix) = num("comp/mix", U::Percent, 0.0f, 100.0f, 100.0f, C::Linear, G::Dynamics, "parallel compression: share of the compressed signal");
    at(P::CompKeyHpf) = channelRow(ChannelParam::CompKeyHpf);
    at(P::CompKeyHpf).help = "key high-pass so the kick does not pump the mix; 20 Hz = off";
    at(P::MbOn) = toggle("mb/on", false, G::Dynamics, "multiband compressor in (Linkwitz-Riley 24 dB/oct crossovers, flat sum)");
    at(P::MbBands) = choice("mb/bands", kMbBandCounts, 1, G::Dynamics, "3 or 4 bands");
    at(P::MbXover1) = num("mb/xover/1", U::Hertz, 40.0f, 1000.0f, 120.0f, C::Logarithmic, G::Dynamics, "crossover between bands 1 and 2");
    at(P::MbXover2) = num("mb/xover/2", U::Hertz, 200.0f, 5000.0f, 1000.0f, C::Logarithmic, G::Dynamics, "crossover between bands 2 and 3");
    at(P::MbXover3) = num("mb/xover/3", U::Hertz, 1000.0f, 16000.0f, 6000.0f, C::Logarithmic, G::Dynamics, "crossover between bands 3 and 4 (4 bands)");
    for (int b = 0; b < kMbBands; ++b) {
        const auto key = [&](MbField f) { return kMbKeys[static_cast<std::size_t>(b * kMbBandFields + static_cast<int>(f))].view(); };
        at(mbParam(b, MbField::Threshold)) = num(key(MbField::Threshold), U::Decibel, -60.0f, 0.0f, -20.0f, C::Linear, G::Dynamics, "band threshold");
        at(mbParam(b, MbField::Ratio)) = num(key(MbField::Ratio), U::Ratio, 1.0f, 20.0f, 2.0f, C::Logarithmic, G::Dynamics, "band ratio N:1");
        at(mbParam(b, MbField::Attack)) = num(key(MbField::Attack), U::Millisecond, 0.1f, 200.0f, 20.0f, C::Logarithmic, G::Dynamics, "band attack time constant");
        at(mbParam(b, MbField::Release)) = num(key(MbField::Release), U::Millisecond, 5.0f, 2000.0f, 200.0f, C::Logarithmic, G::Dynamics, "band release time constant");
        at(mbParam(b, MbField::Gain)) = num(key(MbField::Gain), U::Decibel, -12.0f, 12.0f, 0.0f, C::Linear, G::Dynamics, "band makeup gain");
        at(mbParam(b, MbField::Solo)) = toggle(key(MbField::Solo), false, G::Dynamics, "hear only the soloed bands");
        at(mbParam(b, MbField::Bypass)) = toggle(key(MbField::Bypass), false, G::Dynamics, "band passes uncompressed");
    }
    at(P::ImageOn) = toggle("image/on", false, G::Eq, "stereo imaging in");
    at(P::ImageXover) = num("image/xover", U::Hertz, 50.0f, 5000.0f, 300.0f, C::Logarithmic, G::Eq, "split between the low and high width bands");
    at(P::ImageLowWidth) = num("image/low/width", U::Percent, 0.0f, 200.0f, 100.0f, C::Linear, G::Eq, "side level below the split; 100 = unchanged, 0 = mono");
    at(P::ImageHighWidth) = num("image/high/width", U::Percent, 0.0f, 200.0f, 100.0f, C::Linear, G::Eq, "side level above the split");
    at(P::ImageMonoBass) = num("image/monobass", U::Hertz, 20.0f, 500.0f, 20.0f, C::Logarithmic, G::Eq, "side removed below this frequency; 20 Hz = off");
    at(P::SatOn) = toggle("sat/on", false, G::Dynamics, "saturation in (4x oversampled)");
    at(P::SatDrive) = num("sat/drive", U::Decibel, 0.0f, 24.0f, 6.0f, C::Linear, G::Dynamics, "drive into the soft-clip curve");
    at(P::SatMix) = num("sat/mix", U::Percent, 0.0f, 100.0f, 100.0f, C::Linear, G::Dynamics, "share of the saturated signal");
    at(P::LimitOn) = toggle("limit/on", false, G::Dynamics, "true-peak brickwall limiter in (last, after the main fader)");
    at(P::LimitCeiling) = num("limit/ceiling", U::Decibel, -12.0f, 0.0f, -1.0f, C::Linear, G::Dynamics, "true-peak ceiling (dBTP)");
    at(P::LimitRelease) = num("limit/release", U::Millisecond, 1.0f, 1000.0f, 50.0f, C::Logarithmic, G::Dynamics, "limiter release");
    at(P::LoudTarget) = choice("loud/target", kLoudTargetNames, 0, G::Routing, "platform target for the readout 'how far from target'");
    at(P::LoudRun) = toggle("loud/run", true, G::Routing, "loudness integration running (off = paused; M and S keep showing)");
    at(P::LoudReset) = toggle("loud/reset", false, G::Routing, "1 starts the integrated loudness, LRA and true-peak max over");
    at(P::RecArm) = toggle("rec/arm", true, G::Routing, "main L and R recorded by the next /rec/start, as they leave the console (scenes never recall arming)");
    return t;
}();


inline constexpr std::array<ParamSpec, static_cast<std::size_t>(BusParam::Count)> kBusParams = [] {
    using namespace detail;
    using G = ParamGroup;
    std::array<ParamSpec, static_cast<std::size_t>(BusParam::Count)> t{};
    const auto eqFirst = static_cast<int>(ChannelParam::EqOn);
    for (int i = 0; i <= static_cast<int>(BusParam::Eq4Q); ++i) t[static_cast<std::size_t>(i)] = channelRow(static_cast<ChannelParam>(eqFirst + i));
    const auto compFirst = static_cast<int>(ChannelParam::CompOn);
    for (int i = 0; i <= static_cast<int>(BusParam::CompDetector) - static_cast<int>(BusParam::CompOn); ++i)
        t[static_cast<std::size_t>(static_cast<int>(BusParam::CompOn) + i)] = channelRow(static_cast<ChannelParam>(compFirst + i));
    t[static_cast<std::size_t>(BusParam::DelayOn)] = channelRow(ChannelParam::DelayOn);
    t[static_cast<std::size_t>(BusParam::DelayMs)] = channelRow(ChannelParam::DelayMs);
    t[static_cast<std::size_t>(BusParam::Pan)] = channelRow(ChannelParam::Pan);
    t[static_cast<std::size_t>(BusParam::Pan)].help = "constant-power pan into main (a linked pair goes odd -> L, even -> R)";
    t[static_cast<std::size_t>(BusParam::Fader)] = level("fader", 0.0f, G::FaderPan, "bus output level (port bus_N, matrices, main)");
    t[static_cast<std::size_t>(BusParam::Mute)] = channelRow(ChannelParam::Mute);
    t[static_cast<std::size_t>(BusParam::Solo)] = toggle("solo", false, G::Routing, "bus onto the solo bus (PFL: pre-fader, AFL: post-fader)");
    t[static_cast<std::size_t>(BusParam::Link)] = toggle("link", false, G::Routing, "stereo-link with the pair partner (1-2, 3-4, ...): one stereo bus");
    t[static_cast<std::size_t>(BusParam::MainOn)] = toggle("main/on", false, G::Routing, "bus into main L/R (a subgroup)");
    t[static_cast<std::size_t>(BusParam::RecArm)] = toggle("rec/arm", false, G::Routing, "recorded by the next /rec/start, as it leaves the console (port bus_N; scenes never recall arming)");
    t[static_cast<std::size_t>(BusParam::Pan)].followsLink = false;
    t[static_cast<std::size_t>(BusParam::Link)].followsLink = false;
    return t;
}();

inline constexpr std::array<ParamSpec, static_cast<std::size_t>(FxParam::Count)> kFxParams = [] {
    using namespace detail;
    using G = ParamGroup;
    using U = Unit;
    using C = Curve;
    std::array<ParamSpec, static_cast<std::size_t>(FxParam::Count)> t{{
    choice("type", kFxTypes, 0, G::Routing, "the processor in this slot"),
    num("reverb/predelay", U::Millisecond, 0.0f, 200.0f, 20.0f, C::Linear, G::Eq, "reverb pre-delay"),
    num("reverb/decay", U::Second, 0.2f, 10.0f, 1.8f, C::Logarithmic, G::Eq, "reverb RT60 (time to fall 60 dB)"),
    num("reverb/damping", U::Percent, 0.0f, 100.0f, 30.0f, C::Linear, G::Eq, "high-frequency damping in the tail"),
    num("reverb/size", U::Percent, 0.0f, 100.0f, 50.0f, C::Linear, G::Eq, "room size (delay lengths)"),
    num("reverb/mix", U::Percent, 0.0f, 100.0f, 100.0f, C::Linear, G::Eq, "wet share of the return (100 on a desk)"),
    num("delay/ms", U::Millisecond, 1.0f, 2000.0f, 375.0f, C::Logarithmic, G::Eq, "echo time"),
    toggle("delay/tap", false, G::Eq, "tap tempo: two taps set delay/ms to their interval"),
    num("delay/feedback", U::Percent, 0.0f, 95.0f, 35.0f, C::Linear, G::Eq, "echo feedback"),
    num("delay/lowcut", U::Hertz, 20.0f, 2000.0f, 20.0f, C::Logarithmic, G::Eq, "low cut in the feedback loop; 20 Hz = off"),
    num("delay/highcut", U::Hertz, 1000.0f, 20000.0f, 20000.0f, C::Logarithmic, G::Eq, "high cut in the feedback loop; 20 kHz = off"),
    toggle("delay/pingpong", false, G::Eq, "echoes alternate left and right"),
    num("delay/mix", U::Percent, 0.0f, 100.0f, 100.0f, C::Linear, G::Eq, "wet share of the return"),
    level("fader", 0.0f, G::FaderPan, "FX return level into main"),
    toggle("mute", false, G::Mute, "10 ms fade out/in"),
    toggle("solo", false, G::Routing, "FX return onto the solo bus"),
    toggle("main/on", true, G::Routing, "FX return into main L/R"),
    }};
    for (int b = 0; b < kMaxBuses; ++b) {
        auto& on = t[static_cast<std::size_t>(fxReturnSendParam(b, 0))];
        auto& lv = t[static_cast<std::size_t>(fxReturnSendParam(b, 1))];
        on = toggle(kReturnSendKeys[static_cast<std::size_t>(b * 2)].view(), true, G::Sends, "return into this aux bus switched on");
        lv = level(kReturnSendKeys[static_cast<std::size_t>(b * 2 + 1)].view(), -std::numeric_limits<float>::infinity(), G::Sends, "return into this aux bus (post return fader)");
        on.needsBus = lv.needsBus = static_cast<std::int8_t>(b);
    }
    for (int k = 0; k < kMaxFx; ++k) {
        auto& on = t[static_cast<std::size_t>(fxToFxParam(k, 0))];
        auto& lv = t[static_cast<std::size_t>(fxToFxParam(k, 1))];
        on = toggle(kFxToFxKeys[static_cast<std::size_t>(k * 2)].view(), false, G::Routing, "return into this FX's input (a loop is refused)");
        lv = level(kFxToFxKeys[static_cast<std::size_t>(k * 2 + 1)].view(), 0.0f, G::Sends, "return into this FX (post return fader)");
        on.needsFx = lv.needsFx = static_cast<std::int8_t>(k);
    }
    return t;
}();

inline constexpr std::array<ParamSpec, static_cast<std::size_t>(MatrixParam::Count)> kMatrixParams = [] {
    using namespace detail;
    using G = ParamGroup;
    std::array<ParamSpec, static_cast<std::size_t>(MatrixParam::Count)> t{};
    for (int b = 0; b < kMaxBuses; ++b) {
        auto& on = t[static_cast<std::size_t>(matrixBusParam(b, 0))];
        auto& lv = t[static_cast<std::size_t>(matrixBusParam(b, 1))];
        on = toggle(kMatrixBusKeys[static_cast<std::size_t>(b * 2)].view(), true, G::Sends, "this bus into the matrix switched on");
        lv = level(kMatrixBusKeys[static_cast<std::size_t>(b * 2 + 1)].view(), -std::numeric_limits<float>::infinity(), G::Sends, "this bus (post fader) into the matrix");
        on.needsBus = lv.needsBus = static_cast<std::int8_t>(b);
    }
    t[static_cast<std::size_t>(MatrixParam::MainOn)] = toggle("main/on", true, G::Sends, "main into the matrix switched on");
    t[static_cast<std::size_t>(MatrixParam::MainLevel)] = level("main/level", -std::numeric_limits<float>::infinity(), G::Sends, "main (L + R) / 2, post main fader, into the matrix");
    t[static_cast<std::size_t>(MatrixParam::DelayOn)] = channelRow(ChannelParam::DelayOn);
    t[static_cast<std::size_t>(MatrixParam::DelayMs)] = channelRow(ChannelParam::DelayMs);
    t[static_cast<std::size_t>(MatrixParam::DelayMs)].help = "time-aligns a fill or delay tower";
    t[static_cast<std::size_t>(MatrixParam::Fader)] = level("fader", 0.0f, G::FaderPan, "matrix output level (port mtx_N)");
    t[static_cast<std::size_t>(MatrixParam::Mute)] = channelRow(ChannelParam::Mute);
    return t;
}();

inline constexpr std::array<ParamSpec, static_cast<std::size_t>(DcaParam::Count)> kDcaParams{{
    {"fader", Unit::Decibel, kFaderBottomDb, 10.0f, 0.0f, Curve::FaderLaw, ParamGroup::FaderPan, true, {}, "offsets every member's fader by this much (members' own values unchanged)"},
    {"mute", Unit::Toggle, 0.0f, 1.0f, 0.0f, Curve::Toggle, ParamGroup::Mute, false, {}, "mutes every member (10 ms fade)"},
}};
inline constexpr std::array<ParamSpec, static_cast<std::size_t>(MuteGroupParam::Count)> kMuteGroupParams{{
    {"mute", Unit::Toggle, 0.0f, 1.0f, 0.0f, Curve::Toggle, ParamGroup::Mute, false, {}, "mutes every member (10 ms fade)"},
}};
inline constexpr std::array<ParamSpec, static_cast<std::size_t>(SoloParam::Count)> kSoloParams{{
    {"mode", Unit::Choice, 0.0f, 1.0f, 0.0f, Curve::Choice, ParamGroup::Routing, false, kSoloModes, "channel solo: pfl (pre-fader, mono) or afl (post-fader, post-pan)"},
    {"level", Unit::Decibel, kFaderBottomDb, 10.0f, 0.0f, Curve::FaderLaw, ParamGroup::FaderPan, true, {}, "solo/monitor bus level (ports solo_L, solo_R)"},
    {"inplace", Unit::Toggle, 0.0f, 1.0f, 0.0f, Curve::Toggle, ParamGroup::Routing, false, {}, "solo in place: while anything is soloed, unsoloed channels leave main (dangerous live; off by default)"},
}};
// clang-format on

[[nodiscard]] constexpr const ParamSpec& spec(ChannelParam p) { return kChannelParams[static_cast<std::size_t>(p)]; }
[[nodiscard]] constexpr const ParamSpec& spec(MainParam p) { return kMainParams[static_cast<std::size_t>(p)]; }

/// The table of an object kind.
[[nodiscard]] constexpr std::span<const ParamSpec> paramTable(ObjectKind kind) {
    switch (kind) {
        case ObjectKind::Channel: return kChannelParams;
        case ObjectKind::Main: return kMainParams;
        case ObjectKind::Bus: return kBusParams;
        case ObjectKind::Fx: return kFxParams;
        case ObjectKind::Matrix: return kMatrixParams;
        case ObjectKind::Dca: return kDcaParams;
        case ObjectKind::MuteGroup: return kMuteGroupParams;
        case ObjectKind::Solo: return kSoloParams;
    }
    return {};
}

}  // namespace foh
