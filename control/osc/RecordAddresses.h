#pragma once
// The /rec addresses over a TakeSession (docs/OSC.md "Recording"): like SceneAddresses, no sockets.
//
//   /rec/start [s LABEL]   starts a take (admin)
//   /rec/stop              stops it (admin)
//   /rec/status            answered /rec/status s state s take f seconds f minutes_left i overruns s message
//                          (state: recording | stopped | error); pushed to every client when it changes

#include "osc/OscDispatcher.h"
#include "rec/TakeSession.h"

namespace foh::osc {

class RecordAddresses {
public:
    explicit RecordAddresses(rec::TakeSession& session) : session_(session) {}
    [[nodiscard]] static bool owns(const std::string& address) { return address.starts_with("/rec/"); }
    [[nodiscard]] Outcome handle(const OscMessage& message, const Role& role);
    [[nodiscard]] OscMessage statusMessage() const;
    /// True once whenever the status changed since the last call.
    bool changed() {
        if (session_.revision() == seen_) return false;
        seen_ = session_.revision();
        return true;
    }
    void tick() { session_.tick(); }

private:
    rec::TakeSession& session_;
    std::uint64_t seen_ = 0;
};

}  // namespace foh::osc
