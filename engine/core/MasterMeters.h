#pragma once
// The main bus's mastering meters, as they travel with the meter packets: gain reduction of each dynamics stage
// (largest since the last packet), correlation, and the loudness readouts (current values).

#include "params/ObjectParams.h"

namespace foh {

/// What the chain reports with the meters (every ~10 ms).
struct MasterMeters {
    float compGrDb = 0.0f;
    float mbGrDb[kMbBands] = {};
    float limitGrDb = 0.0f;
    float correlation = 1.0f;
    float momentary = -200.0f, shortTerm = -200.0f, integrated = -200.0f, range = 0.0f;  ///< LUFS, LU
    float truePeakMax = -200.0f, truePeakMomentary = -200.0f;                             ///< dBTP
    float targetLufs = -23.0f, targetCeiling = -1.0f;
    /// How far from the target: integrated - target (LU; +2 = 2 LU too loud) and true-peak max - ceiling (dB; > 0 =
    /// over). 0 while nothing has been integrated yet.
    float fromTargetLu = 0.0f, overCeilingDb = 0.0f;

    /// Folds a later packet in: reductions keep their largest, readouts take the newer values.
    void merge(const MasterMeters& o) noexcept {
        compGrDb = compGrDb > o.compGrDb ? compGrDb : o.compGrDb;
        for (int b = 0; b < kMbBands; ++b) mbGrDb[b] = mbGrDb[b] > o.mbGrDb[b] ? mbGrDb[b] : o.mbGrDb[b];
        limitGrDb = limitGrDb > o.limitGrDb ? limitGrDb : o.limitGrDb;
        correlation = o.correlation;
        momentary = o.momentary, shortTerm = o.shortTerm, integrated = o.integrated, range = o.range;
        truePeakMax = o.truePeakMax, truePeakMomentary = o.truePeakMomentary;
        targetLufs = o.targetLufs, targetCeiling = o.targetCeiling;
        fromTargetLu = o.fromTargetLu, overCeilingDb = o.overCeilingDb;
    }
    void clearReductions() noexcept {
        compGrDb = limitGrDb = 0.0f;
        for (float& g : mbGrDb) g = 0.0f;
    }
};

}  // namespace foh
