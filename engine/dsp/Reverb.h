#pragma once
// The FX rack's algorithmic reverb: a feedback delay network (Jot & Chaigne). Mono in, stereo out.
//
//   in -> pre-delay (0-200 ms) -> 4 diffusion allpasses -> 8 delay lines, each looping through a damping one-pole
//   and its loop gain g_i into an 8x8 Hadamard matrix and back -> L/R taps -> mix with the dry input.
//
// Decay: line i, d_i samples long, has the loop gain g_i = 10^(-3 d_i / (RT60 fs)), i.e. it loses 60 dB per RT60
// of time whatever its length; the Hadamard matrix is orthogonal (it neither adds nor removes energy), so every
// pole of the network sits at radius 10^(-3 / (RT60 fs)). With damping 0 the loop is broadband and the set RT60
// holds at every frequency. The line lengths are distinct primes (mutually prime: no common echo period, so the
// modes spread evenly instead of piling up into a metallic ring).
//
// Stereo: L and R read the same eight line outputs through two orthogonal +-1 patterns. In the tail the line
// outputs are nearly uncorrelated, so L and R are too (wide, mono-compatible: L + R is half the lines).
//
// Changes never click: mix, loop gains and damping ramp over 20 ms; a new size or pre-delay crossfades from the
// old read taps to the new ones over 20 ms (a change asked for during a crossfade waits for it to end, since
// restarting it would jump), with the loop gains gliding to the new lengths' values alongside.
//
// Allocation: prepare() sizes every line for the largest size at that rate; process() and the setters never
// allocate. Setters may be called before prepare() (the values are kept and converted there) and from the audio
// thread.

#include <cstddef>
#include <vector>

#include "dsp/LinearRamp.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class Reverb {
public:
    static constexpr int kLines = 8;
    static constexpr float kMaxPreDelayMs = 200.0f;
    static constexpr float kMinDecaySeconds = 0.2f;
    static constexpr float kMaxDecaySeconds = 10.0f;
    /// setSize(0..1) scales the hall's line lengths from kMinSizeScale to kMaxSizeScale (0.5 = the hall as built).
    static constexpr float kMinSizeScale = 0.5f;
    static constexpr float kMaxSizeScale = 1.5f;
    /// Damping 1 puts a one-pole low-pass with its corner at 2 kHz in every loop: each pass through a line takes
    /// 3 dB off at 2 kHz and ~7 dB at 4 kHz, so highs die within a few passes (a dark, heavily furnished room).
    /// In between the corner is kDampingFullHz / amount (0.5 -> 4 kHz, 0.25 -> 8 kHz); 0 is no filter at all.
    static constexpr double kDampingFullHz = 2000.0;
    /// Gain ramps (mix, loop gains, damping): the strip's 20 ms, slow enough not to click, fast enough to feel
    /// immediate under a fader.
    static constexpr double kRampSeconds = 0.020;
    /// Tap crossfades (size, pre-delay). 20 ms: each crossfade step is 1/960 of the gap between the two taps at
    /// 48 kHz, far below a click, and the brief dip of a linear fade between uncorrelated taps (-3 dB at its
    /// middle) is too short to hear in a tail.
    static constexpr double kFadeSeconds = 0.020;

    static constexpr float kDefaultPreDelayMs = 20.0f;
    static constexpr float kDefaultDecaySeconds = 2.0f;
    static constexpr float kDefaultDamping = 0.25f;
    static constexpr float kDefaultSize = 0.5f;
    static constexpr float kDefaultMixPercent = 100.0f;

    /// Allocates the lines for kMaxSizeScale and the pre-delay for kMaxPreDelayMs at `sampleRate`; `maxBlock` is the
    /// scratch size (process() takes any n, working in pieces of at most maxBlock).
    void prepare(double sampleRate, int maxBlock);
    /// Silences every line and completes any ramp or crossfade (there is no signal left for a jump to be heard
    /// in); keeps the parameters.
    void reset() FOH_RT;

    void setPreDelayMs(float ms) FOH_RT;        ///< 0..200 ms, whole samples
    void setDecaySeconds(float rt60) FOH_RT;    ///< 0.2..10 s: the time the tail takes to fall 60 dB
    void setDamping(float amount) FOH_RT;       ///< 0..1: 0 = none, 1 = a 2 kHz one-pole in every loop
    void setSize(float amount) FOH_RT;          ///< 0..1: line lengths 0.5x..1.5x of the hall
    void setMix(float percent) FOH_RT;          ///< 0..100: 100 = wet only (an FX return), 0 = the input only

    /// Overwrites outL/outR with n samples. `in` may be outL or outR.
    void process(const float* in, float* outL, float* outR, int n) FOH_RT;

    /// The pre-delay in samples once any crossfade has ended.
    [[nodiscard]] int preDelaySamples() const FOH_RT { return preDelayPending_ >= 0 ? preDelayPending_ : preDelayTarget_; }

private:
    struct Allpass {
        std::vector<float> buf;
        std::size_t mask = 0;
        std::size_t length = 1;
        float gain = 0.0f;
    };

    void lengthsFor(float scale, int* out) const FOH_RT;
    [[nodiscard]] float loopGain(int length) const FOH_RT;
    [[nodiscard]] float dampingPole(float amount) const FOH_RT;
    [[nodiscard]] int preDelayFor(float ms) const FOH_RT;
    void startSizeFade(float scale) FOH_RT;
    void finishSizeFade() FOH_RT;
    void retargetGains(int samples) FOH_RT;
    void finishPreDelayFade() FOH_RT;
    void preDelayAndDiffuse(const float* in, float* out, int n) FOH_RT;
    void network(const float* dry, const float* diffused, float* outL, float* outR, int n) FOH_RT;

    double sampleRate_ = 48000.0;
    int maxBlock_ = 1;
    int rampSamples_ = 960;
    float fadeStep_ = 1.0f / 960.0f;
    int fadeSamples_ = 960;
    std::size_t pos_ = 0;  ///< samples since reset; every line indexes with (pos_ & mask)
    std::vector<float> scratch_;  ///< maxBlock: the pre-delayed, diffused input

    // parameters, operator units
    float preDelayMs_ = kDefaultPreDelayMs;
    float decaySeconds_ = kDefaultDecaySeconds;
    float damping_ = kDefaultDamping;
    float sizeScale_ = kMinSizeScale + kDefaultSize * (kMaxSizeScale - kMinSizeScale);
    float mixPercent_ = kDefaultMixPercent;

    // pre-delay
    std::vector<float> pre_;
    std::size_t preMask_ = 0;
    int preDelayCurrent_ = 0;   ///< tap in use
    int preDelayTarget_ = 0;    ///< tap being faded to
    int preDelayPending_ = -1;  ///< a time set during a crossfade, taken up when it ends
    float preDelayFade_ = 1.0f;

    Allpass diffusers_[4];

    // the network
    std::vector<float> lines_[kLines];
    std::size_t lineMask_ = 0;
    int current_[kLines] = {};  ///< lengths in use
    int target_[kLines] = {};   ///< lengths being faded to
    float sizeFade_ = 1.0f;
    float pendingScale_ = -1.0f;  ///< a size set during a crossfade
    float lowpass_[kLines] = {};  ///< damping filter states
    LinearRamp gain_[kLines];     ///< g_i
    LinearRamp dampPole_;         ///< the one-pole's pole: 0 = no filter
    LinearRamp wet_;
    LinearRamp dry_;
};

}  // namespace foh::dsp
