#pragma once
// Free space on the recording disk (statvfs) and what it means at the current recording rate.

#include <cstdint>
#include <filesystem>

namespace foh::record {

struct DiskSpace {
    bool ok = false;              ///< statvfs succeeded
    std::uint64_t freeBytes = 0;  ///< f_bavail * f_frsize: what an unprivileged writer can still use
};

[[nodiscard]] DiskSpace queryDiskSpace(const std::filesystem::path& folder);

/// Minutes of recording left: (free - reserve) / bytesPerSecond / 60, 0 when at or below the reserve.
[[nodiscard]] double minutesLeft(std::uint64_t freeBytes, std::uint64_t reserveBytes, double bytesPerSecond);

}  // namespace foh::record
