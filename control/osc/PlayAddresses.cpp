#include "osc/PlayAddresses.h"

#include <algorithm>
#include <cmath>

namespace foh::osc {

namespace {
bool isNumber(const OscArg& a) { return a.type == 'f' || a.type == 'i' || a.type == 'd' || a.type == 'h'; }
std::int32_t clampInt(std::uint64_t v) { return static_cast<std::int32_t>(std::min<std::uint64_t>(v, 0x7fffffff)); }
}  // namespace

OscMessage PlayAddresses::statusMessage() const {
    const rec::PlaybackSession::Status s = session_.status();
    return {"/play/status",
            {OscArg::s(s.take), OscArg::i(s.playing ? 1 : 0), OscArg::f(static_cast<float>(s.position)),
             OscArg::f(static_cast<float>(s.length)), OscArg::i(s.looping ? 1 : 0),
             OscArg::f(static_cast<float>(s.loopStart)), OscArg::f(static_cast<float>(s.loopEnd)),
             OscArg::i(clampInt(s.underruns)), OscArg::i(s.onPlayback), OscArg::i(s.vsc ? 1 : 0), OscArg::s(s.message)}};
}

Outcome PlayAddresses::handle(const OscMessage& m, const Role& role) {
    Outcome out;
    const auto fail = [&](BadKind kind, const std::string& reason) {
        out.bad = kind;
        out.replies.push_back(OscDispatcher::errorMessage(m.address, reason));
        return out;
    };
    const std::string& a = m.address;
    if (a == "/play/status") {
        if (!m.args.empty()) return fail(BadKind::WrongType, "takes no argument (a query)");
        out.replies.push_back(statusMessage());
        return out;
    }
    if (a != "/play/load" && a != "/play/start" && a != "/play/stop" && a != "/play/locate" && a != "/play/loop" &&
        a != "/play/vsc")
        return fail(BadKind::Unknown, "no such playback address");
    if (role.kind != Role::Kind::Admin)
        return fail(BadKind::Forbidden, "not permitted for role " + roleName(role) + " (playback needs admin)");
    scenes::Result r;
    if (a == "/play/load") {
        if (m.args.size() != 1 || m.args[0].type != 's') return fail(BadKind::WrongType, "expects s TAKE (a take folder name)");
        r = session_.load(m.args[0].text);
    } else if (a == "/play/start" || a == "/play/stop") {
        if (!m.args.empty()) return fail(BadKind::WrongType, "takes no argument");
        r = a == "/play/start" ? session_.start() : session_.stop();
    } else if (a == "/play/locate") {
        if (m.args.size() != 1 || !isNumber(m.args[0])) return fail(BadKind::WrongType, "expects f SECONDS");
        r = session_.locate(m.args[0].number);
    } else if (a == "/play/loop") {
        if (m.args.size() == 1 && isNumber(m.args[0]) && m.args[0].number == 0) r = session_.loopOff();
        else if (m.args.size() == 2 && isNumber(m.args[0]) && isNumber(m.args[1]))
            r = session_.loop(m.args[0].number, m.args[1].number);
        else return fail(BadKind::WrongType, "expects f A f B (seconds), or i 0 (loop off)");
    } else {  // /play/vsc
        bool on = false;
        if (m.args.size() == 1 && isNumber(m.args[0]) && (m.args[0].number == 0 || m.args[0].number == 1))
            on = m.args[0].number == 1;
        else if (m.args.size() == 1 && (m.args[0].type == 'T' || m.args[0].type == 'F'))
            on = m.args[0].type == 'T';
        else return fail(BadKind::WrongType, "expects i 0 (every channel live) or i 1 (the take's channels on playback)");
        r = session_.vsc(on);
        out.applied = true;  // /ch/N/source values changed: the server pushes them
    }
    if (!r.ok) return fail(BadKind::Refused, r.error);
    out.replies.push_back(statusMessage());
    return out;
}

}  // namespace foh::osc
