// The offline render of a take (engine/offline/Render.h) against the live path it must reproduce: an Engine driven
// "live" (inputs through the trim, moves made by hand, over a scene lane and by a recall with a crossfade) records
// its post-trim taps and main L/R with the real Recorder and logs its changes with the real AutomationCollector, as
// fohd's TakeSession does; the render of that take folder must give main L/R sample for sample. Under the RT trap.
#include <catch2/catch.hpp>

#include <sndfile.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/Engine.h"
#include "offline/Render.h"
#include "record/AutomationLog.h"
#include "record/Manifest.h"
#include "record/RecordPlan.h"
#include "record/Recorder.h"
#include "scenes/SceneBook.h"
#include "scenes/ShowFile.h"
#include "support/RtTrap.h"
#include "support/TempDir.h"

namespace fs = std::filesystem;
using namespace foh;
using foh::test::TempDir;

namespace {

constexpr int kChannels = 6;
constexpr int kBlock = 64;
constexpr double kRate = 48000.0;
constexpr std::size_t kFrames = 4 * 48000;  // 4 s take
constexpr std::size_t kLead = 2 * 48000;    // the console runs this long before the take

/// Bursts of noise under a slow envelope, different per channel: gates open and close, compressors work.
std::vector<float> programme(std::size_t n, unsigned seed, float level) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        const float white = static_cast<float>(seed >> 8) / 8388608.0f - 1.0f;
        const double t = static_cast<double>(i) / kRate;
        const double env = std::fmod(t * (1.3 + 0.2 * (seed % 3 == 0)), 1.0) < 0.6 ? 1.0 : 0.02;
        v[i] = level * static_cast<float>(env) * (0.7f * white + 0.3f * static_cast<float>(std::sin(2 * M_PI * 110.0 * t)));
    }
    return v;
}

void set(Engine& e, CommandQueue& q, const std::string& address, float value, const SetOptions& o = {}) {
    const Checked c = e.set(q, address, value, o);
    INFO(address << ": " << c.error);
    REQUIRE(c.ok);
}

/// Every stage of the strip that a show would use, with a trim that is not 0 dB (a double trim would show).
void showState(Engine& e, CommandQueue& q) {
    for (int c = 1; c <= kChannels; ++c) {
        const std::string ch = "/ch/" + std::to_string(c);
        set(e, q, ch + "/trim", 3.0f + 2.5f * static_cast<float>(c));
        set(e, q, ch + "/hpf/on", 1.0f);
        set(e, q, ch + "/hpf/freq", 60.0f + 10.0f * static_cast<float>(c));
        set(e, q, ch + "/eq/on", 1.0f);
        for (int b = 1; b <= 4; ++b) set(e, q, ch + "/eq/" + std::to_string(b) + "/gain", b % 2 ? 3.0f : -4.0f);
        set(e, q, ch + "/gate/on", 1.0f);
        set(e, q, ch + "/gate/threshold", -30.0f);
        set(e, q, ch + "/comp/on", 1.0f);
        set(e, q, ch + "/comp/threshold", -18.0f);
        set(e, q, ch + "/comp/ratio", 4.0f);
        set(e, q, ch + "/pan", -60.0f + 24.0f * static_cast<float>(c - 1));
        set(e, q, ch + "/fader", -6.0f - static_cast<float>(c));
    }
    set(e, q, "/ch/5/link", 1.0f);  // 5-6 a stereo pair: the log holds the partner's mirrored moves
    set(e, q, "/main/eq/on", 1.0f);
    set(e, q, "/main/eq/2/gain", 2.0f);
    set(e, q, "/main/comp/on", 1.0f);
    set(e, q, "/main/comp/threshold", -20.0f);
    set(e, q, "/main/mb/on", 1.0f);
    set(e, q, "/main/limit/on", 1.0f);
    set(e, q, "/main/limit/ceiling", -3.0f);
}

struct RecorderSink final : record::RecordSink {
    record::Recorder* recorder = nullptr;
    void write_rt(const float* const* tracks, int frames) noexcept override { recorder->write_rt(tracks, frames); }
};

struct LiveTake {
    fs::path folder;
    std::vector<float> left, right;  ///< what the live main output gave, straight from process_rt
};

/// Runs a console "live" as fohd would (show loaded, idle in silence, then a take with moves during it) and leaves
/// a take folder as TakeSession does: tracks at the post-trim tap, main L/R, take.json, show-at-start.json,
/// automation.jsonl. `atRest` false starts the take in the middle of the programme (filters and envelopes busy).
LiveTake recordLive(const fs::path& folder, bool atRest = true) {
    GraphConfig config;
    config.channels = kChannels;
    config.maxBlock = kBlock;
    config.sampleRate = kRate;
    Engine engine(config);
    scenes::SceneBook book(engine);
    CommandQueue* q = engine.openQueue("osc 127.0.0.1:9000 (admin)");
    REQUIRE(q != nullptr);
    showState(engine, *q);

    std::vector<std::vector<float>> in;
    for (int c = 0; c < kChannels; ++c) in.push_back(programme(kFrames + kLead, 11u + static_cast<unsigned>(c), 0.3f));
    std::vector<const float*> inPtr(kChannels);
    std::vector<float> l(kBlock), r(kBlock);
    float* out[2] = {l.data(), r.data()};
    std::vector<float> silence(kBlock, 0.0f);
    const auto block = [&](std::size_t at, bool silent) {
        for (int c = 0; c < kChannels; ++c) inPtr[static_cast<std::size_t>(c)] = silent ? silence.data() : in[static_cast<std::size_t>(c)].data() + at;
        engine.process_rt(inPtr.data(), kChannels, out, 2, kBlock);
        book.poll();
    };
    // A scene B to recall during the take: other faders, EQ and compressor settings, pans.
    for (int i = 0; i < 300; ++i) block(0, true);
    engine.housekeeping();
    std::string error;
    REQUIRE(book.store(std::nullopt, "A", error).has_value());
    set(engine, *q, "/ch/1/fader", -20.0f);
    set(engine, *q, "/ch/2/eq/3/gain", 9.0f);
    set(engine, *q, "/ch/3/comp/threshold", -30.0f);
    set(engine, *q, "/ch/4/pan", 80.0f);
    set(engine, *q, "/main/fader", -4.0f);
    REQUIRE(book.store(std::nullopt, "B", error).has_value());
    REQUIRE(book.recall(0, 0.0f, "test").ok);
    // The console idles (silent inputs) before the take, or plays the programme right up to it.
    const std::size_t offset = atRest ? 0 : kLead;  // where in the programme the take starts
    for (std::size_t i = 0; i < kLead; i += kBlock) block(i, atRest);
    engine.housekeeping();

    const std::string show = scenes::toJson(book.snapshot());
    record::TakeConfig take;
    take.folder = folder;
    take.sampleRate = kRate;
    take.sample = record::TakeConfig::Sample::Float;
    take.blockFrames = engine.hostBlockFrames();
    take.maxBlock = config.maxBlock;
    auto plan = std::make_shared<record::RecordPlan>();
    for (int c = 0; c < kChannels; ++c) {
        take.tracks.push_back({"0" + std::to_string(c + 1) + " Ch.wav", "Ch", "/ch/" + std::to_string(c + 1), "posttrim"});
        plan->sources.push_back({record::RecordSource::Kind::Channel, c});
    }
    take.tracks.push_back({"main L.wav", "Main L", "/main/l", ""});
    plan->sources.push_back({record::RecordSource::Kind::MainLeft, 0});
    take.tracks.push_back({"main R.wav", "Main R", "/main/r", ""});
    plan->sources.push_back({record::RecordSource::Kind::MainRight, 0});
    record::Recorder recorder;
    REQUIRE(recorder.start(take, error));
    std::ofstream(folder / "show-at-start.json") << show;
    RecorderSink sink;
    sink.recorder = &recorder;
    plan->sink = &sink;
    plan->finish();
    const std::uint32_t seq = engine.lastSeq();
    const std::uint64_t start = engine.startRecording(plan);
    record::AutomationCollector collector(start, seq);
    std::ofstream log(folder / "automation.jsonl");
    const auto collect = [&] {
        engine.housekeeping();
        for (const auto& e : collector.collect(engine)) log << record::formatAutomationLine(e) << '\n';
    };

    LiveTake live;
    live.folder = folder;
    {
        test::RtViolationScope trap;
        for (std::size_t at = 0, b = 0; at < kFrames; at += kBlock, ++b) {
            if (b == 150) set(engine, *q, "/ch/1/fader", -2.0f);                       // a hand on a fader
            if (b == 200) set(engine, *q, "/ch/5/fader", -12.0f);                      // ... on a linked pair
            if (b == 300) set(engine, *q, "/ch/3/eq/2/gain", 8.0f, SetOptions{400.0f, "osc", true});  // a glide
            if (b == 500) REQUIRE(book.recall(1, 1500.0f, "test").ok);                 // scene B, 1.5 s crossfade
            if (b == 900) set(engine, *q, "/ch/4/fader", 0.0f);                        // a hand during the fade
            if (b == 1700) set(engine, *q, "/ch/2/mute", 1.0f);
            block(offset + at, false);
            live.left.insert(live.left.end(), l.begin(), l.end());
            live.right.insert(live.right.end(), r.begin(), r.end());
            if (b % 8 == 0) collect();
        }
        CHECK(trap.violations().total() == 0);
    }
    (void)engine.stopRecording();
    collect();
    recorder.stop();
    return live;
}

std::vector<float> readMono(const fs::path& path) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    REQUIRE(f != nullptr);
    REQUIRE(info.channels == 1);
    std::vector<float> v(static_cast<std::size_t>(info.frames));
    REQUIRE(sf_readf_float(f, v.data(), info.frames) == info.frames);
    sf_close(f);
    return v;
}

offline::RenderResult render(const fs::path& take, const fs::path& output = {}) {
    offline::RenderOptions o;
    o.show = take / "show-at-start.json";
    o.take = take;
    o.output = output;
    o.keepAudio = true;
    test::RtViolationScope trap;
    offline::RenderResult r = offline::renderTake(o);
    CHECK(trap.violations().total() == 0);
    return r;
}

std::size_t firstDifference(const std::vector<float>& a, const std::vector<float>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return i;
    return a.size() == b.size() ? a.size() : n;
}

std::string readText(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void copyTake(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(from)) fs::copy_file(e.path(), to / e.path().filename());
}

}  // namespace

TEST_CASE("render = live: a take recorded on a console at rest renders to the live main output bit for bit",
          "[render]") {
    TempDir dir;
    const LiveTake live = recordLive(dir.path / "take");
    REQUIRE(live.left.size() == kFrames);

    // The log holds what the live side did: the hand moves, the glide, the mirrored partner, the recall's changes.
    const std::string log = readText(live.folder / "automation.jsonl");
    CHECK(log.find("\"/ch/6/fader\"") != std::string::npos);        // mirrored from /ch/5
    CHECK(log.find("\"fade_ms\":1500") != std::string::npos);       // the crossfade
    CHECK(log.find("\"fade_ms\":400") != std::string::npos);        // the glide
    // The main recorded in the take is what process_rt gave (the recorder is not the thing under test here).
    REQUIRE(readMono(live.folder / "main L.wav") == live.left);
    REQUIRE(readMono(live.folder / "main R.wav") == live.right);

    const offline::RenderResult r = render(live.folder, dir.path / "mix.wav");
    CHECK(r.frames == kFrames);
    CHECK(r.blockFrames == kBlock);
    CHECK(r.tracksPlayed == kChannels);
    CHECK(r.eventsMoved == 0);
    CHECK(r.eventsApplied >= 11);  // 1 + 2 (pair) + 1 (glide) + 5 (recall) + 1 + 1
    CHECK(r.warnings.empty());
    CHECK(r.latencyFrames > 0);  // the limiter's lookahead: kept, as live had it
    INFO("first difference L at " << firstDifference(r.left, live.left) << ", R at " << firstDifference(r.right, live.right));
    CHECK(r.left == live.left);
    CHECK(r.right == live.right);

    // Not silence, and the moves are in it: the main's level changes over the take.
    double peak = 0.0;
    for (float x : r.left) peak = std::max(peak, static_cast<double>(std::fabs(x)));
    CHECK(peak > 0.05);

    // The written file: stereo float, the same samples.
    SF_INFO info{};
    SNDFILE* f = sf_open((dir.path / "mix.wav").c_str(), SFM_READ, &info);
    REQUIRE(f != nullptr);
    CHECK(info.channels == 2);
    CHECK((info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT);
    std::vector<float> inter(static_cast<std::size_t>(info.frames) * 2);
    REQUIRE(sf_readf_float(f, inter.data(), info.frames) == info.frames);
    sf_close(f);
    REQUIRE(info.frames == static_cast<sf_count_t>(kFrames));
    std::size_t same = 0;
    for (std::size_t i = 0; i < kFrames; ++i) same += inter[2 * i] == live.left[i] && inter[2 * i + 1] == live.right[i];
    CHECK(same == kFrames);
}

TEST_CASE("render: a played channel is not trimmed again, and the trim in the log changes nothing", "[render]") {
    TempDir dir;
    const LiveTake live = recordLive(dir.path / "take");
    // A trim move in the log: live it would have changed the post-trim track (already in the file); a render must
    // not apply it on top. The render stays equal to live.
    {
        std::ofstream log(live.folder / "automation.jsonl", std::ios::app);
        log << R"({"frame":64000,"address":"/ch/1/trim","value":-12.0,"fade_ms":0,"origin":"hand edit"})" << '\n';
    }
    const offline::RenderResult r = render(live.folder);
    CHECK(r.left == live.left);
    CHECK(r.right == live.right);
}

TEST_CASE("render: an edited log changes the output from the moved event on, at the start of its block", "[render]") {
    TempDir dir;
    const LiveTake live = recordLive(dir.path / "take");
    const std::string log = readText(live.folder / "automation.jsonl");
    const std::string original = R"({"frame":9600,"address":"/ch/1/fader","value":-2.0)";  // block 150
    REQUIRE(log.find(original) != std::string::npos);

    const auto edited = [&](const fs::path& to, const std::string& frame) {
        copyTake(live.folder, to);
        std::string text = log;
        text.replace(text.find(original), original.size(),
                     R"({"frame":)" + frame + R"(,"address":"/ch/1/fader","value":-2.0)");
        std::ofstream(to / "automation.jsonl", std::ios::trunc) << text;
    };
    // Moved 40 blocks later, once onto a block start and once 17 frames into that block (a hand edit).
    const std::size_t moved = 9600 + 40 * kBlock;
    edited(dir.path / "aligned", std::to_string(moved));
    edited(dir.path / "inside", std::to_string(moved + 17));
    const offline::RenderResult aligned = render(dir.path / "aligned");
    const offline::RenderResult inside = render(dir.path / "inside");

    // Up to the original move the mix is live's; from there on channel 1 stays louder until the moved event.
    CHECK(firstDifference(aligned.left, live.left) >= 9600);
    CHECK(firstDifference(aligned.left, live.left) < 9600 + static_cast<std::size_t>(aligned.latencyFrames) + kBlock);
    CHECK(firstDifference(aligned.right, live.right) >= 9600);
    // An event inside a block takes effect at that block's start: the same samples as the aligned edit.
    CHECK(inside.eventsMoved == 1);
    CHECK(aligned.eventsMoved == 0);
    CHECK(inside.left == aligned.left);
    CHECK(inside.right == aligned.right);
    bool warned = false;
    for (const auto& w : inside.warnings) warned = warned || w.find("not at a block start") != std::string::npos;
    CHECK(warned);
}

TEST_CASE("render: missing files fail clearly; a short track and bad log lines are warnings", "[render]") {
    TempDir dir;
    const LiveTake live = recordLive(dir.path / "take");

    SECTION("no take folder") {
        offline::RenderOptions o;
        o.show = live.folder / "show-at-start.json";
        o.take = dir.path / "nowhere";
        CHECK_THROWS_WITH(offline::renderTake(o), Catch::Contains("not a folder"));
    }
    SECTION("no show file") {
        offline::RenderOptions o;
        o.show = dir.path / "none.json";
        o.take = live.folder;
        CHECK_THROWS_WITH(offline::renderTake(o), Catch::Contains("none.json: cannot open"));
    }
    SECTION("a track file missing") {
        fs::remove(live.folder / "03 Ch.wav");
        CHECK_THROWS_WITH(render(live.folder), Catch::Contains("03 Ch.wav: cannot open"));
    }
    SECTION("a short track is padded with silence, with a warning") {
        const std::vector<float> full = readMono(live.folder / "02 Ch.wav");
        SF_INFO info{};
        info.samplerate = 48000;
        info.channels = 1;
        info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
        SNDFILE* f = sf_open((live.folder / "02 Ch.wav").c_str(), SFM_WRITE, &info);
        REQUIRE(f != nullptr);
        REQUIRE(sf_writef_float(f, full.data(), 96000) == 96000);
        sf_close(f);
        const offline::RenderResult r = render(live.folder);
        CHECK(r.frames == kFrames);
        REQUIRE(r.warnings.size() == 1);
        CHECK_THAT(r.warnings[0], Catch::Contains("02 Ch.wav") && Catch::Contains("padded with silence"));
        CHECK(firstDifference(r.left, live.left) >= 96000);  // the same up to where the track ends
        CHECK(r.left != live.left);
    }
    SECTION("unknown addresses and broken lines in the log are skipped with a warning") {
        {
            std::ofstream log(live.folder / "automation.jsonl", std::ios::app);
            log << R"({"frame":640,"address":"/ch/99/fader","value":0,"fade_ms":0,"origin":"x"})" << '\n';
            log << R"({"frame":640,"address":"/ch/1/nonsense","value":0,"fade_ms":0,"origin":"x"})" << '\n';
            log << "{not json\n";
        }
        const offline::RenderResult r = render(live.folder);
        CHECK(r.warnings.size() == 3);
        CHECK(r.left == live.left);
        CHECK(r.right == live.right);
    }
}

TEST_CASE("render: a take started mid-signal is off only while the pre-take state dies away", "[render]") {
    // The take holds no DSP state from before its first frame (filter memories, envelopes, the limiter's
    // lookahead): a render starts them at rest. Measured here and stated in docs/RECORDING.md.
    TempDir dir;
    const LiveTake live = recordLive(dir.path / "take", false);
    const offline::RenderResult r = render(live.folder);
    REQUIRE(r.left.size() == live.left.size());
    // Worst difference in dB re the programme's peak, per stretch of the take.
    const std::size_t edges[] = {0, 4800, 48000, 96000, 144000, kFrames};
    double peak = 0.0, worst = 0.0;
    for (float x : live.left) peak = std::max(peak, static_cast<double>(std::fabs(x)));
    std::ostringstream report;
    for (std::size_t k = 0; k + 1 < std::size(edges); ++k) {
        double w = 0.0;
        for (std::size_t i = edges[k]; i < edges[k + 1]; ++i)
            w = std::max({w, static_cast<double>(std::fabs(r.left[i] - live.left[i])),
                          static_cast<double>(std::fabs(r.right[i] - live.right[i]))});
        worst = std::max(worst, w);
        report << "  " << static_cast<double>(edges[k]) / 48.0 << "-" << static_cast<double>(edges[k + 1]) / 48.0
               << " ms: " << (w > 0.0 ? 20.0 * std::log10(w / peak) : -999.0) << " dB\n";
    }
    WARN("mid-signal take, render - live, worst per stretch re peak:\n" << report.str());
    CHECK(worst > 0.0);  // it is not the same: the state before the take is missing
}
