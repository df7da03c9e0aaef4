#pragma once
// One recorded track: a mono RF64 file written with libsndfile (disk thread only; a SNDFILE* is not thread-safe).
//
// Format: SF_FORMAT_RF64 with SFC_RF64_AUTO_DOWNGRADE, so a file under 4 GiB is a plain RIFF/WAVE (with a JUNK chunk
// that libsndfile turns into ds64 if it ever passes 4 GiB), PCM_24 (with clipping: k/2^23 round-trips exactly) or
// 32-bit float. A BWF bext chunk carries the track name, "FOH", the origination date/time and the time reference.
// libsndfile has no user-space write buffer: once write() returns, the samples are in the kernel.

#include <cstdint>
#include <filesystem>
#include <string>

struct sf_private_tag;

namespace foh::record {

struct TrackFileOptions {
    double sampleRate = 48000.0;
    bool floatSamples = false;      ///< false: PCM_24
    std::string description;        ///< bext description (the track name)
    std::string originatorReference;///< bext originator reference (the take id)
    std::string date;               ///< "yyyy-mm-dd"
    std::string time;               ///< "hh:mm:ss"
    std::uint64_t timeReference = 0;///< bext time reference: samples since midnight of the first sample
};

class TrackFile {
public:
    TrackFile() = default;
    ~TrackFile();
    TrackFile(const TrackFile&) = delete;
    TrackFile& operator=(const TrackFile&) = delete;

    /// Creates the file (fails if it exists). On failure returns false and sets `error`.
    bool open(const std::filesystem::path& path, const TrackFileOptions& options, std::string& error);
    /// Appends `frames` samples. Returns false on a short or failed write (errno kept in lastErrno()).
    bool write(const float* samples, std::size_t frames);
    /// Rewrites the header so that it counts every frame written so far (SFC_UPDATE_HEADER_NOW).
    void updateHeader();
    /// fsync (sf_write_sync).
    void sync();
    /// Closes (libsndfile finalises the header). Safe to call twice.
    void close();

    [[nodiscard]] bool isOpen() const { return file_ != nullptr; }
    [[nodiscard]] std::uint64_t frames() const { return frames_; }
    [[nodiscard]] int lastErrno() const { return lastErrno_; }
    [[nodiscard]] const std::string& lastError() const { return lastError_; }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    sf_private_tag* file_ = nullptr;
    std::filesystem::path path_;
    std::uint64_t frames_ = 0;
    int lastErrno_ = 0;
    std::string lastError_;
};

}  // namespace foh::record
