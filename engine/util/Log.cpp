#include "util/Log.h"

#include <cstdio>
#include <ctime>
#include <mutex>

namespace foh::log {
namespace {
std::mutex gMutex;
constexpr Level gMinimum = Level::Info;
const char* name(Level l) {
    switch (l) {
        case Level::Debug: return "debug";
        case Level::Info: return "info";
        case Level::Warn: return "WARN";
        case Level::Error: return "ERROR";
    }
    return "";
}
}  // namespace

void write(Level level, const char* fmt, ...) {
    char message[1024];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(message, sizeof message, fmt, args);
    va_end(args);

    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm local{};
    localtime_r(&ts.tv_sec, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%H:%M:%S", &local);

    std::lock_guard lock(gMutex);
    if (level < gMinimum) return;
    std::fprintf(stderr, "%s.%03ld fohd %s: %s\n", stamp, ts.tv_nsec / 1000000, name(level), message);
    std::fflush(stderr);
}

}  // namespace foh::log
