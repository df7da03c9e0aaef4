#pragma once
// How many objects of each kind a console has, and the dense numbering of every (object, parameter) slot that the
// registry and the graph share: kind by kind in ObjectKind order, object-major, each object with its whole table
// (slots of parameters the layout leaves out, such as sends to buses it does not have, stay at their defaults).

#include <array>
#include <cstddef>
#include <cstdint>

#include "params/ObjectParams.h"

namespace foh {

struct ConsoleLayout {
    int channels = 32;
    int buses = kDefaultBuses;
    int fx = kDefaultFx;

    [[nodiscard]] constexpr int count(ObjectKind kind) const {
        switch (kind) {
            case ObjectKind::Channel: return channels;
            case ObjectKind::Main: return 1;
            case ObjectKind::Bus: return buses;
            case ObjectKind::Fx: return fx;
            case ObjectKind::Matrix: return kMatrices;
            case ObjectKind::Dca: return kDcas;
            case ObjectKind::MuteGroup: return kMuteGroups;
            case ObjectKind::Solo: return 1;
        }
        return 0;
    }
    /// Whether a parameter of this spec exists in this layout.
    [[nodiscard]] constexpr bool has(const ParamSpec& s) const {
        return (s.needsBus < 0 || s.needsBus < buses) && (s.needsFx < 0 || s.needsFx < fx);
    }
    friend constexpr bool operator==(const ConsoleLayout&, const ConsoleLayout&) = default;
};

/// Dense slot numbers for one layout.
class DenseSlots {
public:
    explicit constexpr DenseSlots(const ConsoleLayout& layout) {
        std::size_t at = 0;
        for (int k = 0; k < kObjectKinds; ++k) {
            const auto kind = static_cast<ObjectKind>(k);
            base_[static_cast<std::size_t>(k)] = at;
            count_[static_cast<std::size_t>(k)] = layout.count(kind);
            at += static_cast<std::size_t>(layout.count(kind)) * paramTable(kind).size();
        }
        size_ = at;
    }
    [[nodiscard]] constexpr std::size_t size() const { return size_; }
    /// The slot of (kind, object index, parameter index), or size() when there is no such slot.
    [[nodiscard]] constexpr std::size_t of(ObjectKind kind, std::size_t index, std::size_t param) const {
        const auto k = static_cast<std::size_t>(kind);
        if (k >= static_cast<std::size_t>(kObjectKinds)) return size_;
        const std::size_t params = paramTable(kind).size();
        if (index >= static_cast<std::size_t>(count_[k]) || param >= params) return size_;
        return base_[k] + index * params + param;
    }
    [[nodiscard]] constexpr std::size_t base(ObjectKind kind) const { return base_[static_cast<std::size_t>(kind)]; }

private:
    std::array<std::size_t, kObjectKinds> base_{};
    std::array<int, kObjectKinds> count_{};
    std::size_t size_ = 0;
};

}  // namespace foh
