#include "dsp/LoudnessMeter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace foh::dsp {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kNoSignal = -std::numeric_limits<double>::infinity();
/// BS.1770: L = -0.691 + 10 log10(sum G z). The offset makes a 1 kHz sine read its RMS level per channel.
constexpr double kLoudnessOffset = -0.691;
constexpr int kHistory = kTruePeakTaps - 1;

double energyToLufs(double energy) noexcept {
    return energy > 0.0 ? kLoudnessOffset + 10.0 * std::log10(energy) : kNoSignal;
}
double lufsToEnergy(double lufs) noexcept { return std::pow(10.0, (lufs - kLoudnessOffset) / 10.0); }
double peakToDb(float peak) noexcept {
    return peak > 0.0f ? 20.0 * std::log10(static_cast<double>(peak)) : kNoSignal;
}

// The energy of a block at the absolute gate, and the relative gates as energy ratios.
const double kAbsoluteGateEnergy = lufsToEnergy(LoudnessMeter::kAbsoluteGateLufs);
const double kRelativeGateRatio = std::pow(10.0, LoudnessMeter::kRelativeGateLu / 10.0);
const double kRangeGateRatio = std::pow(10.0, LoudnessMeter::kRangeRelativeGateLu / 10.0);

// ---- K-weighting design -------------------------------------------------------------------------------------------
// Bilinear transform prewarped at the section's f0: s/w0 -> (1/K) (1 - z^-1) / (1 + z^-1), K = tan(pi f0 / fs).
// Multiplying through by K^2 (1 + z^-1)^2:
//   denominator (1 + K/Q + K^2) + 2 (K^2 - 1) z^-1 + (1 - K/Q + K^2) z^-2
//   numerator   (n2 + n1 K + n0 K^2) + 2 (n0 K^2 - n2) z^-1 + (n2 - n1 K + n0 K^2) z^-2
// and back: at z = 1 and z = -1 the sums of the coefficients give K^2 and the unnormalized a0.

AnalogSection toAnalog(const KWeightingSection& d, double sampleRate) {
    const double a0 = 4.0 / (1.0 - d.a1 + d.a2);  // unnormalized a0 = 1 + K/Q + K^2
    const double k2 = (1.0 + d.a1 + d.a2) / (1.0 - d.a1 + d.a2);
    const double k = std::sqrt(k2);
    AnalogSection a;
    a.f0 = sampleRate * std::atan(k) / kPi;
    a.q = k / (a0 - 1.0 - k2);
    a.n0 = (d.b0 + d.b1 + d.b2) * a0 / (4.0 * k2);
    a.n2 = (d.b0 - d.b1 + d.b2) * a0 / 4.0;
    a.n1 = (d.b0 - d.b2) * a0 / (2.0 * k);
    return a;
}

KWeightingSection toDigital(const AnalogSection& a, double sampleRate) {
    const double k = std::tan(kPi * a.f0 / sampleRate);
    const double k2 = k * k;
    const double a0 = 1.0 + k / a.q + k2;
    return {(a.n2 + a.n1 * k + a.n0 * k2) / a0, 2.0 * (a.n0 * k2 - a.n2) / a0, (a.n2 - a.n1 * k + a.n0 * k2) / a0,
            2.0 * (k2 - 1.0) / a0, (1.0 - k / a.q + k2) / a0};
}

// ---- the K-weighting kernel ---------------------------------------------------------------------------------------
typedef double V2 __attribute__((vector_size(16)));

// The high-pass prototype is n2 s^2 / (s^2 + s/Q + 1) (n1 = n0 = 0 exactly), so its numerator is b0 (1, -2, 1) at
// every rate and the kernel computes b0 ((y - 2 y1) + y2): two multiplies fewer and everything in 15 registers.
template <int Pairs>
[[gnu::always_inline]] inline double weightPairs(const float* const* in, int n, const KWeighting& kw,
                                                 KWeightingPair* st, double sum, double* out) noexcept {
    const auto splat = [](double v) { return V2{v, v}; };
    const V2 sb0 = splat(kw.shelf.b0), sb1 = splat(kw.shelf.b1), sb2 = splat(kw.shelf.b2);
    const V2 sa1 = splat(kw.shelf.a1), sa2 = splat(kw.shelf.a2);
    const V2 hg = splat(kw.highPass.b0), ha1 = splat(kw.highPass.a1), ha2 = splat(kw.highPass.a2);
    V2 x1[Pairs], x2[Pairs], y1[Pairs], y2[Pairs], w1[Pairs], w2[Pairs], g[Pairs];
    for (int p = 0; p < Pairs; ++p) {
        x1[p] = V2{st[p].x1[0], st[p].x1[1]}, x2[p] = V2{st[p].x2[0], st[p].x2[1]};
        y1[p] = V2{st[p].y1[0], st[p].y1[1]}, y2[p] = V2{st[p].y2[0], st[p].y2[1]};
        w1[p] = V2{st[p].w1[0], st[p].w1[1]}, w2[p] = V2{st[p].w2[0], st[p].w2[1]};
        g[p] = V2{st[p].g[0], st[p].g[1]};
    }
    for (int i = 0; i < n; ++i) {
        V2 e = {0.0, 0.0};
        for (int p = 0; p < Pairs; ++p) {
            const V2 x = {static_cast<double>(in[2 * p][i]), static_cast<double>(in[2 * p + 1][i])};
            // The term of the previous output last: the recursion waits on one multiply and one subtraction.
            const V2 y = (((sb0 * x + sb1 * x1[p]) + sb2 * x2[p]) - sa2 * y2[p]) - sa1 * y1[p];
            const V2 w = (hg * ((y - (y1[p] + y1[p])) + y2[p]) - ha2 * w2[p]) - ha1 * w1[p];
            x2[p] = x1[p], x1[p] = x;
            y2[p] = y1[p], y1[p] = y;
            w2[p] = w1[p], w1[p] = w;
            e += g[p] * (w * w);
        }
        sum += e[0] + e[1];
        out[i] = sum;
    }
    for (int p = 0; p < Pairs; ++p) {
        for (int l = 0; l < 2; ++l) {
            st[p].x1[l] = x1[p][l], st[p].x2[l] = x2[p][l];
            st[p].y1[l] = y1[p][l], st[p].y2[l] = y2[p][l];
            st[p].w1[l] = w1[p][l], st[p].w2[l] = w2[p][l];
        }
    }
    return sum;
}

// Compiled twice (AVX2 and baseline x86-64), picked at load time. Returns the running energy sum after n frames and
// writes it after every frame into out.
__attribute__((target_clones("arch=x86-64-v3", "default"))) double weightKernel(const float* const* in, int pairs,
                                                                                int n, const KWeighting& kw,
                                                                                KWeightingPair* st, double sum,
                                                                                double* out) noexcept {
    switch (pairs) {
        case 1: return weightPairs<1>(in, n, kw, st, sum, out);
        case 2: return weightPairs<2>(in, n, kw, st, sum, out);
        default: return weightPairs<3>(in, n, kw, st, sum, out);
    }
}

// ---- the true-peak kernel -----------------------------------------------------------------------------------------
typedef float V8 __attribute__((vector_size(32)));

// (Vectors go by reference: passing a 32-byte vector by value would depend on the AVX ABI in the baseline clone.)
// Unaligned loads go through memcpy: under clang, a reference to an aligned(4) vector typedef loses the reduced
// alignment and the load becomes an aligned one, which faults on these 4-byte aligned addresses.
[[gnu::always_inline]] inline void load8(V8& v, const float* p) noexcept { std::memcpy(&v, p, sizeof v); }
/// acc = max(acc, |v|) over finite values only: a NaN fails both comparisons, an infinity the second, so a broken
/// sample never becomes the peak.
[[gnu::always_inline]] inline void maxAbsInto(V8& acc, const V8& v) noexcept {
    constexpr float kLargest = std::numeric_limits<float>::max();
    const V8 a = v > -v ? v : -v;
    acc = ((a > acc) & (a <= kLargest)) ? a : acc;
}
[[gnu::always_inline]] inline float maxKeep(float acc, float v) noexcept {
    return v > acc && v <= std::numeric_limits<float>::max() ? v : acc;
}

/// buf: kHistory past samples, then n new ones. Eight consecutive outputs of each phase per register; two partial
/// sums per phase so the additions of the 24 taps form two chains of 12. peaks[0] = sample peak, [1] = the largest
/// interpolated value (phases 1-3; phase 0 is the sample itself).
__attribute__((target_clones("arch=x86-64-v3", "default"))) void peakKernel(const float* buf, int n, const float* c1,
                                                                            const float* c2, const float* c3,
                                                                            float* peaks) noexcept {
    V8 tp = {}, sp = {};
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        const float* x = buf + kHistory + j;  // x[-i] is x[n - i]
        V8 a1 = {}, a2 = {}, a3 = {}, b1 = {}, b2 = {}, b3 = {};
#pragma GCC unroll 12
        for (int i = 0; i < kTruePeakTaps; i += 2) {
            V8 u, v;
            load8(u, x - i), load8(v, x - i - 1);
            a1 += c1[i] * u, a2 += c2[i] * u, a3 += c3[i] * u;
            b1 += c1[i + 1] * v, b2 += c2[i + 1] * v, b3 += c3[i + 1] * v;
        }
        maxAbsInto(tp, a1 + b1);
        maxAbsInto(tp, a2 + b2);
        maxAbsInto(tp, a3 + b3);
        V8 now;
        load8(now, x);
        maxAbsInto(sp, now);
    }
    float t = 0.0f, s = 0.0f;
    for (int l = 0; l < 8; ++l) t = maxKeep(t, tp[l]), s = maxKeep(s, sp[l]);
    for (; j < n; ++j) {  // the same sums in the same order as a lane above: any block size, the same peaks
        const float* x = buf + kHistory + j;
        float a1 = 0.0f, a2 = 0.0f, a3 = 0.0f, b1 = 0.0f, b2 = 0.0f, b3 = 0.0f;
        for (int i = 0; i < kTruePeakTaps; i += 2) {
            a1 += c1[i] * x[-i], a2 += c2[i] * x[-i], a3 += c3[i] * x[-i];
            b1 += c1[i + 1] * x[-i - 1], b2 += c2[i + 1] * x[-i - 1], b3 += c3[i + 1] * x[-i - 1];
        }
        t = maxKeep(maxKeep(maxKeep(t, std::fabs(a1 + b1)), std::fabs(a2 + b2)), std::fabs(a3 + b3));
        s = maxKeep(s, std::fabs(x[0]));
    }
    peaks[0] = s;
    peaks[1] = t;
}

double besselI0(double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 64; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
    }
    return sum;
}

constexpr ChannelRole kDefaultLayouts[LoudnessMeter::kMaxChannels][LoudnessMeter::kMaxChannels] = {
    {ChannelRole::Left},
    {ChannelRole::Left, ChannelRole::Right},
    {ChannelRole::Left, ChannelRole::Right, ChannelRole::Centre},
    {ChannelRole::Left, ChannelRole::Right, ChannelRole::LeftSurround, ChannelRole::RightSurround},
    {ChannelRole::Left, ChannelRole::Right, ChannelRole::Centre, ChannelRole::LeftSurround,
     ChannelRole::RightSurround},
    {ChannelRole::Left, ChannelRole::Right, ChannelRole::Centre, ChannelRole::Lfe, ChannelRole::LeftSurround,
     ChannelRole::RightSurround},
};

}  // namespace

// ---- design -------------------------------------------------------------------------------------------------------

std::complex<double> KWeightingSection::response(double freq, double sampleRate) const {
    const std::complex<double> z1 = std::polar(1.0, -2.0 * kPi * freq / sampleRate);
    const std::complex<double> z2 = z1 * z1;
    return (b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2);
}

std::array<AnalogSection, 2> KWeighting::prototypes() {
    return {toAnalog(kBs1770Shelf48k, 48000.0), toAnalog(kBs1770HighPass48k, 48000.0)};
}

KWeighting KWeighting::design(double sampleRate) {
    const auto proto = prototypes();
    return {toDigital(proto[0], sampleRate), toDigital(proto[1], sampleRate)};
}

double KWeighting::responseDb(double freq, double sampleRate) const {
    return 20.0 * std::log10(std::abs(shelf.response(freq, sampleRate) * highPass.response(freq, sampleRate)));
}

TruePeakTaps designTruePeakInterpolator() {
    // h(t) = sinc(t) w(t), t in input samples, w the Kaiser window over |t| <= 12; taps[p][i] = h(i - 12 + p/4).
    TruePeakTaps taps{};
    const double half = kTruePeakTaps / 2.0;
    const double norm = besselI0(kTruePeakKaiserBeta);
    for (int p = 0; p < kTruePeakPhases; ++p) {
        for (int i = 0; i < kTruePeakTaps; ++i) {
            const double t = i - half + p / static_cast<double>(kTruePeakPhases);
            const double sinc = t == 0.0 ? 1.0 : std::sin(kPi * t) / (kPi * t);
            const double r = t / half;
            const double w = std::fabs(r) < 1.0 ? besselI0(kTruePeakKaiserBeta * std::sqrt(1.0 - r * r)) / norm : 0.0;
            taps[p][i] = p == 0 ? (i == kTruePeakTaps / 2 ? 1.0 : 0.0) : sinc * w;  // phase 0: exactly the sample
        }
    }
    return taps;
}

// ---- histogram ----------------------------------------------------------------------------------------------------

void LoudnessMeter::Histogram::add(double e) noexcept {
    const double lufs = energyToLufs(e);
    const int bin = std::clamp(static_cast<int>(std::floor((lufs - kHistogramLowLufs) / kHistogramStepLu)), 0,
                               kHistogramBins - 1);
    bins[bin].energy += e;
    ++bins[bin].count;
    energy += e;
    ++count;
    lowest = std::min(lowest, bin);
    highest = std::max(highest, bin);
}

void LoudnessMeter::Histogram::clear() noexcept {
    for (int b = lowest; b <= highest; ++b) bins[b] = Bin{};
    energy = 0.0;
    count = 0;
    lowest = kHistogramBins;
    highest = -1;
}

int LoudnessMeter::Histogram::firstGated(double threshold) const noexcept {
    if (threshold < kAbsoluteGateEnergy) return lowest;  // below every bin: all of them
    const int bin = std::min(static_cast<int>(std::floor((energyToLufs(threshold) - kHistogramLowLufs) /
                                                         kHistogramStepLu)),
                             kHistogramBins - 1);
    if (bin < lowest) return lowest;
    const Bin& b = bins[bin];
    return b.count > 0 && b.energy / static_cast<double>(b.count) >= threshold ? bin : bin + 1;
}

// ---- the meter ----------------------------------------------------------------------------------------------------

void LoudnessMeter::prepare(double sampleRate, int maxBlock, int channels) {
    if (!(sampleRate >= kMinSampleRate && sampleRate <= kMaxSampleRate))
        throw std::invalid_argument("LoudnessMeter: sample rate outside 8 kHz .. 768 kHz");
    if (channels < 1 || channels > kMaxChannels) throw std::invalid_argument("LoudnessMeter: 1 to 6 channels");
    sampleRate_ = sampleRate;
    channels_ = channels;
    hop_ = std::max(1, static_cast<int>(std::lround(sampleRate * kHopSeconds)));
    chunk_ = std::clamp(maxBlock, 1, kMaxChunk);
    k_ = KWeighting::design(sampleRate);

    pairs_ = {};
    weights_ = {};
    for (int c = 0; c < channels; ++c) setChannelWeight(c, loudnessWeight(kDefaultLayouts[channels - 1][c]));
    zeros_.assign(static_cast<std::size_t>(chunk_), 0.0f);
    ring_.assign(static_cast<std::size_t>(kRingHops) * static_cast<std::size_t>(hop_), 0.0);
    gating_.bins.assign(kHistogramBins, Bin{});
    range_.bins.assign(kHistogramBins, Bin{});
    gating_.lowest = range_.lowest = kHistogramBins;
    gating_.highest = range_.highest = -1;

    const TruePeakTaps taps = designTruePeakInterpolator();
    for (int p = 1; p < kTruePeakPhases; ++p)
        for (int i = 0; i < kTruePeakTaps; ++i) taps_[p - 1][i] = static_cast<float>(taps[p][i]);
    for (int c = 0; c < kMaxChannels; ++c) {
        if (c < channels) {
            history_[c].assign(static_cast<std::size_t>(kHistory + chunk_), 0.0f);
        } else {
            history_[c].clear();
            history_[c].shrink_to_fit();
        }
    }
    running_ = true;
    reset();
}

void LoudnessMeter::reset() FOH_RT {
    for (KWeightingPair& p : pairs_) p.clearSignal();
    hopSums_.fill(0.0);
    hops_ = 0;
    hopPos_ = 0;
    hopSum_ = 0.0;
    hopRan_ = running_;
    runHops_ = 0;
    integratedHops_ = 0;
    gating_.clear();
    range_.clear();
    for (int c = 0; c < channels_; ++c) std::fill(history_[c].begin(), history_[c].begin() + kHistory, 0.0f);
    truePeak_.fill(0.0f);
    samplePeak_.fill(0.0f);
    hopTruePeak_ = hopSamplePeak_ = 0.0f;
    truePeakSettle_ = 0;
    recentTruePeak_.fill(0.0f);
    recentSamplePeak_.fill(0.0f);
    // ring_ needs no clearing: windowEnergy() reads only hops that were filled since.
}

void LoudnessMeter::setChannelWeight(int channel, double weight) FOH_RT {
    if (channel < 0 || channel >= kMaxChannels || !(weight >= 0.0) || !std::isfinite(weight)) return;
    weights_[channel] = weight;
    pairs_[channel / 2].g[channel % 2] = weight;
}

double LoudnessMeter::channelWeight(int channel) const FOH_RT {
    return channel >= 0 && channel < kMaxChannels ? weights_[channel] : 0.0;
}

void LoudnessMeter::setRunning(bool running) FOH_RT {
    if (running == running_) return;
    running_ = running;
    // A hop counts as played while running only if it ran for all of it: a resume mid-hop starts at the next one.
    hopRan_ = running && hopPos_ == 0;
    truePeakSettle_ = running ? kTruePeakTaps / 2 : 0;
}

void LoudnessMeter::process(const float* const* channels, int n) FOH_RT {
    int done = 0;
    while (done < n) {
        const int len = std::min({n - done, chunk_, hop_ - hopPos_});
        const float* at[kMaxChannels];
        for (int c = 0; c < channels_; ++c) at[c] = channels[c] + done;
        weightChunk(at, len);
        peakChunk(at, len);
        hopPos_ += len;
        done += len;
        if (hopPos_ == hop_) endHop();
    }
}

void LoudnessMeter::weightChunk(const float* const* in, int n) noexcept {
    const int pairs = (channels_ + 1) / 2;
    const float* lanes[kMaxChannels];
    for (int c = 0; c < 2 * pairs; ++c) lanes[c] = c < channels_ ? in[c] : zeros_.data();
    double* out = ring_.data() + static_cast<std::size_t>(hops_ % kRingHops) * static_cast<std::size_t>(hop_) +
                  static_cast<std::size_t>(hopPos_);
    const double sum = weightKernel(lanes, pairs, n, k_, pairs_.data(), hopSum_, out);
    if (std::isfinite(sum)) {
        hopSum_ = sum;
        return;
    }
    // A NaN or infinity got in (a broken upstream signal): it would stay in the recursions for ever. Restart the
    // filters from silence and count the piece as silence.
    for (KWeightingPair& p : pairs_) p.clearSignal();
    std::fill(out, out + n, hopSum_);
}

void LoudnessMeter::peakChunk(const float* const* in, int n) noexcept {
    // Right after a resume the first interpolated points still lie before it (the interpolator's delay): they
    // count for the momentary peak only.
    const int settling = running_ ? std::min(truePeakSettle_, n) : 0;
    for (int c = 0; c < channels_; ++c) {
        float* buf = history_[c].data();
        std::memcpy(buf + kHistory, in[c], static_cast<std::size_t>(n) * sizeof(float));
        float early[2] = {0.0f, 0.0f}, peaks[2] = {0.0f, 0.0f};
        if (settling > 0) peakKernel(buf, settling, taps_[0].data(), taps_[1].data(), taps_[2].data(), early);
        peakKernel(buf + settling, n - settling, taps_[0].data(), taps_[1].data(), taps_[2].data(), peaks);
        std::memmove(buf, buf + n, kHistory * sizeof(float));
        const float sample = std::max(early[0], peaks[0]), truePeak = std::max(peaks[0], peaks[1]);
        hopSamplePeak_ = std::max(hopSamplePeak_, sample);
        hopTruePeak_ = std::max({hopTruePeak_, truePeak, early[0], early[1]});
        if (running_) {
            samplePeak_[c] = std::max(samplePeak_[c], sample);
            truePeak_[c] = std::max({truePeak_[c], truePeak, early[0]});
        }
    }
    truePeakSettle_ -= settling;
}

void LoudnessMeter::endHop() noexcept {
    hopSums_[hops_ % kRingHops] = hopSum_;
    recentTruePeak_[hops_ % kPeakHops] = hopTruePeak_;
    recentSamplePeak_[hops_ % kPeakHops] = hopSamplePeak_;
    ++hops_;
    hopPos_ = 0;
    hopSum_ = 0.0;
    hopTruePeak_ = hopSamplePeak_ = 0.0f;

    runHops_ = running_ && hopRan_ ? std::min(runHops_ + 1, kRingHops) : 0;
    hopRan_ = running_;
    if (runHops_ == 0) return;
    ++integratedHops_;
    if (runHops_ >= kMomentaryHops) {
        const double block = hopsEnergy(kMomentaryHops);
        if (block >= kAbsoluteGateEnergy) gating_.add(block);
    }
    if (runHops_ >= kShortTermHops) {
        const double shortTerm = hopsEnergy(kShortTermHops);
        if (shortTerm >= kAbsoluteGateEnergy) range_.add(shortTerm);
    }
}

double LoudnessMeter::hopsEnergy(int hops) const noexcept {
    double sum = 0.0;
    for (int j = 1; j <= hops; ++j) sum += hopSums_[(hops_ - static_cast<std::uint64_t>(j)) % kRingHops];
    return sum / (static_cast<double>(hops) * hop_);
}

double LoudnessMeter::windowEnergy(int hops) const noexcept {
    // The hop being filled, the complete hops after the oldest one, and the part of the oldest one still in the
    // window: its sum minus its running sum up to the frame that just left.
    double sum = hopSum_;
    for (int j = 1; j < hops && static_cast<std::uint64_t>(j) <= hops_; ++j)
        sum += hopSums_[(hops_ - static_cast<std::uint64_t>(j)) % kRingHops];
    if (hops_ >= static_cast<std::uint64_t>(hops)) {
        const std::size_t slot = (hops_ - static_cast<std::uint64_t>(hops)) % kRingHops;
        const double gone = hopPos_ > 0 ? ring_[slot * static_cast<std::size_t>(hop_) + hopPos_ - 1] : 0.0;
        sum += hopSums_[slot] - gone;
    }
    return std::max(sum, 0.0) / (static_cast<double>(hops) * hop_);
}

double LoudnessMeter::momentaryLufs() const FOH_RT { return energyToLufs(windowEnergy(kMomentaryHops)); }

double LoudnessMeter::shortTermLufs() const FOH_RT { return energyToLufs(windowEnergy(kShortTermHops)); }

double LoudnessMeter::integratedLufs() const FOH_RT {
    if (gating_.count == 0) return kNoSignal;
    const double gate = gating_.energy / static_cast<double>(gating_.count) * kRelativeGateRatio;
    double energy = 0.0;
    std::uint64_t count = 0;
    for (int b = gating_.firstGated(gate); b <= gating_.highest; ++b) {
        energy += gating_.bins[b].energy;
        count += gating_.bins[b].count;
    }
    return count > 0 ? energyToLufs(energy / static_cast<double>(count)) : kNoSignal;
}

double LoudnessMeter::loudnessRangeLu() const FOH_RT {
    if (range_.count == 0) return 0.0;
    const double gate = range_.energy / static_cast<double>(range_.count) * kRangeGateRatio;
    const int first = range_.firstGated(gate);
    std::uint64_t n = 0;
    for (int b = first; b <= range_.highest; ++b) n += range_.bins[b].count;
    if (n == 0) return 0.0;
    // Nearest rank on the sorted gated values, 0-based: round((n - 1) p).
    const auto rank = [n](double p) {
        return static_cast<std::uint64_t>(static_cast<double>(n - 1) * p + 0.5);
    };
    const std::uint64_t lowRank = rank(kRangeLowPercentile), highRank = rank(kRangeHighPercentile);
    const auto binLufs = [this](int b) {
        return energyToLufs(range_.bins[b].energy / static_cast<double>(range_.bins[b].count));
    };
    double low = 0.0, high = 0.0;
    std::uint64_t below = 0;  // values in the bins before b
    bool haveLow = false;
    for (int b = first; b <= range_.highest; ++b) {
        const std::uint64_t count = range_.bins[b].count;
        if (count == 0) continue;
        if (!haveLow && lowRank < below + count) low = binLufs(b), haveLow = true;
        if (highRank < below + count) {
            high = binLufs(b);
            break;
        }
        below += count;
    }
    return high - low;
}

double LoudnessMeter::truePeakMaxDbtp() const FOH_RT {
    return peakToDb(*std::max_element(truePeak_.begin(), truePeak_.end()));
}

double LoudnessMeter::truePeakMaxDbtp(int channel) const FOH_RT {
    return channel >= 0 && channel < channels_ ? peakToDb(truePeak_[channel]) : kNoSignal;
}

double LoudnessMeter::momentaryTruePeakDbtp() const FOH_RT {
    return peakToDb(std::max(hopTruePeak_, *std::max_element(recentTruePeak_.begin(), recentTruePeak_.end())));
}

double LoudnessMeter::samplePeakMaxDbfs() const FOH_RT {
    return peakToDb(*std::max_element(samplePeak_.begin(), samplePeak_.end()));
}

double LoudnessMeter::samplePeakMaxDbfs(int channel) const FOH_RT {
    return channel >= 0 && channel < channels_ ? peakToDb(samplePeak_[channel]) : kNoSignal;
}

double LoudnessMeter::momentarySamplePeakDbfs() const FOH_RT {
    return peakToDb(std::max(hopSamplePeak_, *std::max_element(recentSamplePeak_.begin(), recentSamplePeak_.end())));
}

double LoudnessMeter::integratedSeconds() const FOH_RT {
    return static_cast<double>(integratedHops_) * hop_ / sampleRate_;
}

LoudnessReadout LoudnessMeter::readout() const FOH_RT {
    LoudnessReadout r;
    r.momentaryLufs = momentaryLufs();
    r.shortTermLufs = shortTermLufs();
    r.integratedLufs = integratedLufs();
    r.rangeLu = loudnessRangeLu();
    r.truePeakMaxDbtp = truePeakMaxDbtp();
    r.momentaryTruePeakDbtp = momentaryTruePeakDbtp();
    r.samplePeakMaxDbfs = samplePeakMaxDbfs();
    r.momentarySamplePeakDbfs = momentarySamplePeakDbfs();
    r.integratedSeconds = integratedSeconds();
    r.running = running_;
    return r;
}

}  // namespace foh::dsp
