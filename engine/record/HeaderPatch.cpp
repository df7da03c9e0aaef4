#include "record/HeaderPatch.h"

#include <sndfile.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace foh::record {

namespace {

std::uint32_t le32(const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
void put32(unsigned char* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put64(unsigned char* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

struct Layout {
    bool rf64 = false;
    std::uint64_t fileSize = 0;
    std::uint64_t dataChunk = 0;  ///< offset of the "data" chunk id
    std::uint64_t dataOffset = 0; ///< first sample byte
    std::uint64_t ds64 = 0;       ///< offset of the ds64 chunk id (RF64)
    std::uint64_t fact = 0;       ///< offset of the fact chunk id, 0 if none
    unsigned blockAlign = 0;
    std::vector<unsigned char> header;  ///< bytes [0, dataOffset)
};

bool readLayout(int fd, Layout& L, std::string& error) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        error = std::string("cannot stat: ") + std::strerror(errno);
        return false;
    }
    L.fileSize = static_cast<std::uint64_t>(st.st_size);
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(L.fileSize, 1u << 20));
    L.header.resize(want);
    std::size_t got = 0;
    while (got < want) {
        const ssize_t n = ::pread(fd, L.header.data() + got, want - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    L.header.resize(got);
    const unsigned char* h = L.header.data();
    if (got < 12 || std::memcmp(h + 8, "WAVE", 4) != 0 ||
        (std::memcmp(h, "RIFF", 4) != 0 && std::memcmp(h, "RF64", 4) != 0)) {
        error = "not a RIFF/RF64 WAVE file";
        return false;
    }
    L.rf64 = std::memcmp(h, "RF64", 4) == 0;
    std::uint64_t p = 12;
    while (p + 8 <= got) {
        const std::uint32_t size = le32(h + p + 4);
        if (std::memcmp(h + p, "data", 4) == 0) {
            L.dataChunk = p;
            L.dataOffset = p + 8;
            break;
        }
        if (std::memcmp(h + p, "fmt ", 4) == 0 && p + 8 + 16 <= got) L.blockAlign = h[p + 8 + 12] | h[p + 8 + 13] << 8;
        if (std::memcmp(h + p, "ds64", 4) == 0) L.ds64 = p;
        if (std::memcmp(h + p, "fact", 4) == 0) L.fact = p;
        p += 8 + size + (size & 1u);
    }
    if (L.dataOffset == 0) {
        error = "no data chunk in the header";
        return false;
    }
    if (L.blockAlign == 0) {
        error = "no fmt chunk before the data";
        return false;
    }
    if (L.rf64 && (L.ds64 == 0 || L.ds64 + 8 + 24 > got)) {
        error = "RF64 file without a ds64 chunk";
        return false;
    }
    L.header.resize(static_cast<std::size_t>(L.dataOffset));
    return true;
}

}  // namespace

std::optional<std::uint64_t> sndfileFrames(const std::filesystem::path& path) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (f == nullptr) return std::nullopt;
    sf_close(f);
    return static_cast<std::uint64_t>(info.frames);
}

std::optional<std::uint64_t> framesOnDisk(const std::filesystem::path& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return std::nullopt;
    }
    Layout L;
    const bool ok = readLayout(fd, L, error);
    ::close(fd);
    if (!ok) return std::nullopt;
    return L.fileSize > L.dataOffset ? (L.fileSize - L.dataOffset) / L.blockAlign : 0;
}

HeaderPatchResult patchHeader(const std::filesystem::path& path, std::optional<std::uint64_t> maxFrames) {
    HeaderPatchResult r;
    const std::string name = path.filename().string();
    if (auto before = sndfileFrames(path)) {
        r.openedBefore = true;
        r.framesBefore = *before;
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        r.error = name + ": cannot open: " + std::strerror(errno);
        return r;
    }
    auto fail = [&](const std::string& what) {
        r.error = name + ": " + what;
        ::close(fd);
        return r;
    };
    Layout L;
    std::string error;
    if (!readLayout(fd, L, error)) return fail(error);
    std::uint64_t frames = L.fileSize > L.dataOffset ? (L.fileSize - L.dataOffset) / L.blockAlign : 0;
    if (maxFrames && *maxFrames < frames) frames = *maxFrames;
    const std::uint64_t dataBytes = frames * L.blockAlign;
    const std::uint64_t newSize = L.dataOffset + dataBytes;
    if (!L.rf64 && newSize - 8 > 0xffffffffull)
        return fail("over 4 GiB of data in a RIFF file: converting it to RF64 is not implemented");
    if (newSize != L.fileSize) {
        if (::ftruncate(fd, static_cast<off_t>(newSize)) != 0)
            return fail(std::string("cannot truncate: ") + std::strerror(errno));
        r.changed = true;
    }
    std::vector<unsigned char> h = L.header;
    const std::uint64_t riffSize = newSize - 8;
    if (L.rf64) {
        put64(h.data() + L.ds64 + 8, riffSize);
        put64(h.data() + L.ds64 + 16, dataBytes);
        put64(h.data() + L.ds64 + 24, frames);
    } else {
        put32(h.data() + 4, static_cast<std::uint32_t>(riffSize));
        put32(h.data() + L.dataChunk + 4, static_cast<std::uint32_t>(dataBytes));
        if (L.fact != 0) put32(h.data() + L.fact + 8, static_cast<std::uint32_t>(frames));
    }
    if (h != L.header) {
        r.changed = true;
        // One pwrite of the header (a few hundred bytes at offset 0).
        if (::pwrite(fd, h.data(), h.size(), 0) != static_cast<ssize_t>(h.size()))
            return fail(std::string("cannot write the header: ") + std::strerror(errno));
    }
    if (r.changed && ::fsync(fd) != 0) return fail(std::string("cannot fsync: ") + std::strerror(errno));
    ::close(fd);
    const auto after = sndfileFrames(path);
    if (!after) {
        r.error = name + ": libsndfile cannot open it after the repair: " + sf_strerror(nullptr);
        return r;
    }
    if (*after != frames) {
        r.error = name + ": libsndfile reads " + std::to_string(*after) + " frames after the repair, expected " +
                  std::to_string(frames);
        return r;
    }
    r.frames = frames;
    r.ok = true;
    return r;
}

}  // namespace foh::record
