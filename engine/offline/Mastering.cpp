#include "offline/Mastering.h"

#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <string_view>

#include "backend/OfflineRenderer.h"
#include "core/Engine.h"
#include "dsp/LoudnessMeter.h"
#include "rt/Realtime.h"

namespace foh::offline {

namespace {

constexpr double kPrerollSeconds = 0.25;
// Gain reach of each stage the gain is put on (dB): the main fader first, then both channel faders, then the trims.
constexpr double kFaderLowDb = -60.0, kFaderHighDb = 10.0;
constexpr double kTrimLowDb = -24.0, kTrimHighDb = 24.0;

struct GainSplit {
    double main = 0.0, channel = 0.0, trim = 0.0;
};

GainSplit splitGain(double gainDb) {
    GainSplit s;
    s.main = std::clamp(gainDb, kFaderLowDb, kFaderHighDb);
    double rest = gainDb - s.main;
    s.channel = std::clamp(rest, kFaderLowDb, kFaderHighDb);
    rest -= s.channel;
    s.trim = std::clamp(rest, kTrimLowDb, kTrimHighDb);
    return s;
}

struct Rendered {
    std::vector<float> left, right;
    int latency = 0;
};

/// One processing pass through the engine.
Rendered renderPass(const std::vector<float>& left, const std::vector<float>& right, double sampleRate,
                    const MasterSettings& settings, double gainDb, double limiterCeilingDb, int pass) {
    const int block = std::clamp(settings.block, 16, 4096);
    GraphConfig config;
    config.channels = 2;
    config.sampleRate = sampleRate;
    config.maxBlock = block;
    config.buses = 4;
    config.fx = 1;
    Engine engine(config);
    CommandQueue* queue = engine.openQueue("master");
    if (queue == nullptr) throw MasterError("the engine has no free control lane");
    const auto set = [&](std::string_view address, double value) {
        const Checked c = engine.set(*queue, address, static_cast<float>(value));
        if (!c.ok) throw MasterError(std::string(address) + ": " + c.error);
    };
    const GainSplit g = splitGain(gainDb);
    for (int ch = 1; ch <= 2; ++ch) {
        const std::string strip = "/ch/" + std::to_string(ch);
        set(strip + "/pan", ch == 1 ? -100.0 : 100.0);  // constant power: hard left is unity into L
        set(strip + "/eq/on", 0.0);
        set(strip + "/fader", g.channel);
        set(strip + "/trim", g.trim);
    }
    for (const auto& [address, value] : settings.params) set(address, value);
    set("/main/fader", g.main);
    set("/main/limit/on", 1.0);
    set("/main/limit/ceiling", limiterCeilingDb);
    if (settings.targetIndex >= 0) set("/main/loud/target", settings.targetIndex);

    rt::ScopedFlushDenormals ftz;
    OfflineRenderer renderer(engine, block, 2);
    const std::array<const float*, 2> silent{nullptr, nullptr};
    const auto prerollBlocks = static_cast<long>(std::ceil(kPrerollSeconds * sampleRate / block));
    for (long b = 0; b < prerollBlocks; ++b) {
        renderer.renderBlock(silent.data(), 2);
        engine.housekeeping();
    }
    Rendered out;
    out.latency = engine.latencyFrames();
    const std::size_t frames = left.size();
    const std::size_t total = frames + static_cast<std::size_t>(out.latency);
    const auto bs = static_cast<std::size_t>(block);
    out.left.assign(frames, 0.0f);
    out.right.assign(frames, 0.0f);
    std::vector<float> padL(bs, 0.0f), padR(bs, 0.0f);
    const std::size_t progressEvery = std::max<std::size_t>(bs, static_cast<std::size_t>(sampleRate));
    for (std::size_t pos = 0; pos < total; pos += bs) {
        std::array<const float*, 2> in{nullptr, nullptr};
        if (pos + bs <= frames) {
            in = {left.data() + pos, right.data() + pos};
        } else if (pos < frames) {  // the last piece of the programme, then silence to flush the latency
            std::fill(padL.begin(), padL.end(), 0.0f);
            std::fill(padR.begin(), padR.end(), 0.0f);
            std::copy(left.begin() + static_cast<long>(pos), left.end(), padL.begin());
            std::copy(right.begin() + static_cast<long>(pos), right.end(), padR.begin());
            in = {padL.data(), padR.data()};
        }
        renderer.renderBlock(in.data(), 2);
        engine.housekeeping();
        const std::vector<float>& oL = renderer.output(0);
        const std::vector<float>& oR = renderer.output(1);
        for (std::size_t k = 0; k < bs; ++k) {
            const std::size_t at = pos + k;
            if (at < static_cast<std::size_t>(out.latency)) continue;
            const std::size_t dst = at - static_cast<std::size_t>(out.latency);
            if (dst >= frames) break;
            out.left[dst] = oL[k];
            out.right[dst] = oR[k];
        }
        if (settings.progress && pos % progressEvery < bs)
            settings.progress(pass, static_cast<double>(pos) / static_cast<double>(total));
    }
    if (settings.progress) settings.progress(pass, 1.0);
    if (engine.latencyFrames() != out.latency) throw MasterError("the chain's latency changed during the pass");
    return out;
}

}  // namespace

LoudnessSummary measureLoudness(const std::vector<float>& left, const std::vector<float>& right, double sampleRate,
                                std::vector<LoudnessPoint>* curve) {
    rt::ScopedFlushDenormals ftz;
    const auto hop = static_cast<std::size_t>(std::lround(sampleRate * dsp::LoudnessMeter::kHopSeconds));
    dsp::LoudnessMeter meter;
    meter.prepare(sampleRate, static_cast<int>(hop), 2);
    if (curve) {
        curve->clear();
        curve->reserve(left.size() / hop + 1);
    }
    const std::size_t frames = std::min(left.size(), right.size());
    for (std::size_t pos = 0; pos < frames; pos += hop) {
        const std::size_t n = std::min(hop, frames - pos);
        const std::array<const float*, 2> in{left.data() + pos, right.data() + pos};
        meter.process(in.data(), static_cast<int>(n));
        if (curve)
            curve->push_back({static_cast<double>(pos + n) / sampleRate, meter.momentaryLufs(), meter.shortTermLufs()});
    }
    return {meter.integratedLufs(), meter.loudnessRangeLu(), meter.truePeakMaxDbtp(), meter.samplePeakMaxDbfs()};
}

bool masterSampleRateSupported(double sampleRate) {
    for (double r : {44100.0, 48000.0, 88200.0, 96000.0})
        if (sampleRate == r) return true;
    return false;
}

MasterResult masterBuffers(std::vector<float>& left, std::vector<float>& right, double sampleRate,
                           const MasterSettings& settings) {
    if (left.size() != right.size()) throw MasterError("left and right differ in length");
    if (!masterSampleRateSupported(sampleRate))
        throw MasterError("sample rate " + std::to_string(static_cast<long>(sampleRate)) +
                          " Hz is not supported (44100, 48000, 88200 or 96000)");
    if (!(settings.ceilingDbtp >= -12.0 && settings.ceilingDbtp <= 0.0))
        throw MasterError("the true-peak ceiling must lie in -12 .. 0 dBTP");
    MasterResult r;
    r.targetLufs = settings.targetLufs;
    r.ceilingDbtp = settings.ceilingDbtp;
    r.sampleRate = sampleRate;
    r.frames = left.size();
    r.inputChannels = 2;
    if (settings.progress) settings.progress(0, 0.0);
    r.before = measureLoudness(left, right, sampleRate, &r.curveBefore);
    if (settings.progress) settings.progress(0, 1.0);
    if (!std::isfinite(r.before.integratedLufs))
        throw MasterError("the input is silent: nothing above the -70 LUFS gate to measure");

    double gain = settings.targetLufs - r.before.integratedLufs;
    double limiterCeiling = std::clamp(settings.ceilingDbtp - std::clamp(settings.peakMarginDb, 0.0, 1.0), -12.0, 0.0);
    const double reach = kFaderHighDb * 2 + kTrimHighDb;
    bool kept = false;
    double keptError = 0.0;
    Rendered best;
    const int passes = std::clamp(settings.maxPasses, 1, 10);
    for (int pass = 1; pass <= passes; ++pass) {
        if (gain > reach)
            throw MasterError("the input is too quiet: it needs " + std::to_string(gain) + " dB, the console reaches +" +
                              std::to_string(reach) + " dB");
        Rendered out = renderPass(left, right, sampleRate, settings, gain, limiterCeiling, pass);
        std::vector<LoudnessPoint> curve;
        const LoudnessSummary m = measureLoudness(out.left, out.right, sampleRate, &curve);
        r.passes = pass;
        const double error = m.integratedLufs - settings.targetLufs;
        const bool peakOk = m.truePeakDbtp <= settings.ceilingDbtp;
        const bool keptPeakOk = kept && r.after.truePeakDbtp <= settings.ceilingDbtp;
        if (!kept || (peakOk && !keptPeakOk) || (peakOk == keptPeakOk && std::fabs(error) < std::fabs(keptError))) {
            kept = true;
            keptError = error;
            best = std::move(out);
            r.after = m;
            r.curveAfter = std::move(curve);
            r.gainDb = gain;
            r.latencyFrames = best.latency;
        }
        if (std::fabs(error) <= settings.toleranceLu && peakOk) break;
        gain -= error;
        // The limiter's detector reads the peak it holds; should our meter read the result over the ceiling, the
        // next pass aims that much lower.
        if (!peakOk) limiterCeiling = std::max(-12.0, limiterCeiling - (m.truePeakDbtp - settings.ceilingDbtp) - 0.02);
    }
    left = std::move(best.left);
    right = std::move(best.right);
    return r;
}

namespace {

struct SndFileCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndFile = std::unique_ptr<SNDFILE, SndFileCloser>;

}  // namespace

MasterResult masterFile(const MasterOptions& options) {
    SF_INFO info{};
    SndFile in(sf_open(options.input.c_str(), SFM_READ, &info));
    if (!in) throw MasterError("cannot read " + options.input + ": " + sf_strerror(nullptr));
    if (info.channels != 1 && info.channels != 2)
        throw MasterError(options.input + " has " + std::to_string(info.channels) +
                          " channels: foh master takes mono or stereo");
    if (info.frames <= 0) throw MasterError(options.input + " holds no audio");
    const auto frames = static_cast<std::size_t>(info.frames);
    std::vector<float> interleaved(frames * static_cast<std::size_t>(info.channels));
    const sf_count_t got = sf_readf_float(in.get(), interleaved.data(), info.frames);
    if (got != info.frames) throw MasterError("cannot read all of " + options.input + ": " + sf_strerror(in.get()));
    in.reset();
    std::vector<float> left(frames), right(frames);
    for (std::size_t i = 0; i < frames; ++i) {
        left[i] = interleaved[i * static_cast<std::size_t>(info.channels)];
        right[i] = info.channels == 2 ? interleaved[2 * i + 1] : left[i];
    }

    MasterResult r = masterBuffers(left, right, static_cast<double>(info.samplerate), options.settings);
    r.inputChannels = info.channels;

    SF_INFO outInfo{};
    outInfo.samplerate = info.samplerate;
    outInfo.channels = 2;
    const int major = info.format & SF_FORMAT_TYPEMASK;
    int subtype = info.format & SF_FORMAT_SUBMASK;
    switch (options.format) {
        case OutputFormat::SameAsInput: break;
        case OutputFormat::Pcm16: subtype = SF_FORMAT_PCM_16; break;
        case OutputFormat::Pcm24: subtype = SF_FORMAT_PCM_24; break;
        case OutputFormat::Float32: subtype = SF_FORMAT_FLOAT; break;
    }
    outInfo.format = major | subtype;
    if (!sf_format_check(&outInfo)) {
        outInfo.format = SF_FORMAT_WAV | subtype;
        if (!sf_format_check(&outInfo)) outInfo.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    }
    SndFile out(sf_open(options.output.c_str(), SFM_WRITE, &outInfo));
    if (!out) throw MasterError("cannot write " + options.output + ": " + sf_strerror(nullptr));
    sf_command(out.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
    interleaved.resize(2 * frames);
    for (std::size_t i = 0; i < frames; ++i) {
        interleaved[2 * i] = left[i];
        interleaved[2 * i + 1] = right[i];
    }
    if (sf_writef_float(out.get(), interleaved.data(), info.frames) != info.frames)
        throw MasterError("cannot write all of " + options.output + ": " + sf_strerror(out.get()));
    if (sf_close(out.release()) != 0) throw MasterError("cannot finish " + options.output);
    return r;
}

}  // namespace foh::offline
