// The virtual soundcheck's player (engine/record/TakePlayer): a take written by the Recorder, read ahead by the
// player's disk thread and played through the whole engine into channels switched to playback, recorded again at
// the post-trim tap. Every track comes back bit for bit and aligned; locate, loop, stop, the end of the take and a
// paused disk behave as documented; the audio side runs under the real-time trap.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <string>
#include <vector>

#include "record/RecordPlan.h"
#include "record/Recorder.h"
#include "record/TakePlayer.h"
#include "support/CaptureSink.h"
#include "support/Desk.h"
#include "support/RtTrap.h"
#include "support/TempDir.h"

using namespace foh;
using namespace foh::record;
namespace fs = std::filesystem;
using foh::test::CaptureSink;
using foh::test::TempDir;

namespace {

/// Track t's sample at take frame n: distinct per track and per frame, never 0 (so silence is told apart).
float signal(int t, std::uint64_t n) {
    const std::uint64_t x = (n + 1) * (2 * static_cast<std::uint64_t>(t) + 1) * 2654435761ull + static_cast<std::uint64_t>(t) * 977;
    const auto k = static_cast<std::int64_t>((x ^ (x >> 17)) & 0xFFFFFF) - (1 << 23);
    return (static_cast<float>(k) + (k >= 0 ? 1.0f : 0.0f)) / 8388608.0f;
}

/// A take of `channels` channel tracks (/ch/1.., post-trim) plus main L/R and, if asked, a channel recorded
/// pre-fader, `frames` long, in float: written by the Recorder as the console would.
fs::path writeTake(const fs::path& root, int channels, std::uint64_t frames, bool withPrefader = false) {
    TakeConfig cfg;
    cfg.folder = root / "take";
    cfg.sample = TakeConfig::Sample::Float;
    cfg.ringSeconds = 2.0;
    char file[32];
    for (int c = 0; c < channels; ++c) {
        std::snprintf(file, sizeof file, "%03d Ch %d.wav", c + 1, c + 1);
        cfg.tracks.push_back({file, "Ch " + std::to_string(c + 1), "/ch/" + std::to_string(c + 1), c == 0 ? "" : "posttrim"});
    }
    if (withPrefader) cfg.tracks.push_back({"099 Pre.wav", "Pre", "/ch/" + std::to_string(channels + 1), "prefader"});
    cfg.tracks.push_back({"main L.wav", "Main L", "/main/l", ""});
    cfg.tracks.push_back({"main R.wav", "Main R", "/main/r", ""});
    Recorder rec;
    std::string error;
    REQUIRE(rec.start(cfg, error));
    const std::size_t n = cfg.tracks.size();
    std::vector<std::vector<float>> buf(n, std::vector<float>(64));
    std::vector<const float*> ptrs(n);
    for (std::size_t t = 0; t < n; ++t) ptrs[t] = buf[t].data();
    for (std::uint64_t pos = 0; pos < frames; pos += 64) {
        for (std::size_t t = 0; t < n; ++t)
            for (std::size_t i = 0; i < 64; ++i) buf[t][i] = signal(static_cast<int>(t), pos + i);
        rec.write_rt(ptrs.data(), 64);
        if (rec.status().framesCaptured - rec.status().framesWritten > 48000) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    rec.stop();
    REQUIRE(rec.status().framesWritten == (frames + 63) / 64 * 64);  // whole blocks
    return cfg.folder;
}

/// The console with `channels` channels on playback (trim +6 dB and polarity inverted live: a post-trim track
/// must not get them again), the player's feed attached and channels 1..`recorded` recorded at the post-trim tap.
struct Bench {
    Bench(TakePlayer& p, int channels, int recorded, std::size_t captureFrames)
        : desk(makeConfig(channels)), player(p), sink(static_cast<std::size_t>(recorded), captureFrames),
          live(static_cast<std::size_t>(channels), std::vector<float>(48000, 0.25f)) {
        for (int c = 1; c <= channels; ++c) {
            desk.set("/ch/" + std::to_string(c) + "/trim", 6.0f);
            desk.set("/ch/" + std::to_string(c) + "/polarity", 1.0f);
            desk.set("/ch/" + std::to_string(c) + "/source", 1.0f);
        }
        (void)desk.render(live, 960);  // the 10 ms source crossfade is over before the take plays
        feed = player.makeFeed();
        (void)desk.engine.attachPlayFeed(feed);
        plan = std::make_shared<RecordPlan>();
        for (int c = 0; c < recorded; ++c) plan->sources.push_back({RecordSource::Kind::Channel, c});
        plan->sink = &sink;
        plan->finish();
        (void)desk.engine.startRecording(plan);
    }
    ~Bench() {
        (void)desk.engine.stopRecording();
        desk.engine.detachPlayFeed();
    }
    static GraphConfig makeConfig(int channels) {
        GraphConfig c;
        c.channels = channels;
        c.maxBlock = 64;
        return c;
    }
    /// Renders `frames` in steps the disk thread can follow (the renderer is faster than real time): before each
    /// step the player has read ahead half its ring (or to the end).
    /// A block of the stopped transport, not captured: the audio thread drops the old place's audio after a locate
    /// (a running console does that within a block; the test's renderer runs only when told).
    void flushStopped() {
        const std::size_t keep = sink.at;
        (void)desk.render(live, 64);
        sink.at = keep;
    }
    void render(std::size_t frames, std::size_t step = 4096, bool waitForDisk = true) {
        for (std::size_t done = 0; done < frames; done += step) {
            if (waitForDisk) REQUIRE(player.waitPrimed(std::chrono::seconds(5)));
            (void)desk.render(live, std::min(step, frames - done));
        }
    }
    test::Desk desk;
    TakePlayer& player;
    CaptureSink sink;
    std::vector<std::vector<float>> live;
    std::shared_ptr<PlayFeed> feed;
    std::shared_ptr<RecordPlan> plan;
};

}  // namespace

TEST_CASE("a take played through the console on playback gives every track back bit for bit at the post-trim tap, "
          "aligned across 20 tracks, and stops at its end", "[record][player]") {
    test::RtViolationScope trap;
    TempDir dir;
    const std::uint64_t length = 3 * 48000 + 17;  // not a multiple of the block
    const fs::path take = writeTake(dir.path, 20, length);
    // writeTake wrote whole blocks: the files are the block-rounded length
    const std::uint64_t fileLength = (length + 63) / 64 * 64;
    TakePlayer player;
    std::string error;
    PlayerConfig pc;
    pc.ringSeconds = 0.5;  // smaller than the take: the ring wraps many times
    REQUIRE(player.open(take, pc, error));
    CHECK(player.lengthFrames() == fileLength);
    REQUIRE(player.channels().size() == 20);
    CHECK(player.warnings().empty());
    const std::size_t capture = fileLength + 4800;
    Bench bench(player, 24, 20, capture);
    player.play();
    bench.render(capture);

    for (int t = 0; t < 20; ++t) {
        INFO("track " << t + 1);
        std::uint64_t wrong = 0, firstWrong = UINT64_MAX;
        for (std::uint64_t i = 0; i < capture; ++i) {
            const float want = i < fileLength ? signal(t, i) : 0.0f;
            if (bench.sink.data[static_cast<std::size_t>(t)][i] != want) {
                ++wrong;
                firstWrong = std::min(firstWrong, i);
            }
        }
        INFO("first wrong sample at " << firstWrong);
        CHECK(wrong == 0);
    }
    const auto st = player.status();
    CHECK_FALSE(st.playing);  // it reached the end
    CHECK(st.position == fileLength);
    CHECK(st.underrunFrames == 0);
    CHECK(st.framesPlayed == fileLength);
    CHECK(st.lowestRingFill > 0.0);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("tracks recorded pre- or post-fader are not played, with a warning naming them; main tracks are not "
          "channel tracks", "[record][player]") {
    TempDir dir;
    const fs::path take = writeTake(dir.path, 3, 4800, true);
    TakePlayer player;
    std::string error;
    REQUIRE(player.open(take, {}, error));
    CHECK(player.channels() == std::vector<int>{0, 1, 2});
    REQUIRE(player.warnings().size() == 1);
    CHECK(player.warnings()[0].find("'099 Pre.wav' (/ch/4)") != std::string::npos);
    CHECK(player.warnings()[0].find("prefader") != std::string::npos);
    TakePlayer none;
    CHECK_FALSE(none.open(dir.path / "no-such-take", {}, error));
    CHECK(error.find("not a take") != std::string::npos);
}

TEST_CASE("stop fades out in 10 ms, then hands silence and holds the position; play resumes there with a fade-in",
          "[record][player]") {
    test::RtViolationScope trap;
    TempDir dir;
    const fs::path take = writeTake(dir.path, 2, 48000 * 2);
    TakePlayer player;
    std::string error;
    REQUIRE(player.open(take, {}, error));
    Bench bench(player, 2, 1, 4 * 9600);
    const auto& out = bench.sink.data[0];
    player.play();
    bench.render(9600);
    CHECK(player.position() == 9600);
    player.stop();
    bench.render(9600);
    // 480 frames of fade-out (the tape runs on for them), then silence; the position holds.
    CHECK(player.position() == 9600 + 480);
    CHECK(out[9600] == signal(0, 9600));  // the fade starts at gain 1
    for (std::size_t i = 1; i < 480; ++i) {
        const float g = out[9600 + i] / signal(0, 9600 + i);
        REQUIRE(g >= 0.0f);
        REQUIRE(g < 1.0f);
        REQUIRE(g <= out[9600 + i - 1] / signal(0, 9600 + i - 1) + 1e-6f);  // never rising
    }
    for (std::size_t i = 9600 + 480; i < 2 * 9600; ++i) REQUIRE(out[i] == 0.0f);
    bench.render(9600);
    CHECK(player.position() == 9600 + 480);
    for (std::size_t i = 2 * 9600; i < 3 * 9600; ++i) REQUIRE(out[i] == 0.0f);
    CHECK(player.status().underrunFrames == 0);

    player.play();
    bench.render(9600);
    // Mid-take a start fades in over 480 frames; after it the tape plays on from where it held.
    CHECK(out[3 * 9600] == 0.0f);
    for (std::size_t i = 480; i < 9600; ++i) REQUIRE(out[3 * 9600 + i] == signal(0, 9600 + 480 + i));
    CHECK(player.position() == 9600 + 480 + 9600);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("locate while stopped jumps; while playing it fades out, jumps and fades in, then plays exactly from the "
          "new place", "[record][player]") {
    test::RtViolationScope trap;
    TempDir dir;
    const fs::path take = writeTake(dir.path, 2, 48000 * 4);
    TakePlayer player;
    std::string error;
    PlayerConfig pc;
    pc.ringSeconds = 0.5;
    REQUIRE(player.open(take, pc, error));
    Bench bench(player, 2, 2, 3 * 9600);
    const auto& out = bench.sink.data[0];

    player.locate(96000);
    CHECK(player.position() == 96000);  // reported at once
    bench.flushStopped();
    player.play();
    bench.render(9600);
    CHECK(player.position() == 96000 + 9600);
    CHECK(out[0] == 0.0f);  // a start mid-take fades in
    for (std::size_t i = 480; i < 9600; ++i) REQUIRE(out[i] == signal(0, 96000 + i));

    player.locate(24000);
    bench.render(9600, 64);  // block by block, each after the disk has read ahead (the renderer outruns it)
    // 480 frames fading out the old place, silence while the disk reads the new one, 480 frames fading in.
    for (std::size_t i = 0; i < 480; ++i) {
        const float g = out[9600 + i] / signal(0, 96000 + 9600 + i);
        REQUIRE(g >= 0.0f);
        REQUIRE(g <= 1.0f);
    }
    const std::uint64_t at = player.position();
    REQUIRE(at > 24000);
    REQUIRE(at <= 24000 + 9600 - 480);
    const std::uint64_t played = at - 24000;  // frames of the new place in this render
    const std::size_t newStart = 2 * 9600 - played;
    for (std::size_t i = 9600 + 480; i < newStart; ++i) REQUIRE(out[i] == 0.0f);
    for (std::size_t i = 0; i < played; ++i) {
        const float want = signal(0, 24000 + i);
        if (i < 480) {
            const float g = out[newStart + i] / want;
            REQUIRE(g >= 0.0f);
            REQUIRE(g <= 1.0f);
        } else {
            REQUIRE(out[newStart + i] == want);
            REQUIRE(bench.sink.data[1][newStart + i] == signal(1, 24000 + i));  // both tracks jumped together
        }
    }
    CHECK(player.status().underrunFrames == 0);  // waiting for the new place is not an underrun
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("a loop A..B wraps seamlessly and sample-exactly, many times, across the read-ahead ring", "[record][player]") {
    test::RtViolationScope trap;
    TempDir dir;
    const fs::path take = writeTake(dir.path, 17, 48000 * 2);
    TakePlayer player;
    std::string error;
    PlayerConfig pc;
    pc.ringSeconds = 0.25;
    REQUIRE(player.open(take, pc, error));
    const std::uint64_t a = 30001, b = 30001 + 4999;  // not block-aligned, shorter than the ring
    REQUIRE_FALSE(player.setLoop(std::make_pair(b, a)));
    REQUIRE_FALSE(player.setLoop(std::make_pair(a, player.lengthFrames() + 1)));
    REQUIRE(player.setLoop(std::make_pair(a, b)));
    player.locate(a);
    const std::size_t n = 48000;
    Bench bench(player, 17, 17, n);
    bench.flushStopped();
    player.play();
    bench.render(n);
    const std::uint64_t loopLength = b - a;
    for (int t = 0; t < 17; ++t) {
        INFO("track " << t + 1);
        std::uint64_t wrong = 0;
        for (std::size_t i = 480; i < n; ++i)
            wrong += bench.sink.data[static_cast<std::size_t>(t)][i] != signal(t, a + i % loopLength) ? 1 : 0;
        CHECK(wrong == 0);
    }
    CHECK(player.position() == a + n % loopLength);
    CHECK(player.status().looping);
    CHECK(player.status().underrunFrames == 0);
    // Loop off: the tape plays on past B to the end.
    REQUIRE(player.setLoop(std::nullopt));
    CHECK_FALSE(player.status().looping);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("a paused disk thread: the ring runs dry, the rest is silence, counted, the audio thread never blocks; "
          "afterwards the tracks play on together from where they stopped", "[record][player]") {
    test::RtViolationScope trap;
    TempDir dir;
    const fs::path take = writeTake(dir.path, 16, 48000 * 3);
    TakePlayer player;
    std::string error;
    PlayerConfig pc;
    pc.ringSeconds = 0.25;  // 12000 frames
    REQUIRE(player.open(take, pc, error));
    const std::size_t n = 24000;
    Bench bench(player, 16, 16, 2 * n);
    REQUIRE(player.waitPrimed(std::chrono::seconds(5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the ring fills up
    player.pauseDiskForTest(true);
    player.play();
    const auto t0 = std::chrono::steady_clock::now();
    bench.render(n, n, false);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(seconds < 0.4);  // 0.5 s of audio rendered faster than real time: read_rt never waited for the disk
    const auto st = player.status();
    const std::uint64_t had = st.position;  // what the ring held
    CHECK(had <= 12000);
    CHECK(had >= 12000 - 3001);  // the disk thread tops the ring up once a quarter of it is free
    CHECK(st.underrunFrames == n - had);
    CHECK(st.lowestRingFill == 0.0);
    for (int t = 0; t < 16; ++t)
        for (std::size_t i = 0; i < n; ++i)
            REQUIRE(bench.sink.data[static_cast<std::size_t>(t)][i] == (i < had ? signal(t, i) : 0.0f));

    player.pauseDiskForTest(false);
    bench.render(n);
    // The tape resumes where it ran dry (a hard restart: an underrun is a fault, counted, not a transport move),
    // every track at the same frame.
    for (int t = 0; t < 16; ++t)
        for (std::size_t i = 0; i < n; ++i)
            REQUIRE(bench.sink.data[static_cast<std::size_t>(t)][n + i] == signal(t, had + i));
    CHECK(player.status().underrunFrames == n - had);
    CHECK(trap.violations().total() == 0);
}
