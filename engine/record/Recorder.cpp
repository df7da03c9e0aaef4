#include "record/Recorder.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <new>

#include <fcntl.h>
#include <unistd.h>

#include "record/DiskSpace.h"
#include "record/HeaderPatch.h"

namespace foh::record {

namespace {

constexpr std::size_t kGapQueue = 4096;
constexpr std::size_t kReserveFileBytes = 256 * 1024;  // freed at a disk-full stop so take.json can still be written

std::string isoNow(std::tm& tm) {
    const std::time_t t = std::time(nullptr);
    localtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    std::string s = buf;  // ...+0200 -> ...+02:00
    if (s.size() >= 5) s.insert(s.size() - 2, ":");
    return s;
}

std::string fmtTm(const std::tm& tm, const char* f) {
    char buf[40];
    std::strftime(buf, sizeof buf, f, &tm);
    return buf;
}

bool writeReserveFile(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    std::vector<char> zeros(kReserveFileBytes, 0);
    const bool ok = ::write(fd, zeros.data(), zeros.size()) == static_cast<ssize_t>(zeros.size()) && ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

Recorder::Recorder() = default;

Recorder::~Recorder() { stop(); }

bool Recorder::start(const TakeConfig& config, std::string& error) {
    if (disk_.joinable()) {
        error = "a take is still open: stop() it first";
        return false;
    }
    if (config.tracks.empty()) {
        error = "no tracks armed";
        return false;
    }
    if (!(config.sampleRate > 0) || !(config.ringSeconds > 0) || config.headerEvery.count() <= 0 ||
        config.headerEvery > std::chrono::milliseconds(1000) || config.writeChunkFrames == 0) {
        error = "invalid take configuration (sample rate, ring seconds, header period 1..1000 ms, write chunk)";
        return false;
    }
    std::error_code ec;
    std::filesystem::create_directories(config.folder, ec);
    if (ec) {
        error = config.folder.string() + ": cannot create the take folder: " + ec.message();
        return false;
    }
    if (!std::filesystem::is_empty(config.folder, ec)) {
        error = config.folder.string() + ": the take folder is not empty";
        return false;
    }
    config_ = config;
    const auto capacity = static_cast<std::size_t>(std::ceil(config.ringSeconds * config.sampleRate));
    const int lanes = static_cast<int>(config.tracks.size());
    try {
        ring_.allocate(lanes, capacity);
        ringCapacity_ = capacity;
        overruns_ = std::make_unique<std::atomic<std::uint64_t>[]>(config.tracks.size());
        gaps_ = std::make_unique<boost::lockfree::spsc_queue<Gap>>(kGapQueue);
        zeros_.assign(config.writeChunkFrames, 0.0f);
    } catch (const std::bad_alloc&) {
        ring_.release();
        error = "cannot allocate the record ring (" +
                std::to_string(static_cast<double>(lanes) * static_cast<double>(capacity) * 4.0 / 1048576.0) +
                " MiB): lower ringSeconds or raise RLIMIT_MEMLOCK";
        return false;
    }
    for (std::size_t t = 0; t < config.tracks.size(); ++t) overruns_[t].store(0, std::memory_order_relaxed);

    std::tm tm{};
    const std::string started = isoNow(tm);
    manifest_ = Manifest{};
    manifest_.id = "FOH-" + fmtTm(tm, "%Y%m%d-%H%M%S") + "-" + std::to_string(::getpid());
    manifest_.sampleRate = config.sampleRate;
    manifest_.sampleFormat = config.sample == TakeConfig::Sample::Float ? "float" : "pcm24";
    manifest_.started = started;
    manifest_.startSample = config.startSample;
    manifest_.blockFrames = config.blockFrames;
    manifest_.maxBlock = config.maxBlock;
    TrackFileOptions opt;
    opt.sampleRate = config.sampleRate;
    opt.floatSamples = config.sample == TakeConfig::Sample::Float;
    opt.originatorReference = manifest_.id;
    opt.date = fmtTm(tm, "%Y-%m-%d");
    opt.time = fmtTm(tm, "%H:%M:%S");
    opt.timeReference = config.startSample;
    files_.clear();
    for (const auto& t : config.tracks) {
        if (t.file.empty() || t.file.find('/') != std::string::npos) {
            error = "track file name '" + t.file + "' must be a plain file name";
            files_.clear();
            ring_.release();
            return false;
        }
        opt.description = t.name;
        auto f = std::make_unique<TrackFile>();
        if (!f->open(config.folder / t.file, opt, error)) {
            files_.clear();
            ring_.release();
            return false;
        }
        files_.push_back(std::move(f));
        manifest_.tracks.push_back({t.file, t.name, 0, 0, t.source, t.tap});
    }
    reserveFile_ = config.folder / "take.json.reserve";
    writeReserveFile(reserveFile_);  // best effort
    {
        std::lock_guard lock(mutex_);
        error_.clear();
        warning_.clear();
        markersDirty_ = false;
    }
    manifest_.state = "recording";
    std::string merr;
    if (!writeManifest(config.folder, manifest_, merr)) {
        error = merr;
        files_.clear();
        ring_.release();
        return false;
    }
    lastManifestSave_ = std::chrono::steady_clock::now();
    const auto ds = queryDiskSpace(config.folder);
    freeBytes_.store(ds.freeBytes, std::memory_order_relaxed);
    pendingGapPos_ = pendingGapFrames_ = 0;
    captured_.store(0, std::memory_order_relaxed);
    maxFill_.store(0, std::memory_order_relaxed);
    written_.store(0, std::memory_order_relaxed);
    stoppedByError_.store(false, std::memory_order_relaxed);
    stopRequested_.store(false, std::memory_order_relaxed);
    paused_.store(false, std::memory_order_relaxed);
    writeFailed_ = false;
    finished_.store(false, std::memory_order_relaxed);
    state_.store(Running, std::memory_order_seq_cst);
    disk_ = std::thread([this] { diskThread(); });
    return true;
}

void Recorder::write_rt(const float* const* channels, int frames) FOH_RT {
    inCall_.store(true, std::memory_order_seq_cst);
    if (state_.load(std::memory_order_seq_cst) != Running || frames <= 0) {
        inCall_.store(false, std::memory_order_release);
        return;
    }
    const auto n = static_cast<std::size_t>(frames);
    bool fits = ring_.writableFrames_rt() >= n;
    // A gap must be queued before the audio after it; if the gap queue is full too, this block is dropped as well
    // (the gap grows), so alignment is never lost.
    if (fits && pendingGapFrames_ > 0) {
        if (gaps_->push(Gap{pendingGapPos_, pendingGapFrames_}))
            pendingGapFrames_ = 0;
        else
            fits = false;
    }
    if (fits) {
        ring_.write_rt(channels, n);
        const std::uint64_t fill = ring_.written() - ring_.consumed();
        if (fill > maxFill_.load(std::memory_order_relaxed)) maxFill_.store(fill, std::memory_order_relaxed);
    } else {
        if (pendingGapFrames_ == 0) pendingGapPos_ = ring_.written();
        pendingGapFrames_ += n;
        const std::size_t tracks = config_.tracks.size();
        for (std::size_t t = 0; t < tracks; ++t) overruns_[t].fetch_add(n, std::memory_order_relaxed);
        maxFill_.store(ring_.capacity(), std::memory_order_relaxed);
    }
    captured_.store(captured_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    inCall_.store(false, std::memory_order_release);
}

bool Recorder::recording() const { return state_.load(std::memory_order_acquire) == Running; }

void Recorder::quiesceProducer() {
    state_.store(Stopping, std::memory_order_seq_cst);
    // A write_rt that saw Running is still inside: wait for it (a few microseconds at most). Afterwards the
    // producer side (pendingGap*) is ours.
    while (inCall_.load(std::memory_order_seq_cst)) std::this_thread::yield();
}

void Recorder::stop() {
    if (!disk_.joinable()) return;
    paused_.store(false);
    stopRequested_.store(true);
    disk_.join();
    state_.store(Idle, std::memory_order_seq_cst);
    while (inCall_.load(std::memory_order_seq_cst)) std::this_thread::yield();
    ring_.release();
}

void Recorder::pauseDiskForTest(bool paused) { paused_.store(paused); }

void Recorder::addMarker(std::uint64_t framePosition, std::string text) {
    bool save = false;
    {
        std::lock_guard lock(mutex_);
        manifest_.markers.push_back({framePosition, std::move(text)});
        markersDirty_ = true;
        save = finished_.load();
    }
    if (save) {  // the take has ended: nobody else writes the manifest any more
        Manifest copy;
        {
            std::lock_guard lock(mutex_);
            copy = manifest_;
            markersDirty_ = false;
        }
        std::string merr;
        writeManifest(config_.folder, copy, merr);
    }
}

Recorder::Status Recorder::status() const {
    Status s;
    const std::size_t tracks = overruns_ ? config_.tracks.size() : 0;
    for (std::size_t t = 0; t < tracks; ++t) s.overruns.push_back(overruns_[t].load(std::memory_order_relaxed));
    s.framesCaptured = captured_.load(std::memory_order_relaxed);
    s.framesWritten = written_.load(std::memory_order_relaxed);
    const std::size_t cap = ringCapacity_;
    s.worstRingFill = cap > 0 ? static_cast<double>(maxFill_.load(std::memory_order_relaxed)) / static_cast<double>(cap) : 0;
    s.freeBytes = freeBytes_.load(std::memory_order_relaxed);
    const double bytesPerSecond = static_cast<double>(config_.tracks.size()) * config_.sampleRate *
                                  (config_.sample == TakeConfig::Sample::Float ? 4.0 : 3.0);
    s.minutesLeft = minutesLeft(s.freeBytes, config_.reserveBytes, bytesPerSecond);
    s.stoppedByError = stoppedByError_.load();
    std::lock_guard lock(mutex_);
    s.error = error_;
    s.warning = warning_;
    return s;
}

// ---- disk thread ----------------------------------------------------------------------------------------------------

void Recorder::diskThread() {
    using clock = std::chrono::steady_clock;
    auto nextHeader = clock::now() + config_.headerEvery;
    auto nextSpace = clock::now();
    while (true) {
        if (stopRequested_.load()) {
            quiesceProducer();
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (paused_.load()) continue;
        const auto now = clock::now();
        const bool tick = now >= nextHeader;
        if (!drain(tick)) break;  // a write failed: failStop() has run
        if (tick) {
            syncAndUpdateHeaders();
            nextHeader = std::max(nextHeader + config_.headerEvery, now);
            bool dirty;
            {
                std::lock_guard lock(mutex_);
                dirty = markersDirty_;
            }
            if (dirty && now - lastManifestSave_ >= std::chrono::seconds(1)) saveManifest("recording");
        }
        if (now >= nextSpace) {
            nextSpace = now + std::chrono::seconds(1);
            checkDiskSpace();
            if (state_.load() != Running) break;  // stopped for lack of space
        }
    }
    finish();
}

bool Recorder::writeGap(std::uint64_t frames) {
    {
        std::lock_guard lock(mutex_);
        manifest_.gaps.push_back({written_.load(std::memory_order_relaxed), frames});
    }
    std::uint64_t left = frames;
    while (left > 0) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros_.size()));
        for (auto& f : files_)
            if (!f->write(zeros_.data(), n)) {
                writeFailed_ = true;
                failStop(f->lastError());
                return false;
            }
        left -= n;
        written_.fetch_add(n, std::memory_order_relaxed);
    }
    return true;
}

bool Recorder::drain(bool everything) {
    const std::size_t chunk = config_.writeChunkFrames;
    while (true) {
        const std::uint64_t r = ring_.consumed();
        const std::uint64_t w = ring_.written();
        if (gaps_->read_available() > 0 && gaps_->front().ringPos <= r) {
            const Gap g = gaps_->front();
            gaps_->pop();
            if (!writeGap(g.frames)) return false;
            continue;
        }
        std::uint64_t limit = w;
        if (gaps_->read_available() > 0) limit = std::min(limit, gaps_->front().ringPos);
        if (limit <= r) return true;
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(limit - r, chunk));
        if (!everything && n < chunk) return true;
        for (int l = 0; l < ring_.lanes(); ++l) {
            const auto spans = ring_.readable(l, n);
            TrackFile& f = *files_[static_cast<std::size_t>(l)];
            if (!f.write(spans.first.data(), spans.first.size()) ||
                (!spans.second.empty() && !f.write(spans.second.data(), spans.second.size()))) {
                writeFailed_ = true;
                failStop(f.lastError());
                return false;
            }
        }
        ring_.consume(n);
        written_.fetch_add(n, std::memory_order_relaxed);
    }
}

void Recorder::syncAndUpdateHeaders() {
    // Data first, then the headers: a header never counts data that is not yet durable. The header written here
    // becomes durable with the next tick's sync (<= 2 x headerEvery behind after a power cut, <= 1 s by default).
    for (auto& f : files_) f->sync();
    for (auto& f : files_) f->updateHeader();
}

void Recorder::checkDiskSpace() {
    const DiskSpace ds = queryDiskSpace(config_.folder);
    if (!ds.ok) return;
    freeBytes_.store(ds.freeBytes, std::memory_order_relaxed);
    const double bytesPerSecond = static_cast<double>(config_.tracks.size()) * config_.sampleRate *
                                  (config_.sample == TakeConfig::Sample::Float ? 4.0 : 3.0);
    const double minutes = minutesLeft(ds.freeBytes, config_.reserveBytes, bytesPerSecond);
    {
        std::lock_guard lock(mutex_);
        if (minutes < 30.0) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "recording disk: %.1f min left at %.2f MB/s", minutes, bytesPerSecond / 1e6);
            warning_ = buf;
        } else {
            warning_.clear();
        }
    }
    if (ds.freeBytes < config_.reserveBytes) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "disk full: %.1f MiB free on the recording disk, below the reserve of %.1f MiB",
                      static_cast<double>(ds.freeBytes) / 1048576.0,
                      static_cast<double>(config_.reserveBytes) / 1048576.0);
        failStop(buf);
    }
}

void Recorder::failStop(const std::string& error) {
    {
        std::lock_guard lock(mutex_);
        if (error_.empty()) {
            error_ = error;
            if (error.find("No space left") != std::string::npos) error_ = "disk full: " + error;
        }
    }
    stoppedByError_.store(true);
    quiesceProducer();
}

void Recorder::finish() {
    // The producer is quiesced: write what the ring still holds (unless writing already failed).
    if (!writeFailed_) drain(true);
    if (!writeFailed_ && !stoppedByError_.load() && pendingGapFrames_ > 0) writeGap(pendingGapFrames_);
    pendingGapFrames_ = 0;
    for (auto& f : files_) f->close();
    // After a failed write the tracks can differ by a partial pass: cut them all to the shortest (and any partial
    // frame off), so every file stays valid with one length.
    std::uint64_t shortest = UINT64_MAX, longest = 0;
    for (auto& f : files_) {
        shortest = std::min(shortest, f->frames());
        longest = std::max(longest, f->frames());
    }
    std::string patchError;
    if (writeFailed_ || shortest != longest) {
        for (auto& f : files_) {
            const auto p = patchHeader(f->path(), shortest);
            if (!p.ok && patchError.empty()) patchError = p.error;
        }
        written_.store(shortest, std::memory_order_relaxed);
    }
    ::unlink(reserveFile_.c_str());
    std::string state = "stopped";
    {
        std::lock_guard lock(mutex_);
        if (!patchError.empty()) error_ += "; " + patchError;
        if (stoppedByError_.load()) {
            char buf[120];
            std::snprintf(buf, sizeof buf, "; recording stopped at %.2f s (frame %llu), files finalized",
                          static_cast<double>(written_.load()) / config_.sampleRate,
                          static_cast<unsigned long long>(written_.load()));
            error_ += buf;
            state = "stopped: " + error_;
        }
    }
    saveManifest(state);
    finished_.store(true);
}

void Recorder::saveManifest(const std::string& state) {
    Manifest copy;
    {
        std::lock_guard lock(mutex_);
        manifest_.state = state;
        manifest_.framesWritten = written_.load(std::memory_order_relaxed);
        for (std::size_t t = 0; t < manifest_.tracks.size(); ++t) {
            manifest_.tracks[t].frames = manifest_.framesWritten;
            manifest_.tracks[t].overrunSamples = overruns_[t].load(std::memory_order_relaxed);
        }
        markersDirty_ = false;
        copy = manifest_;
    }
    lastManifestSave_ = std::chrono::steady_clock::now();
    std::string merr;
    if (!writeManifest(config_.folder, copy, merr)) {
        std::lock_guard lock(mutex_);
        if (!error_.empty()) error_ += "; ";
        error_ += merr;
    }
}

}  // namespace foh::record
