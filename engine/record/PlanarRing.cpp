#include "record/PlanarRing.h"

#include <cstring>
#include <new>

namespace foh::record {

void PlanarRing::allocate(int lanes, std::size_t capacityFrames) {
    release();
    const std::size_t total = static_cast<std::size_t>(lanes) * capacityFrames;
    // new float[n] (not value-initialised) then an explicit memset: writing every byte faults every page in now, on
    // this control thread, whether or not the process runs under mlockall.
    data_.reset(new float[total > 0 ? total : 1]);
    std::memset(data_.get(), 0, (total > 0 ? total : 1) * sizeof(float));
    lanes_ = lanes;
    capacity_ = capacityFrames;
    written_.store(0, std::memory_order_relaxed);
    consumed_.store(0, std::memory_order_relaxed);
}

void PlanarRing::release() noexcept {
    data_.reset();
    lanes_ = 0;
    capacity_ = 0;
    written_.store(0, std::memory_order_relaxed);
    consumed_.store(0, std::memory_order_relaxed);
}

void PlanarRing::write_rt(const float* const* src, std::size_t frames) FOH_RT {
    const std::uint64_t w = written_.load(std::memory_order_relaxed);
    const std::size_t at = static_cast<std::size_t>(w % capacity_);
    const std::size_t firstPart = frames < capacity_ - at ? frames : capacity_ - at;
    for (int l = 0; l < lanes_; ++l) {
        float* lane = data_.get() + static_cast<std::size_t>(l) * capacity_;
        const float* s = src != nullptr ? src[l] : nullptr;
        if (s != nullptr) {
            std::memcpy(lane + at, s, firstPart * sizeof(float));
            std::memcpy(lane, s + firstPart, (frames - firstPart) * sizeof(float));
        } else {
            std::memset(lane + at, 0, firstPart * sizeof(float));
            std::memset(lane, 0, (frames - firstPart) * sizeof(float));
        }
    }
    written_.store(w + frames, std::memory_order_release);
}

PlanarRing::Spans PlanarRing::readable(int lane, std::size_t frames) const noexcept {
    const std::uint64_t r = consumed_.load(std::memory_order_relaxed);
    const std::uint64_t w = written_.load(std::memory_order_acquire);
    const std::size_t avail = static_cast<std::size_t>(w - r);
    const std::size_t n = frames < avail ? frames : avail;
    const std::size_t at = static_cast<std::size_t>(r % capacity_);
    const std::size_t firstPart = n < capacity_ - at ? n : capacity_ - at;
    const float* base = data_.get() + static_cast<std::size_t>(lane) * capacity_;
    return {{base + at, firstPart}, {base, n - firstPart}};
}

PlanarRing::MutableSpans PlanarRing::writable(int lane, std::size_t frames) noexcept {
    const std::uint64_t w = written_.load(std::memory_order_relaxed);
    const std::uint64_t r = consumed_.load(std::memory_order_acquire);
    const std::size_t room = capacity_ - static_cast<std::size_t>(w - r);
    const std::size_t n = frames < room ? frames : room;
    const std::size_t at = static_cast<std::size_t>(w % capacity_);
    const std::size_t firstPart = n < capacity_ - at ? n : capacity_ - at;
    float* base = data_.get() + static_cast<std::size_t>(lane) * capacity_;
    return {{base + at, firstPart}, {base, n - firstPart}};
}

}  // namespace foh::record
