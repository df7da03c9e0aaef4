#pragma once
// The /play addresses over a PlaybackSession (docs/OSC.md "Playback and virtual soundcheck"): like RecordAddresses,
// no sockets.
//
//   /play/load s TAKE          loads a take folder of fohd's --rec-dir (a name, not a path)          (admin)
//   /play/start, /play/stop    the transport                                                         (admin)
//   /play/locate f SECONDS     to a position, playing or stopped                                     (admin)
//   /play/loop f A f B         loop A..B seconds; /play/loop i 0: loop off                           (admin)
//   /play/vsc i 0|1            the global virtual-soundcheck switch                                  (admin)
//   /play/status               answered (and pushed to every client when it changes):
//                              /play/status s take i playing f position f length i loop f loop_a f loop_b
//                                           i underruns i on_playback i vsc s message
// A change is answered with the status, so a client (the foh CLI) sees its effect.

#include "osc/OscDispatcher.h"
#include "rec/PlaybackSession.h"

namespace foh::osc {

class PlayAddresses {
public:
    explicit PlayAddresses(rec::PlaybackSession& session) : session_(session) {}
    [[nodiscard]] static bool owns(const std::string& address) { return address.starts_with("/play/"); }
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
    rec::PlaybackSession& session_;
    std::uint64_t seen_ = 0;
};

}  // namespace foh::osc
