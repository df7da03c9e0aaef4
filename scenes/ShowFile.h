#pragma once
// The show file (docs/SCENES.md, "The show file"): one JSON file holds a Show — layout, current state, global safes,
// scenes, the current scene and the clients config. Written pretty (2-space indent), keys in this fixed order, so a
// person can read, diff and edit it:
//
//   { "format": "foh-show",                          // required: not a show file without it
//     "version": 1,                                  // required: a newer version is refused, never guessed at
//     "layout": { "channels": 32, "buses": 16, "fx": 4 },
//     "current_scene": 2,                            // 1-based, or null for none (Show::current is 0-based, -1)
//     "safes": [ "ch/3", "eq", "ch/5:fader/pan" ],   // global recall safes, in parseRule's text form
//     "state": { "/ch/1/fader": -6.0, "/ch/2/fader": "-inf", ... },   // every parameter, by registry address
//     "scenes": [ { "name": "Song 1", "notes": "", "fade_ms": 2000.0,
//                   "scope": { "objects": [ "ch/1" ], "groups": [ "eq" ] },   // [] = every object / group
//                   "safes": [ ... ],
//                   "values": { ... as state: the parameters the scene stores ... } } ],
//     "clients": { ... } }                           // the clients config (osc/ClientsConfig.h); absent: none
//
// Values are numbers in the operator's units (ParamRegistry); a fader or send at the bottom (-inf) is the string
// "-inf", JSON having no infinity. A float is written as the shortest decimal that reads back to the same float,
// so every value survives a save and a load bit for bit (-0.0 and denormals included).
//
// Reading checks everything and changes nothing outside the returned LoadResult:
// - Not JSON (truncated, corrupted, NUL bytes, nested deeper than 64 levels, over 64 MiB): an error naming the
//   line and column. Not a show file, or a version this fohd does not know (or none): an error.
// - A value of the wrong type, a value outside its parameter's range (the registry's validation, for the file's
//   own layout), a bad layout count, rule, scope entry or current_scene, a fade over 60 s, a key appearing twice
//   in one object: an error naming the key path ("scenes[2].values./ch/1/fader: value 99 is outside [-90, 10] dB";
//   list indexes are 0-based).
// - Unknown keys and unknown parameter addresses: a warning each, and ignored. Missing keys take defaults: a scene's
//   name "Scene N" (1-based), notes "", fade 0, scope everything, no safes, no values (warned: recalling it changes
//   nothing); parameters missing from "state" take their registry defaults (one warning says how many).
// - The show file never names files or commands: any key that looks like one ("path", "file", "exec", "command",
//   "cmd", "script", "include", "folder", "dir", "shell", "url", ... anywhere in the file, even inside
//   "clients") is an error, not ignored, so a hand-edited file cannot point fohd outside the show's folder.
// Errors are "<source>: <where>: <what>", with control characters and broken UTF-8 from the file escaped.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenes/Scene.h"

namespace foh::scenes {

inline constexpr std::string_view kShowFormat = "foh-show";
inline constexpr std::size_t kMaxShowFileBytes = std::size_t{64} << 20;
inline constexpr int kMaxShowFileDepth = 64;
inline constexpr float kMaxSceneFadeMs = 60000.0f;

/// The show as JSON text (ending in a newline). Never fails on a valid Show; `show.clients` must be a JSON object
/// or empty (std::invalid_argument otherwise). A `current` that names no scene is written as null.
[[nodiscard]] std::string toJson(const Show& show);

struct LoadResult {
    std::optional<Show> show;           ///< the show; none at all when `error` is set
    std::string error;                  ///< "<source>: <where>: <what>"; empty when the show loaded
    std::vector<std::string> warnings;  ///< what was ignored or defaulted, "<source>: <where>: <what>" each
};

/// Reads a show file's text. `source` names it in errors and warnings (its file name). Never throws, whatever
/// `text` holds.
[[nodiscard]] LoadResult parseShow(std::string_view text, const std::string& source);

/// Whether an object key looks like it names a file, a folder or a command (and so is refused in a show file).
[[nodiscard]] bool looksLikePathOrCommand(std::string_view key);

}  // namespace foh::scenes
