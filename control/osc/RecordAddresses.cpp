#include "osc/RecordAddresses.h"

namespace foh::osc {

OscMessage RecordAddresses::statusMessage() const {
    const rec::TakeSession::Status s = session_.status();
    const std::string state = s.recording ? "recording" : !s.error.empty() ? "error" : "stopped";
    return {"/rec/status",
            {OscArg::s(state), OscArg::s(s.take), OscArg::f(static_cast<float>(s.seconds)),
             OscArg::f(static_cast<float>(s.minutesLeft)), OscArg::i(static_cast<std::int32_t>(std::min<std::uint64_t>(s.overruns, 0x7fffffff))),
             OscArg::s(!s.error.empty() ? s.error : s.warning)}};
}

Outcome RecordAddresses::handle(const OscMessage& m, const Role& role) {
    Outcome out;
    const auto fail = [&](BadKind kind, const std::string& reason) {
        out.bad = kind;
        out.replies.push_back(OscDispatcher::errorMessage(m.address, reason));
        return out;
    };
    if (m.address == "/rec/status") {
        out.replies.push_back(statusMessage());
        return out;
    }
    if (m.address != "/rec/start" && m.address != "/rec/stop") return fail(BadKind::Unknown, "no such recorder address");
    if (role.kind != Role::Kind::Admin) return fail(BadKind::Forbidden, "not permitted for role " + roleName(role) + " (recording needs admin)");
    if (m.address == "/rec/start") {
        if (m.args.size() > 1 || (m.args.size() == 1 && m.args[0].type != 's')) return fail(BadKind::WrongType, "expects no argument or a label");
        const scenes::Result r = session_.start(m.args.empty() ? "" : m.args[0].text);
        if (!r.ok) return fail(BadKind::Refused, r.error);
        return out;
    }
    if (!m.args.empty()) return fail(BadKind::WrongType, "takes no argument");
    const scenes::Result r = session_.stop();
    if (!r.ok) return fail(BadKind::Refused, r.error);
    return out;
}

}  // namespace foh::osc
