#pragma once
// The single source of every parameter: address, unit, range, default and 0..1 curve, instantiated for one console
// layout. OSC, scenes, the GUI, the CLI and docs/PARAMETERS.md all read it; nothing else lists parameters.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "params/ConsoleLayout.h"
#include "params/ObjectParams.h"
#include "params/ParamSpec.h"

namespace foh {

using ParamId = std::uint32_t;

/// Where a parameter lives in the engine: object kind, 0-based object index, parameter index within the object.
struct ParamTarget {
    ObjectKind object;
    std::uint16_t index;
    std::uint16_t param;
    friend bool operator==(const ParamTarget&, const ParamTarget&) = default;
};

struct ParamInfo {
    std::string address;  ///< "/ch/3/fader"
    ParamTarget target;
    const ParamSpec* spec;
};

/// The outcome of validating a value: the value to apply, or why nothing is applied.
struct Checked {
    bool ok = false;
    float value = 0.0f;
    std::string error;
};

class ParamRegistry {
public:
    static constexpr int kMaxChannels = 512;

    /// Throws std::invalid_argument when a count is outside its range (channels 1..kMaxChannels, buses
    /// 1..kMaxBuses, FX 1..kMaxFx).
    explicit ParamRegistry(const ConsoleLayout& layout);
    /// A console of `channels` channels with the default bus and FX counts.
    explicit ParamRegistry(int channels) : ParamRegistry(ConsoleLayout{channels, kDefaultBuses, kDefaultFx}) {}

    [[nodiscard]] int channels() const { return layout_.channels; }
    [[nodiscard]] const ConsoleLayout& layout() const { return layout_; }
    [[nodiscard]] std::size_t size() const { return params_.size(); }
    [[nodiscard]] const ParamInfo& info(ParamId id) const { return params_.at(id); }
    [[nodiscard]] std::span<const ParamInfo> all() const { return params_; }

    /// Looks up an address. Accepts zero-padded indexes ("/ch/01/fader") as X32 users type them.
    [[nodiscard]] std::optional<ParamId> find(std::string_view address) const;
    [[nodiscard]] std::optional<ParamId> idOf(ParamTarget target) const;

    /// Checks `value` against the parameter's spec: NaN, +inf and out-of-range values are refused with a reason;
    /// for faders a value at or below the bottom of the range (or -inf) becomes -inf.
    [[nodiscard]] Checked validate(ParamId id, float value) const;

    /// The address of the object that owns a target ("/ch/3", "/main").
    [[nodiscard]] static std::string objectAddress(ParamTarget target);

private:
    ConsoleLayout layout_;
    DenseSlots slots_;
    std::vector<ParamInfo> params_;
    std::vector<ParamId> idBySlot_;  ///< dense slot -> id (kNoId where the layout leaves a parameter out)
    static constexpr ParamId kNoId = ~ParamId{0};
    std::unordered_map<std::string, ParamId> byAddress_;
};

/// Validates a value against a spec alone (used by the registry and by anything checking a spec-level value).
[[nodiscard]] Checked validateAgainst(const ParamSpec& spec, float value);

/// Renders a value in the operator's units ("-6.0 dB", "-inf dB", "L30", "on").
[[nodiscard]] std::string formatValue(const ParamSpec& spec, float value);

}  // namespace foh
