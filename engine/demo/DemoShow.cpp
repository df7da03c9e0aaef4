#include "demo/DemoShow.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace foh::demo {
namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kBpm = 120.0;
constexpr int kBars = 4;
constexpr int kBeatsPerBar = 4;

double midiToHz(int note) { return 440.0 * std::pow(2.0, (note - 69) / 12.0); }

// A resonant two-pole band-pass (constant 0 dB peak gain), used for the voice's formants.
struct Resonator {
    double b0 = 0, a1 = 0, a2 = 0, y1 = 0, y2 = 0;
    void design(double freq, double bandwidth, double rate) {
        const double r = std::exp(-std::numbers::pi * bandwidth / rate);
        a1 = -2.0 * r * std::cos(kTwoPi * freq / rate);
        a2 = r * r;
        b0 = 1.0 - r;
    }
    double process(double x) {
        const double y = b0 * x - a1 * y1 - a2 * y2;
        y2 = y1;
        y1 = y;
        return y;
    }
};

void normalize(std::vector<float>& audio, float peak) {
    float max = 0.0f;
    for (float s : audio) max = std::max(max, std::fabs(s));
    if (max > 0.0f)
        for (float& s : audio) s *= peak / max;
}

std::vector<float> kick(std::size_t length, double rate, double beat) {
    std::vector<float> out(length, 0.0f);
    for (int b = 0; b < kBars * kBeatsPerBar; ++b) {
        const auto start = static_cast<std::size_t>(b * beat * rate);
        double phase = 0.0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(0.35 * rate) && start + i < length; ++i) {
            const double t = static_cast<double>(i) / rate;
            const double freq = 48.0 + 110.0 * std::exp(-t / 0.03);  // the pitch drop that makes it a kick
            phase += kTwoPi * freq / rate;
            out[start + i] += static_cast<float>(std::sin(phase) * std::exp(-t / 0.12));
        }
    }
    return out;
}

std::vector<float> bass(std::size_t length, double rate, double beat) {
    // Eighth notes on a root progression (A, F, C, G), a band-limited saw with a gentle one-pole low-pass.
    const int roots[kBars] = {33, 29, 36, 31};
    std::vector<float> out(length, 0.0f);
    double lp = 0.0;
    for (std::size_t i = 0; i < length; ++i) {
        const double t = static_cast<double>(i) / rate;
        const int eighth = static_cast<int>(t / (beat / 2));
        const int bar = std::min(kBars - 1, static_cast<int>(t / (beat * kBeatsPerBar)));
        const double f = midiToHz(roots[bar] + (eighth % 8 == 6 ? 12 : 0));
        const double noteTime = t - eighth * (beat / 2);
        double saw = 0.0;
        for (int h = 1; h * f < 2000.0; ++h) saw += std::sin(kTwoPi * f * h * t) / h;
        const double env = std::exp(-noteTime / 0.25) * std::min(1.0, noteTime / 0.003);
        lp += 0.08 * (saw * env - lp);
        out[i] = static_cast<float>(lp);
    }
    return out;
}

std::vector<float> keys(std::size_t length, double rate, double beat) {
    // Whole-bar triads, soft attack, electric-piano-like decaying partials.
    const int chords[kBars][3] = {{57, 60, 64}, {53, 57, 60}, {55, 60, 64}, {55, 59, 62}};
    std::vector<float> out(length, 0.0f);
    for (std::size_t i = 0; i < length; ++i) {
        const double t = static_cast<double>(i) / rate;
        const int bar = std::min(kBars - 1, static_cast<int>(t / (beat * kBeatsPerBar)));
        const double inBar = t - bar * beat * kBeatsPerBar;
        const double env = std::min(1.0, inBar / 0.02) * (0.35 + 0.65 * std::exp(-inBar / 0.8));
        double s = 0.0;
        for (int n : chords[bar]) {
            const double f = midiToHz(n);
            s += std::sin(kTwoPi * f * t) + 0.3 * std::sin(kTwoPi * 2 * f * t) * std::exp(-inBar / 0.3);
        }
        out[i] = static_cast<float>(s * env);
    }
    return out;
}

std::vector<float> voice(std::size_t length, double rate, double beat) {
    // A glottal pulse train (with vibrato) through three formant resonators, one vowel per half note, with
    // syllable envelopes and a little breath noise: reads as a voice on meters and analyzers, and to the ear.
    struct Vowel {
        double f1, f2, f3;
    };
    const Vowel vowels[] = {{730, 1090, 2440}, {270, 2290, 3010}, {530, 1840, 2480}, {570, 840, 2410}, {300, 870, 2240}};
    const int melody[] = {69, 72, 74, 72, 69, 67, 69, 64};
    std::vector<float> out(length, 0.0f);
    Resonator formant[3];
    std::minstd_rand noise(7);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    double phase = 0.0;
    int lastNote = -1;
    for (std::size_t i = 0; i < length; ++i) {
        const double t = static_cast<double>(i) / rate;
        const int note = static_cast<int>(t / (beat * 2)) % 8;
        const double inNote = t - static_cast<int>(t / (beat * 2)) * beat * 2;
        if (note != lastNote) {
            const Vowel& v = vowels[note % 5];
            formant[0].design(v.f1, 80, rate);
            formant[1].design(v.f2, 90, rate);
            formant[2].design(v.f3, 120, rate);
            lastNote = note;
        }
        const double f0 = midiToHz(melody[note] - 12) * (1.0 + 0.006 * std::sin(kTwoPi * 5.5 * t));
        phase += f0 / rate;
        double pulse = 0.0;
        if (phase >= 1.0) {
            phase -= 1.0;
            pulse = 1.0;
        }
        const double excitation = pulse + 0.02 * uniform(noise);
        const double syllable = std::min(1.0, inNote / 0.05) * std::min(1.0, std::max(0.0, (beat * 1.8 - inNote) / 0.1));
        const double s = formant[0].process(excitation) + 0.6 * formant[1].process(excitation) +
                         0.3 * formant[2].process(excitation);
        out[i] = static_cast<float>(s * syllable);
    }
    return out;
}
}  // namespace

std::shared_ptr<const LoopSource> makeDemoStems(double sampleRate) {
    const double beat = 60.0 / kBpm;
    const auto length = static_cast<std::size_t>(std::lround(kBars * kBeatsPerBar * beat * sampleRate));
    auto source = std::make_shared<LoopSource>();
    source->sampleRate = sampleRate;
    source->tracks = {{"kick", 0, kick(length, sampleRate, beat)},
                      {"bass", 1, bass(length, sampleRate, beat)},
                      {"keys", 2, keys(length, sampleRate, beat)},
                      {"voice", 3, voice(length, sampleRate, beat)}};
    for (LoopTrack& t : source->tracks) normalize(t.audio, 0.5f);  // -6 dBFS peaks: headroom like a real preamp
    return source;
}

std::vector<std::pair<std::string, float>> demoMix() {
    return {{"/ch/1/fader", -4.0f}, {"/ch/1/pan", 0.0f},   {"/ch/2/fader", -6.0f}, {"/ch/2/pan", 0.0f},
            {"/ch/3/fader", -12.0f}, {"/ch/3/pan", -35.0f}, {"/ch/4/fader", -5.0f}, {"/ch/4/pan", 10.0f},
            // The kick ducks the bass; keys and voice in the hall reverb (FX 1), the voice's echo (FX 2) too.
            {"/ch/2/comp/on", 1.0f}, {"/ch/2/comp/key/src", 1.0f}, {"/ch/2/comp/threshold", -30.0f},
            {"/ch/2/comp/ratio", 4.0f},
            {"/ch/3/fxsend/1/level", -14.0f}, {"/ch/4/fxsend/1/level", -10.0f}, {"/ch/4/fxsend/2/level", -18.0f},
            {"/fx/1/reverb/decay", 2.2f}, {"/fx/2/type", 1.0f}, {"/fx/2/delay/ms", 375.0f},
            {"/fx/2/delay/feedback", 30.0f}, {"/fx/2/delay/highcut", 5000.0f},
            // A wedge mix on bus 1 for the singer: mostly voice, a little keys.
            {"/ch/4/send/1/level", 0.0f}, {"/ch/3/send/1/level", -10.0f},
            {"/main/fader", -3.0f}};
}

}  // namespace foh::demo
