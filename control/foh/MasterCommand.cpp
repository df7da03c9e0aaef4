#include "foh/MasterCommand.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dsp/LoudnessTargets.h"
#include "offline/LoudnessPlot.h"
#include "offline/Mastering.h"

namespace foh::cli {

namespace {

const char* kMasterUsage =
    "usage: foh master IN.wav -o OUT.wav --target NAME [options]\n"
    "  brings IN to the target's integrated loudness under its true-peak ceiling, through the console's main bus\n"
    "  (true-peak limiter at the ceiling, gain on the main fader), and prints loudness before and after\n"
    "  -o, --output FILE     the mastered file (stereo; same format as IN unless --format)\n"
    "  --target NAME         a delivery target (foh master --list-targets)\n"
    "  --lufs L              integrated loudness to reach instead of the target's (LUFS)\n"
    "  --ceiling DB          true-peak ceiling instead of the target's (dBTP, -12 .. 0)\n"
    "  --plot FILE.svg       write the loudness over time (momentary, short-term, target) as SVG\n"
    "  --format F            same (default), pcm16, pcm24 or float\n"
    "  --set ADDRESS=VALUE   any console parameter before the passes, e.g. --set /main/comp/on=1 (repeatable)\n"
    "  --passes N            at most N processing passes (default 3)\n"
    "  --progress            show progress on stderr even when it is not a terminal (--no-progress: never)\n"
    "  --list-targets        print the targets and exit\n";

int usage(const std::string& message) {
    std::fprintf(stderr, "foh master: %s\n%s", message.c_str(), kMasterUsage);
    return 2;
}

bool parseNumber(std::string_view text, double& out) {
    const std::string s(text);
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return !s.empty() && end == s.c_str() + s.size() && std::isfinite(out);
}

void listTargets() {
    std::printf("%-10s %-16s %8s %8s\n", "name", "label", "LUFS", "dBTP");
    for (const dsp::LoudnessTarget& t : dsp::kLoudnessTargets)
        std::printf("%-10.*s %-16.*s %8.1f %8.1f\n", static_cast<int>(t.name.size()), t.name.data(),
                    static_cast<int>(t.label.size()), t.label.data(), t.integratedLufs, t.truePeakCeilingDbtp);
}

std::string db(double v, const char* unit) {
    if (!std::isfinite(v)) return std::string("-inf ") + unit;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
    return buf;
}

void printSummary(const char* what, const offline::LoudnessSummary& s) {
    std::printf("%-8s I %s   LRA %s   TP %s\n", what, db(s.integratedLufs, "LUFS").c_str(), db(s.rangeLu, "LU").c_str(),
                db(s.truePeakDbtp, "dBTP").c_str());
}

}  // namespace

int runMaster(int argc, char** argv) {
    std::string input, output, plot, targetName;
    double lufs = 0.0, ceiling = 0.0, passes = 3.0;
    bool haveLufs = false, haveCeiling = false;
    int progress = -1;  // -1: when stderr is a terminal
    offline::MasterOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&](std::string_view name) -> const char* {
            if (i + 1 >= argc) return nullptr;
            (void)name;
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::fputs(kMasterUsage, stdout);
            return 0;
        } else if (a == "--list-targets") {
            listTargets();
            return 0;
        } else if (a == "--progress") {
            progress = 1;
        } else if (a == "--no-progress") {
            progress = 0;
        } else if (a == "-o" || a == "--output" || a == "--target" || a == "--lufs" || a == "--ceiling" ||
                   a == "--plot" || a == "--format" || a == "--set" || a == "--passes") {
            const char* v = value(a);
            if (!v) return usage(std::string(a) + " needs a value");
            const std::string_view sv = v;
            if (a == "-o" || a == "--output") output = v;
            else if (a == "--target") targetName = v;
            else if (a == "--plot") plot = v;
            else if (a == "--lufs") {
                if (!parseNumber(sv, lufs) || lufs > 0.0 || lufs < -70.0)
                    return usage("--lufs takes a loudness in -70 .. 0 LUFS, not '" + std::string(sv) + "'");
                haveLufs = true;
            } else if (a == "--ceiling") {
                if (!parseNumber(sv, ceiling) || ceiling > 0.0 || ceiling < -12.0)
                    return usage("--ceiling takes a true peak in -12 .. 0 dBTP, not '" + std::string(sv) + "'");
                haveCeiling = true;
            } else if (a == "--passes") {
                if (!parseNumber(sv, passes) || passes < 1 || passes > 10 || passes != std::floor(passes))
                    return usage("--passes takes 1 .. 10, not '" + std::string(sv) + "'");
            } else if (a == "--format") {
                if (sv == "same") options.format = offline::OutputFormat::SameAsInput;
                else if (sv == "pcm16") options.format = offline::OutputFormat::Pcm16;
                else if (sv == "pcm24") options.format = offline::OutputFormat::Pcm24;
                else if (sv == "float") options.format = offline::OutputFormat::Float32;
                else return usage("--format takes same, pcm16, pcm24 or float, not '" + std::string(sv) + "'");
            } else {  // --set ADDRESS=VALUE
                const auto eq = sv.find('=');
                double x = 0.0;
                if (eq == std::string_view::npos || eq == 0 || !parseNumber(sv.substr(eq + 1), x))
                    return usage("--set takes ADDRESS=NUMBER, e.g. /main/comp/on=1, not '" + std::string(sv) + "'");
                options.settings.params.emplace_back(std::string(sv.substr(0, eq)), static_cast<float>(x));
            }
        } else if (a.starts_with("-") && a != "-") {
            return usage("unknown option " + std::string(a));
        } else if (input.empty()) {
            input = a;
        } else {
            return usage("one input file only ('" + input + "' and '" + std::string(a) + "')");
        }
    }
    if (input.empty()) return usage("no input file");
    if (output.empty()) return usage("no output file (-o OUT.wav)");
    if (targetName.empty() && !haveLufs) return usage("no target (--target NAME or --lufs L)");

    offline::MasterSettings& s = options.settings;
    std::string targetText;
    if (!targetName.empty()) {
        const dsp::LoudnessTarget* t = dsp::findLoudnessTarget(targetName);
        if (!t) {
            std::string names;
            for (const dsp::LoudnessTarget& k : dsp::kLoudnessTargets) names += " " + std::string(k.name);
            return usage("unknown target '" + targetName + "'; the targets are:" + names);
        }
        s.targetLufs = t->integratedLufs;
        s.ceilingDbtp = t->truePeakCeilingDbtp;
        s.targetIndex = static_cast<int>(t - dsp::kLoudnessTargets.data());
        targetText = targetName + " (" + std::string(t->label) + ")";
    } else {
        s.targetLufs = lufs;
        s.ceilingDbtp = -1.0;
        targetText = "custom";
    }
    if (haveLufs) s.targetLufs = lufs;
    if (haveCeiling) s.ceilingDbtp = ceiling;
    s.maxPasses = static_cast<int>(passes);
    options.input = input;
    options.output = output;

    const bool showProgress = progress == 1 || (progress == -1 && isatty(STDERR_FILENO) == 1);
    if (showProgress) {
        s.progress = [](int pass, double fraction) {
            constexpr int kWidth = 30;
            const int filled = static_cast<int>(std::lround(fraction * kWidth));
            char label[32];
            if (pass == 0) std::snprintf(label, sizeof label, "measure");
            else std::snprintf(label, sizeof label, "pass %d", pass);
            std::fprintf(stderr, "\r%-8s [%.*s%*s] %3d%%", label, filled, "##############################",
                         kWidth - filled, "", static_cast<int>(std::lround(fraction * 100.0)));
            if (fraction >= 1.0) std::fputc('\n', stderr);
            std::fflush(stderr);
        };
    }

    offline::MasterResult r;
    try {
        r = offline::masterFile(options);
        if (!plot.empty()) {
            const std::string title = input + " -> " + output + ": " + targetText;
            offline::writeLoudnessPlot(plot, {title, s.targetLufs, &r.curveAfter, &r.curveBefore});
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "foh master: %s\n", e.what());
        return 1;
    }
    std::printf("target   %s: %s, %s\n", targetText.c_str(), db(s.targetLufs, "LUFS").c_str(),
                db(s.ceilingDbtp, "dBTP").c_str());
    printSummary("before", r.before);
    printSummary("after", r.after);
    std::printf("gain     %+.2f dB in %d pass%s (%zu frames at %.0f Hz, latency %d frames trimmed)\n", r.gainDb,
                r.passes, r.passes == 1 ? "" : "es", r.frames, r.sampleRate, r.latencyFrames);
    if (!plot.empty()) std::printf("plot     %s\n", plot.c_str());
    return 0;
}

}  // namespace foh::cli
