#pragma once
// The control steps of the dynamics stages: what a gate, a compressor and a de-esser decide once per control block
// from their detector level. Each law is a plain struct of T = float (a unit's own, see Gate/Compressor/DeEsser)
// or T = F8 (eight units side by side, dsp/ControlLanes): the parameters, the state the step carries on, and the
// largest gain reduction since the meter last read it. One definition serves both, branch-free, so a unit gets the
// same gains (to the bit) whether its steps ran alone or in lanes.

#include "dsp/FastMath.h"
#include "dsp/GainComputer.h"
#include "dsp/Lanes.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace foh::dsp {

/// Gate / expander. The gain moves linearly in dB: the whole range in `attackMs` opening, in `releaseMs` closing.
template <typename T> struct GateLaw {
    T threshold, thresholdDb;  ///< linear, dB
    T range, ratio;            ///< dB it closes by (>= 0); expander ratio
    T expander;                ///< 1: expander, 0: gate
    T attackMs, holdMs, releaseMs;
    T rate;                    ///< sample rate
    T gainDb;                  ///< state: 0 (open) .. -range (closed)
    T holdLeft;                ///< state: samples it stays open
    T open, wasOpen;           ///< 1 / 0: open after the last step; open at any step since the meter read it
    T reduction;               ///< largest attenuation (positive dB) since the meter read it

    /// One control block of `m` samples at detector level `level` (linear): the gain at its end.
    FOH_LANES T step(T level, T m) noexcept {
        const auto loud = level >= threshold;
        const auto holding = both(inverse(loud), holdLeft > 0.0f);
        holdLeft = select(loud, holdMs * 1e-3f * rate, select(holding, holdLeft - m, holdLeft));
        const T shut = select(expander > 0.5f, expanderGainDb(fastGainToDb(level), thresholdDb, ratio, range), -range);
        const T target = select(either(loud, holding), splat<T>(0.0f), shut);
        const auto isOpen = target == 0.0f;
        open = select(isOpen, splat<T>(1.0f), splat<T>(0.0f));
        wasOpen = select(isOpen, splat<T>(1.0f), wasOpen);
        const T perSample = m / rate * 1e3f * range;
        const T opening = minOf(target, gainDb + perSample / maxOf(attackMs, splat<T>(0.001f)));
        const T closing = maxOf(target, gainDb - perSample / maxOf(releaseMs, splat<T>(0.001f)));
        gainDb = select(target > gainDb, opening, closing);
        reduction = maxOf(reduction, -gainDb);
        return select(gainDb <= -200.0f, splat<T>(0.0f), fastDbToGain(gainDb));
    }
};

/// Compressor: static curve, then one-pole attack/release smoothing of the gain reduction in dB, then makeup.
template <typename T> struct CompressorLaw {
    T threshold, ratio, knee;  ///< dB, x:1, dB
    T attack, release;         ///< one-pole coefficients per control block
    T makeup;                  ///< dB in effect this host block (manual plus automatic)
    T grDb;                    ///< state: smoothed gain reduction, >= 0
    T reduction;               ///< largest grDb since the meter read it

    FOH_LANES T step(T level, T /*m*/) noexcept {
        const T target = -compressorGainDb(fastGainToDb(level), threshold, ratio, knee);
        grDb = target + select(target > grDb, attack, release) * (grDb - target);
        reduction = maxOf(reduction, grDb);
        return fastDbToGain(makeup - grDb);
    }
};

/// De-esser: whatever the band's level exceeds the threshold by, up to `range` dB, smoothed as the compressor's.
template <typename T> struct DeEsserLaw {
    T threshold, range;  ///< dB
    T attack, release;   ///< one-pole coefficients per control block
    T grDb;              ///< state
    T reduction;         ///< largest grDb since the meter read it

    FOH_LANES T step(T level, T /*m*/) noexcept {
        const T target = clampTo(fastGainToDb(level) - threshold, splat<T>(0.0f), range);
        grDb = target + select(target > grDb, attack, release) * (grDb - target);
        reduction = maxOf(reduction, grDb);
        return fastDbToGain(-grDb);
    }
};

/// Reads the reduction meter of a law and starts it again.
template <typename Law> [[nodiscard]] inline float takeReduction(Law& law) noexcept {
    const float db = law.reduction;
    law.reduction = 0.0f;
    return db;
}

}  // namespace foh::dsp

#pragma GCC diagnostic pop
