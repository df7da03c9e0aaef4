#include "record/TrackFile.h"

#include <sndfile.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace foh::record {

namespace {
template <std::size_t N>
void copyField(char (&field)[N], const std::string& text) {
    std::memset(field, 0, N);
    std::memcpy(field, text.data(), std::min(N, text.size()));
}
}  // namespace

TrackFile::~TrackFile() { close(); }

bool TrackFile::open(const std::filesystem::path& path, const TrackFileOptions& options, std::string& error) {
    close();
    path_ = path;
    frames_ = 0;
    // Create it ourselves with O_EXCL: a take never overwrites an existing recording.
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = path.filename().string() + ": cannot create: " + std::strerror(errno);
        return false;
    }
    SF_INFO info{};
    info.samplerate = static_cast<int>(options.sampleRate + 0.5);
    info.channels = 1;
    info.format = SF_FORMAT_RF64 | (options.floatSamples ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_24);
    SNDFILE* f = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
    if (f == nullptr) {
        error = path.filename().string() + ": libsndfile cannot open it for writing: " + sf_strerror(nullptr);
        ::close(fd);
        ::unlink(path.c_str());
        return false;
    }
    // Both before the first write (libsndfile refuses them afterwards).
    sf_command(f, SFC_RF64_AUTO_DOWNGRADE, nullptr, SF_TRUE);
    sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    SF_BROADCAST_INFO bext{};
    copyField(bext.description, options.description);
    copyField(bext.originator, "FOH");
    copyField(bext.originator_reference, options.originatorReference);
    copyField(bext.origination_date, options.date);
    copyField(bext.origination_time, options.time);
    bext.time_reference_low = static_cast<std::uint32_t>(options.timeReference & 0xffffffffu);
    bext.time_reference_high = static_cast<std::uint32_t>(options.timeReference >> 32);
    const std::string history = std::string("A=PCM,F=") + std::to_string(info.samplerate) +
                                (options.floatSamples ? ",W=32" : ",W=24") + ",M=mono,T=FOH\r\n";
    copyField(bext.coding_history, history);
    bext.coding_history_size = static_cast<std::uint32_t>(history.size());
    if (sf_command(f, SFC_SET_BROADCAST_INFO, &bext, sizeof bext) != SF_TRUE) {
        error = path.filename().string() + ": libsndfile refused the bext chunk: " + sf_strerror(f);
        sf_close(f);
        ::unlink(path.c_str());
        return false;
    }
    file_ = reinterpret_cast<sf_private_tag*>(f);
    // Header on disk at once, so that even a file killed before the first periodic update opens (0 frames).
    sf_command(f, SFC_UPDATE_HEADER_NOW, nullptr, 0);
    return true;
}

bool TrackFile::write(const float* samples, std::size_t frames) {
    if (file_ == nullptr) return false;
    auto* f = reinterpret_cast<SNDFILE*>(file_);
    errno = 0;
    const sf_count_t n = sf_writef_float(f, samples, static_cast<sf_count_t>(frames));
    if (n > 0) frames_ += static_cast<std::uint64_t>(n);
    if (n != static_cast<sf_count_t>(frames)) {
        lastErrno_ = errno != 0 ? errno : EIO;
        lastError_ = path_.filename().string() + ": cannot write: " + std::strerror(lastErrno_);
        return false;
    }
    return true;
}

void TrackFile::updateHeader() {
    if (file_ != nullptr) sf_command(reinterpret_cast<SNDFILE*>(file_), SFC_UPDATE_HEADER_NOW, nullptr, 0);
}

void TrackFile::sync() {
    if (file_ != nullptr) sf_write_sync(reinterpret_cast<SNDFILE*>(file_));
}

void TrackFile::close() {
    if (file_ != nullptr) {
        sf_close(reinterpret_cast<SNDFILE*>(file_));
        file_ = nullptr;
    }
}

}  // namespace foh::record
