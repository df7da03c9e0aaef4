#pragma once
// Logging for control threads. Never call from the audio thread: it formats, locks and writes to stderr.
// The audio thread reports events through atomics that a control thread turns into log lines.

#include <cstdarg>

namespace foh::log {

enum class Level { Debug, Info, Warn, Error };

/// printf-style; adds a timestamp and level, ends the line.
[[gnu::format(printf, 2, 3)]] void write(Level level, const char* fmt, ...);

#define FOH_LOG_INFO(...) ::foh::log::write(::foh::log::Level::Info, __VA_ARGS__)
#define FOH_LOG_WARN(...) ::foh::log::write(::foh::log::Level::Warn, __VA_ARGS__)
#define FOH_LOG_ERROR(...) ::foh::log::write(::foh::log::Level::Error, __VA_ARGS__)

}  // namespace foh::log
