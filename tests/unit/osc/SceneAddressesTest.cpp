// The /scene, /history and /show addresses without sockets: store, list, recall, preview, fields, safes, history,
// undo; roles (only admin changes, every role queries); bad arguments answered with /error and changing nothing.
#include <catch2/catch.hpp>

#include "osc/SceneAddresses.h"

using namespace foh;
using namespace foh::osc;

namespace {
struct Fixture {
    Engine engine{GraphConfig{8, 48000.0, 64, 4, 2}};
    CommandQueue* queue = engine.openQueue("test");
    scenes::SceneBook book{engine};
    std::string saved;
    SceneAddresses scenes{book, [this](std::string& path) {
                              path = "/shows/tonight.json";
                              saved = path;
                              return scenes::Result{};
                          }};
    Outcome send(const std::string& address, std::vector<OscArg> args = {}, Role role = Role::admin()) {
        return scenes.handle({address, std::move(args)}, role, "osc test");
    }
    void set(const std::string& address, float v) { REQUIRE(engine.set(*queue, address, v).ok); }
};
const std::string& text(const Outcome& o, std::size_t i, std::size_t arg) { return o.replies.at(i).args.at(arg).text; }
}  // namespace

TEST_CASE("scenes over OSC: store, list, preview, recall, fields and undo", "[osc][scenes]") {
    Fixture f;
    CHECK(SceneAddresses::owns("/scene/list"));
    CHECK(SceneAddresses::owns("/history"));
    CHECK_FALSE(SceneAddresses::owns("/scenes"));
    f.set("/ch/1/fader", -10.0f);
    Outcome o = f.send("/scene/store", {OscArg::s("Intro")});
    REQUIRE(o.replies.size() == 1);
    CHECK(o.replies[0].address == "/scene/stored");
    CHECK(o.replies[0].args[0].number == 1);
    CHECK(f.scenes.changed());
    CHECK_FALSE(f.scenes.changed());
    f.set("/ch/1/fader", -20.0f);
    o = f.send("/scene/1/preview");
    REQUIRE(o.replies.size() == 2);
    CHECK(o.replies[0].address == "/scene/1/preview/change");
    CHECK(text(o, 0, 0) == "/ch/1/fader");
    CHECK(o.replies[0].args[1].number == -20.0);
    CHECK(o.replies[0].args[2].number == -10.0);
    CHECK(o.replies[1].address == "/scene/1/preview/end");
    CHECK(o.replies[1].args[0].number == 1);

    CHECK(f.send("/scene/1/recall", {OscArg::f(0)}).replies.empty());
    CHECK(f.scenes.changed());
    CHECK(f.engine.get("/ch/1/fader") == -10.0f);
    CHECK(f.scenes.currentMessage().args[0].number == 1);
    CHECK(f.scenes.currentMessage().args[1].text == "Intro");

    CHECK(f.send("/scene/1/fade", {OscArg::f(1500)}).replies.empty());
    o = f.send("/scene/1/fade");
    REQUIRE(o.replies.size() == 1);
    CHECK(o.replies[0].args[0].number == 1500.0);
    CHECK(f.send("/scene/1/notes", {OscArg::s("capo 2")}).replies.empty());
    CHECK(text(f.send("/scene/1/notes"), 0, 0) == "capo 2");
    CHECK(f.send("/scene/1/scope", {OscArg::s("objects=ch/1,ch/2;groups=eq")}).replies.empty());
    CHECK(text(f.send("/scene/1/scope"), 0, 0) == "objects=ch/1,ch/2;groups=eq");
    CHECK(f.send("/scene/safes", {OscArg::s("ch/3, eq ,ch/5:fader/pan")}).replies.empty());
    CHECK(text(f.send("/scene/safes"), 0, 0) == "ch/3,eq,ch/5:fader/pan");

    o = f.send("/scene/list");
    REQUIRE(o.replies.size() == 3);
    CHECK(o.replies[0].address == "/scene/1");
    CHECK(text(o, 0, 0) == "Intro");
    CHECK(o.replies[1].address == "/scene/count");
    CHECK(o.replies[2].address == "/scene/current");

    f.set("/ch/1/fader", -30.0f);
    REQUIRE(f.send("/scene/1/scope", {OscArg::s("")}).replies.empty());
    REQUIRE(f.send("/scene/1/recall", {OscArg::f(0)}).replies.empty());
    CHECK(f.engine.get("/ch/1/fader") == -10.0f);
    REQUIRE(f.send("/scene/undo").replies.empty());
    CHECK(f.engine.get("/ch/1/fader") == -30.0f);

    o = f.send("/history", {OscArg::i(3)});
    REQUIRE(o.replies.size() == 4);
    CHECK(o.replies[3].address == "/history/end");
    CHECK(o.replies[2].args[4].text == "undo recall by osc test");
    const int seq = static_cast<int>(o.replies[0].args[0].number);
    REQUIRE(f.send("/history/undo", {OscArg::i(seq)}).replies.empty());

    o = f.send("/show/save");
    REQUIRE(o.replies.size() == 1);
    CHECK(o.replies[0].address == "/show/saved");
    CHECK(f.saved == "/shows/tonight.json");
}

TEST_CASE("scenes over OSC: only admin changes; every role queries; bad requests change nothing", "[osc][scenes]") {
    Fixture f;
    REQUIRE(f.send("/scene/store", {OscArg::s("A")}).replies.size() == 1);
    (void)f.scenes.changed();
    for (const Role role : {Role::readOnly(), Role::monitor(2)}) {
        for (const auto& [address, args] : std::vector<std::pair<std::string, std::vector<OscArg>>>{
                 {"/scene/store", {}}, {"/scene/1/recall", {}}, {"/scene/1/name", {OscArg::s("B")}}, {"/scene/1/delete", {}},
                 {"/scene/undo", {}}, {"/scene/safes", {OscArg::s("eq")}}, {"/history/undo", {OscArg::i(1)}}, {"/show/save", {}}}) {
            INFO(address << " as " << roleName(role));
            const Outcome o = f.send(address, args, role);
            CHECK(o.bad == BadKind::Forbidden);
            REQUIRE(o.replies.size() == 1);
            CHECK(o.replies[0].address == "/error");
        }
        CHECK(f.send("/scene/list", {}, role).bad == BadKind::None);
        CHECK(f.send("/scene/1/preview", {}, role).bad == BadKind::None);
        CHECK(f.send("/scene/1/name", {}, role).bad == BadKind::None);
        CHECK(f.send("/history", {}, role).bad == BadKind::None);
    }
    CHECK_FALSE(f.scenes.changed());
    CHECK(f.book.scenes().size() == 1);
    CHECK(f.book.scenes()[0].name == "A");

    CHECK(f.send("/scene/2/recall").bad == BadKind::Refused);
    CHECK(f.send("/scene/0/recall").bad == BadKind::Unknown);
    CHECK(f.send("/scene/x/recall").bad == BadKind::Unknown);
    CHECK(f.send("/scene/1/fly").bad == BadKind::Unknown);
    CHECK(f.send("/scene/1/recall", {OscArg::s("soon")}).bad == BadKind::WrongType);
    CHECK(f.send("/scene/1/recall", {OscArg::f(-5)}).bad == BadKind::Refused);
    CHECK(f.send("/scene/1/fade", {OscArg::f(1e9f)}).bad == BadKind::Refused);
    CHECK(f.send("/scene/1/name", {OscArg::i(3)}).bad == BadKind::WrongType);
    CHECK(f.send("/scene/1/safes", {OscArg::s("ch/99")}).bad == BadKind::Refused);
    CHECK(f.send("/scene/1/scope", {OscArg::s("channels=1")}).bad == BadKind::Refused);
    CHECK(f.send("/scene/1/move", {OscArg::i(5)}).bad == BadKind::Refused);
    CHECK(f.send("/history", {OscArg::s("all")}).bad == BadKind::WrongType);
    CHECK(f.send("/history/undo", {OscArg::i(424242)}).bad == BadKind::Refused);
    CHECK_FALSE(f.scenes.changed());
    CHECK(f.book.scenes()[0].fadeMs == 0.0f);
    CHECK(f.book.scenes()[0].safes.empty());
}

TEST_CASE("names over OSC: /ch/N/name sets (admin) and is pushed; every role queries; new clients get them",
          "[osc][scenes]") {
    Fixture f;
    CHECK(SceneAddresses::owns("/ch/1/name"));
    CHECK(f.send("/ch/01/name", {OscArg::s("Kick In")}).replies.empty());
    const auto pushed = f.scenes.takeBroadcasts();
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0].address == "/ch/1/name");
    CHECK(pushed[0].args[0].text == "Kick In");
    CHECK(f.book.names().at("/ch/1") == "Kick In");
    REQUIRE(f.send("/bus/3/name", {OscArg::s("Wedge Vox")}).replies.empty());
    REQUIRE(f.send("/main/name", {OscArg::s("PA")}).replies.empty());
    const Outcome q = f.send("/ch/1/name", {}, Role::readOnly());
    REQUIRE(q.replies.size() == 1);
    CHECK(q.replies[0].args[0].text == "Kick In");
    CHECK(f.send("/ch/2/name").replies[0].args[0].text.empty());
    CHECK(f.scenes.nameMessages().size() == 3);

    CHECK(f.send("/ch/1/name", {OscArg::s("x")}, Role::monitor(3)).bad == BadKind::Forbidden);
    CHECK(f.send("/ch/1/name", {OscArg::s("a name far longer than thirty-two bytes")}).bad == BadKind::Refused);
    CHECK(f.send("/ch/1/name", {OscArg::s("tab\there")}).bad == BadKind::Refused);
    CHECK(f.send("/ch/1/name", {OscArg::f(1)}).bad == BadKind::WrongType);
    CHECK(f.send("/ch/99/name", {OscArg::s("ghost")}).bad != BadKind::None);
    CHECK(f.book.names().at("/ch/1") == "Kick In");
    REQUIRE(f.send("/ch/1/name", {OscArg::s("")}).replies.empty());  // removes it
    CHECK_FALSE(f.book.names().contains("/ch/1"));
}
