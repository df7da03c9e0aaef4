#pragma once
// Offline mastering: a file (or a stereo buffer) brought to a delivery target's integrated loudness under its
// true-peak ceiling, through the live engine itself (core/Engine + backend/OfflineRenderer), never a copy of it.
//
//   read (libsndfile; mono -> both sides) -> measure pass (dsp::LoudnessMeter: I, LRA, true peak, M/S curve)
//   -> gain = target - I -> processing pass: the file on channels 1 and 2 (panned hard L/R, faders at 0 dB, the
//      channel EQ out), the gain on the main fader (beyond its +10 dB, on the channel faders, then the trims), the
//      true-peak limiter (/main/limit) on at the ceiling (less peakMarginDb), any extra registry settings (/main/eq/..., /main/comp/...)
//   -> main_L / main_R, less the chain's latency (engine.latencyFrames(): the limiter's lookahead) at the front,
//      the tail flushed with silence: the output has the input's length and alignment
//   -> re-measure; more than `toleranceLu` off target (a limiter working hard takes loudness): the gain is corrected
//      by the error and the pass runs again, at most `maxPasses` passes; the closest pass is kept -> write.
//
// The engine runs with 0.25 s of silence before the programme, so the limiter's switch-in fade and the fader ramps
// from their defaults are over when the first sample arrives.

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace foh::offline {

/// Loudness of a whole programme (BS.1770-4 / EBU R128). -inf when silent.
struct LoudnessSummary {
    double integratedLufs = 0.0;
    double rangeLu = 0.0;
    double truePeakDbtp = 0.0;
    double samplePeakDbfs = 0.0;
};

/// One point of the loudness-over-time curve (every 100 ms), for the plot.
struct LoudnessPoint {
    double seconds = 0.0;
    double momentaryLufs = 0.0;
    double shortTermLufs = 0.0;
};

/// Measures a stereo programme with the engine's own meter; `curve` (optional) gets a point every 100 ms.
[[nodiscard]] LoudnessSummary measureLoudness(const std::vector<float>& left, const std::vector<float>& right,
                                              double sampleRate, std::vector<LoudnessPoint>* curve = nullptr);

enum class OutputFormat { SameAsInput, Pcm16, Pcm24, Float32 };

struct MasterSettings {
    double targetLufs = -14.0;
    double ceilingDbtp = -1.0;
    int targetIndex = -1;  ///< index into dsp::kLoudnessTargets for /main/loud/target (-1: leave it)
    /// The limiter aims this far under the ceiling. Our limiter holds its own detector's reading, but a delivery
    /// is checked with other meters: on full-band material (energy up to fs / 2, where interpolators disagree)
    /// libebur128 reads up to 0.04 dB higher than ours, so 0.1 dB keeps the result under the ceiling on theirs too.
    double peakMarginDb = 0.1;
    int maxPasses = 3;
    double toleranceLu = 0.2;  ///< a pass this close to the target is final
    int block = 512;
    /// Extra registry settings applied before the passes, e.g. {"/main/comp/on", 1}. Checked: a bad address or
    /// value throws MasterError.
    std::vector<std::pair<std::string, float>> params;
    /// Called now and then with the pass (0 = the measure pass, 1.. processing) and the fraction of it done (0..1).
    std::function<void(int pass, double fraction)> progress;
};

struct MasterResult {
    LoudnessSummary before, after;
    double targetLufs = 0.0, ceilingDbtp = 0.0;
    double gainDb = 0.0;    ///< gain of the kept pass (main fader + channel faders + trims)
    int passes = 0;         ///< processing passes run
    int latencyFrames = 0;  ///< the chain's latency trimmed from the front
    double sampleRate = 0.0;
    std::size_t frames = 0;
    int inputChannels = 0;
    std::vector<LoudnessPoint> curveBefore, curveAfter;
};

/// Any failure: unreadable or unsupported input, a target out of reach, an unwritable output.
class MasterError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Sample rates the mastering pass accepts.
[[nodiscard]] bool masterSampleRateSupported(double sampleRate);

/// Masters a stereo buffer in place (both vectors the same length). Throws MasterError.
MasterResult masterBuffers(std::vector<float>& left, std::vector<float>& right, double sampleRate,
                           const MasterSettings& settings);

struct MasterOptions {
    std::string input, output;
    OutputFormat format = OutputFormat::SameAsInput;
    MasterSettings settings;
};

/// Reads `input`, masters it, writes `output` (stereo; mono input is duplicated to both sides). Throws MasterError.
MasterResult masterFile(const MasterOptions& options);

}  // namespace foh::offline
