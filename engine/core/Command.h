#pragma once
// A parameter change on its way from a control thread to the audio thread. Plain data, 16 bytes.
//
// `seq` orders changes across producers and snapshots: every value the engine holds remembers the seq of the change
// that set it, so a snapshot built off the audio thread and the commands drained meanwhile can be merged without
// losing or reverting a change (see Graph::continueFrom_rt).

#include <boost/lockfree/spsc_queue.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>

#include "params/ParamRegistry.h"
#include "rt/Realtime.h"

namespace foh {

struct Command {
    ParamTarget target;
    std::uint16_t fadeMs = 0;  ///< > 0: glide there over this long (continuous parameters; core/GlideBank.h)
    float value;               ///< operator units, already validated against the registry
    std::uint32_t seq;
};
static_assert(sizeof(Command) <= 16);

/// Whether sequence number `a` is newer than `b` (wrap-around safe).
[[nodiscard]] inline bool newer(std::uint32_t a, std::uint32_t b) FOH_RT { return static_cast<std::int32_t>(a - b) > 0; }
[[nodiscard]] inline std::uint32_t newerSeq(std::uint32_t a, std::uint32_t b) FOH_RT { return a == 0 || newer(b, a) ? b : a; }

/// One control thread's lane into the engine: a fixed-capacity single-producer, single-consumer queue.
/// Only the thread that opened it may push; only the audio thread pops.
class CommandQueue {
public:
    static constexpr std::size_t kCapacity = 8192;

    [[nodiscard]] bool tryPush(const Command& c) { return queue_.push(c); }
    template <typename F>
    void drain_rt(F&& apply) FOH_RT {
        queue_.consume_all(apply);
    }
    /// Applies at most `max` commands, oldest first; returns how many. The rest wait for the next call.
    template <typename F>
    std::size_t drain_rt(F&& apply, std::size_t max) FOH_RT {
        std::size_t done = 0;
        Command chunk[64];
        while (done < max) {
            const std::size_t n = queue_.pop(chunk, std::min<std::size_t>(64, max - done));
            for (std::size_t i = 0; i < n; ++i) apply(chunk[i]);
            done += n;
            if (n == 0) break;
        }
        return done;
    }
    /// Audio thread: whether commands are waiting.
    [[nodiscard]] bool pending_rt() const FOH_RT { return queue_.read_available() > 0; }
    [[nodiscard]] bool open() const { return open_.load(std::memory_order_acquire); }

private:
    friend class Engine;
    boost::lockfree::spsc_queue<Command, boost::lockfree::capacity<kCapacity>> queue_;
    std::atomic<bool> open_{false};
    std::string owner_;
};

}  // namespace foh
