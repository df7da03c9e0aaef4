#pragma once
// What the audio thread records, and where it hands it (docs/RECORDING.md): a recording's tracks, each a source in
// the console, and the sink that takes every block. Immutable once the engine has it (Engine::startRecording); the
// control side keeps it alive until Engine::stopRecording() returns.
//
// Sources: a channel at its direct-out tap (`/ch/N/direct/tap`: post-trim by default, or pre-/post-fader), main L
// and R as they leave the console (after the mastering chain), a bus's output. Tracks are written in plan order.

#include <array>
#include <cstdint>
#include <vector>

#include "params/ParamRegistry.h"
#include "rt/Realtime.h"

namespace foh::record {

struct RecordSource {
    enum class Kind : std::uint8_t { Channel, MainLeft, MainRight, Bus };
    Kind kind = Kind::Channel;
    int index = 0;  ///< 0-based channel or bus
    friend bool operator==(const RecordSource&, const RecordSource&) = default;
};

/// Takes the blocks: called on the audio thread once per engine block with one pointer per track (plan order).
class RecordSink {
public:
    virtual ~RecordSink() = default;
    virtual void write_rt(const float* const* tracks, int frames) noexcept = 0;
};

struct RecordPlan {
    std::vector<RecordSource> sources;
    RecordSink* sink = nullptr;
    /// channel -> its track, or -1 (filled by finish(); the audio thread looks channels up here).
    std::array<int, ParamRegistry::kMaxChannels> channelTrack{};

    void finish() {
        channelTrack.fill(-1);
        for (std::size_t t = 0; t < sources.size(); ++t)
            if (sources[t].kind == RecordSource::Kind::Channel && sources[t].index >= 0 &&
                sources[t].index < ParamRegistry::kMaxChannels)
                channelTrack[static_cast<std::size_t>(sources[t].index)] = static_cast<int>(t);
    }
};

}  // namespace foh::record
