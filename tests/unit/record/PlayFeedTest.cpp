// What the audio thread plays into channels (virtual soundcheck, render): a played track enters after trim (where
// the recorder tapped it), bit for bit; the feed moves on whether or not anyone listens; switching a channel's
// source crossfades; a recording of a played channel gives the track back. Under the RT trap.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <thread>

#include "record/PlayFeed.h"
#include "record/RecordPlan.h"
#include "support/CaptureSink.h"
#include "support/Desk.h"
#include "support/RtTrap.h"

using namespace foh;
using namespace foh::record;
using foh::test::CaptureSink;

namespace {
/// Hands out preallocated tracks from position `at` on (silence past their end); no allocation on the audio thread.
struct VectorSource final : PlaySource {
    explicit VectorSource(std::vector<std::vector<float>> t) : tracks(std::move(t)) {}
    void read_rt(float* const* dest, int frames) noexcept override {
        for (std::size_t t = 0; t < tracks.size(); ++t)
            for (int i = 0; i < frames; ++i) {
                const std::size_t p = at + static_cast<std::size_t>(i);
                dest[t][i] = p < tracks[t].size() ? tracks[t][p] : 0.0f;
            }
        at += static_cast<std::size_t>(frames);
        ++calls;
    }
    std::vector<std::vector<float>> tracks;
    std::size_t at = 0;
    int calls = 0;
};
std::vector<float> noise(std::size_t n, unsigned seed, float scale) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = scale * (static_cast<float>(seed >> 8) / 8388608.0f - 1.0f);
    }
    return v;
}
}  // namespace

TEST_CASE("a played track enters after trim, bit for bit, and only on channels switched to playback", "[record][play]") {
    test::RtViolationScope trap;
    GraphConfig config;
    config.channels = 4;
    config.maxBlock = 64;
    test::Desk desk(config);
    for (const char* ch : {"/ch/1", "/ch/2", "/ch/3"}) {
        desk.set(std::string(ch) + "/trim", 12.0f);      // the live trim: a post-trim track must not get it again
        desk.set(std::string(ch) + "/polarity", 1.0f);
    }
    desk.set("/ch/1/source", 1.0f);
    desk.set("/ch/3/source", 1.0f);  // playback, but the feed has no track for channel 3: silence
    const std::size_t n = 9600;
    std::vector<std::vector<float>> live(4, std::vector<float>(n, 0.25f));
    (void)desk.render(live, 960);  // the snapshot and ramps settle before the feed starts

    // Tracks for channels 1, 2 and 9 (this layout has 4: that one is read and dropped).
    VectorSource source({noise(n, 1, 0.5f), noise(n, 2, 0.5f), noise(n, 3, 0.5f)});
    auto feed = std::make_shared<PlayFeed>();
    feed->channels = {0, 1, 8};
    feed->source = &source;
    feed->finish();
    auto plan = std::make_shared<RecordPlan>();
    CaptureSink sink(3, n);
    plan->sources = {{RecordSource::Kind::Channel, 0}, {RecordSource::Kind::Channel, 1}, {RecordSource::Kind::Channel, 2}};
    plan->sink = &sink;
    plan->finish();
    (void)desk.engine.attachPlayFeed(feed);
    (void)desk.engine.startRecording(plan);
    (void)desk.render(live, n);
    (void)desk.engine.stopRecording();
    desk.engine.detachPlayFeed();

    CHECK(source.at == n);  // the whole feed moved on, in the engine's blocks
    CHECK(source.calls == static_cast<int>(n / 64));
    // Channel 1 plays its track exactly (no trim, no polarity: it was recorded after them).
    std::size_t exact = 0;
    for (std::size_t i = 0; i < n; ++i) exact += sink.data[0][i] == source.tracks[0][i] ? 1 : 0;
    CHECK(exact == n);
    // Channel 2 is live: its input through +12 dB and inverted polarity; the track it has is not heard.
    const float liveGain = -std::pow(10.0f, 12.0f / 20.0f);
    CHECK(sink.data[1][n / 2] == Approx(0.25f * liveGain).epsilon(1e-5));
    // Channel 3 is on playback with no track: silence.
    float loudest = 0.0f;
    for (float v : sink.data[2]) loudest = std::max(loudest, std::abs(v));
    CHECK(loudest == 0.0f);
}

TEST_CASE("switching a channel between live and playback crossfades in 10 ms, both ways", "[record][play]") {
    test::RtViolationScope trap;
    GraphConfig config;
    config.channels = 2;
    config.maxBlock = 64;
    test::Desk desk(config);
    const std::size_t n = 4800;
    std::vector<std::vector<float>> live(2, std::vector<float>(n, 0.5f));
    (void)desk.render(live, 960);
    VectorSource source({std::vector<float>(3 * n, -0.5f)});
    auto feed = std::make_shared<PlayFeed>();
    feed->channels = {0};
    feed->source = &source;
    feed->finish();
    auto plan = std::make_shared<RecordPlan>();
    CaptureSink sink(1, 3 * n);
    plan->sources = {{RecordSource::Kind::Channel, 0}};
    plan->sink = &sink;
    plan->finish();
    (void)desk.engine.attachPlayFeed(feed);
    (void)desk.engine.startRecording(plan);
    (void)desk.render(live, n);
    desk.set("/ch/1/source", 1.0f);
    (void)desk.render(live, n);
    desk.set("/ch/1/source", 0.0f);
    (void)desk.render(live, n);
    (void)desk.engine.stopRecording();
    desk.engine.detachPlayFeed();

    const auto& r = sink.data[0];
    CHECK(r[n - 1] == 0.5f);
    CHECK(r[2 * n - 1] == -0.5f);
    CHECK(r[3 * n - 1] == 0.5f);
    // From +0.5 to -0.5 over 480 samples: no step bigger than 1/480 (plus rounding), and the fade takes 10 ms.
    float largest = 0.0f;
    std::size_t moving = 0;
    for (std::size_t i = 1; i < r.size(); ++i) {
        largest = std::max(largest, std::abs(r[i] - r[i - 1]));
        moving += r[i] != r[i - 1] ? 1 : 0;
    }
    CHECK(largest <= 1.0f / 480.0f + 1e-6f);
    CHECK(moving >= 2 * 470);
    CHECK(moving <= 2 * 481);
}

TEST_CASE("attaching a feed to a running engine and detaching it never leaves the audio thread a dead pointer",
          "[record][play]") {
    GraphConfig config;
    config.channels = 2;
    config.maxBlock = 64;
    test::Desk desk(config);
    std::atomic<bool> stop{false};
    std::thread audio([&] {
        std::vector<float> in(64, 0.1f);
        const float* ins[2] = {in.data(), in.data()};
        while (!stop.load()) desk.renderer.renderBlock(ins, 2);
    });
    desk.set("/ch/1/source", 1.0f);
    int reads = 0;
    for (int round = 0; round < 200; ++round) {
        auto source = std::make_unique<VectorSource>(std::vector<std::vector<float>>{std::vector<float>(64, 0.3f)});
        auto feed = std::make_shared<PlayFeed>();
        feed->channels = {0};
        feed->source = source.get();
        feed->finish();
        const std::uint64_t at = desk.engine.attachPlayFeed(feed);
        if (round % 2 == 0) desk.engine.detachPlayFeed();
        else
            while (desk.engine.framesProcessed() < at + 256) std::this_thread::yield();  // a few blocks read it
        feed.reset();
        // The engine let go of the previous feed before attach/detach returned; this one it may still hold, so
        // detach before the source dies.
        desk.engine.detachPlayFeed();
        reads += source->calls;
        source.reset();
        desk.engine.housekeeping();
    }
    stop = true;
    audio.join();
    CHECK(reads > 0);  // the audio thread did read feeds (a use after free would show under ASan in CI)
}
