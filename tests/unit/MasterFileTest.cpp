// foh master (engine/offline/Mastering.h) on generated programme material: every delivery target in
// dsp::kLoudnessTargets reached within 0.5 LU under its true-peak ceiling, both read by libebur128 (the independent
// reference, not the engine's meter); the output as long as the input and aligned with it (the chain's latency
// trimmed); a quiet input that needs no limiting comes out as the input times the gain, nothing else.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <ebur128.h>

#include "dsp/LoudnessTargets.h"
#include "offline/LoudnessPlot.h"
#include "offline/Mastering.h"

using namespace foh;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr double kSeconds = 10.0;  // the ASan round: the same checks on a shorter programme
#else
constexpr double kSeconds = 20.0;
#endif

struct Stereo {
    std::vector<float> left, right;
};

struct Reference {
    double integratedLufs, truePeakDbtp;
};

Reference reference(const Stereo& s, double rate) {
    ebur128_state* st = ebur128_init(2, static_cast<unsigned long>(rate), EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    REQUIRE(st != nullptr);
    std::vector<float> frames(2 * s.left.size());
    for (std::size_t i = 0; i < s.left.size(); ++i) {
        frames[2 * i] = s.left[i];
        frames[2 * i + 1] = s.right[i];
    }
    REQUIRE(ebur128_add_frames_float(st, frames.data(), s.left.size()) == EBUR128_SUCCESS);
    Reference r{};
    REQUIRE(ebur128_loudness_global(st, &r.integratedLufs) == EBUR128_SUCCESS);
    double peak = 0.0;
    for (unsigned ch = 0; ch < 2; ++ch) {
        double tp = 0.0;
        REQUIRE(ebur128_true_peak(st, ch, &tp) == EBUR128_SUCCESS);
        peak = std::max(peak, tp);
    }
    r.truePeakDbtp = 20.0 * std::log10(peak);
    ebur128_destroy(&st);
    return r;
}

void scaleTo(Stereo& s, double rate, double lufs) {
    const double g = std::pow(10.0, (lufs - reference(s, rate).integratedLufs) / 20.0);
    for (auto* v : {&s.left, &s.right})
        for (float& x : *v) x = static_cast<float>(x * g);
}

/// Programme-like material: pink noise (partly common to both sides) under a dynamic envelope (loud and quiet
/// sections, a slow swell, a near-silent break), a decaying 60 Hz kick every 0.5 s and a sharp click every 2 s.
Stereo programme(double rate, double seconds, unsigned seed) {
    const auto n = static_cast<std::size_t>(seconds * rate);
    std::mt19937 gen(seed);
    std::normal_distribution<float> white(0.0f, 1.0f);
    struct Pink {
        float b0 = 0, b1 = 0, b2 = 0;
        float operator()(float w) {  // Paul Kellet's economy pink filter
            b0 = 0.99765f * b0 + w * 0.0990460f;
            b1 = 0.96300f * b1 + w * 0.2965164f;
            b2 = 0.57000f * b2 + w * 1.0526913f;
            return (b0 + b1 + b2 + w * 0.1848f) * 0.1f;
        }
    } common, sideL, sideR;
    Stereo s{std::vector<float>(n), std::vector<float>(n)};
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / rate;
        double envDb = (static_cast<long>(t / 4.0) % 2 == 0 ? 0.0 : -10.0) + 3.0 * std::sin(2.0 * M_PI * 0.25 * t);
        if (t > 0.45 * seconds && t < 0.45 * seconds + 1.5) envDb = -40.0;
        const double env = std::pow(10.0, envDb / 20.0);
        const float c = common(white(gen));
        double l = env * (0.8 * c + 0.35 * sideL(white(gen)));
        double r = env * (0.8 * c + 0.35 * sideR(white(gen)));
        const double tk = std::fmod(t, 0.5);
        const double kick = 0.9 * env * std::exp(-tk / 0.06) * std::sin(2.0 * M_PI * 60.0 * tk);
        const double tc = std::fmod(t, 2.0);
        const double click = tc < 0.002 ? 1.2 * std::exp(-tc / 0.0004) * std::sin(2.0 * M_PI * 3000.0 * tc) : 0.0;
        s.left[i] = static_cast<float>(l + kick + click);
        s.right[i] = static_cast<float>(r + kick - 0.7 * click);
    }
    return s;
}

offline::MasterSettings settingsFor(const dsp::LoudnessTarget& t) {
    offline::MasterSettings s;
    s.targetLufs = t.integratedLufs;
    s.ceilingDbtp = t.truePeakCeilingDbtp;
    s.targetIndex = static_cast<int>(&t - dsp::kLoudnessTargets.data());
    return s;
}

}  // namespace

TEST_CASE("foh master reaches every target within 0.5 LU under its true-peak ceiling (libebur128)", "[master]") {
    const bool report = std::getenv("FOH_MASTER_REPORT") != nullptr;
    for (double rate : {44100.0, 48000.0}) {
        for (double inputLufs : {-35.0, -8.0}) {
            Stereo in = programme(rate, kSeconds, rate > 45000.0 ? 7u : 11u);
            scaleTo(in, rate, inputLufs);
            const Reference before = reference(in, rate);
            for (const dsp::LoudnessTarget& t : dsp::kLoudnessTargets) {
                Stereo out = in;
                const offline::MasterResult r = offline::masterBuffers(out.left, out.right, rate, settingsFor(t));
                const Reference after = reference(out, rate);
                INFO(rate << " Hz, input " << before.integratedLufs << " LUFS / " << before.truePeakDbtp
                          << " dBTP, target " << t.name << " " << t.integratedLufs << " / " << t.truePeakCeilingDbtp
                          << ": libebur128 " << after.integratedLufs << " LUFS / " << after.truePeakDbtp
                          << " dBTP, engine meter " << r.after.integratedLufs << " / " << r.after.truePeakDbtp
                          << ", gain " << r.gainDb << " dB in " << r.passes << " passes");
                if (report)
                    std::printf("%6.0f Hz  in %6.1f LUFS %5.1f dBTP  %-8.*s  out %6.2f LUFS %6.2f dBTP  gain %+6.2f dB"
                                "  passes %d\n",
                                rate, before.integratedLufs, before.truePeakDbtp, static_cast<int>(t.name.size()),
                                t.name.data(), after.integratedLufs, after.truePeakDbtp, r.gainDb, r.passes);
                CHECK(std::fabs(after.integratedLufs - t.integratedLufs) <= 0.5);
                CHECK(after.truePeakDbtp <= t.truePeakCeilingDbtp);
                CHECK(out.left.size() == in.left.size());
                CHECK(out.right.size() == in.right.size());
                CHECK(r.frames == in.left.size());
                CHECK(r.passes >= 1);
                CHECK(r.passes <= 3);
                CHECK(r.latencyFrames > 0);  // the limiter's lookahead was there, and trimmed
                CHECK(std::fabs(r.before.integratedLufs - before.integratedLufs) < 0.1);
                CHECK(std::fabs(r.after.integratedLufs - after.integratedLufs) < 0.1);
            }
        }
    }
}

TEST_CASE("a quiet input that needs no limiting comes out as the input times the gain, aligned", "[master]") {
    // Two tones and their beat: a crest factor of about 9 dB, so -35 LUFS brought to -23 stays far under -1 dBTP.
    const double rate = 48000.0;
    const auto n = static_cast<std::size_t>(6.0 * rate);
    Stereo in{std::vector<float>(n), std::vector<float>(n)};
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / rate;
        in.left[i] = static_cast<float>(0.3 * std::sin(2.0 * M_PI * 440.0 * t) + 0.2 * std::sin(2.0 * M_PI * 1250.0 * t));
        in.right[i] = static_cast<float>(0.3 * std::sin(2.0 * M_PI * 330.0 * t) + 0.1 * std::sin(2.0 * M_PI * 95.0 * t));
    }
    scaleTo(in, rate, -35.0);
    const dsp::LoudnessTarget& ebu = *dsp::findLoudnessTarget("ebu");
    Stereo out = in;
    const offline::MasterResult r = offline::masterBuffers(out.left, out.right, rate, settingsFor(ebu));
    const Reference after = reference(out, rate);
    CHECK(std::fabs(after.integratedLufs - ebu.integratedLufs) <= 0.2);
    CHECK(r.passes == 1);
    CHECK(r.after.truePeakDbtp < ebu.truePeakCeilingDbtp - 3.0);
    const double g = std::pow(10.0, r.gainDb / 20.0);
    double worst = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        worst = std::max(worst, std::fabs(out.left[i] - g * in.left[i]));
        worst = std::max(worst, std::fabs(out.right[i] - g * in.right[i]));
    }
    INFO("gain " << r.gainDb << " dB, worst difference from input x gain " << worst);
    CHECK(worst < 1e-5);  // same samples (float rounding of the fader and pan gains), no lag, nothing limited
}

TEST_CASE("foh master refuses silence, unsupported rates and unreadable files", "[master]") {
    std::vector<float> l(48000, 0.0f), r(48000, 0.0f);
    offline::MasterSettings s;
    CHECK_THROWS_AS(offline::masterBuffers(l, r, 48000.0, s), offline::MasterError);
    std::vector<float> l2(22050, 0.1f), r2(22050, 0.1f);
    CHECK_THROWS_AS(offline::masterBuffers(l2, r2, 22050.0, s), offline::MasterError);
    offline::MasterOptions o;
    o.input = "/nonexistent/in.wav";
    o.output = "/tmp/never-written.wav";
    CHECK_THROWS_AS(offline::masterFile(o), offline::MasterError);
}

TEST_CASE("the loudness plot is an SVG with the curves and the target line", "[master]") {
    std::vector<offline::LoudnessPoint> after, before;
    for (int i = 0; i < 600; ++i) {
        const double t = 0.1 * (i + 1);
        after.push_back({t, -14.0 + 3.0 * std::sin(t), -14.0 + std::sin(t / 3.0)});
        before.push_back({t, i < 30 ? -INFINITY : -30.0 + 3.0 * std::sin(t), -30.0 + std::sin(t / 3.0)});
    }
    const std::string svg = offline::loudnessPlotSvg({"a & b <test>", -14.0, &after, &before});
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(svg.find("</svg>") != std::string::npos);
    CHECK(svg.find("a &amp; b &lt;test&gt;") != std::string::npos);
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf") == std::string::npos);
    std::size_t lines = 0;
    for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++lines;
    CHECK(lines == 3);
    CHECK(svg.find("1:00") != std::string::npos);  // a minute tick
    CHECK(svg.find("target -14.0") != std::string::npos);  // the target in the legend
}
