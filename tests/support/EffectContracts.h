#pragma once
// What every mono-in, stereo-out effect of the FX returns (the delay, the reverb) promises the slot that hosts it,
// checked the same way for each: `make()` builds a fresh unit with the settings under test (it is called for every
// unit a check needs, so all of them start equal), and each unit is driven with renderMonoToStereo.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "rt/Realtime.h"
#include "support/RtTrap.h"
#include "support/Signals.h"
#include "support/Stereo.h"

namespace foh::test {

/// max |half[i] - (dry[i] / 2 + wet[i] / 2)|: how far the output at mix 50 is from half of the dry input and half of
/// the wet output at mix 100.
inline double halfMixError(const std::vector<float>& half, const std::vector<float>& dry, const std::vector<float>& wet) {
    double worst = 0.0;
    for (std::size_t i = 0; i < dry.size(); ++i) worst = std::max(worst, std::fabs(half[i] - (0.5 * dry[i] + 0.5 * wet[i])));
    return worst;
}

/// A unit's outputs for the same input at mix 0, 100 and 50 %.
struct MixOutputs {
    Stereo dry, wet, half;
};

/// Renders x through three units, `make(mix)` building each with all else the same.
template <class Make>
MixOutputs renderAtMixes(Make make, const std::vector<float>& x) {
    auto dry = make(0.0f);
    auto wet = make(100.0f);
    auto half = make(50.0f);
    return {renderMonoToStereo(dry, x), renderMonoToStereo(wet, x), renderMonoToStereo(half, x)};
}

/// reset() on the audio thread, after `frames` of noise, leaves a unit that answers an impulse exactly as a fresh one.
template <class Make>
void checkResetIsFresh(Make make, std::size_t frames) {
    auto fresh = make();
    auto used = make();
    (void)renderMonoToStereo(used, noise(frames, 0.5f));
    {
        rt::RealtimeScope scope;
        used.reset();
    }
    const auto a = renderMonoToStereo(fresh, impulse(frames));
    const auto b = renderMonoToStereo(used, impulse(frames));
    CHECK(a.l == b.l);
    CHECK(a.r == b.r);
}

/// Which output the input buffer doubles as when a unit processes in place.
enum class InPlaceSide { Left, Right };

/// Processing with the input buffer also given as the `side` output (blocks of 256) gives the same two outputs as
/// separate buffers do.
template <class Make>
void checkProcessesInPlace(Make make, InPlaceSide side) {
    auto a = make();
    auto b = make();
    const auto x = noise(40 * 256, 0.5f);
    const auto ref = renderMonoToStereo(a, x);
    auto inPlace = x;
    std::vector<float> other(x.size());
    std::vector<float>& l = side == InPlaceSide::Left ? inPlace : other;
    std::vector<float>& r = side == InPlaceSide::Left ? other : inPlace;
    for (std::size_t pos = 0; pos < x.size(); pos += 256) {
        rt::RealtimeScope scope;
        b.process(inPlace.data() + pos, l.data() + pos, r.data() + pos, 256);
    }
    CHECK(l == ref.l);
    CHECK(r == ref.r);
}

/// A new graph takes over the running unit by std::swap (FxSlot::continueFrom_rt): moving vectors, no copies. The
/// swap on the audio thread allocates and locks nothing, and the unit swapped in goes on (here into silence) exactly
/// as an untouched twin that heard the same input, with something still sounding.
template <class Make>
void checkSwapCarriesState(Make make) {
    auto running = make();
    auto reference = make();
    auto incoming = make();
    const auto x = noise(4800, 0.5f);
    (void)renderMonoToStereo(running, x);
    (void)renderMonoToStereo(reference, x);
    RtViolationScope violations;
    {
        rt::RealtimeScope scope;
        std::swap(running, incoming);
    }
    CHECK(violations.violations().total() == 0);
    const auto silence = std::vector<float>(9600, 0.0f);
    const auto a = renderMonoToStereo(incoming, silence);
    const auto b = renderMonoToStereo(reference, silence);
    CHECK(a.l == b.l);
    CHECK(a.r == b.r);
    CHECK(peak(a.l, 0, a.l.size()) > 0.01);
}

}  // namespace foh::test
