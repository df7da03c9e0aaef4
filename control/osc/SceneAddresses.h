#pragma once
// The /scene, /history and /show addresses over a SceneBook (docs/OSC.md "Scenes"). Like OscDispatcher: no
// sockets; the server hands it the messages under those addresses and sends the replies. N is 1-based.
//
//   /scene/list                      /scene/N s name f fade_ms s notes (each), /scene/count i, /scene/current i s
//   /scene/current                   /scene/current i N s name (0 "" when none)
//   /scene/store [s NAME]            stores the current state as a new last scene: /scene/stored i N s name
//   /scene/N/store [s NAME]          stores over scene N
//   /scene/N/recall [f FADE_MS]      recalls (its own fade, or FADE_MS)
//   /scene/N/preview                 /scene/N/preview/change s address f now f then (each, at most kMaxPreview),
//                                    then /scene/N/preview/end i changes
//   /scene/N/{name,notes,fade,scope,safes} [VALUE]   sets, or answers /scene/N/<field> VALUE
//   /scene/N/delete, /scene/N/move i TO
//   /scene/safes [s RULES]           the global recall safes ("ch/3,eq,ch/5:fader/pan")
//   /scene/undo                      undoes the last recall
//   /history [i COUNT]               /history/change i seq s address f before f after s origin s time (each, oldest
//                                    first, default 20, at most kMaxHistory), then /history/end i count
//   /history/undo i SEQ              sets change SEQ's previous value back
//   /show/save                       saves the show file now: /show/saved s path
//   /ch/N/name [s NAME]              an object's name (also /bus/N, /fx/N, /mtx/N, /dca/N, /mgrp/N, /main): sets
//                                    (pushed to every client as /ch/N/name s NAME), or answers it; "" removes it
// Changes need the admin role; every role may query. After any change to the book, `changed()` says so, and the
// server pushes /scene/current to every client.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "osc/OscDispatcher.h"
#include "scenes/SceneBook.h"

namespace foh::osc {

class SceneAddresses {
public:
    static constexpr std::size_t kMaxPreview = 500;
    static constexpr std::size_t kMaxHistory = 500;
    /// Saves the show now; returns the path saved to, or an error (empty when there is no show file).
    using SaveNow = std::function<scenes::Result(std::string& path)>;

    SceneAddresses(scenes::SceneBook& book, SaveNow save) : book_(book), save_(std::move(save)) {}

    [[nodiscard]] static bool owns(const std::string& address);
    /// Handles a message under an address owns() accepts.
    [[nodiscard]] Outcome handle(const OscMessage& message, const Role& role, const std::string& origin);
    /// The message every client is pushed after a change of the book.
    [[nodiscard]] OscMessage currentMessage() const;
    /// Sends what a big recall has not sent yet (SceneBook::poll).
    void poll() { book_.poll(); }
    /// True once after handle() changed the book.
    bool changed() { return std::exchange(changed_, false); }
    /// Messages for every client that handle() produced since the last call (a new name).
    std::vector<OscMessage> takeBroadcasts() { return std::exchange(broadcasts_, {}); }
    /// Every object's name, as a new client's full state gets them.
    [[nodiscard]] std::vector<OscMessage> nameMessages() const;

private:
    scenes::SceneBook& book_;
    SaveNow save_;
    bool changed_ = false;
    std::vector<OscMessage> broadcasts_;
};

}  // namespace foh::osc
