#include "osc/SceneAddresses.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

namespace foh::osc {
namespace {

bool isText(const OscArg& a) { return a.type == 's' || a.type == 'S'; }
bool isNumber(const OscArg& a) { return a.type == 'f' || a.type == 'i' || a.type == 'd' || a.type == 'h'; }

/// "/scene/12/recall" -> {12, "recall"}; nullopt when the second part is not a scene number.
std::optional<std::pair<int, std::string>> sceneAndField(const std::string& address) {
    std::string_view rest = std::string_view(address).substr(7);  // after "/scene/"
    const auto slash = rest.find('/');
    const std::string_view number = rest.substr(0, slash);
    int n = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    if (ec != std::errc() || end != number.data() + number.size() || number.empty() || n < 1) return std::nullopt;
    return std::pair{n, slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash + 1))};
}

std::string timeText(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

}  // namespace

bool SceneAddresses::owns(const std::string& address) {
    return address.starts_with("/scene/") || address == "/history" || address.starts_with("/history/") ||
           address == "/show/save" || (address.ends_with("/name") && address.size() > 5);
}

std::vector<OscMessage> SceneAddresses::nameMessages() const {
    std::vector<OscMessage> out;
    for (const auto& [object, name] : book_.names()) out.push_back({object + "/name", {OscArg::s(name)}});
    return out;
}

OscMessage SceneAddresses::currentMessage() const {
    const int c = book_.current();
    const std::string name = c >= 0 && c < static_cast<int>(book_.scenes().size()) ? book_.scenes()[static_cast<std::size_t>(c)].name : "";
    return {"/scene/current", {OscArg::i(c + 1), OscArg::s(name)}};
}

Outcome SceneAddresses::handle(const OscMessage& m, const Role& role, const std::string& origin) {
    Outcome out;
    const std::string& address = m.address;
    const auto fail = [&](BadKind kind, const std::string& reason) {
        out.bad = kind;
        out.replies.push_back(OscDispatcher::errorMessage(address, reason));
        return out;
    };
    const auto mayChange = [&] { return role.kind == Role::Kind::Admin; };
    const auto forbidden = [&] { return fail(BadKind::Forbidden, "not permitted for role " + roleName(role) + " (scenes need admin)"); };
    const auto done = [&](const scenes::Result& r) {
        if (!r.ok) return fail(BadKind::Refused, r.error);
        changed_ = true;
        return out;
    };

    if (address == "/scene/list") {
        const auto& scenes = book_.scenes();
        for (std::size_t i = 0; i < scenes.size(); ++i)
            out.replies.push_back({"/scene/" + std::to_string(i + 1),
                                   {OscArg::s(scenes[i].name), OscArg::f(scenes[i].fadeMs), OscArg::s(scenes[i].notes)}});
        out.replies.push_back({"/scene/count", {OscArg::i(static_cast<std::int32_t>(scenes.size()))}});
        out.replies.push_back(currentMessage());
        return out;
    }
    if (address == "/scene/current") {
        out.replies.push_back(currentMessage());
        return out;
    }
    if (address == "/scene/store") {
        if (!mayChange()) return forbidden();
        if (m.args.size() > 1 || (m.args.size() == 1 && !isText(m.args[0]))) return fail(BadKind::WrongType, "expects no argument or a name");
        std::string error;
        const auto at = book_.store(std::nullopt, m.args.empty() ? "" : m.args[0].text, error);
        if (!at) return fail(BadKind::Refused, error);
        changed_ = true;
        out.replies.push_back({"/scene/stored", {OscArg::i(*at + 1), OscArg::s(book_.scenes()[static_cast<std::size_t>(*at)].name)}});
        return out;
    }
    if (address == "/scene/undo") {
        if (!mayChange()) return forbidden();
        return done(book_.undoRecall(origin));
    }
    if (address == "/scene/safes") {
        if (m.args.empty()) {
            out.replies.push_back({address, {OscArg::s(scenes::formatRules(book_.safes()))}});
            return out;
        }
        if (!mayChange()) return forbidden();
        if (m.args.size() != 1 || !isText(m.args[0])) return fail(BadKind::WrongType, "expects one string of rules, e.g. \"ch/3,eq\"");
        std::string error;
        auto rules = scenes::parseRules(m.args[0].text, *book_.registry(), error);
        if (!rules) return fail(BadKind::Refused, error);
        book_.setGlobalSafes(std::move(*rules));
        changed_ = true;
        return out;
    }
    if (address == "/history") {
        std::size_t count = 20;
        if (!m.args.empty()) {
            if (m.args.size() != 1 || !isNumber(m.args[0]) || m.args[0].number < 1) return fail(BadKind::WrongType, "expects a count");
            count = static_cast<std::size_t>(std::min<double>(m.args[0].number, kMaxHistory));
        }
        const auto changes = book_.history(count);
        for (const ParamChange& c : changes)
            out.replies.push_back({"/history/change",
                                   {OscArg::i(static_cast<std::int32_t>(c.seq)), OscArg::s(c.address), OscArg::f(c.before),
                                    OscArg::f(c.after), OscArg::s(c.origin), OscArg::s(timeText(c.when))}});
        out.replies.push_back({"/history/end", {OscArg::i(static_cast<std::int32_t>(changes.size()))}});
        return out;
    }
    if (address == "/history/undo") {
        if (!mayChange()) return forbidden();
        if (m.args.size() != 1 || !isNumber(m.args[0]) || m.args[0].number < 1) return fail(BadKind::WrongType, "expects a change number");
        return done(book_.undoChange(static_cast<std::uint32_t>(m.args[0].number), origin));
    }
    if (address == "/show/save") {
        if (!mayChange()) return forbidden();
        std::string path;
        const scenes::Result r = save_ ? save_(path) : scenes::Result::fail("fohd runs without a show file (--show FILE)");
        if (!r.ok) return fail(BadKind::Refused, r.error);
        out.replies.push_back({"/show/saved", {OscArg::s(path)}});
        return out;
    }

    if (address.ends_with("/name") && !address.starts_with("/scene/")) {
        std::string object = address.substr(0, address.size() - 5);
        // "/ch/01" as X32 users type it: the registry's own form.
        if (const auto id = book_.registry()->find(object + "/mute"); id) object = ParamRegistry::objectAddress(book_.registry()->info(*id).target);
        else if (const auto fader = book_.registry()->find(object + "/fader"); fader)
            object = ParamRegistry::objectAddress(book_.registry()->info(*fader).target);
        const std::string canonical = object + "/name";
        if (m.args.empty()) {
            const auto it = book_.names().find(object);
            out.replies.push_back({canonical, {OscArg::s(it == book_.names().end() ? "" : it->second)}});
            return out;
        }
        if (!mayChange()) return forbidden();
        if (m.args.size() != 1 || !isText(m.args[0])) return fail(BadKind::WrongType, "expects one string (or none, to query)");
        const scenes::Result r = book_.setName(object, m.args[0].text);
        if (!r.ok) return fail(object.empty() ? BadKind::Unknown : BadKind::Refused, r.error);
        changed_ = true;
        broadcasts_.push_back({canonical, {OscArg::s(m.args[0].text)}});
        return out;
    }
    const auto target = sceneAndField(address);
    if (!target) return fail(BadKind::Unknown, "no such scene address");
    const int index = target->first - 1;
    const std::string& field = target->second;
    const std::string base = "/scene/" + std::to_string(target->first);
    static constexpr std::string_view kFields[] = {"preview", "recall", "store", "delete", "move", "name", "notes", "fade", "scope", "safes"};
    if (std::find(std::begin(kFields), std::end(kFields), field) == std::end(kFields))
        return fail(BadKind::Unknown, "no such scene address");
    if (index >= static_cast<int>(book_.scenes().size()) && field != "store")
        return fail(BadKind::Refused, "no scene " + std::to_string(index + 1) + " (the show has " +
                                          std::to_string(book_.scenes().size()) + ")");
    const auto scene = [&]() -> const scenes::Scene& { return book_.scenes()[static_cast<std::size_t>(index)]; };

    if (field == "preview") {
        const auto diff = book_.preview(index);
        for (std::size_t i = 0; i < diff.size() && i < kMaxPreview; ++i)
            out.replies.push_back({base + "/preview/change", {OscArg::s(diff[i].address), OscArg::f(diff[i].now), OscArg::f(diff[i].then)}});
        out.replies.push_back({base + "/preview/end", {OscArg::i(static_cast<std::int32_t>(diff.size()))}});
        return out;
    }
    // Text and number fields: a query without an argument.
    if (m.args.empty() && (field == "name" || field == "notes" || field == "fade" || field == "scope" || field == "safes")) {
        OscArg v = field == "name"    ? OscArg::s(scene().name)
                   : field == "notes" ? OscArg::s(scene().notes)
                   : field == "fade"  ? OscArg::f(scene().fadeMs)
                   : field == "scope" ? OscArg::s(scenes::formatScope(scene().scope))
                                      : OscArg::s(scenes::formatRules(scene().safes));
        out.replies.push_back({address, {std::move(v)}});
        return out;
    }
    if (!mayChange()) return forbidden();
    if (field == "recall") {
        std::optional<float> fade;
        if (!m.args.empty()) {
            if (m.args.size() != 1 || !isNumber(m.args[0]) || !std::isfinite(m.args[0].number))
                return fail(BadKind::WrongType, "expects no argument or a fade time in ms");
            fade = static_cast<float>(m.args[0].number);
        }
        return done(book_.recall(index, fade, origin));
    }
    if (field == "store") {
        if (m.args.size() > 1 || (m.args.size() == 1 && !isText(m.args[0]))) return fail(BadKind::WrongType, "expects no argument or a name");
        std::string error;
        const auto at = book_.store(index, m.args.empty() ? "" : m.args[0].text, error);
        if (!at) return fail(BadKind::Refused, error);
        changed_ = true;
        out.replies.push_back({"/scene/stored", {OscArg::i(*at + 1), OscArg::s(book_.scenes()[static_cast<std::size_t>(*at)].name)}});
        return out;
    }
    if (field == "delete") return m.args.empty() ? done(book_.remove(index)) : fail(BadKind::WrongType, "takes no argument");
    if (field == "move") {
        if (m.args.size() != 1 || !isNumber(m.args[0])) return fail(BadKind::WrongType, "expects the position to move to (1-based)");
        return done(book_.move(index, static_cast<int>(m.args[0].number) - 1));
    }
    if (m.args.size() != 1) return fail(BadKind::WrongType, "expects one value (or none, to query)");
    const OscArg& a = m.args[0];
    if (field == "fade") {
        if (!isNumber(a)) return fail(BadKind::WrongType, "expects a fade time in ms");
        return done(book_.setFade(index, static_cast<float>(a.number)));
    }
    if (!isText(a)) return fail(BadKind::WrongType, "expects a string");
    if (field == "name") return done(book_.rename(index, a.text));
    if (field == "notes") return done(book_.setNotes(index, a.text));
    std::string error;
    if (field == "scope") {
        auto scope = scenes::parseScope(a.text, *book_.registry(), error);
        return scope ? done(book_.setScope(index, std::move(*scope))) : fail(BadKind::Refused, error);
    }
    if (field == "safes") {
        auto rules = scenes::parseRules(a.text, *book_.registry(), error);
        return rules ? done(book_.setSafes(index, std::move(*rules))) : fail(BadKind::Refused, error);
    }
    return fail(BadKind::Unknown, "no such scene address");
}

}  // namespace foh::osc
