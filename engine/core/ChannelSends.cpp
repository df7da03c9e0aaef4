#include "core/ChannelSends.h"

namespace foh {

void ChannelSends::set(Send& s, float gain, Tap tap, int rampSamples, bool snap) FOH_RT {
    if (snap) {
        s.gain.snapTo(gain);
        s.tap = tap;
        if (s.pending) --pending_;
        s.pending = false;
        return;
    }
    if (tap != s.tap && s.live()) {
        if (!s.pending) ++pending_;
        s.pending = true;
        s.pendingTap = tap;
        s.pendingGain = gain;
        s.gain.rampTo(0.0f, rampSamples);
        return;
    }
    if (s.pending) {  // changed back before the fade-out ended, or the fade-out has just ended: this is newest
        s.pending = false;
        --pending_;
    }
    s.tap = tap;
    if (gain != s.gain.target()) s.gain.rampTo(gain, rampSamples);
}

void ChannelSends::settle_rt(int rampSamples) FOH_RT {
    if (pending_ == 0) return;
    auto settle = [this, rampSamples](Send& s) {
        if (!s.pending) return;
        if (s.pendingTap == s.tap) {
            s.pending = false;
            --pending_;
            s.gain.rampTo(s.pendingGain, rampSamples);
            return;
        }
        if (s.gain.ramping() || s.gain.current() != 0.0f) {
            if (s.gain.target() != 0.0f) s.gain.rampTo(0.0f, rampSamples);
            return;
        }
        s.tap = s.pendingTap;
        s.pending = false;
        --pending_;
        s.gain.rampTo(s.pendingGain, rampSamples);
    };
    for (Send& s : buses_) settle(s);
    for (Send& s : fx_) settle(s);
}

unsigned ChannelSends::liveTaps(int buses, int fx) const FOH_RT {
    unsigned taps = 0;
    for (int b = 0; b < buses; ++b)
        if (buses_[static_cast<std::size_t>(b)].live()) taps |= 1u << static_cast<int>(buses_[static_cast<std::size_t>(b)].tap);
    for (int k = 0; k < fx; ++k)
        if (fx_[static_cast<std::size_t>(k)].live()) taps |= 1u << static_cast<int>(fx_[static_cast<std::size_t>(k)].tap);
    return taps;
}

void ChannelSends::mix_rt(const float* x, Tap tap, float* const* bus, int buses, float* const* fxIn, int fx,
                          int n) FOH_RT {
    for (int b = 0; b < buses; ++b) {
        Send& s = buses_[static_cast<std::size_t>(b)];
        if (s.tap == tap && s.live()) s.gain.mixInto(x, bus[b], n);
    }
    for (int k = 0; k < fx; ++k) {
        Send& s = fx_[static_cast<std::size_t>(k)];
        if (s.tap == tap && s.live()) s.gain.mixInto(x, fxIn[k], n);
    }
}

void ChannelSends::continueFrom_rt(const ChannelSends& old, int rampSamples) FOH_RT {
    auto carry = [this, rampSamples](Send& mine, const Send& theirs) {
        // Our values are the newest; start from where the old send is, on its tap, and change tap like set() does.
        const float target = mine.pending ? mine.pendingGain : mine.gain.target();
        const Tap tap = mine.pending ? mine.pendingTap : mine.tap;
        if (mine.pending) --pending_;
        mine = theirs;
        if (mine.pending) ++pending_;
        set(mine, target, tap, rampSamples, false);
    };
    for (std::size_t b = 0; b < buses_.size(); ++b) carry(buses_[b], old.buses_[b]);
    for (std::size_t k = 0; k < fx_.size(); ++k) carry(fx_[k], old.fx_[k]);
}

}  // namespace foh
