#pragma once
// An immutable snapshot handed from control threads to the audio thread, swapped atomically.
//
// Control side: publish() offers a new snapshot; collect() frees snapshots the audio thread has let go of.
// Audio side:   acquire_rt() returns the snapshot to use for this block, picking up a newly published one.
// The audio thread never frees anything: the snapshot it replaces goes back on a lock-free queue and is deleted by
// the next collect() on a control thread. A snapshot published but never picked up is replaced (and freed) on the
// control thread by the next publish().

#include <boost/lockfree/spsc_queue.hpp>

#include <atomic>
#include <memory>

#include "rt/Realtime.h"

namespace foh::rt {

template <typename T>
class SnapshotSlot {
public:
    SnapshotSlot() = default;
    ~SnapshotSlot() {
        delete pending_.exchange(nullptr);
        delete current_;
        collect();
    }
    SnapshotSlot(const SnapshotSlot&) = delete;
    SnapshotSlot& operator=(const SnapshotSlot&) = delete;

    /// Control thread(s), serialized by the caller. Offers `next` to the audio thread.
    void publish(std::unique_ptr<T> next) {
        collect();
        delete pending_.exchange(next.release(), std::memory_order_acq_rel);
    }

    /// Control thread. Frees every snapshot the audio thread has retired. Returns how many were freed.
    int collect() {
        int freed = 0;
        retired_.consume_all([&](T* old) {
            delete old;
            ++freed;
        });
        return freed;
    }

    /// Audio thread, once at the top of each block. Never allocates or frees.
    /// `onSwap(next, old)` runs on the audio thread just before `old` is retired (to carry signal state over); it
    /// must itself be real-time safe.
    template <typename OnSwap>
    [[nodiscard]] T* acquire_rt(OnSwap&& onSwap) FOH_RT {
        // Only swap when the old snapshot can be retired; otherwise the new one waits (still pending) until a
        // control thread has collected. The audio thread is the queue's only producer, so room seen is room kept.
        if (pending_.load(std::memory_order_acquire) != nullptr && retired_.write_available() > 0) {
            if (T* next = pending_.exchange(nullptr, std::memory_order_acq_rel)) {
                if (current_ != nullptr) {
                    onSwap(*next, *current_);
                    (void)retired_.push(current_);
                }
                current_ = next;
                swaps_.fetch_add(1, std::memory_order_release);
            }
        }
        return current_;
    }
    [[nodiscard]] T* acquire_rt() FOH_RT {
        return acquire_rt([](T&, T&) noexcept {});
    }

    /// Control thread: how many snapshots the audio thread has picked up so far.
    [[nodiscard]] unsigned long swaps() const { return swaps_.load(std::memory_order_relaxed); }
    [[nodiscard]] bool hasPending() const { return pending_.load(std::memory_order_acquire) != nullptr; }

    /// Control thread, only while no audio thread runs (before start / after stop): installs directly.
    void installWhileStopped(std::unique_ptr<T> next) {
        delete pending_.exchange(nullptr);
        delete current_;
        current_ = next.release();
    }
    /// Only while no audio thread runs.
    [[nodiscard]] T* currentWhileStopped() const { return current_; }

private:
    static constexpr std::size_t kRetireCapacity = 64;
    std::atomic<T*> pending_{nullptr};
    T* current_ = nullptr;  // owned by the audio thread while it runs
    boost::lockfree::spsc_queue<T*, boost::lockfree::capacity<kRetireCapacity>> retired_;
    std::atomic<unsigned long> swaps_{0};
};

}  // namespace foh::rt
