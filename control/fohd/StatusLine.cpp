#include "fohd/StatusLine.h"

#include <cmath>
#include <cstdio>

namespace foh::fohd {
namespace {
std::string db(float linear) {
    if (!(linear > 1e-7f)) return " -inf";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f", 20.0 * std::log10(static_cast<double>(linear)));
    return buf;
}

std::string lufs(float v) {
    if (!(v > -70.0f)) return "  -- ";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f", static_cast<double>(v));
    return buf;
}
}  // namespace

std::string formatStatus(const char* backendName, const BackendStatus& s, const MeterReading& m) {
    char buf[400];
    const MasterMeters& l = m.master;
    std::snprintf(buf, sizeof buf,
                  "%s %.0f Hz/%d%s | DSP %5.1f%% | xruns %llu | main L %s pk %s rms | R %s pk %s rms dBFS | "
                  "M %s S %s I %s LUFS TP %s dBTP | %s",
                  backendName, s.sampleRate, s.period, s.realtime ? " RT" : "", 100.0 * s.dspLoad,
                  static_cast<unsigned long long>(s.xruns), db(m.mainPeak[0]).c_str(), db(m.mainRms[0]).c_str(),
                  db(m.mainPeak[1]).c_str(), db(m.mainRms[1]).c_str(), lufs(l.momentary).c_str(),
                  lufs(l.shortTerm).c_str(), lufs(l.integrated).c_str(), lufs(l.truePeakMax).c_str(), s.state.c_str());
    return buf;
}

}  // namespace foh::fohd
