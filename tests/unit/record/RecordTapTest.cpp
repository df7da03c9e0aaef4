// What the audio thread hands a recording: channels at their direct-out tap (post-trim by default, pre- or
// post-fader), main L/R and buses as they leave the console, every block, under the RT trap.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "record/RecordPlan.h"
#include "support/CaptureSink.h"
#include "support/Desk.h"
#include "support/RtTrap.h"

using namespace foh;
using namespace foh::record;
using foh::test::CaptureSink;

TEST_CASE("recording taps: post-trim, pre- and post-fader channels, main and a bus, every block", "[record]") {
    GraphConfig config;
    config.channels = 4;
    config.buses = 2;
    config.maxBlock = 64;
    test::Desk desk(config);
    desk.set("/ch/1/trim", 6.0f);                    // post-trim (the default tap): the input + 6 dB
    desk.set("/ch/2/direct/tap", 1.0f);              // pre-fader: mute applies, the fader does not
    desk.set("/ch/2/fader", -20.0f);
    desk.set("/ch/3/direct/tap", 2.0f);              // post-fader
    desk.set("/ch/3/fader", -6.0f);
    desk.set("/ch/3/pan", -100.0f);
    desk.set("/main/fader", 0.0f);
    desk.set("/ch/1/send/1/on", 1.0f);
    desk.set("/ch/1/send/1/tap", 1.0f);              // pre-fader send at 0 dB into bus 1
    desk.set("/ch/1/send/1/level", 0.0f);
    desk.set("/bus/1/fader", 0.0f);
    const std::size_t n = 4800;
    std::vector<std::vector<float>> in(4, std::vector<float>(n));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < 4; ++c) in[c][i] = 0.1f * static_cast<float>(c + 1) * std::sin(0.01f * static_cast<float>(i * (c + 1)));
    (void)desk.render(in, n);  // ramps settle

    auto plan = std::make_shared<RecordPlan>();
    CaptureSink sink(6, n);
    plan->sources = {{RecordSource::Kind::Channel, 0}, {RecordSource::Kind::Channel, 1}, {RecordSource::Kind::Channel, 2},
                     {RecordSource::Kind::MainLeft, 0}, {RecordSource::Kind::Bus, 0}, {RecordSource::Kind::Channel, 9}};
    plan->sink = &sink;
    plan->finish();
    const std::uint64_t start = desk.engine.startRecording(plan);
    CHECK(start == n);
    test::RtViolationScope trap;
    const auto out = desk.render(in, n);
    CHECK(trap.violations().total() == 0);
    CHECK(desk.engine.stopRecording() == 2 * n);  // no audio running: returns at once
    CHECK(sink.at == n);
    CHECK(sink.blocks == static_cast<int>(n / 64));

    const float g6 = std::pow(10.0f, 6.0f / 20.0f), gm6 = std::pow(10.0f, -6.0f / 20.0f);
    float worst[4] = {0, 0, 0, 0};
    for (std::size_t i = 0; i < n; ++i) {
        worst[0] = std::max(worst[0], std::abs(sink.data[0][i] - g6 * in[0][i]));
        worst[1] = std::max(worst[1], std::abs(sink.data[1][i] - in[1][i]));
        worst[2] = std::max(worst[2], std::abs(sink.data[2][i] - gm6 * in[2][i]));
        worst[3] = std::max(worst[3], std::abs(sink.data[3][i] - out[0][i]));
    }
    CHECK(worst[0] < 1e-6f);
    CHECK(worst[1] < 1e-6f);
    CHECK(worst[2] < 1e-6f);
    CHECK(worst[3] == 0.0f);  // main L exactly as it left the console
    for (std::size_t i = 0; i < n; ++i) REQUIRE(sink.data[4][i] == out[static_cast<std::size_t>(desk.bus(1))][i]);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(sink.data[5][i] == 0.0f);  // a channel this console lacks: silence

    // After stopRecording nothing more is handed over.
    (void)desk.render(in, 640);
    CHECK(sink.at == n);
}

TEST_CASE("trim 0 dB, polarity off: the post-trim tap is the input bit for bit (24-bit steps, full scale, overs, "
          "denormals)", "[record]") {
    GraphConfig config;
    config.channels = 2;
    config.maxBlock = 64;
    test::Desk desk(config);
    desk.set("/ch/2/trim", 0.0f);
    desk.set("/ch/2/polarity", 1.0f);  // polarity on: exact negation of every normal number
    const std::size_t n = 4096;
    std::vector<std::vector<float>> in(2, std::vector<float>(n));
    std::uint32_t x = 12345;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        const auto k = static_cast<std::int32_t>(x >> 8) - (1 << 23);  // a 24-bit sample, -2^23 .. 2^23 - 1
        float v = static_cast<float>(k) / 8388608.0f;
        if (i % 97 == 0) v = -1.0f;
        if (i % 89 == 0) v = 8388607.0f / 8388608.0f;
        if (i % 83 == 0) v = 1.5f;       // an over: a float take keeps it
        if (i % 79 == 0) v = 1e-40f;     // a denormal: FTZ/DAZ would flush it in a multiply
        if (i % 73 == 0) v = -3e-39f;
        in[0][i] = in[1][i] = v;
    }
    (void)desk.render(in, 2048);  // the polarity ramp (20 ms) settles
    auto plan = std::make_shared<RecordPlan>();
    CaptureSink sink(2, n);
    plan->sources = {{RecordSource::Kind::Channel, 0}, {RecordSource::Kind::Channel, 1}};
    plan->sink = &sink;
    plan->finish();
    (void)desk.engine.startRecording(plan);
    test::RtViolationScope trap;
    (void)desk.render(in, n);
    CHECK(trap.violations().total() == 0);
    (void)desk.engine.stopRecording();
    REQUIRE(sink.at == n);
    std::size_t differ = 0, negWrong = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::memcmp(&sink.data[0][i], &in[0][i], sizeof(float)) != 0) ++differ;
        if (std::fpclassify(in[1][i]) == FP_NORMAL && sink.data[1][i] != -in[1][i]) ++negWrong;
    }
    CHECK(differ == 0);
    CHECK(negWrong == 0);
}
