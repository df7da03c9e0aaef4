// /play over OSC without sockets: only admin loads a take and drives the transport and the virtual-soundcheck
// switch, every role reads the status; a take is a folder name (no path); the global switch puts the take's
// channels on playback except recall-safe ones (a safe on the whole channel or on its input group), and going live
// is total.
#include <catch2/catch.hpp>

#include <filesystem>

#include "osc/PlayAddresses.h"
#include "osc/RecordAddresses.h"
#include "support/Desk.h"

using namespace foh;
using namespace foh::osc;

TEST_CASE("/play: admin loads a take and switches the virtual soundcheck, respecting recall safes; every role reads "
          "the status", "[osc][record][player]") {
    GraphConfig config;
    config.channels = 6;
    config.maxBlock = 64;
    test::Desk desk(config);
    scenes::SceneBook book(desk.engine);
    const auto root = std::filesystem::temp_directory_path() / ("foh-play-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);
    std::string take;
    {
        rec::TakeSession takes(desk.engine, book, root);
        REQUIRE(takes.start("Show").ok);
        (void)desk.render(std::vector<std::vector<float>>(6, std::vector<float>(9600, 0.25f)), 9600);
        REQUIRE(takes.stop().ok);
        take = takes.status().take;
    }
    rec::PlaybackSession session(desk.engine, book, root);
    PlayAddresses play(session);
    const auto send = [&](const std::string& a, std::vector<OscArg> args = {}, Role role = Role::admin()) {
        return play.handle({a, std::move(args)}, role);
    };
    const auto source = [&](int ch) { return desk.engine.get("/ch/" + std::to_string(ch) + "/source").value_or(-1.0f); };

    const Outcome empty = send("/play/status", {}, Role::readOnly());
    REQUIRE(empty.replies.size() == 1);
    CHECK(empty.replies[0].args.size() == 11);
    CHECK(empty.replies[0].args[0].text.empty());
    CHECK(send("/play/start").bad == BadKind::Refused);  // no take
    CHECK(send("/play/vsc", {OscArg::i(1)}).bad == BadKind::Refused);
    CHECK(send("/play/load", {OscArg::s(take)}, Role::readOnly()).bad == BadKind::Forbidden);
    CHECK(send("/play/load", {OscArg::s(take)}, Role::monitor(1)).bad == BadKind::Forbidden);
    for (const char* bad : {"..", ".", "../x", "a/b", "/tmp", "no such take"})
        CHECK(send("/play/load", {OscArg::s(bad)}).bad == BadKind::Refused);
    CHECK(send("/play/load", {OscArg::f(1)}).bad == BadKind::WrongType);
    CHECK(send("/play/fly").bad == BadKind::Unknown);
    CHECK_FALSE(play.changed());

    const Outcome loaded = send("/play/load", {OscArg::s(take)});
    REQUIRE(loaded.bad == BadKind::None);
    CHECK(play.changed());
    REQUIRE(loaded.replies.size() == 1);
    CHECK(loaded.replies[0].address == "/play/status");
    CHECK(loaded.replies[0].args[0].text == take);
    CHECK(loaded.replies[0].args[3].number == Approx(0.2).margin(0.01));  // 9600 frames at 48 kHz

    // Safes: ch/2 whole, ch/3's input group: both stay live; ch/4's EQ safe does not keep it off playback.
    book.setGlobalSafes({{"/ch/2", std::nullopt}, {"/ch/3", ParamGroup::Input}, {"/ch/4", ParamGroup::Eq}});
    CHECK(send("/play/vsc", {OscArg::i(1)}, Role::readOnly()).bad == BadKind::Forbidden);
    CHECK(send("/play/vsc", {OscArg::i(2)}).bad == BadKind::WrongType);
    const Outcome on = send("/play/vsc", {OscArg::i(1)});
    REQUIRE(on.bad == BadKind::None);
    CHECK(on.applied);
    CHECK(source(1) == 1.0f);
    CHECK(source(2) == 0.0f);
    CHECK(source(3) == 0.0f);
    CHECK(source(4) == 1.0f);
    CHECK(source(5) == 1.0f);
    CHECK(source(6) == 1.0f);
    const Outcome st = send("/play/status", {}, Role::monitor(1));
    CHECK(st.replies[0].args[8].number == 4);  // on playback
    CHECK(st.replies[0].args[9].number == 1);  // vsc on

    // A safe channel put on playback by hand, then the global switch off: every channel goes live.
    REQUIRE(desk.engine.set(*desk.queue, "/ch/2/source", 1.0f).ok);
    REQUIRE(send("/play/vsc", {OscArg::i(0)}).bad == BadKind::None);
    for (int ch = 1; ch <= 6; ++ch) CHECK(source(ch) == 0.0f);

    // The transport.
    CHECK(send("/play/locate", {OscArg::s("x")}).bad == BadKind::WrongType);
    CHECK(send("/play/locate", {OscArg::f(-1)}).bad == BadKind::Refused);
    CHECK(send("/play/locate", {OscArg::f(0.1f)}).bad == BadKind::None);
    CHECK(send("/play/status").replies[0].args[2].number == Approx(0.1).margin(1e-4));
    CHECK(send("/play/loop", {OscArg::f(0.15f), OscArg::f(0.05f)}).bad == BadKind::Refused);
    CHECK(send("/play/loop", {OscArg::f(0.05f), OscArg::f(5.0f)}).bad == BadKind::Refused);  // past the end
    CHECK(send("/play/loop", {OscArg::f(0.05f)}).bad == BadKind::WrongType);
    REQUIRE(send("/play/loop", {OscArg::f(0.05f), OscArg::f(0.15f)}).bad == BadKind::None);
    const Outcome looping = send("/play/status");
    CHECK(looping.replies[0].args[4].number == 1);
    CHECK(looping.replies[0].args[5].number == Approx(0.05).margin(1e-4));
    CHECK(looping.replies[0].args[6].number == Approx(0.15).margin(1e-4));
    REQUIRE(send("/play/loop", {OscArg::i(0)}).bad == BadKind::None);
    CHECK(send("/play/status").replies[0].args[4].number == 0);
    CHECK(send("/play/start", {}, Role::readOnly()).bad == BadKind::Forbidden);
    REQUIRE(send("/play/start").bad == BadKind::None);
    CHECK(send("/play/status").replies[0].args[1].number == 1);
    REQUIRE(send("/play/stop").bad == BadKind::None);
    CHECK(send("/play/status").replies[0].args[1].number == 0);
    std::filesystem::remove_all(root);
}
