#pragma once
// What the audio thread plays into channels instead of their live inputs (docs/RECORDING.md "Virtual soundcheck"):
// a take's channel tracks, read ahead from disk by a player (live) or from files in step (offline render), handed
// over block by block. Immutable once the engine has it (Engine::attachPlayFeed); the control side keeps it alive
// until Engine::detachPlayFeed() returns.
//
// A played track enters its channel where it was recorded: after trim and polarity (the post-trim tap), so the
// trim the show was recorded with is not applied twice. A channel plays its track while `/ch/N/source` is
// `playback` (crossfaded over 10 ms when it switches); a channel on playback with no track in the feed is silent.

#include <array>
#include <vector>

#include "params/ParamRegistry.h"
#include "rt/Realtime.h"

namespace foh::record {

/// Hands out the tracks: called on the audio thread once per engine chunk (<= the graph's maxBlock frames) with
/// one destination per track (feed order). Must fill every destination with `frames` frames (silence for audio
/// it does not have, counted) whether or not any channel listens: the feed is a tape machine, every track moves
/// together (a running transport moves on by `frames`; a stopped one hands silence and holds its place).
class PlaySource {
public:
    virtual ~PlaySource() = default;
    virtual void read_rt(float* const* tracks, int frames) noexcept = 0;
};

struct PlayFeed {
    std::vector<int> channels;  ///< track t -> its 0-based channel
    PlaySource* source = nullptr;
    /// channel -> its track, or -1 (filled by finish(); the audio thread looks channels up here).
    std::array<int, ParamRegistry::kMaxChannels> channelTrack{};

    void finish() {
        channelTrack.fill(-1);
        for (std::size_t t = 0; t < channels.size(); ++t)
            if (channels[t] >= 0 && channels[t] < ParamRegistry::kMaxChannels)
                channelTrack[static_cast<std::size_t>(channels[t])] = static_cast<int>(t);
    }
};

}  // namespace foh::record
