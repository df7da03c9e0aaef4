#include "offline/LoudnessPlot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

namespace foh::offline {

namespace {

constexpr double kWidth = 960.0, kHeight = 420.0;
constexpr double kLeft = 64.0, kRight = 20.0, kTop = 36.0, kBottom = 44.0;
constexpr std::size_t kMaxPoints = 2000;  // per line; longer programmes are decimated

std::string escapeXml(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string clock(double seconds) {
    const long s = std::lround(seconds);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

}  // namespace

std::string loudnessPlotSvg(const PlotInput& plot) {
    static const std::vector<LoudnessPoint> kNone;
    const std::vector<LoudnessPoint>& after = plot.after ? *plot.after : kNone;
    const std::vector<LoudnessPoint>& before = plot.before ? *plot.before : kNone;

    // Scales: the loudest value (or the target) rounded up to 6 LU, 48 LU down from there (never below -70).
    double hi = plot.targetLufs, lo = plot.targetLufs, duration = 1.0;
    for (const auto* v : {&after, &before})
        for (const LoudnessPoint& p : *v) {
            for (double l : {p.momentaryLufs, p.shortTermLufs})
                if (std::isfinite(l)) {
                    hi = std::max(hi, l);
                    lo = std::min(lo, l);
                }
            duration = std::max(duration, p.seconds);
        }
    const double yTop = std::min(6.0, std::ceil((hi + 1.0) / 6.0) * 6.0);
    const double yBottom = std::max(-72.0, std::max(yTop - 48.0, std::floor((lo - 1.0) / 6.0) * 6.0));
    const double plotW = kWidth - kLeft - kRight, plotH = kHeight - kTop - kBottom;
    const auto x = [&](double t) { return kLeft + plotW * t / duration; };
    const auto y = [&](double l) {
        const double v = std::isfinite(l) ? std::clamp(l, yBottom, yTop) : yBottom;
        return kTop + plotH * (yTop - v) / (yTop - yBottom);
    };

    std::string svg;
    svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight) +
           "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg += "<text x=\"" + num(kLeft) + "\" y=\"22\" font-size=\"14\">" + escapeXml(plot.title) + "</text>\n";

    // Grid and ticks: LUFS every 6 LU, time at a step giving at most 10 ticks.
    svg += "<g stroke=\"#ddd\" stroke-width=\"1\">\n";
    for (double l = yTop; l >= yBottom - 1e-9; l -= 6.0)
        svg += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(y(l)) + "\" x2=\"" + num(kLeft + plotW) + "\" y2=\"" +
               num(y(l)) + "\"/>\n";
    double step = 1.0;
    for (double s : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0}) {
        step = s;
        if (duration / s <= 10.0) break;
    }
    for (double t = 0.0; t <= duration + 1e-9; t += step)
        svg += "<line x1=\"" + num(x(t)) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(x(t)) + "\" y2=\"" +
               num(kTop + plotH) + "\"/>\n";
    svg += "</g>\n<g fill=\"#333\">\n";
    for (double l = yTop; l >= yBottom - 1e-9; l -= 6.0)
        svg += "<text x=\"" + num(kLeft - 6) + "\" y=\"" + num(y(l) + 4) + "\" text-anchor=\"end\">" + num(l) +
               "</text>\n";
    for (double t = 0.0; t <= duration + 1e-9; t += step)
        svg += "<text x=\"" + num(x(t)) + "\" y=\"" + num(kTop + plotH + 16) + "\" text-anchor=\"middle\">" +
               clock(t) + "</text>\n";
    svg += "<text x=\"14\" y=\"" + num(kTop + plotH / 2) + "\" transform=\"rotate(-90 14 " + num(kTop + plotH / 2) +
           ")\" text-anchor=\"middle\">LUFS</text>\n";
    svg += "<text x=\"" + num(kLeft + plotW / 2) + "\" y=\"" + num(kHeight - 6) +
           "\" text-anchor=\"middle\">time (min:s)</text>\n</g>\n";
    svg += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(plotW) + "\" height=\"" +
           num(plotH) + "\" fill=\"none\" stroke=\"#888\"/>\n";

    const auto polyline = [&](const std::vector<LoudnessPoint>& v, bool momentary, const char* style) {
        if (v.empty()) return;
        const std::size_t every = (v.size() + kMaxPoints - 1) / kMaxPoints;
        svg += "<polyline fill=\"none\" ";
        svg += style;
        svg += " points=\"";
        for (std::size_t i = 0; i < v.size(); i += every) {
            const LoudnessPoint& p = v[i];
            svg += num(x(p.seconds)) + "," + num(y(momentary ? p.momentaryLufs : p.shortTermLufs)) + " ";
        }
        svg += "\"/>\n";
    };
    polyline(before, false, "stroke=\"#999\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
    polyline(after, true, "stroke=\"#9cc3e6\" stroke-width=\"1\"");
    polyline(after, false, "stroke=\"#1f5fa8\" stroke-width=\"2\"");
    svg += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(y(plot.targetLufs)) + "\" x2=\"" + num(kLeft + plotW) +
           "\" y2=\"" + num(y(plot.targetLufs)) + "\" stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"8 4\"/>\n";

    // Legend.
    const double lx = kLeft + plotW - 300, ly = 14;
    svg += "<g font-size=\"11\">\n";
    const auto key = [&](double dx, const char* colour, const char* dash, const std::string& label) {
        svg += "<line x1=\"" + num(lx + dx) + "\" y1=\"" + num(ly + 4) + "\" x2=\"" + num(lx + dx + 18) + "\" y2=\"" +
               num(ly + 4) + "\" stroke=\"" + colour + "\" stroke-width=\"2\"" +
               (dash[0] ? std::string(" stroke-dasharray=\"") + dash + "\"" : std::string()) + "/>\n";
        svg += "<text x=\"" + num(lx + dx + 22) + "\" y=\"" + num(ly + 8) + "\">" + label + "</text>\n";
    };
    key(0, "#1f5fa8", "", "short-term");
    key(80, "#9cc3e6", "", "momentary");
    if (!before.empty()) key(160, "#999", "4 3", "input");
    key(220, "#d62728", "8 4", "target " + num(plot.targetLufs));
    svg += "</g>\n</svg>\n";
    return svg;
}

void writeLoudnessPlot(const std::string& path, const PlotInput& plot) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw MasterError("cannot write the plot " + path);
    f << loudnessPlotSvg(plot);
    f.close();
    if (!f) throw MasterError("cannot write the plot " + path);
}

}  // namespace foh::offline
