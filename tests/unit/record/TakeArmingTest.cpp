// Arming (/ch/N/rec/arm, /main/rec/arm, /bus/N/rec/arm): the take's tracks are the armed set, in a fixed order,
// each said in take.json with its place in the console (channel number and tap, main side, bus number), with the
// host block and the graph's maxBlock; nothing armed starts nothing; arming changed during a take leaves the take
// alone; scenes never recall arming but the show keeps it. (take.json's own round trip: RecorderTest.)
#include <catch2/catch.hpp>

#include <sndfile.h>

#include <filesystem>
#include <fstream>

#include "rec/TakeSession.h"
#include "record/Manifest.h"
#include "scenes/SceneBook.h"
#include "scenes/ShowFile.h"
#include "support/Desk.h"

using namespace foh;
using foh::record::RecordSource;

namespace {

GraphConfig console() {
    GraphConfig c;
    c.channels = 4;
    c.buses = 3;
    c.fx = 1;
    c.maxBlock = 128;
    return c;
}

std::filesystem::path freshRoot(const std::string& what) {
    const auto root = std::filesystem::temp_directory_path() / ("foh-arming-" + what + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);
    return root;
}

sf_count_t framesIn(const std::filesystem::path& file) {
    SF_INFO info{};
    SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
    if (f == nullptr) return -1;
    sf_close(f);
    return info.frames;
}

}  // namespace

TEST_CASE("arming: by default every channel and main L/R are armed, buses are not", "[record][arming]") {
    test::Desk desk(console());
    const rec::ArmedTracks a = rec::armedTracks(desk.engine, {});
    REQUIRE(a.sources.size() == 6);
    REQUIRE(a.tracks.size() == 6);
    for (int c = 0; c < 4; ++c) {
        CHECK(a.sources[static_cast<std::size_t>(c)] == RecordSource{RecordSource::Kind::Channel, c});
        const record::TrackSpec& t = a.tracks[static_cast<std::size_t>(c)];
        CHECK(t.source == "/ch/" + std::to_string(c + 1));
        CHECK(t.tap == "posttrim");
    }
    CHECK(a.tracks[0].file == "001 Ch 1.wav");
    CHECK(a.sources[4] == RecordSource{RecordSource::Kind::MainLeft, 0});
    CHECK(a.sources[5] == RecordSource{RecordSource::Kind::MainRight, 0});
    CHECK((a.tracks[4].source == "/main/l" && a.tracks[4].tap.empty()));
    CHECK((a.tracks[5].source == "/main/r" && a.tracks[5].tap.empty()));
}

TEST_CASE("arming: the plan holds exactly the armed signals, with their taps, names and bus numbers", "[record][arming]") {
    test::Desk desk(console());
    desk.set("/ch/2/rec/arm", 0.0f);
    desk.set("/ch/3/direct/tap", 1.0f);  // pre-fader
    desk.set("/ch/4/direct/tap", 2.0f);  // post-fader
    desk.set("/main/rec/arm", 0.0f);
    desk.set("/bus/3/rec/arm", 1.0f);
    desk.set("/bus/1/rec/arm", 1.0f);
    const std::map<std::string, std::string> names{{"/ch/1", "Kick"}, {"/bus/3", "Wedge a/b"}};
    const rec::ArmedTracks a = rec::armedTracks(desk.engine, names);
    REQUIRE(a.sources.size() == 5);
    CHECK(a.sources[0] == RecordSource{RecordSource::Kind::Channel, 0});
    CHECK(a.sources[1] == RecordSource{RecordSource::Kind::Channel, 2});
    CHECK(a.sources[2] == RecordSource{RecordSource::Kind::Channel, 3});
    CHECK(a.sources[3] == RecordSource{RecordSource::Kind::Bus, 0});
    CHECK(a.sources[4] == RecordSource{RecordSource::Kind::Bus, 2});
    CHECK(a.tracks[0].file == "001 Kick.wav");
    CHECK(a.tracks[0].name == "Kick");
    CHECK((a.tracks[1].source == "/ch/3" && a.tracks[1].tap == "prefader"));
    CHECK((a.tracks[2].source == "/ch/4" && a.tracks[2].tap == "postfader"));
    CHECK(a.tracks[3].file == "bus 01.wav");
    CHECK(a.tracks[3].name == "Bus 1");
    CHECK((a.tracks[3].source == "/bus/1" && a.tracks[3].tap.empty()));
    CHECK(a.tracks[4].file == "bus 03 Wedge a_b.wav");  // no '/' in a file name
    CHECK(a.tracks[4].source == "/bus/3");
}

TEST_CASE("arming: nothing armed starts no take and says why", "[record][arming]") {
    test::Desk desk(console());
    scenes::SceneBook book(desk.engine);
    for (int c = 1; c <= 4; ++c) desk.set("/ch/" + std::to_string(c) + "/rec/arm", 0.0f);
    desk.set("/main/rec/arm", 0.0f);
    const auto root = freshRoot("none");
    rec::TakeSession takes(desk.engine, book, root);
    const scenes::Result r = takes.start("Empty");
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("nothing is armed") != std::string::npos);
    CHECK_FALSE(takes.status().recording);
    CHECK(takes.status().error == r.error);  // pushed to every client with the status
    CHECK((!std::filesystem::exists(root) || std::filesystem::is_empty(root)));
    desk.set("/bus/2/rec/arm", 1.0f);  // one bus is enough
    REQUIRE(takes.start("Bus").ok);
    CHECK(takes.status().error.empty());
    REQUIRE(takes.stop().ok);
    std::filesystem::remove_all(root);
}

TEST_CASE("arming: take.json says each track's source and tap, the block sizes; arming during a take changes nothing",
          "[record][arming]") {
    test::Desk desk(console());
    scenes::SceneBook book(desk.engine);
    desk.set("/ch/3/rec/arm", 0.0f);
    desk.set("/ch/4/direct/tap", 2.0f);
    desk.set("/bus/2/rec/arm", 1.0f);
    const std::vector<std::vector<float>> in(4, std::vector<float>(2048, 0.25f));
    (void)desk.render(in, 512);  // blocks of maxBlock (128): the host block the take will report
    const auto root = freshRoot("manifest");
    rec::TakeSession takes(desk.engine, book, root);
    REQUIRE(takes.start("Take").ok);
    // Locked while rolling: these apply to the next take only.
    desk.set("/ch/3/rec/arm", 1.0f);
    desk.set("/ch/1/rec/arm", 0.0f);
    desk.set("/bus/2/rec/arm", 0.0f);
    (void)desk.render(in, 2048);
    const auto take = root / takes.status().take;
    REQUIRE(takes.stop().ok);

    std::string error;
    const auto m = record::readManifest(take, error);
    INFO(error);
    REQUIRE(m.has_value());
    CHECK(m->sampleRate == 48000.0);
    CHECK(m->blockFrames == 128);
    CHECK(m->maxBlock == 128);
    REQUIRE(m->tracks.size() == 6);  // ch 1, 2, 4, main L, main R, bus 2
    CHECK((m->tracks[0].source == "/ch/1" && m->tracks[0].tap == "posttrim" && record::channelOf(m->tracks[0]) == 1));
    CHECK((m->tracks[1].source == "/ch/2" && m->tracks[1].tap == "posttrim"));
    CHECK((m->tracks[2].source == "/ch/4" && m->tracks[2].tap == "postfader" && record::channelOf(m->tracks[2]) == 4));
    CHECK(m->tracks[3].source == "/main/l");
    CHECK(m->tracks[4].source == "/main/r");
    CHECK((m->tracks[5].source == "/bus/2" && record::channelOf(m->tracks[5]) == 0));
    CHECK(m->tracks[5].file == "bus 02.wav");
    for (const auto& t : m->tracks) {
        CHECK(t.frames == 2048);
        CHECK(framesIn(take / t.file) == 2048);
    }
    CHECK_FALSE(std::filesystem::exists(take / "003 Ch 3.wav"));

    // The JSON itself, as another program reads it.
    std::ifstream f(take / "take.json");
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK(text.find("\"block_frames\": 128") != std::string::npos);
    CHECK(text.find("\"max_block\": 128") != std::string::npos);
    CHECK(text.find("\"tap\": \"postfader\"") != std::string::npos);
    CHECK(text.find("\"source\": \"/ch/4\"") != std::string::npos);

    // The next take takes the arming as it is now.
    REQUIRE(takes.start("Next").ok);
    const auto next = root / takes.status().take;
    REQUIRE(takes.stop().ok);
    const auto m2 = record::readManifest(next, error);
    REQUIRE(m2.has_value());
    REQUIRE(m2->tracks.size() == 5);  // ch 2, 3, 4, main L, main R
    CHECK(m2->tracks[0].source == "/ch/2");
    CHECK(m2->tracks[1].source == "/ch/3");
    std::filesystem::remove_all(root);
}

TEST_CASE("arming: a scene recall never touches it; the show file keeps it and restores it", "[record][arming][scenes]") {
    test::Desk desk(console());
    scenes::SceneBook book(desk.engine);
    const std::vector<std::vector<float>> in(4, std::vector<float>(256, 0.0f));
    std::string error;
    desk.set("/ch/1/fader", -10.0f);
    REQUIRE(book.store(std::nullopt, "A", error) == 0);
    CHECK_FALSE(book.scenes()[0].values.contains("/ch/1/rec/arm"));
    CHECK_FALSE(book.scenes()[0].values.contains("/main/rec/arm"));
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/rec/arm", 0.0f);
    desk.set("/bus/1/rec/arm", 1.0f);
    REQUIRE(book.recall(0, 0.0f, "test").ok);
    (void)desk.render(in, 256);
    CHECK(desk.engine.get("/ch/1/fader") == -10.0f);  // recalled
    CHECK(desk.engine.get("/ch/1/rec/arm") == 0.0f);   // not
    CHECK(desk.engine.get("/bus/1/rec/arm") == 1.0f);

    // The show file: the arming is in its state, and a console that opens it gets it back.
    const scenes::Show show = book.snapshot();
    CHECK(show.state.at("/ch/1/rec/arm") == 0.0f);
    CHECK(show.state.at("/bus/1/rec/arm") == 1.0f);
    CHECK(show.state.at("/main/rec/arm") == 1.0f);
    const std::string json = scenes::toJson(show);
    const scenes::LoadResult loaded = scenes::parseShow(json, "show.json");
    INFO(loaded.error);
    REQUIRE(loaded.show.has_value());
    test::Desk other(console());
    scenes::SceneBook otherBook(other.engine);
    otherBook.load(*loaded.show);
    (void)other.render(in, 256);
    CHECK(other.engine.get("/ch/1/rec/arm") == 0.0f);
    CHECK(other.engine.get("/bus/1/rec/arm") == 1.0f);
    CHECK(other.engine.get("/ch/2/rec/arm") == 1.0f);
}
