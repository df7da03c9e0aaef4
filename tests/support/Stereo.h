#pragma once
// A stereo pair of sample buffers and the two ways the stereo units are driven through them in fixed blocks, each
// block on a thread marked as the audio thread (so the RT trap sees any allocation or lock inside process()).

#include <algorithm>
#include <cstddef>
#include <vector>

#include "rt/Realtime.h"

namespace foh::test {

struct Stereo {
    std::vector<float> l, r;
};

/// A mono-in, stereo-out unit (`unit.process(in, outL, outR, n)`, like the FX returns' delay and reverb) run over
/// all of x in blocks of `block` (the last one shorter); returns both outputs.
template <class Unit>
Stereo renderMonoToStereo(Unit& unit, const std::vector<float>& x, int block = 256) {
    Stereo out{std::vector<float>(x.size()), std::vector<float>(x.size())};
    for (std::size_t pos = 0; pos < x.size(); pos += static_cast<std::size_t>(block)) {
        const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(block), x.size() - pos));
        rt::RealtimeScope scope;
        unit.process(x.data() + pos, out.l.data() + pos, out.r.data() + pos, n);
    }
    return out;
}

/// A stereo unit that works in place (`unit.process(l, r, n)`) run over frames [from, to) of x in blocks of `block`
/// (the last one shorter).
template <class Unit>
void runInPlace(Unit& unit, Stereo& x, std::size_t from, std::size_t to, std::size_t block) {
    for (std::size_t pos = from; pos < to; pos += block) {
        const int n = static_cast<int>(std::min(block, to - pos));
        rt::RealtimeScope scope;
        unit.process(x.l.data() + pos, x.r.data() + pos, n);
    }
}

/// Runs x through an in-place stereo unit in segments of `seg` frames (blocks of `block`): the first segment as the
/// unit stands, then before each further segment the next of `changes` applied to the unit on the audio thread; after
/// the segment that follows change c, calls check(c, from) with that segment's first frame.
template <class Unit, class Change, class Check>
void runWithChanges(Unit& unit, Stereo& x, std::size_t seg, std::size_t block, const std::vector<Change>& changes,
                    Check check) {
    runInPlace(unit, x, 0, seg, block);
    for (std::size_t c = 0; c < changes.size(); ++c) {
        const std::size_t from = (c + 1) * seg;
        {
            rt::RealtimeScope scope;
            changes[c](unit);
        }
        runInPlace(unit, x, from, from + seg, block);
        check(c, from);
    }
}

}  // namespace foh::test
