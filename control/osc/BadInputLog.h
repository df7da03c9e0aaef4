#pragma once
// Counts bad OSC input by kind and logs it at a bounded rate: at most one line per kLogInterval, saying how many of
// each kind arrived since the last line and the last one seen, so a flood of garbage cannot flood the log.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

#include "osc/ClientTable.h"
#include "osc/OscDispatcher.h"

namespace foh::osc {

class BadInputLog {
public:
    static constexpr auto kLogInterval = std::chrono::seconds(1);

    void count(BadKind kind, std::string what);
    /// Logs a summary line when there is something new and the last line is kLogInterval old. Returns the line
    /// (empty when nothing was logged).
    std::string flush(Clock::time_point now);

    [[nodiscard]] std::uint64_t total(BadKind kind) const { return totals_[static_cast<std::size_t>(kind)]; }

private:
    std::array<std::uint64_t, kBadKinds> totals_{};
    std::array<std::uint64_t, kBadKinds> sinceLog_{};
    std::string last_;
    Clock::time_point lastLog_{};
};

[[nodiscard]] const char* badKindName(BadKind kind);

}  // namespace foh::osc
