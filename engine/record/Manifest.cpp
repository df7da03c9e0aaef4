#include "record/Manifest.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace foh::record {

using nlohmann::json;

std::string toJson(const Manifest& m) {
    json j;
    j["format"] = "foh-take";
    j["version"] = m.version;
    j["id"] = m.id;
    j["sample_rate"] = m.sampleRate;
    j["sample_format"] = m.sampleFormat;
    j["file_format"] = m.fileFormat;
    j["started"] = m.started;
    j["start_sample"] = m.startSample;
    j["tracks"] = json::array();
    for (const auto& t : m.tracks)
    {
        json e = {{"file", t.file}, {"name", t.name}, {"frames", t.frames}, {"overrun_samples", t.overrunSamples}};
        if (!t.source.empty()) e["source"] = t.source;
        if (!t.tap.empty()) e["tap"] = t.tap;
        j["tracks"].push_back(std::move(e));
    }
    j["markers"] = json::array();
    for (const auto& mk : m.markers) j["markers"].push_back({{"frame", mk.frame}, {"text", mk.text}});
    j["gaps"] = json::array();
    for (const auto& g : m.gaps) j["gaps"].push_back({{"frame", g.frame}, {"frames", g.frames}});
    j["state"] = m.state;
    j["frames_written"] = m.framesWritten;
    if (m.blockFrames > 0) j["block_frames"] = m.blockFrames;
    if (m.maxBlock > 0) j["max_block"] = m.maxBlock;
    return j.dump(2) + "\n";
}

std::optional<Manifest> parseManifest(const std::string& text, std::string& error) {
    try {
        const json j = json::parse(text);
        if (!j.is_object() || j.value("format", "") != "foh-take") {
            error = "not a foh-take manifest";
            return std::nullopt;
        }
        Manifest m;
        m.version = j.value("version", 1);
        m.id = j.value("id", "");
        m.sampleRate = j.value("sample_rate", 0.0);
        m.sampleFormat = j.value("sample_format", "");
        m.fileFormat = j.value("file_format", "");
        m.started = j.value("started", "");
        m.startSample = j.value("start_sample", std::uint64_t{0});
        for (const auto& t : j.value("tracks", json::array()))
            m.tracks.push_back({t.value("file", ""), t.value("name", ""), t.value("frames", std::uint64_t{0}),
                                t.value("overrun_samples", std::uint64_t{0}), t.value("source", ""), t.value("tap", "")});
        for (const auto& mk : j.value("markers", json::array()))
            m.markers.push_back({mk.value("frame", std::uint64_t{0}), mk.value("text", "")});
        for (const auto& g : j.value("gaps", json::array()))
            m.gaps.push_back({g.value("frame", std::uint64_t{0}), g.value("frames", std::uint64_t{0})});
        m.state = j.value("state", "");
        m.framesWritten = j.value("frames_written", std::uint64_t{0});
        m.blockFrames = j.value("block_frames", 0);
        m.maxBlock = j.value("max_block", 0);
        return m;
    } catch (const std::exception& e) {
        error = e.what();
        return std::nullopt;
    }
}

int channelOf(const ManifestTrack& track) {
    constexpr std::string_view prefix = "/ch/";
    const std::string_view s = track.source;
    if (!s.starts_with(prefix) || s.size() == prefix.size()) return 0;
    int n = 0;
    for (char c : s.substr(prefix.size())) {
        if (c < '0' || c > '9' || n > 100000) return 0;
        n = n * 10 + (c - '0');
    }
    return n;
}

std::optional<Manifest> readManifest(const std::filesystem::path& folder, std::string& error) {
    std::ifstream in(folder / kManifestName, std::ios::binary);
    if (!in) {
        error = std::string(kManifestName) + ": cannot read: " + std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parseManifest(ss.str(), error);
}

bool writeFileDurably(const std::filesystem::path& path, const std::string& bytes, std::string& error) {
    const std::string name = path.filename().string();
    const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
    auto failed = [&](const char* what, int e) {
        error = name + ": cannot " + what + ": " + std::strerror(e);
        ::unlink(tmp.c_str());
        return false;
    };
    const int fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return failed("create", errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int e = n < 0 ? errno : ENOSPC;
            ::close(fd);
            return failed("write", e);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int e = errno;
        ::close(fd);
        return failed("write", e);
    }
    if (::close(fd) != 0) return failed("write", errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return failed("rename", errno);
    const int dir = ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(),
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return true;
}

bool writeManifest(const std::filesystem::path& folder, const Manifest& m, std::string& error) {
    return writeFileDurably(folder / kManifestName, toJson(m), error);
}

}  // namespace foh::record
