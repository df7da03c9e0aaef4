#pragma once
// The FX rack's echo: a tempo delay with feedback, low- and high-cut filters in the loop and ping-pong. Mono in,
// stereo out.
//
//   in -> A ---- N samples ---- F -> yA (odd echoes) ---- x feedback ---> B ---- N samples ---- F -> yB (even echoes)
//          ^------------------------------------------ x feedback ---------------------------------------'
//
// Two lines in a ring, each read N = round(ms fs / 1000) samples back and through the loop filters F (12 dB/oct
// Butterworth low cut and high cut). Echo k falls at exactly k N samples with gain feedback^(k-1) F^k: the first at
// unity, every repeat one filter pass darker. Odd echoes come out of A, even ones out of B, so ping-pong is just
// the output matrix: on, L = yA and R = yB (echoes alternate L, R, L, ...); off, L = R = yA + yB. The switch ramps
// that matrix over 20 ms; the loop itself never changes, so nothing clicks.
//
// A filter at its "off" setting (low cut 20 Hz, high cut 20 kHz) is not run at all: the loop is exactly flat and
// echo n is exactly feedback^n of the input. Switching a filter in or out crossfades over 5 ms; moving it glides
// (geometrically, 20 ms) with the coefficients redesigned per control block. A new time crossfades the read taps over
// 20 ms (a change asked for during a crossfade waits for it to end: restarting would jump). Feedback and mix ramp
// over 20 ms.
//
// Allocation: prepare() sizes both lines for 2 s at that rate; process() and the setters never allocate. Setters may
// be called before prepare() (values are kept and converted there) and from the audio thread.

#include <cstddef>
#include <vector>

#include "dsp/Biquad.h"
#include "dsp/FilterDesign.h"
#include "dsp/LinearRamp.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class FxDelay {
public:
    static constexpr float kMinMs = 1.0f;
    static constexpr float kMaxMs = 2000.0f;
    static constexpr float kMaxFeedbackPercent = 95.0f;  ///< -0.45 dB per repeat: long, but always dying away
    static constexpr float kLowCutOffHz = 20.0f;         ///< at or below: no low cut
    static constexpr float kHighCutOffHz = 20000.0f;     ///< at or above: no high cut
    /// Time changes crossfade the taps over 20 ms: every step is 1/960 of the gap between the two taps at 48 kHz, a
    /// soft swap rather than a tick, and short enough to follow a tap-tempo change at once.
    static constexpr double kTimeFadeSeconds = 0.020;
    static constexpr double kRampSeconds = 0.020;         ///< feedback, mix, ping-pong (the strip's gain ramp)
    static constexpr double kFilterGlideSeconds = 0.020;  ///< as the strip's filters
    static constexpr double kFilterFadeSeconds = 0.005;   ///< as every stage's in/out switch (BypassFade)

    static constexpr float kDefaultTimeMs = 500.0f;  ///< a quarter note at 120 BPM
    static constexpr float kDefaultFeedbackPercent = 35.0f;
    static constexpr float kDefaultMixPercent = 100.0f;

    /// Allocates both lines for kMaxMs at `sampleRate`. process() takes any n (it works in pieces of at most
    /// kControlBlock samples), so `maxBlock` is not needed; it is taken for the common prepare signature.
    void prepare(double sampleRate, int maxBlock);
    /// Silences the lines and filters and completes any ramp, glide or crossfade (there is no signal left for a
    /// jump to be heard in); keeps the parameters.
    void reset() FOH_RT;

    void setTimeMs(float ms) FOH_RT;         ///< 1..2000 ms, rounded to whole samples
    void setFeedback(float percent) FOH_RT;  ///< 0..95 %: the gain from one echo to the next
    void setLowCut(float hz) FOH_RT;         ///< 20 Hz (off) .. 20 kHz
    void setHighCut(float hz) FOH_RT;        ///< 20 Hz .. 20 kHz (off)
    void setPingPong(bool on) FOH_RT;
    void setMix(float percent) FOH_RT;  ///< 0..100: 100 = wet only (an FX return), 0 = the input only

    /// Overwrites outL/outR with n samples. `in` may be outL or outR.
    void process(const float* in, float* outL, float* outR, int n) FOH_RT;

    /// The echo spacing in samples once any crossfade has ended.
    [[nodiscard]] int delaySamples() const FOH_RT { return pending_ >= 0 ? pending_ : target_; }
    /// One pass through the loop filters at `freq` for the current settings (0 dB with both off).
    [[nodiscard]] double responseDb(double freq) const;

    /// The length of a note at a tempo: `noteFraction` of a whole note (1/4 = a quarter = one beat, 3/16 = a dotted
    /// eighth, 1/6 = a quarter-note triplet) at `bpm` quarter notes per minute. 0 for a tempo that is not positive.
    [[nodiscard]] static float msFromTempo(float bpm, float noteFraction) noexcept;

private:
    struct LoopFilter {
        explicit LoopFilter(FilterShape s) : shape(s) {}
        FilterShape shape;
        bool on = false;
        LinearRamp logFreq;  ///< log2(Hz): a linear glide here is a geometric glide in Hz
        LinearRamp amount;   ///< 0 = out, 1 = in
        BiquadCoeffs coeffs;
        BiquadState state[2];  ///< one per line
    };

    void setFilter(LoopFilter& f, float hz, bool on) FOH_RT;
    void redesign(LoopFilter& f) const FOH_RT;
    void runFilter(LoopFilter& f, float* a, float* b, int m) FOH_RT;
    [[nodiscard]] int samplesFor(float ms) const FOH_RT;

    double sampleRate_ = 48000.0;
    int rampSamples_ = 960;
    int glideSamples_ = 960;
    int filterFadeSamples_ = 240;
    float fadeStep_ = 1.0f / 960.0f;

    // parameters, operator units
    float timeMs_ = kDefaultTimeMs;
    float feedbackPercent_ = kDefaultFeedbackPercent;
    float mixPercent_ = kDefaultMixPercent;
    bool pingPong_ = false;

    std::vector<float> lineA_, lineB_;
    std::size_t mask_ = 0;
    std::size_t pos_ = 0;
    int current_ = 0;   ///< tap in use
    int target_ = 0;    ///< tap being faded to
    int pending_ = -1;  ///< a time set during a crossfade, taken up when it ends
    float fade_ = 1.0f;

    LoopFilter lowCut_ = LoopFilter(FilterShape::LowCut);
    LoopFilter highCut_ = LoopFilter(FilterShape::HighCut);
    LinearRamp feedback_;
    LinearRamp pingPongAmount_;  ///< 0 = both sides all echoes, 1 = odd left, even right
    LinearRamp wet_;
    LinearRamp dry_;
};

}  // namespace foh::dsp
