#pragma once
// Meters over OSC: which client gets which meter group, how often, in which form, and what the messages hold
// (docs/OSC.md, "Meters"). Pure logic over an explicit clock, like ClientTable: the server feeds it the engine's meter
// packets and asks it what is due.
//
//   /meters GROUP [HZ] [FORMAT]   GROUP: ch bus fx mtx main gr loud all; HZ 1..30 (default 30; 0 stops);
//                                 FORMAT: blob (default) or norm
//   /meters                       answered with one "/meters s GROUP f HZ s FORMAT" per subscription
//
// blob: "/meters/GROUP i FIRST b DATA": DATA is a run of records of big-endian float32 values, one record per element
//       (channel, bus, ...) starting at element FIRST (1-based); records are split over several messages so none
//       exceeds kMaxBlobBytes (one unfragmented Wi-Fi datagram). Levels are dBFS (silence = kFloorDb), gain reductions
//       dB >= 0, loudness LUFS / LU / dBTP. The record of each group is `recordFields(group)`.
// norm: one message per element carrying 0..1 for a TouchOSC bar ("/ch/N/meter f"), sent as bundles.
//
// Each (client, group) has its own MeterReader, so a 10 Hz subscriber still sees every peak of its 100 ms.
// Subscriptions end with the client (ClientTable's expiry) or with HZ 0.

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/Meters.h"
#include "osc/ClientTable.h"
#include "osc/OscMessage.h"
#include "params/ParamRegistry.h"

namespace foh::osc {

enum class MeterGroup { Ch, Bus, Fx, Mtx, Main, Gr, Loud };
inline constexpr int kMeterGroups = 7;
enum class MeterFormat { Blob, Norm };

[[nodiscard]] std::string_view meterGroupName(MeterGroup group);
[[nodiscard]] std::optional<MeterGroup> parseMeterGroup(std::string_view name);
/// The names of one record's values, in order ("in_peak", "peak", "rms" for ch).
[[nodiscard]] const std::vector<std::string_view>& recordFields(MeterGroup group);

/// A /meters request, parsed by the dispatcher. No group = a query (list the subscriptions); `all` = every group.
struct MeterRequest {
    std::optional<MeterGroup> group;
    bool all = false;
    float hz = 30.0f;
    MeterFormat format = MeterFormat::Blob;
};
/// Parses the arguments of "/meters ...": a request, or nullopt with `error` set.
[[nodiscard]] std::optional<MeterRequest> parseMeterRequest(const std::vector<OscArg>& args, std::string& error);

/// The messages that show `reading` for `group` in `format` (blob chunks, or one message per element).
[[nodiscard]] std::vector<OscMessage> meterMessages(MeterGroup group, MeterFormat format, const MeterReading& reading,
                                                    const ConsoleLayout& layout);

class MeterFeed {
public:
    static constexpr float kMaxHz = 30.0f;
    static constexpr float kFloorDb = -120.0f;
    static constexpr std::size_t kMaxBlobBytes = 1200;

    /// Applies a request from `client` (a query changes nothing). Returns the replies for the sender: a query's list.
    std::vector<OscMessage> request(Endpoint client, const MeterRequest& request, Clock::time_point now);
    /// A meter packet from the engine: every subscription accumulates it.
    void add(const MeterAccum& packet);
    /// Drops every client not in `alive` (ClientTable's clients after expiry).
    void retain(const std::vector<Endpoint>& alive);
    /// Calls send(client, format, messages) for every subscription due at `now`.
    template <typename Send>
    void due(Clock::time_point now, const ConsoleLayout& layout, Send&& send);

    [[nodiscard]] bool empty() const { return clients_.empty(); }
    [[nodiscard]] std::size_t subscriptions() const;

private:
    struct Subscription {
        MeterReader reader;
        float hz = kMaxHz;
        MeterFormat format = MeterFormat::Blob;
        Clock::time_point next;
    };
    using Groups = std::array<std::unique_ptr<Subscription>, kMeterGroups>;
    std::map<Endpoint, Groups> clients_;
};

template <typename Send>
void MeterFeed::due(Clock::time_point now, const ConsoleLayout& layout, Send&& send) {
    for (auto& [client, groups] : clients_)
        for (int g = 0; g < kMeterGroups; ++g) {
            Subscription* s = groups[static_cast<std::size_t>(g)].get();
            if (!s || now < s->next) continue;
            const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / s->hz));
            // Keep the cadence, but never try to catch up after a stall.
            s->next = now - s->next > period ? now + period : s->next + period;
            const auto messages = meterMessages(static_cast<MeterGroup>(g), s->format, s->reader.read(), layout);
            if (!messages.empty()) send(client, s->format, messages);  // empty before the first packet
        }
}

}  // namespace foh::osc
