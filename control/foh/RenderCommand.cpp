#include "foh/RenderCommand.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "dsp/LoudnessTargets.h"
#include "offline/Render.h"

namespace foh::cli {

namespace {

const char* kRenderUsage =
    "usage: foh render SHOW TAKE -o OUT.wav [options]\n"
    "  plays the take folder TAKE through the console offline with the show file SHOW (the take's own\n"
    "  show-at-start.json, or another show), replaying its automation.jsonl, and writes main L/R\n"
    "  -o, --output FILE     the stereo mix (WAV; RF64 past 4 GiB)\n"
    "  --format F            float (default) or pcm24\n"
    "  --master TARGET       master the mix to a delivery target afterwards (foh master --list-targets)\n"
    "  --preroll SECONDS     silence run first so the console is at rest (default 5)\n"
    "  --quiet               no progress bar and no warnings on stderr (errors still)\n"
    "  --progress            show progress even when stderr is not a terminal\n";

int usage(const std::string& message) {
    std::fprintf(stderr, "foh render: %s\n%s", message.c_str(), kRenderUsage);
    return 2;
}

std::string db(double v, const char* unit) {
    if (!std::isfinite(v)) return std::string("-inf ") + unit;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
    return buf;
}

}  // namespace

int runRender(int argc, char** argv) {
    std::string show, take, output, target;
    bool quiet = false;
    int progress = -1;  // -1: when stderr is a terminal
    offline::RenderOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kRenderUsage, stdout);
            return 0;
        } else if (a == "--quiet" || a == "-q") {
            quiet = true;
        } else if (a == "--progress") {
            progress = 1;
        } else if (a == "-o" || a == "--output" || a == "--format" || a == "--master" || a == "--preroll") {
            if (i + 1 >= argc) return usage(std::string(a) + " needs a value");
            const std::string_view v = argv[++i];
            if (a == "-o" || a == "--output") output = v;
            else if (a == "--master") target = v;
            else if (a == "--preroll") {
                const std::string s(v);
                char* end = nullptr;
                const double x = std::strtod(s.c_str(), &end);
                if (s.empty() || end != s.c_str() + s.size() || !(x >= 0.0 && x <= 600.0))
                    return usage("--preroll takes 0 .. 600 seconds, not '" + s + "'");
                options.prerollSeconds = x;
            } else if (v == "float") options.format = offline::RenderFormat::Float32;
            else if (v == "pcm24") options.format = offline::RenderFormat::Pcm24;
            else return usage("--format takes float or pcm24, not '" + std::string(v) + "'");
        } else if (a.starts_with("-") && a != "-") {
            return usage("unknown option " + std::string(a));
        } else if (show.empty()) {
            show = a;
        } else if (take.empty()) {
            take = a;
        } else {
            return usage("one show and one take only (extra '" + std::string(a) + "')");
        }
    }
    if (show.empty()) return usage("no show file (the take's show-at-start.json, or another show)");
    if (take.empty()) return usage("no take folder");
    if (output.empty()) return usage("no output file (-o OUT.wav)");
    if (!target.empty()) {
        const dsp::LoudnessTarget* t = dsp::findLoudnessTarget(target);
        if (!t) {
            std::string names;
            for (const dsp::LoudnessTarget& k : dsp::kLoudnessTargets) names += " " + std::string(k.name);
            return usage("unknown target '" + target + "'; the targets are:" + names);
        }
        offline::MasterSettings m;
        m.targetLufs = t->integratedLufs;
        m.ceilingDbtp = t->truePeakCeilingDbtp;
        m.targetIndex = static_cast<int>(t - dsp::kLoudnessTargets.data());
        options.master = m;
    }
    options.show = show;
    options.take = take;
    options.output = output;

    const bool showProgress = !quiet && (progress == 1 || (progress == -1 && isatty(STDERR_FILENO) == 1));
    if (showProgress) {
        options.progress = [](double fraction, double speed) {
            constexpr int kWidth = 30;
            const int filled = static_cast<int>(std::lround(fraction * kWidth));
            std::fprintf(stderr, "\rrender [%.*s%*s] %3d%%  %.0fx real time", filled, "##############################",
                         kWidth - filled, "", static_cast<int>(std::lround(fraction * 100.0)), speed);
            if (fraction >= 1.0) std::fputc('\n', stderr);
            std::fflush(stderr);
        };
    }
    if (!quiet) options.warn = [](const std::string& w) { std::fprintf(stderr, "foh render: warning: %s\n", w.c_str()); };

    offline::RenderResult r;
    try {
        r = offline::renderTake(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "foh render: %s\n", e.what());
        return 1;
    }
    std::printf("rendered %zu frames at %.0f Hz (%.1f s) from %d track(s) in %d-frame blocks (maxBlock %d), "
                "%zu automation event(s)\n",
                r.frames, r.sampleRate, static_cast<double>(r.frames) / r.sampleRate, r.tracksPlayed, r.blockFrames,
                r.maxBlock, r.eventsApplied);
    std::printf("speed    %.1fx real time (%.2f s)\n", r.timesRealTime, r.wallSeconds);
    if (r.mastered) {
        const auto& m = *r.mastered;
        std::printf("master   %s: %s, %s; I %s -> %s, TP %s, gain %+.2f dB in %d pass%s\n", target.c_str(),
                    db(m.targetLufs, "LUFS").c_str(), db(m.ceilingDbtp, "dBTP").c_str(),
                    db(m.before.integratedLufs, "LUFS").c_str(), db(m.after.integratedLufs, "LUFS").c_str(),
                    db(m.after.truePeakDbtp, "dBTP").c_str(), m.gainDb, m.passes, m.passes == 1 ? "" : "es");
    }
    if (!r.warnings.empty()) std::printf("warnings %zu (see above)\n", r.warnings.size());
    std::printf("output   %s\n", output.c_str());
    return 0;
}

}  // namespace foh::cli
