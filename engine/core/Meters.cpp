#include "core/Meters.h"

#include <algorithm>
#include <cmath>

namespace foh {

void MeterAccum::clear(std::uint32_t channelCount) FOH_RT {
    const std::size_t n = std::min<std::size_t>(channelCount, ParamRegistry::kMaxChannels);
    std::fill_n(chInputPeak.begin(), n, 0.0f);
    std::fill_n(chPeak.begin(), n, 0.0f);
    std::fill_n(chSumSq.begin(), n, 0.0f);
    std::fill_n(chGateGr.begin(), n, 0.0f);
    std::fill_n(chCompGr.begin(), n, 0.0f);
    std::fill_n(chDeessGr.begin(), n, 0.0f);
    std::fill_n(chGateOpen.begin(), n, 0.0f);
    mainPeak = {};
    mainSumSq = {};
    outPeak = {};
    outSumSq = {};
    busCompGr = {};
    master.clearReductions();
    channels = channelCount;
    frames = 0;
}

void MeterAccum::merge(const MeterAccum& o) FOH_RT {
    const std::size_t n = std::min<std::size_t>(o.channels, ParamRegistry::kMaxChannels);
    if (o.channels != channels) {
        // The layout changed (a new snapshot with another channel count): start over at the new size.
        clear(o.channels);
    }
    for (std::size_t i = 0; i < n; ++i) {
        chInputPeak[i] = std::max(chInputPeak[i], o.chInputPeak[i]);
        chPeak[i] = std::max(chPeak[i], o.chPeak[i]);
        chSumSq[i] += o.chSumSq[i];
        chGateGr[i] = std::max(chGateGr[i], o.chGateGr[i]);
        chCompGr[i] = std::max(chCompGr[i], o.chCompGr[i]);
        chDeessGr[i] = std::max(chDeessGr[i], o.chDeessGr[i]);
        chGateOpen[i] = std::max(chGateOpen[i], o.chGateOpen[i]);
    }
    for (std::size_t i = 0; i < 2; ++i) {
        mainPeak[i] = std::max(mainPeak[i], o.mainPeak[i]);
        mainSumSq[i] += o.mainSumSq[i];
    }
    for (std::size_t i = 0; i < kOutSlots; ++i) {
        outPeak[i] = std::max(outPeak[i], o.outPeak[i]);
        outSumSq[i] += o.outSumSq[i];
    }
    for (std::size_t i = 0; i < busCompGr.size(); ++i) busCompGr[i] = std::max(busCompGr[i], o.busCompGr[i]);
    master.merge(o.master);
    frames += o.frames;
}

MeterChannel::MeterChannel() {
    storage_.reserve(kPackets);
    for (std::size_t i = 0; i < kPackets; ++i) {
        storage_.push_back(std::make_unique<MeterAccum>());
        (void)free_.push(storage_.back().get());
    }
}

bool MeterChannel::publish_rt(MeterAccum& acc) FOH_RT {
    MeterAccum* packet = nullptr;
    if (!free_.pop(packet)) return false;
    *packet = acc;
    if (!filled_.push(packet)) {
        (void)free_.push(packet);
        return false;
    }
    acc.clear(acc.channels);
    return true;
}

void MeterReader::add(const MeterAccum& packet) { acc_.merge(packet); }

MeterReading MeterReader::read() {
    MeterReading r;
    const std::size_t n = acc_.channels;
    const float frames = acc_.frames > 0 ? static_cast<float>(acc_.frames) : 1.0f;
    r.chInputPeak.assign(acc_.chInputPeak.begin(), acc_.chInputPeak.begin() + static_cast<long>(n));
    r.chPeak.assign(acc_.chPeak.begin(), acc_.chPeak.begin() + static_cast<long>(n));
    r.chRms.resize(n);
    const auto end = [&](auto& a) { return a.begin() + static_cast<long>(n); };
    r.chGateGrDb.assign(acc_.chGateGr.begin(), end(acc_.chGateGr));
    r.chCompGrDb.assign(acc_.chCompGr.begin(), end(acc_.chCompGr));
    r.chDeessGrDb.assign(acc_.chDeessGr.begin(), end(acc_.chDeessGr));
    r.chGateOpen.resize(n);
    for (std::size_t i = 0; i < n; ++i) r.chGateOpen[i] = acc_.chGateOpen[i] > 0.5f;
    for (std::size_t i = 0; i < n; ++i) r.chRms[i] = std::sqrt(acc_.chSumSq[i] / frames);
    for (std::size_t i = 0; i < 2; ++i) {
        r.mainPeak[i] = acc_.mainPeak[i];
        r.mainRms[i] = std::sqrt(acc_.mainSumSq[i] / frames);
    }
    const auto rms = [&](std::size_t slot) { return std::sqrt(acc_.outSumSq[slot] / frames); };
    for (std::size_t b = 0; b < static_cast<std::size_t>(kMaxBuses); ++b) {
        r.busPeak[b] = acc_.outPeak[MeterAccum::kBusSlot + b];
        r.busRms[b] = rms(MeterAccum::kBusSlot + b);
        r.busCompGrDb[b] = acc_.busCompGr[b];
    }
    for (std::size_t k = 0; k < 2 * static_cast<std::size_t>(kMaxFx); ++k) {
        r.fxPeak[k] = acc_.outPeak[MeterAccum::kFxSlot + k];
        r.fxRms[k] = rms(MeterAccum::kFxSlot + k);
    }
    for (std::size_t m = 0; m < static_cast<std::size_t>(kMatrices); ++m) {
        r.mtxPeak[m] = acc_.outPeak[MeterAccum::kMtxSlot + m];
        r.mtxRms[m] = rms(MeterAccum::kMtxSlot + m);
    }
    for (std::size_t i = 0; i < 2; ++i) {
        r.soloPeak[i] = acc_.outPeak[MeterAccum::kSoloSlot + i];
        r.soloRms[i] = rms(MeterAccum::kSoloSlot + i);
    }
    r.monoPeak = acc_.outPeak[MeterAccum::kMonoSlot];
    r.monoRms = rms(MeterAccum::kMonoSlot);
    r.master = acc_.master;
    r.frames = acc_.frames;
    acc_.clear(acc_.channels);
    return r;
}

}  // namespace foh
