#pragma once
// The master bus's soft clipper: a smooth, odd-symmetric curve (tanh) run at 4x the sample rate so its harmonics
// do not fold back into the audio band, with a delay-compensated dry path for parallel (mix) saturation.
//
//   in -> Oversampler (kMastering) -> tanh(drive x) -> Oversampler down -> wet ---.
//   in -> delay (the oversampler's latency, 40 samples) -------------------> dry ---+-> mix -> trim -> out
//
// The curve: y = tanh(drive x), with tanh(|x|) from libm (within an ulp) and the sign copied, so it is exactly odd
// (and with the linear-phase filters around it, so is the whole unit: -x gives exactly -y). It has unit slope at
// 0 (a small signal at 0 dB drive passes unchanged but for the x^3 / 3 of the curve: -90 dB at -40 dBFS), and it
// never exceeds 1, approached smoothly. Why tanh and not a cheaper rational curve or a clipped polynomial: its
// harmonics fall off exponentially (its poles sit at +-i pi / 2), where any curve with a corner or a clamp (however
// small) has harmonics falling off only as a power of their order, and those fold back. It costs ~9 ns per
// oversampled sample, ~0.35 % of a core for stereo at 48 kHz.
//
// Drive is the gain into the curve; the output is not made up for it (the trim does that), so more drive means more
// level until the curve flattens out at full scale.
//
// How far "does not alias" goes: a 15 kHz tone at 48 kHz at full drive (+24 dB) lands its 13th harmonic (195 kHz)
// above the 4x rate's Nyquist, and it folds to 3 kHz. At -18 dBFS in (2x the curve's knee) every folded harmonic is
// 78 dB under the tone; at -12 dBFS 46 dB, at 0 dBFS 25 dB (the output is then nearly a square wave, with harmonics
// falling only as 1 / n up to n ~ 16). prepare() takes 8x for hot high-frequency material: 85 dB at -12 dBFS,
// same latency, twice the work.
//
// Changes never click: drive ramps at the oversampled rate, mix and trim at the base rate, all over 20 ms (the
// strip's gain ramp). The wet path runs at every mix, so its filters are warm whenever the mix moves up.
//
// Allocation: prepare() sizes everything; process(), reset() and the setters never allocate. Setters may run before
// prepare() (values are kept and converted there) and on the audio thread.

#include <cstddef>
#include <vector>

#include "dsp/LinearRamp.h"
#include "dsp/Oversampler.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class Saturation {
public:
    static constexpr float kMinDriveDb = 0.0f;
    /// +24 dB: a signal at -24 dBFS already meets the curve at its knee (tanh(1) = 0.76: 2.4 dB of compression);
    /// past that the unit is a hard clipper with rounded corners, which is as far as a mastering saturator goes.
    static constexpr float kMaxDriveDb = 24.0f;
    static constexpr float kMinTrimDb = -24.0f;  ///< enough to take back the full drive
    static constexpr float kMaxTrimDb = 12.0f;
    static constexpr float kDefaultDriveDb = 0.0f;
    static constexpr float kDefaultMixPercent = 100.0f;
    static constexpr float kDefaultTrimDb = 0.0f;
    /// Drive, mix and trim ramps: the strip's 20 ms, slow enough not to click, fast enough to feel immediate.
    static constexpr double kRampSeconds = 0.020;
    static constexpr int kDefaultOversampling = 4;

    /// The curve itself: tanh, exactly odd.
    [[nodiscard]] static float curve(float x) noexcept;

    /// Sizes the oversampler (`oversampling` 2, 4 or 8) and the dry delay for blocks of up to `maxBlock`; process()
    /// takes any n, working in pieces. Clears the signal state.
    void prepare(double sampleRate, int maxBlock, int oversampling = kDefaultOversampling);
    /// Clears the filters and the dry delay and completes every ramp; keeps the parameters.
    void reset() FOH_RT;

    void setDriveDb(float db) FOH_RT;        ///< 0..+24 dB into the curve
    void setMix(float percent) FOH_RT;       ///< 0..100 %: 0 = the (delayed) input only, 100 = saturated only
    void setOutputTrimDb(float db) FOH_RT;   ///< -24..+12 dB after the mix

    [[nodiscard]] float driveDb() const FOH_RT { return driveDb_; }
    [[nodiscard]] float mixPercent() const FOH_RT { return mixPercent_; }
    [[nodiscard]] float outputTrimDb() const FOH_RT { return trimDb_; }

    /// In place, n samples of each channel.
    void process(float* left, float* right, int n) FOH_RT;

    /// What the output lags the input by (wet and dry alike), in samples: the oversampler's round trip, 40 at any
    /// rate and factor (0.83 ms at 48 kHz).
    [[nodiscard]] int latencySamples() const FOH_RT { return os_.latency(); }

private:
    void processPiece(float* left, float* right, int n) FOH_RT;

    double sampleRate_ = 48000.0;
    int maxBlock_ = 1;
    int rampSamples_ = 960;
    float driveDb_ = kDefaultDriveDb;
    float mixPercent_ = kDefaultMixPercent;
    float trimDb_ = kDefaultTrimDb;

    Oversampler os_;
    LinearRamp drive_;  ///< at the oversampled rate
    LinearRamp wet_;
    LinearRamp dry_;
    LinearRamp trim_;
    std::vector<float> line_[Oversampler::kChannels];  ///< the dry delay
    std::size_t lineMask_ = 0;
    std::size_t pos_ = 0;
    std::vector<float> wetOut_[Oversampler::kChannels];  ///< maxBlock: the downsampled wet block
};

}  // namespace foh::dsp
