// The multitrack recorder (engine/record): bit-exact round trips in 24-bit and float, a 5 s disk stall at 64 tracks
// (no sample lost with a 12 s ring; with a 2 s ring the overrun is counted per track and written as silence at the
// right place, so the files stay aligned), the audio side under the real-time trap, the manifest, and the repair
// of files copied mid-recording (what a kill -9 leaves). Kill -9 and full-disk runs: tests/system/record_*.sh.
#include <catch2/catch.hpp>

#include <sndfile.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "record/HeaderPatch.h"
#include "record/Manifest.h"
#include "record/Recorder.h"
#include "record/Recover.h"
#include "record/TrackFile.h"
#include "rt/Realtime.h"
#include "support/RtTrap.h"
#include "support/TempDir.h"

using namespace foh::record;
namespace fs = std::filesystem;
using foh::test::TempDir;

namespace {

/// Track t's sample at frame n: k / 2^23 with k in [-2^23, 2^23), exactly representable in 24-bit, distinct per track.
float signal(int t, std::uint64_t n) {
    const std::uint64_t x = (n + 1) * (2 * static_cast<std::uint64_t>(t) + 1) * 2654435761ull + static_cast<std::uint64_t>(t) * 977;
    const auto k = static_cast<std::int64_t>((x ^ (x >> 17)) & 0xFFFFFF) - (1 << 23);
    return static_cast<float>(k) / 8388608.0f;
}

std::vector<TrackSpec> tracks(int n) {
    std::vector<TrackSpec> t;
    for (int i = 0; i < n; ++i) {
        char file[32];
        std::snprintf(file, sizeof file, "%02d Track %d.wav", i + 1, i + 1);
        t.push_back({file, "Track " + std::to_string(i + 1), "", ""});
    }
    return t;
}

/// The simulated audio thread: `frames` frames in blocks of 64 from timeline position `from`, in a RealtimeScope.
/// Returns the RT violations counted while it ran.
std::uint64_t feed(Recorder& rec, int nTracks, std::uint64_t from, std::uint64_t frames, bool realTime = false,
                   double rate = 48000.0) {
    constexpr int kBlock = 64;
    std::vector<std::vector<float>> buf(static_cast<std::size_t>(nTracks), std::vector<float>(kBlock));
    std::vector<const float*> ptrs(static_cast<std::size_t>(nTracks));
    for (int t = 0; t < nTracks; ++t) ptrs[static_cast<std::size_t>(t)] = buf[static_cast<std::size_t>(t)].data();
    foh::test::RtViolationScope violations;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t pos = from; pos < from + frames; pos += kBlock) {
        for (int t = 0; t < nTracks; ++t)
            for (int i = 0; i < kBlock; ++i) buf[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)] = signal(t, pos + static_cast<std::uint64_t>(i));
        {
            foh::rt::RealtimeScope rt;
            rec.write_rt(ptrs.data(), kBlock);
        }
        if (realTime)
            std::this_thread::sleep_until(t0 + std::chrono::duration<double>(static_cast<double>(pos + kBlock - from) / rate));
    }
    return violations.violations().total();
}

std::vector<float> readAll(const fs::path& path, SF_INFO& info) {
    info = {};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    REQUIRE(f != nullptr);
    std::vector<float> out(static_cast<std::size_t>(info.frames));
    REQUIRE(sf_readf_float(f, out.data(), info.frames) == info.frames);
    sf_close(f);
    return out;
}

/// Every track of `folder` has `frames` frames equal to the signal, except [gapFrom, gapTo) which is silence.
void checkTake(const fs::path& folder, int nTracks, std::uint64_t frames, std::uint64_t gapFrom = 0,
               std::uint64_t gapTo = 0) {
    const auto specs = tracks(nTracks);
    for (int t = 0; t < nTracks; ++t) {
        SF_INFO info;
        const auto data = readAll(folder / specs[static_cast<std::size_t>(t)].file, info);
        INFO("track " << t + 1);
        REQUIRE(static_cast<std::uint64_t>(info.frames) == frames);
        std::uint64_t bad = 0, firstBad = UINT64_MAX;
        for (std::uint64_t n = 0; n < frames; ++n) {
            const float want = (n >= gapFrom && n < gapTo) ? 0.0f : signal(t, n);
            if (data[n] != want) {
                ++bad;
                firstBad = std::min(firstBad, n);
            }
        }
        INFO("first wrong sample at frame " << firstBad);
        REQUIRE(bad == 0);
    }
}

}  // namespace

TEST_CASE("Recorder: 8 tracks round-trip bit-exactly in 24-bit and float, with a manifest and markers", "[record]") {
    const auto sample = GENERATE(TakeConfig::Sample::Pcm24, TakeConfig::Sample::Float);
    TempDir dir;
    TakeConfig cfg;
    cfg.folder = dir.path / "take";
    cfg.tracks = tracks(8);
    cfg.sample = sample;
    cfg.startSample = 123456789;
    Recorder rec;
    std::string error;
    REQUIRE(rec.start(cfg, error));
    REQUIRE(rec.recording());
    const std::uint64_t frames = 48000 * 2 + 64 * 7;
    REQUIRE(feed(rec, 8, 0, frames) == 0);
    rec.addMarker(48000, "Scene 2 'Verse'");
    rec.stop();
    CHECK_FALSE(rec.recording());
    const auto st = rec.status();
    CHECK(st.framesCaptured == frames);
    CHECK(st.framesWritten == frames);
    CHECK_FALSE(st.stoppedByError);
    for (auto o : st.overruns) CHECK(o == 0);
    checkTake(cfg.folder, 8, frames);

    // libsndfile sees a BWF WAV with our bext
    SF_INFO info{};
    SNDFILE* f = sf_open((cfg.folder / cfg.tracks[2].file).c_str(), SFM_READ, &info);
    REQUIRE(f != nullptr);
    {
        // Auto-downgraded: under 4 GiB the file is a plain RIFF/WAVE (libsndfile 1.2 still reports it as RF64 when
        // reading, because of the JUNK chunk it reserves for the ds64).
        std::ifstream in(cfg.folder / cfg.tracks[2].file, std::ios::binary);
        char magic[5] = {};
        in.read(magic, 4);
        CHECK(std::string(magic) == "RIFF");
    }
    CHECK((info.format & SF_FORMAT_SUBMASK) == (sample == TakeConfig::Sample::Float ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_24));
    SF_BROADCAST_INFO bext{};
    REQUIRE(sf_command(f, SFC_GET_BROADCAST_INFO, &bext, sizeof bext) == SF_TRUE);
    sf_close(f);
    CHECK(std::string(bext.description) == "Track 3");
    CHECK(std::string(bext.originator, 3) == "FOH");
    CHECK(bext.time_reference_low == 123456789u);

    std::string merr;
    const auto m = readManifest(cfg.folder, merr);
    REQUIRE(m.has_value());
    CHECK(m->state == "stopped");
    CHECK(m->framesWritten == frames);
    CHECK(m->sampleFormat == (sample == TakeConfig::Sample::Float ? "float" : "pcm24"));
    CHECK(m->startSample == 123456789u);
    REQUIRE(m->tracks.size() == 8);
    CHECK(m->tracks[0].file == "01 Track 1.wav");
    CHECK(m->tracks[0].name == "Track 1");
    REQUIRE(m->markers.size() == 1);
    CHECK(m->markers[0].frame == 48000);
    CHECK(m->markers[0].text == "Scene 2 'Verse'");
    CHECK_FALSE(fs::exists(cfg.folder / "take.json.reserve"));
}

TEST_CASE("Recorder: a null channel records silence; after stop write_rt does nothing", "[record]") {
    TempDir dir;
    TakeConfig cfg;
    cfg.folder = dir.path / "take";
    cfg.tracks = tracks(2);
    cfg.sample = TakeConfig::Sample::Float;
    Recorder rec;
    std::string error;
    REQUIRE(rec.start(cfg, error));
    std::vector<float> a(64, 0.5f);
    const float* ptrs[2] = {a.data(), nullptr};
    for (int i = 0; i < 10; ++i) rec.write_rt(ptrs, 64);
    rec.stop();
    rec.write_rt(ptrs, 64);
    CHECK(rec.status().framesCaptured == 640);
    SF_INFO info;
    const auto t2 = readAll(cfg.folder / cfg.tracks[1].file, info);
    REQUIRE(t2.size() == 640);
    for (float x : t2) REQUIRE(x == 0.0f);
    const auto t1 = readAll(cfg.folder / cfg.tracks[0].file, info);
    for (float x : t1) REQUIRE(x == 0.5f);
}

TEST_CASE("Recorder: a 5 s disk stall at 64 tracks loses nothing with a 12 s ring", "[record]") {
    TempDir dir;
    TakeConfig cfg;
    cfg.folder = dir.path / "take";
    cfg.tracks = tracks(64);
    cfg.sample = TakeConfig::Sample::Float;
    cfg.ringSeconds = 12.0;
    Recorder rec;
    std::string error;
    REQUIRE(rec.start(cfg, error));
    std::uint64_t pos = 0;
    REQUIRE(feed(rec, 64, pos, 48000, true) == 0);  // 1 s in real time
    pos += 48000;
    rec.pauseDiskForTest(true);
    const auto writtenAtPause = rec.status().framesWritten;
    REQUIRE(feed(rec, 64, pos, 5 * 48000) == 0);  // 5 s of audio while the disk thread is stalled
    pos += 5 * 48000;
    CHECK(rec.status().framesWritten == writtenAtPause);  // it really stalled
    rec.pauseDiskForTest(false);
    REQUIRE(feed(rec, 64, pos, 48000, true) == 0);
    pos += 48000;
    rec.stop();
    const auto st = rec.status();
    for (auto o : st.overruns) REQUIRE(o == 0);
    CHECK(st.worstRingFill >= 5.0 / 12.0);
    CHECK(st.framesWritten == pos);
    checkTake(cfg.folder, 64, pos);
}

TEST_CASE("Recorder: with a 2 s ring a 5 s stall is counted per track and written as silence in place", "[record]") {
    TempDir dir;
    TakeConfig cfg;
    cfg.folder = dir.path / "take";
    cfg.tracks = tracks(64);
    cfg.sample = TakeConfig::Sample::Pcm24;
    cfg.ringSeconds = 2.0;
    Recorder rec;
    std::string error;
    REQUIRE(rec.start(cfg, error));
    std::uint64_t pos = 0;
    REQUIRE(feed(rec, 64, pos, 48000) == 0);
    pos += 48000;
    // wait until the disk thread has written that second, so the ring is empty when the stall starts
    for (int i = 0; i < 500 && rec.status().framesWritten < pos; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(rec.status().framesWritten == pos);
    rec.pauseDiskForTest(true);
    REQUIRE(feed(rec, 64, pos, 5 * 48000) == 0);
    const std::uint64_t gapFrom = pos + 2 * 48000, gapTo = pos + 5 * 48000;  // the ring took 2 s, then dropped 3 s
    pos += 5 * 48000;
    auto st = rec.status();
    for (auto o : st.overruns) REQUIRE(o == gapTo - gapFrom);
    CHECK(st.worstRingFill == 1.0);
    rec.pauseDiskForTest(false);
    for (int i = 0; i < 500 && rec.status().framesWritten < gapFrom; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(feed(rec, 64, pos, 48000) == 0);
    pos += 48000;
    rec.stop();
    st = rec.status();
    CHECK(st.framesWritten == pos);
    for (auto o : st.overruns) CHECK(o == gapTo - gapFrom);
    checkTake(cfg.folder, 64, pos, gapFrom, gapTo);
    std::string merr;
    const auto m = readManifest(cfg.folder, merr);
    REQUIRE(m.has_value());
    REQUIRE(m->gaps.size() == 1);
    CHECK(m->gaps[0].frame == gapFrom);
    CHECK(m->gaps[0].frames == gapTo - gapFrom);
    CHECK(m->tracks[5].overrunSamples == gapTo - gapFrom);
}

TEST_CASE("Recorder: files copied mid-recording open, and recoverTake exposes everything written", "[record]") {
    const auto sample = GENERATE(TakeConfig::Sample::Pcm24, TakeConfig::Sample::Float);
    TempDir dir;
    TakeConfig cfg;
    cfg.folder = dir.path / "take";
    cfg.tracks = tracks(4);
    cfg.sample = sample;
    Recorder rec;
    std::string error;
    REQUIRE(rec.start(cfg, error));
    REQUIRE(feed(rec, 4, 0, 48000 * 2, true) == 0);
    // What a kill -9 leaves: the files as they are now, never closed (the copy is of the kernel's view).
    const fs::path copy = dir.path / "killed";
    fs::copy(cfg.folder, copy);
    const auto captured = rec.status().framesCaptured;
    rec.stop();
    std::uint64_t headerFrames = UINT64_MAX;
    for (const auto& t : cfg.tracks) {
        const auto n = sndfileFrames(copy / t.file);
        REQUIRE(n.has_value());  // opens before recover
        headerFrames = std::min(headerFrames, *n);
    }
    CHECK(headerFrames + 48000 >= captured);  // the headers alone are <= 1 s behind
    const RecoverResult r = recoverTake(copy);
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(r.frames >= headerFrames);
    CHECK(r.frames + 48000 / 2 >= captured);
    checkTake(copy, 4, r.frames);
    std::string merr;
    const auto m = readManifest(copy, merr);
    REQUIRE(m.has_value());
    CHECK(m->state == "recovered");
    CHECK(m->framesWritten == r.frames);
    // idempotent
    const RecoverResult again = recoverTake(copy);
    REQUIRE(again.ok);
    CHECK(again.frames == r.frames);
}

TEST_CASE("patchHeader: a stale header, a partial trailing frame, and unequal tracks", "[record]") {
    TempDir dir;
    const fs::path a = dir.path / "a.wav";
    TrackFile f;
    TrackFileOptions opt;
    std::string error;
    REQUIRE(f.open(a, opt, error));
    std::vector<float> x(1000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = signal(0, i);
    REQUIRE(f.write(x.data(), 500));
    f.updateHeader();
    REQUIRE(f.write(x.data() + 500, 500));
    const fs::path b = dir.path / "b.wav";
    fs::copy_file(a, b);  // never closed: header says 500
    f.close();
    CHECK(sndfileFrames(b) == std::optional<std::uint64_t>(500));
    fs::resize_file(b, fs::file_size(b) + 2);  // a partial 24-bit frame (ENOSPC mid-write)
    auto p = patchHeader(b);
    INFO(p.error);
    REQUIRE(p.ok);
    CHECK(p.framesBefore == 500);
    CHECK(p.frames == 1000);
    SF_INFO info;
    auto data = readAll(b, info);
    for (std::size_t i = 0; i < 1000; ++i) REQUIRE(data[i] == x[i]);
    p = patchHeader(b, 700);  // equalising: cut to 700
    REQUIRE(p.ok);
    CHECK(sndfileFrames(b) == std::optional<std::uint64_t>(700));
    // Not a WAV at all
    std::ofstream(dir.path / "c.wav") << "hello";
    CHECK_FALSE(patchHeader(dir.path / "c.wav").ok);
}

TEST_CASE("Recorder: start refuses a non-empty folder and no tracks, and says so", "[record]") {
    TempDir dir;
    TakeConfig cfg;
    cfg.folder = dir.path;
    std::ofstream(dir.path / "x") << "x";
    cfg.tracks = tracks(1);
    Recorder rec;
    std::string error;
    CHECK_FALSE(rec.start(cfg, error));
    CHECK(error.find("not empty") != std::string::npos);
    cfg.folder = dir.path / "t";
    cfg.tracks.clear();
    CHECK_FALSE(rec.start(cfg, error));
    CHECK(error == "no tracks armed");
    CHECK_FALSE(rec.recording());
}

TEST_CASE("take.json keeps each track's source and tap and the blocks it was recorded in; old manifests still read",
          "[record]") {
    Manifest m;
    m.id = "FOH-1";
    m.sampleRate = 48000.0;
    m.blockFrames = 64;
    m.maxBlock = 256;
    m.tracks = {{"001 Kick.wav", "Kick", 10, 0, "/ch/1", "posttrim"}, {"main L.wav", "Main L", 10, 0, "/main/l", ""},
                {"017 Vox.wav", "Vox", 10, 0, "/ch/17", "prefader"}};
    std::string error;
    const auto back = parseManifest(toJson(m), error);
    REQUIRE(back);
    CHECK(back->blockFrames == 64);
    CHECK(back->maxBlock == 256);
    REQUIRE(back->tracks.size() == 3);
    CHECK(back->tracks[2].source == "/ch/17");
    CHECK(back->tracks[2].tap == "prefader");
    CHECK(channelOf(back->tracks[0]) == 1);
    CHECK(channelOf(back->tracks[1]) == 0);
    CHECK(channelOf(back->tracks[2]) == 17);
    CHECK(channelOf(ManifestTrack{"x.wav", "x", 0, 0, "/ch/1x", ""}) == 0);
    CHECK(channelOf(ManifestTrack{"x.wav", "x", 0, 0, "/ch/", ""}) == 0);
    // A manifest written before these fields existed: defaults.
    const auto old = parseManifest(R"({"format":"foh-take","tracks":[{"file":"a.wav","name":"a","frames":5}]})", error);
    REQUIRE(old);
    CHECK(old->blockFrames == 0);
    CHECK(old->tracks.at(0).source.empty());
}
