#include "record/AutomationLog.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace foh::record {
namespace {
using Json = nlohmann::ordered_json;
}  // namespace

AutomationEvent eventOf(const ParamChange& change, std::uint64_t takeStart) {
    const std::uint64_t frame = change.frame == kNoFrame || change.frame < takeStart ? 0 : change.frame - takeStart;
    return {frame, change.address, change.after, change.fadeMs, change.origin};
}

std::string formatAutomationLine(const AutomationEvent& e) {
    Json j;
    j["frame"] = e.frame;
    j["address"] = e.address;
    if (std::isinf(e.value)) j["value"] = e.value < 0 ? "-inf" : "inf";
    else j["value"] = static_cast<double>(e.value);
    j["fade_ms"] = static_cast<double>(e.fadeMs);
    j["origin"] = e.origin;
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

AutomationParse parseAutomationLog(std::string_view text, const std::string& source, const ParamRegistry& registry) {
    AutomationParse out;
    std::size_t lineNo = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        const auto bad = [&](const std::string& why) {
            out.errors.push_back(source + ": line " + std::to_string(lineNo) + ": " + why + " (line skipped)");
        };
        const Json j = Json::parse(line.begin(), line.end(), nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            bad("not a JSON object");
            continue;
        }
        AutomationEvent e;
        const auto frame = j.find("frame");
        if (frame == j.end() || !frame->is_number_unsigned()) {
            bad("\"frame\" must be a whole number >= 0");
            continue;
        }
        e.frame = frame->get<std::uint64_t>();
        const auto address = j.find("address");
        if (address == j.end() || !address->is_string()) {
            bad("\"address\" must be a parameter address");
            continue;
        }
        const auto id = registry.find(address->get<std::string>());
        if (!id) {
            bad("'" + address->get<std::string>() + "' is not a parameter of this console");
            continue;
        }
        e.address = registry.info(*id).address;
        const auto value = j.find("value");
        float v;
        if (value != j.end() && value->is_number()) v = value->get<float>();
        else if (value != j.end() && value->is_string() && value->get<std::string>() == "-inf") v = -INFINITY;
        else {
            bad("\"value\" must be a number (or \"-inf\")");
            continue;
        }
        const Checked c = registry.validate(*id, v);
        if (!c.ok) {
            bad(c.error);
            continue;
        }
        e.value = c.value;
        if (const auto fade = j.find("fade_ms"); fade != j.end()) {
            if (!fade->is_number() || fade->get<double>() < 0 || fade->get<double>() > Engine::kMaxFadeMs) {
                bad("\"fade_ms\" must be 0..60000");
                continue;
            }
            e.fadeMs = fade->get<float>();
        }
        if (const auto origin = j.find("origin"); origin != j.end() && origin->is_string()) e.origin = origin->get<std::string>();
        out.events.push_back(std::move(e));
    }
    std::stable_sort(out.events.begin(), out.events.end(),
                     [](const AutomationEvent& a, const AutomationEvent& b) { return a.frame < b.frame; });
    return out;
}

std::vector<AutomationEvent> AutomationCollector::collect(const Engine& engine) {
    std::vector<AutomationEvent> out;
    for (const ParamChange& c : engine.changesSince(seq_)) {
        if (c.frame == kNoFrame) break;  // not applied yet (or not seen yet): the next collect() takes it
        out.push_back(eventOf(c, start_));
        seq_ = c.seq;
    }
    return out;
}

}  // namespace foh::record
