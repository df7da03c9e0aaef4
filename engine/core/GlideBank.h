#pragma once
// Timed glides of parameters on the audio thread: a scene recall's crossfade (issue 8).
//
// A command with a fade time starts a glide of its parameter from the value it has now to the command's value,
// over that many samples, moving along the parameter's 0..1 curve (ParamCurve: the fader law for faders and sends,
// so -inf works; geometric for frequencies and times; straight in dB for gains). The graph advances every glide
// once per block and sets the value through the parameter's own path, whose smoothing ramp joins the block steps,
// so no sample steps further than the ramp allows. The last step sets exactly the command's value.
// A change without a fade cancels a running glide of that parameter (the operator's hand wins); a new glide starts
// from where the running one is. All storage is allocated by prepare() on the control thread.

#include <cstdint>
#include <vector>

#include "params/ParamCurve.h"
#include "params/ParamSpec.h"
#include "rt/Realtime.h"

namespace foh {

class GlideBank {
public:
    /// One entry per dense parameter slot (control thread: allocates).
    void prepare(std::size_t slots) {
        glides_.clear();
        glides_.reserve(slots);
        indexOf_.assign(slots, kNone);
    }

    /// Starts a glide of `slot` from `from` to `to` over `samples` (> 0) on `spec`'s curve.
    void start_rt(std::size_t slot, const ParamSpec& spec, float from, float to, std::uint32_t samples) FOH_RT {
        if (slot >= indexOf_.size()) return;
        Glide g{static_cast<std::uint32_t>(slot), &spec, toNormalized(spec, from), toNormalized(spec, to), to, 0, samples};
        if (indexOf_[slot] != kNone) {
            glides_[indexOf_[slot]] = g;
            return;
        }
        if (glides_.size() == glides_.capacity()) return;  // cannot happen: one per slot at most
        indexOf_[slot] = static_cast<std::uint32_t>(glides_.size());
        glides_.push_back(g);  // within the reserved capacity: no allocation
    }

    void cancel_rt(std::size_t slot) FOH_RT {
        if (slot >= indexOf_.size() || indexOf_[slot] == kNone) return;
        remove(indexOf_[slot]);
    }

    /// Advances every glide by `n` samples and calls set(slot, value) with its new value.
    template <typename Set>
    void advance_rt(std::uint32_t n, Set&& set) FOH_RT {
        for (std::size_t i = 0; i < glides_.size();) {
            Glide& g = glides_[i];
            g.done = g.done + n >= g.total ? g.total : g.done + n;
            if (g.done >= g.total) {
                set(g.slot, g.target);
                remove(static_cast<std::uint32_t>(i));  // the last one moved here: look at i again
                continue;
            }
            const float t = static_cast<float>(g.done) / static_cast<float>(g.total);
            set(g.slot, fromNormalized(*g.spec, g.from + (g.to - g.from) * t));
            ++i;
        }
    }

    /// Continues the glides of a graph with the same slot numbering (a graph swap during a fade): those for which
    /// keep(slot) says yes.
    template <typename Keep>
    void takeOver_rt(const GlideBank& old, Keep&& keep) FOH_RT {
        if (old.indexOf_.size() != indexOf_.size()) return;
        for (const Glide& g : old.glides_) {
            if (indexOf_[g.slot] != kNone || glides_.size() == glides_.capacity() || !keep(g.slot)) continue;
            indexOf_[g.slot] = static_cast<std::uint32_t>(glides_.size());
            glides_.push_back(g);
        }
    }

    [[nodiscard]] bool active(std::size_t slot) const FOH_RT { return slot < indexOf_.size() && indexOf_[slot] != kNone; }
    [[nodiscard]] std::size_t size() const FOH_RT { return glides_.size(); }
    /// Where a glide heads (its command's value); meaningful only while active(slot).
    [[nodiscard]] float targetOf(std::size_t slot) const FOH_RT { return glides_[indexOf_[slot]].target; }

private:
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};
    struct Glide {
        std::uint32_t slot;
        const ParamSpec* spec;
        float from, to;  ///< 0..1 positions on the curve
        float target;    ///< the exact value at the end
        std::uint32_t done, total;
    };
    void remove(std::uint32_t i) FOH_RT {
        indexOf_[glides_[i].slot] = kNone;
        if (i + 1 != glides_.size()) {
            glides_[i] = glides_.back();
            indexOf_[glides_[i].slot] = i;
        }
        glides_.pop_back();
    }
    std::vector<Glide> glides_;
    std::vector<std::uint32_t> indexOf_;  ///< slot -> index in glides_, or kNone
};

}  // namespace foh
