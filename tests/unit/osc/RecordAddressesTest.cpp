// /rec over OSC without sockets: only admin starts and stops a take; every role reads the status; bad requests are
// answered with /error; a take folder appears with a file per channel and main L/R.
#include <catch2/catch.hpp>

#include <filesystem>

#include "osc/RecordAddresses.h"
#include "support/Desk.h"

using namespace foh;
using namespace foh::osc;

TEST_CASE("/rec: admin starts and stops a take, every role reads the status", "[osc][record]") {
    GraphConfig config;
    config.channels = 4;
    config.maxBlock = 64;
    test::Desk desk(config);
    scenes::SceneBook book(desk.engine);
    const auto root = std::filesystem::temp_directory_path() / ("foh-rec-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);
    rec::TakeSession takes(desk.engine, book, root);
    RecordAddresses rec(takes);
    const auto send = [&](const std::string& a, std::vector<OscArg> args = {}, Role role = Role::admin()) {
        return rec.handle({a, std::move(args)}, role);
    };
    CHECK(send("/rec/status").replies.at(0).args.at(0).text == "stopped");
    CHECK(send("/rec/start", {}, Role::readOnly()).bad == BadKind::Forbidden);
    CHECK(send("/rec/start", {}, Role::monitor(1)).bad == BadKind::Forbidden);
    CHECK(send("/rec/start", {OscArg::f(1)}).bad == BadKind::WrongType);
    CHECK(send("/rec/start", {OscArg::s("a/b")}).bad == BadKind::Refused);
    CHECK(send("/rec/fly").bad == BadKind::Unknown);
    CHECK_FALSE(rec.changed());
    REQUIRE(send("/rec/start", {OscArg::s("Test")}).bad == BadKind::None);
    CHECK(rec.changed());
    CHECK(send("/rec/start").bad == BadKind::Refused);  // one take at a time
    (void)desk.render(std::vector<std::vector<float>>(4, std::vector<float>(4800, 0.25f)), 4800);
    const Outcome st = send("/rec/status", {}, Role::readOnly());
    CHECK(st.replies.at(0).args.at(0).text == "recording");
    CHECK(st.replies.at(0).args.at(1).text.ends_with(" Test"));
    CHECK(send("/rec/stop", {}, Role::readOnly()).bad == BadKind::Forbidden);
    REQUIRE(send("/rec/stop").bad == BadKind::None);
    CHECK(send("/rec/stop").bad == BadKind::Refused);
    const auto take = root / send("/rec/status").replies.at(0).args.at(1).text;
    CHECK(std::filesystem::exists(take / "001 Ch 1.wav"));
    CHECK(std::filesystem::exists(take / "main R.wav"));
    CHECK(std::filesystem::exists(take / "take.json"));
    CHECK(std::filesystem::exists(take / "show-at-start.json"));
    CHECK(std::filesystem::file_size(take / "001 Ch 1.wav") > 4800 * 4);
    std::filesystem::remove_all(root);
}
