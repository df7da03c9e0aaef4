#include "osc/MeterFeed.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "params/ParamCurve.h"

namespace foh::osc {
namespace {

constexpr std::array<std::string_view, kMeterGroups> kGroupNames = {"ch", "bus", "fx", "mtx", "main", "gr", "loud"};

float levelDb(float linear) {
    return linear > 1e-6f ? std::max(MeterFeed::kFloorDb, 20.0f * std::log10(linear)) : MeterFeed::kFloorDb;
}
/// A level as a position on the fader's curve, so a bar next to a fader reads on the fader's scale.
float levelNorm(float linear) {
    const float db = levelDb(linear);
    return db <= MeterFeed::kFloorDb ? 0.0f : toNormalized(spec(ChannelParam::Fader), std::min(db, spec(ChannelParam::Fader).max));
}
/// A reduction of 0..24 dB as 0..1.
float reductionNorm(float db) { return std::clamp(db / 24.0f, 0.0f, 1.0f); }
/// A loudness or true peak over -60..0 as 0..1.
float loudnessNorm(float v) { return std::clamp((v + 60.0f) / 60.0f, 0.0f, 1.0f); }

void putFloat(std::vector<std::uint8_t>& out, float v) {
    const auto bits = std::bit_cast<std::uint32_t>(v);
    out.insert(out.end(), {static_cast<std::uint8_t>(bits >> 24), static_cast<std::uint8_t>(bits >> 16),
                           static_cast<std::uint8_t>(bits >> 8), static_cast<std::uint8_t>(bits)});
}

/// How many elements (channels, buses, ...) a group has in `reading`.
int elements(MeterGroup group, const MeterReading& r, const ConsoleLayout& layout) {
    switch (group) {
        case MeterGroup::Ch:
        case MeterGroup::Gr: return static_cast<int>(r.chPeak.size());
        case MeterGroup::Bus: return layout.buses;
        case MeterGroup::Fx: return layout.fx;
        case MeterGroup::Mtx: return kMatrices;
        case MeterGroup::Main:
        case MeterGroup::Loud: return 1;
    }
    return 0;
}

/// Element e's record, in recordFields(group) order.
void record(MeterGroup group, const MeterReading& r, std::size_t e, std::vector<float>& v) {
    v.clear();
    switch (group) {
        case MeterGroup::Ch: v = {levelDb(r.chInputPeak[e]), levelDb(r.chPeak[e]), levelDb(r.chRms[e])}; break;
        case MeterGroup::Gr:
            v = {r.chGateGrDb[e], r.chCompGrDb[e], r.chDeessGrDb[e], r.chGateOpen[e] ? 1.0f : 0.0f};
            break;
        case MeterGroup::Bus: v = {levelDb(r.busPeak[e]), levelDb(r.busRms[e]), r.busCompGrDb[e]}; break;
        case MeterGroup::Fx:
            v = {levelDb(r.fxPeak[2 * e]), levelDb(r.fxPeak[2 * e + 1]), levelDb(r.fxRms[2 * e]),
                 levelDb(r.fxRms[2 * e + 1])};
            break;
        case MeterGroup::Mtx: v = {levelDb(r.mtxPeak[e]), levelDb(r.mtxRms[e])}; break;
        case MeterGroup::Main: {
            const MasterMeters& m = r.master;
            v = {levelDb(r.mainPeak[0]), levelDb(r.mainPeak[1]), levelDb(r.mainRms[0]), levelDb(r.mainRms[1]),
                 levelDb(r.monoPeak),    levelDb(r.soloPeak[0]), levelDb(r.soloPeak[1]), m.correlation,
                 m.compGrDb};
            for (float g : m.mbGrDb) v.push_back(g);
            v.push_back(m.limitGrDb);
            break;
        }
        case MeterGroup::Loud: {
            const MasterMeters& m = r.master;
            v = {m.momentary, m.shortTerm,   m.integrated, m.range,        m.truePeakMax,
                 m.truePeakMomentary, m.targetLufs, m.targetCeiling, m.fromTargetLu, m.overCeilingDb};
            break;
        }
    }
}

void normMessages(MeterGroup group, const MeterReading& r, int count, std::vector<OscMessage>& out) {
    const auto msg = [&](std::string address, float v) { out.push_back({std::move(address), {OscArg::f(v)}}); };
    for (int e = 0; e < count; ++e) {
        const auto i = static_cast<std::size_t>(e);
        const std::string n = std::to_string(e + 1);
        switch (group) {
            case MeterGroup::Ch: msg("/ch/" + n + "/meter", levelNorm(r.chPeak[i])); break;
            case MeterGroup::Gr:
                msg("/ch/" + n + "/meter/gr", reductionNorm(r.chCompGrDb[i]));
                msg("/ch/" + n + "/meter/gate", r.chGateOpen[i] ? 1.0f : 0.0f);
                break;
            case MeterGroup::Bus: msg("/bus/" + n + "/meter", levelNorm(r.busPeak[i])); break;
            case MeterGroup::Fx: msg("/fx/" + n + "/meter", levelNorm(std::max(r.fxPeak[2 * i], r.fxPeak[2 * i + 1]))); break;
            case MeterGroup::Mtx: msg("/mtx/" + n + "/meter", levelNorm(r.mtxPeak[i])); break;
            case MeterGroup::Main:
                msg("/main/meter/l", levelNorm(r.mainPeak[0]));
                msg("/main/meter/r", levelNorm(r.mainPeak[1]));
                msg("/main/meter/gr", reductionNorm(r.master.limitGrDb));
                break;
            case MeterGroup::Loud:
                msg("/main/loud/meter/m", loudnessNorm(r.master.momentary));
                msg("/main/loud/meter/s", loudnessNorm(r.master.shortTerm));
                msg("/main/loud/meter/i", loudnessNorm(r.master.integrated));
                msg("/main/loud/meter/tp", loudnessNorm(r.master.truePeakMax));
                break;
        }
    }
}

}  // namespace

std::string_view meterGroupName(MeterGroup group) { return kGroupNames[static_cast<std::size_t>(group)]; }

std::optional<MeterGroup> parseMeterGroup(std::string_view name) {
    for (std::size_t g = 0; g < kGroupNames.size(); ++g)
        if (kGroupNames[g] == name) return static_cast<MeterGroup>(g);
    return std::nullopt;
}

const std::vector<std::string_view>& recordFields(MeterGroup group) {
    static const std::array<std::vector<std::string_view>, kMeterGroups> fields = {{
        {"in_peak", "peak", "rms"},
        {"peak", "rms", "comp_gr"},
        {"peak_l", "peak_r", "rms_l", "rms_r"},
        {"peak", "rms"},
        {"peak_l", "peak_r", "rms_l", "rms_r", "mono_peak", "solo_peak_l", "solo_peak_r", "correlation", "comp_gr",
         "mb1_gr", "mb2_gr", "mb3_gr", "mb4_gr", "limit_gr"},
        {"gate_gr", "comp_gr", "deess_gr", "gate_open"},
        {"momentary", "short_term", "integrated", "range", "true_peak_max", "true_peak_momentary", "target",
         "ceiling", "from_target", "over_ceiling"},
    }};
    return fields[static_cast<std::size_t>(group)];
}

std::optional<MeterRequest> parseMeterRequest(const std::vector<OscArg>& args, std::string& error) {
    MeterRequest r;
    if (args.empty()) return r;  // a query
    const auto isText = [](const OscArg& a) { return a.type == 's' || a.type == 'S'; };
    const auto isNumber = [](const OscArg& a) { return a.type == 'f' || a.type == 'i' || a.type == 'd' || a.type == 'h'; };
    if (!isText(args[0]) || args.size() > 3) {
        error = "expects GROUP [HZ] [FORMAT]: GROUP one of ch bus fx mtx main gr loud all";
        return std::nullopt;
    }
    if (args[0].text == "all") r.all = true;
    else if (!(r.group = parseMeterGroup(args[0].text))) {
        error = "'" + args[0].text + "' is not a meter group (ch bus fx mtx main gr loud all)";
        return std::nullopt;
    }
    if (args.size() >= 2) {
        if (!isNumber(args[1]) || !std::isfinite(args[1].number) || args[1].number < 0 ||
            args[1].number > MeterFeed::kMaxHz) {
            error = "HZ must be a number 0..30 (0 stops)";
            return std::nullopt;
        }
        r.hz = static_cast<float>(args[1].number);
    }
    if (args.size() == 3) {
        if (!isText(args[2]) || (args[2].text != "blob" && args[2].text != "norm")) {
            error = "FORMAT must be blob or norm";
            return std::nullopt;
        }
        r.format = args[2].text == "norm" ? MeterFormat::Norm : MeterFormat::Blob;
    }
    return r;
}

std::vector<OscMessage> meterMessages(MeterGroup group, MeterFormat format, const MeterReading& reading,
                                      const ConsoleLayout& layout) {
    std::vector<OscMessage> out;
    const int count = elements(group, reading, layout);
    if (format == MeterFormat::Norm) {
        normMessages(group, reading, count, out);
        return out;
    }
    const std::size_t perRecord = recordFields(group).size() * sizeof(float);
    const int perMessage = static_cast<int>(std::max<std::size_t>(1, MeterFeed::kMaxBlobBytes / perRecord));
    const std::string address = "/meters/" + std::string(meterGroupName(group));
    std::vector<float> values;
    for (int first = 0; first < count; first += perMessage) {
        std::vector<std::uint8_t> blob;
        const int last = std::min(count, first + perMessage);
        blob.reserve(static_cast<std::size_t>(last - first) * perRecord);
        for (int e = first; e < last; ++e) {
            record(group, reading, static_cast<std::size_t>(e), values);
            for (float v : values) putFloat(blob, v);
        }
        out.push_back({address, {OscArg::i(first + 1), OscArg::b(std::move(blob))}});
    }
    return out;
}

std::vector<OscMessage> MeterFeed::request(Endpoint client, const MeterRequest& request, Clock::time_point now) {
    std::vector<OscMessage> replies;
    if (!request.group && !request.all) {
        if (const auto it = clients_.find(client); it != clients_.end())
            for (int g = 0; g < kMeterGroups; ++g)
                if (const Subscription* s = it->second[static_cast<std::size_t>(g)].get())
                    replies.push_back({"/meters",
                                       {OscArg::s(std::string(meterGroupName(static_cast<MeterGroup>(g)))),
                                        OscArg::f(s->hz), OscArg::s(s->format == MeterFormat::Norm ? "norm" : "blob")}});
        return replies;
    }
    Groups& groups = clients_[client];
    for (int g = 0; g < kMeterGroups; ++g) {
        if (!request.all && static_cast<int>(*request.group) != g) continue;
        auto& s = groups[static_cast<std::size_t>(g)];
        if (request.hz <= 0.0f) {
            s.reset();
            continue;
        }
        if (!s) {
            s = std::make_unique<Subscription>();
            s->next = now;
        }
        s->hz = request.hz;
        s->format = request.format;
    }
    if (std::none_of(groups.begin(), groups.end(), [](const auto& s) { return s != nullptr; })) clients_.erase(client);
    return replies;
}

void MeterFeed::add(const MeterAccum& packet) {
    for (auto& [client, groups] : clients_)
        for (auto& s : groups)
            if (s) s->reader.add(packet);
}

void MeterFeed::retain(const std::vector<Endpoint>& alive) {
    std::erase_if(clients_, [&](const auto& entry) {
        return std::find(alive.begin(), alive.end(), entry.first) == alive.end();
    });
}

std::size_t MeterFeed::subscriptions() const {
    std::size_t n = 0;
    for (const auto& [client, groups] : clients_)
        for (const auto& s : groups) n += s ? 1 : 0;
    return n;
}

}  // namespace foh::osc
