#include "osc/BadInputLog.h"

#include "util/Log.h"

namespace foh::osc {

const char* badKindName(BadKind kind) {
    switch (kind) {
        case BadKind::None: return "none";
        case BadKind::Malformed: return "malformed";
        case BadKind::WrongType: return "wrong type";
        case BadKind::Unknown: return "unknown address";
        case BadKind::Refused: return "refused";
        case BadKind::Forbidden: return "not permitted";
        case BadKind::WrongPin: return "wrong PIN";
    }
    return "?";
}

void BadInputLog::count(BadKind kind, std::string what) {
    if (kind == BadKind::None) return;
    ++totals_[static_cast<std::size_t>(kind)];
    ++sinceLog_[static_cast<std::size_t>(kind)];
    last_ = std::move(what);
}

std::string BadInputLog::flush(Clock::time_point now) {
    std::uint64_t any = 0;
    for (const auto n : sinceLog_) any += n;
    if (any == 0 || now - lastLog_ < kLogInterval) return {};
    std::string line = "osc: bad input:";
    for (std::size_t k = 1; k < sinceLog_.size(); ++k) {
        if (sinceLog_[k] == 0) continue;
        line += " " + std::to_string(sinceLog_[k]) + " " + badKindName(static_cast<BadKind>(k)) + " (total " +
                std::to_string(totals_[k]) + ")";
    }
    line += "; last: " + last_;
    sinceLog_ = {};
    lastLog_ = now;
    FOH_LOG_WARN("%s", line.c_str());
    return line;
}

}  // namespace foh::osc
