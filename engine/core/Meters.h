#pragma once
// Meters flow from the audio thread to control threads as packets on a lock-free queue.
//
// The audio thread accumulates peak and sum of squares per meter and, every ~10 ms of audio, moves them into a free
// packet and pushes it. If no packet is free (nobody is reading), it keeps accumulating, so no peak is ever lost.
// The control side (MeterHub) drains packets into any number of readers, each with its own "since last read" state.

#include <boost/lockfree/spsc_queue.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/MasterMeters.h"
#include "params/ParamRegistry.h"
#include "rt/Realtime.h"

namespace foh {

/// Peak and energy of a group of meters over some span of frames.
struct MeterAccum {
    std::array<float, ParamRegistry::kMaxChannels> chInputPeak{};  ///< pre-everything
    std::array<float, ParamRegistry::kMaxChannels> chPeak{};       ///< post-fader (pre-pan)
    std::array<float, ParamRegistry::kMaxChannels> chSumSq{};
    std::array<float, ParamRegistry::kMaxChannels> chGateGr{};    ///< dB, largest
    std::array<float, ParamRegistry::kMaxChannels> chCompGr{};    ///< dB, largest
    std::array<float, ParamRegistry::kMaxChannels> chDeessGr{};   ///< dB, largest
    std::array<float, ParamRegistry::kMaxChannels> chGateOpen{};  ///< 1 if open at any time
    std::array<float, 2> mainPeak{};
    std::array<float, 2> mainSumSq{};
    /// Buses, FX returns (L, R), matrices, solo L/R and main mono, at the slots below.
    static constexpr std::size_t kBusSlot = 0, kFxSlot = kBusSlot + kMaxBuses, kMtxSlot = kFxSlot + 2 * kMaxFx,
                                 kSoloSlot = kMtxSlot + kMatrices, kMonoSlot = kSoloSlot + 2, kOutSlots = kMonoSlot + 1;
    std::array<float, kOutSlots> outPeak{};
    std::array<float, kOutSlots> outSumSq{};
    std::array<float, kMaxBuses> busCompGr{};  ///< dB, largest
    MasterMeters master{};
    std::uint32_t channels = 0;
    std::uint32_t frames = 0;

    void clear(std::uint32_t channelCount) FOH_RT;
    void merge(const MeterAccum& other) FOH_RT;
};

/// What a reader gets: levels since its last read, linear (0..1 = 0 dBFS).
struct MeterReading {
    std::vector<float> chInputPeak, chPeak, chRms;
    std::vector<float> chGateGrDb, chCompGrDb, chDeessGrDb;  ///< largest reduction since the last read, dB >= 0
    std::vector<bool> chGateOpen;
    float mainPeak[2] = {0, 0};
    float mainRms[2] = {0, 0};
    std::array<float, kMaxBuses> busPeak{}, busRms{}, busCompGrDb{};
    std::array<float, 2 * kMaxFx> fxPeak{}, fxRms{};  ///< FX k's return: [2k] left, [2k + 1] right
    std::array<float, kMatrices> mtxPeak{}, mtxRms{};
    float soloPeak[2] = {0, 0};
    float soloRms[2] = {0, 0};
    float monoPeak = 0, monoRms = 0;
    MasterMeters master{};
    std::uint32_t frames = 0;
};

/// The lock-free path: a pool of packets circulating between the audio thread and the control side.
class MeterChannel {
public:
    static constexpr std::size_t kPackets = 32;
    MeterChannel();

    /// Audio thread: offers `acc`; on success `acc` is cleared for the next span. Returns false when no packet is free.
    bool publish_rt(MeterAccum& acc) FOH_RT;

    /// Control side (one thread at a time): hands every waiting packet to `sink`, then returns it to the pool.
    template <typename F>
    void drain(F&& sink) {
        filled_.consume_all([&](MeterAccum* p) {
            sink(*p);
            (void)free_.push(p);
        });
    }

private:
    std::vector<std::unique_ptr<MeterAccum>> storage_;
    boost::lockfree::spsc_queue<MeterAccum*, boost::lockfree::capacity<kPackets>> free_;    // control -> audio
    boost::lockfree::spsc_queue<MeterAccum*, boost::lockfree::capacity<kPackets>> filled_;  // audio -> control
};

/// Control side: one per reader (status line, an OSC client, a test). read() returns levels since the last read().
class MeterReader {
public:
    void add(const MeterAccum& packet);
    [[nodiscard]] MeterReading read();

private:
    MeterAccum acc_{};
};

}  // namespace foh
