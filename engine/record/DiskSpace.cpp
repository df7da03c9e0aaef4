#include "record/DiskSpace.h"

#include <sys/statvfs.h>

namespace foh::record {

DiskSpace queryDiskSpace(const std::filesystem::path& folder) {
    struct statvfs s {};
    if (::statvfs(folder.c_str(), &s) != 0) return {};
    return {true, static_cast<std::uint64_t>(s.f_bavail) * static_cast<std::uint64_t>(s.f_frsize)};
}

double minutesLeft(std::uint64_t freeBytes, std::uint64_t reserveBytes, double bytesPerSecond) {
    if (freeBytes <= reserveBytes || bytesPerSecond <= 0.0) return 0.0;
    return static_cast<double>(freeBytes - reserveBytes) / bytesPerSecond / 60.0;
}

}  // namespace foh::record
