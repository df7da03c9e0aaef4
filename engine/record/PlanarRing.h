#pragma once
// One single-producer / single-consumer ring of `lanes` mono float lanes that share one pair of frame counters.
//
// The recorder's audio thread (producer) writes a block into every lane at once, or into none: there is one "room" for all
// lanes, so lanes can never drift apart. The disk thread (consumer) reads every lane up to the same frame and then
// consumes that many frames for all lanes. Counters are monotonic 64-bit frame numbers (no wrap ambiguity, no wasted
// slot: full when written - consumed == capacity), each on its own cache line.
//
// Why planar with shared counters and not one boost::lockfree::spsc_queue per track: separate queues could disagree
// about whether a block fits (tracks drift apart unless every queue is checked first), they only copy out (no span to
// hand to sf_writef_float), and 128 index pairs would bounce between the cores each block instead of one. Why not one
// interleaved ring: the disk thread writes one mono file per track, so interleaved data would need a de-interleaving
// copy per file; planar lanes let it write each file straight out of the ring.
//
// The virtual soundcheck's TakePlayer uses it the other way round: its disk thread produces (writable()/commit()),
// the audio thread consumes (readable()/consume(), which never block or allocate).
//
// Memory: allocated and prefaulted (every page written) by allocate(), on a control thread, never on the audio thread.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "rt/Realtime.h"

namespace foh::record {

class PlanarRing {
public:
    /// Allocates lanes x capacity floats and touches every page. Throws std::bad_alloc.
    void allocate(int lanes, std::size_t capacityFrames);
    void release() noexcept;

    [[nodiscard]] int lanes() const noexcept { return lanes_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

    // ---- producer (audio thread) ----
    [[nodiscard]] std::size_t writableFrames_rt() const FOH_RT {
        return capacity_ - static_cast<std::size_t>(written_.load(std::memory_order_relaxed) -
                                                    consumed_.load(std::memory_order_acquire));
    }
    /// Copies `frames` frames of every lane (src[l] may be null: silence) and publishes them.
    /// Precondition: frames <= writableFrames_rt().
    void write_rt(const float* const* src, std::size_t frames) FOH_RT;
    /// Producer side, filled in place (the player's disk thread reads a file straight into the ring): the room of
    /// `lane` from written() on, at most `frames`, as up to two spans; then commit() publishes that many frames of
    /// every lane at once. Precondition: frames <= writableFrames_rt().
    struct MutableSpans {
        std::span<float> first, second;
    };
    [[nodiscard]] MutableSpans writable(int lane, std::size_t frames) noexcept;
    void commit(std::size_t frames) noexcept {
        written_.store(written_.load(std::memory_order_relaxed) + frames, std::memory_order_release);
    }
    /// Frames ever published (producer's counter). Any thread.
    [[nodiscard]] std::uint64_t written() const noexcept { return written_.load(std::memory_order_acquire); }

    // ---- consumer (disk thread) ----
    [[nodiscard]] std::uint64_t consumed() const noexcept { return consumed_.load(std::memory_order_acquire); }
    /// The frames of `lane` from consumed() on, at most `frames`, as up to two spans (the second after the wrap).
    struct Spans {
        std::span<const float> first, second;
    };
    [[nodiscard]] Spans readable(int lane, std::size_t frames) const noexcept;
    void consume(std::size_t frames) noexcept { consumed_.fetch_add(frames, std::memory_order_release); }

private:
    std::unique_ptr<float[]> data_;
    int lanes_ = 0;
    std::size_t capacity_ = 0;
    alignas(64) std::atomic<std::uint64_t> written_{0};
    alignas(64) std::atomic<std::uint64_t> consumed_{0};
};

}  // namespace foh::record
