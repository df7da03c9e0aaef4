#include "record/TakePlayer.h"

#include <sndfile.h>

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <new>

namespace foh::record {

namespace {

// A locate, a loop wrap and the end each take one entry; 1024 wraps fit in the ring even for a 0.2 s loop in a 4 s
// ring. When it is full the disk thread waits (the ring then holds less): never a lost boundary.
constexpr std::size_t kSegmentQueue = 1024;

std::string describe(const ManifestTrack& t) { return "'" + t.file + "' (" + t.source + ")"; }

}  // namespace

TakePlayer::TakePlayer() = default;

TakePlayer::~TakePlayer() { close(); }

bool TakePlayer::open(const std::filesystem::path& folder, const PlayerConfig& config, std::string& error) {
    close();
    if (!(config.ringSeconds > 0) || config.readChunkFrames == 0 || !(config.fadeMs >= 0)) {
        error = "invalid player configuration (ring seconds, read chunk, fade)";
        return false;
    }
    std::string merr;
    auto manifest = readManifest(folder, merr);
    if (!manifest) {
        error = folder.string() + ": not a take: " + merr;
        return false;
    }
    if (!(manifest->sampleRate > 0)) {
        error = folder.string() + ": take.json has no sample rate";
        return false;
    }
    config_ = config;
    manifest_ = std::move(*manifest);
    folder_ = folder;
    warnings_.clear();
    channels_.clear();
    laneNames_.clear();
    std::vector<SNDFILE*> files;
    const auto closeAll = [&files] {
        for (SNDFILE* f : files) sf_close(f);
        files.clear();
    };
    std::uint64_t length = UINT64_MAX;
    for (const ManifestTrack& t : manifest_.tracks) {
        const int channel = channelOf(t);
        if (channel <= 0) continue;  // main L/R, buses: what the console makes, not what it is fed
        if (!t.tap.empty() && t.tap != "posttrim") {
            warnings_.push_back("track " + describe(t) + " was recorded at the " + t.tap +
                                " tap: not played (through the channel it would be processed twice)");
            continue;
        }
        SF_INFO info{};
        SNDFILE* f = sf_open((folder / t.file).c_str(), SFM_READ, &info);
        if (f == nullptr) {
            error = "track " + describe(t) + ": cannot open: " + sf_strerror(nullptr);
            closeAll();
            return false;
        }
        files.push_back(f);
        if (info.channels != 1 || info.samplerate != static_cast<int>(std::lround(manifest_.sampleRate))) {
            error = "track " + describe(t) + ": " + std::to_string(info.channels) + " channel(s) at " +
                    std::to_string(info.samplerate) + " Hz; a take track is mono at the take's rate";
            closeAll();
            return false;
        }
        length = std::min(length, static_cast<std::uint64_t>(info.frames));
        channels_.push_back(channel - 1);
        laneNames_.push_back(describe(t));
    }
    if (files.empty()) {
        error = folder.string() + ": no channel track to play" +
                (warnings_.empty() ? std::string() : " (" + std::to_string(warnings_.size()) + " not at the post-trim tap)");
        return false;
    }
    const auto capacity = static_cast<std::size_t>(std::ceil(config.ringSeconds * manifest_.sampleRate));
    try {
        ring_.allocate(static_cast<int>(files.size()), capacity);
        segments_ = std::make_unique<boost::lockfree::spsc_queue<Segment>>(kSegmentQueue);
    } catch (const std::bad_alloc&) {
        closeAll();
        ring_.release();
        error = "cannot allocate the playback ring (" +
                std::to_string(static_cast<double>(files.size()) * static_cast<double>(capacity) * 4.0 / 1048576.0) +
                " MiB): lower ringSeconds or raise RLIMIT_MEMLOCK";
        return false;
    }
    files_.assign(files.begin(), files.end());
    length_ = length;
    fadeFrames_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(config.fadeMs * 1e-3 * manifest_.sampleRate)));

    wantPlay_.store(false);
    locateGen_.store(0);
    locateTarget_.store(0);
    loopOn_.store(false);
    loopA_.store(0);
    loopB_.store(0);
    stopRequested_.store(false);
    paused_.store(false);
    mode_ = Mode::Stopped;
    gen_ = 0;
    segRing_ = segTake_ = 0;
    ended_ = false;
    fadeIn_ = fadeOut_ = 0;
    position_.store(0);
    appliedGen_.store(0);
    underruns_.store(0);
    played_.store(0);
    minFill_.store(UINT64_MAX);
    readFailed_.store(false);
    readError_.clear();
    diskGen_.store(0);
    diskEnded_.store(false);
    disk_ = std::thread([this] { diskThread(); });
    return true;
}

void TakePlayer::close() {
    if (disk_.joinable()) {
        paused_.store(false);
        stopRequested_.store(true);
        disk_.join();
    }
    for (SNDFILE* f : files_) sf_close(f);
    files_.clear();
    ring_.release();
    segments_.reset();
}

std::shared_ptr<PlayFeed> TakePlayer::makeFeed() {
    auto feed = std::make_shared<PlayFeed>();
    feed->channels = channels_;
    feed->source = this;
    feed->finish();
    return feed;
}

// ---- transport (control thread) -------------------------------------------------------------------------------------

void TakePlayer::play() { wantPlay_.store(true, std::memory_order_release); }
void TakePlayer::stop() { wantPlay_.store(false, std::memory_order_release); }

void TakePlayer::requestLocate(std::uint64_t frame) {
    // Target first, then the generation (release): whoever sees the new generation sees this target or a newer one.
    locateTarget_.store(std::min(frame, length_), std::memory_order_relaxed);
    locateGen_.fetch_add(1, std::memory_order_acq_rel);
}

void TakePlayer::locate(std::uint64_t frame) { requestLocate(frame); }

bool TakePlayer::setLoop(std::optional<std::pair<std::uint64_t, std::uint64_t>> loop) {
    if (loop && !(loop->first < loop->second && loop->second <= length_)) return false;
    loopA_.store(loop ? loop->first : 0);
    loopB_.store(loop ? loop->second : 0);
    loopOn_.store(loop.has_value(), std::memory_order_release);
    // The read-ahead may already be past the new B: read again from where the tape is.
    requestLocate(position());
    return true;
}

std::uint64_t TakePlayer::position() const {
    if (appliedGen_.load(std::memory_order_acquire) != locateGen_.load(std::memory_order_acquire))
        return locateTarget_.load(std::memory_order_relaxed);
    return position_.load(std::memory_order_relaxed);
}

bool TakePlayer::waitPrimed(std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (true) {
        // Only audio of the current place counts: frames of the old place still in the ring (until the audio
        // thread drops them at its next block) would let a play start into silence.
        const std::uint64_t from = std::max(ring_.consumed(), diskGenRingStart_.load(std::memory_order_relaxed));
        const std::uint64_t written = ring_.written();
        const std::uint64_t fill = written > from ? written - from : 0;
        // A ring full of the old place: the disk thread can do nothing more until the audio thread drops it.
        const std::size_t minRoom = std::min(config_.readChunkFrames, ring_.capacity() / 4 + 1);
        const bool full = ring_.capacity() - static_cast<std::size_t>(written - ring_.consumed()) < minRoom;
        if (diskGen_.load(std::memory_order_acquire) == locateGen_.load(std::memory_order_acquire) &&
            (diskEnded_.load(std::memory_order_acquire) || fill >= ring_.capacity() / 2 || full))
            return true;
        if (std::chrono::steady_clock::now() >= until || !disk_.joinable()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

TakePlayer::Status TakePlayer::status() const {
    Status s;
    s.playing = wantPlay_.load();
    s.position = position();
    s.looping = loopOn_.load();
    s.loopStart = loopA_.load();
    s.loopEnd = loopB_.load();
    s.underrunFrames = underruns_.load(std::memory_order_relaxed);
    const std::uint64_t fill = minFill_.load(std::memory_order_relaxed);
    const std::size_t cap = ring_.capacity();
    s.lowestRingFill = fill == UINT64_MAX || cap == 0 ? 1.0 : static_cast<double>(fill) / static_cast<double>(cap);
    s.framesPlayed = played_.load(std::memory_order_relaxed);
    if (readFailed_.load(std::memory_order_acquire)) s.error = readError_;
    return s;
}

// ---- disk thread ----------------------------------------------------------------------------------------------------

bool TakePlayer::pushSegment(const Segment& s) {
    while (!segments_->push(s)) {
        if (stopRequested_.load()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

bool TakePlayer::readInto(std::uint64_t& pos, std::size_t frames) {
    for (std::size_t l = 0; l < files_.size(); ++l) {
        const auto spans = ring_.writable(static_cast<int>(l), frames);
        for (const std::span<float> part : {spans.first, spans.second}) {
            if (part.empty()) continue;
            const sf_count_t got = sf_readf_float(files_[l], part.data(), static_cast<sf_count_t>(part.size()));
            if (got != static_cast<sf_count_t>(part.size())) {
                readError_ = "track " + laneNames_[l] + ": read failed at frame " + std::to_string(pos) + ": " +
                             sf_strerror(files_[l]) + "; the tape ends there";
                return false;
            }
        }
    }
    ring_.commit(frames);
    pos += frames;
    return true;
}

void TakePlayer::diskThread() {
    pthread_setname_np(pthread_self(), "foh-play-disk");
    std::uint32_t gen = 0;
    std::uint64_t pos = 0;
    bool ended = false;
    bool needSegment = true;
    const std::size_t chunk = config_.readChunkFrames;
    const std::size_t minRoom = std::min(chunk, ring_.capacity() / 4 + 1);
    const auto seek = [this](std::uint64_t to) {
        for (SNDFILE* f : files_) sf_seek(f, static_cast<sf_count_t>(to), SEEK_SET);
    };
    while (!stopRequested_.load()) {
        if (paused_.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            continue;
        }
        const std::uint32_t g = locateGen_.load(std::memory_order_acquire);
        if (g != gen) {
            gen = g;
            pos = std::min(locateTarget_.load(std::memory_order_relaxed), length_);
            seek(pos);
            ended = false;
            diskEnded_.store(false);
            needSegment = true;
        }
        if (needSegment) {
            const std::uint64_t at = ring_.written();
            if (!pushSegment({at, pos, gen, false})) break;
            needSegment = false;
            if (diskGen_.load(std::memory_order_relaxed) != gen) diskGenRingStart_.store(at, std::memory_order_relaxed);
            diskGen_.store(gen, std::memory_order_release);
        }
        if (ended) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
        }
        const std::size_t room = ring_.capacity() - static_cast<std::size_t>(ring_.written() - ring_.consumed());
        if (room < minRoom) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
        }
        const bool loop = loopOn_.load(std::memory_order_acquire);
        const std::uint64_t a = loopA_.load(), b = loopB_.load();
        if (loop && pos == b && a < b) {  // the loop point: the next ring frame holds A
            pos = a;
            seek(pos);
            needSegment = true;
            continue;
        }
        const std::uint64_t limit = loop && pos < b ? b : length_;
        if (pos >= limit) {
            if (!pushSegment({ring_.written(), pos, gen, true})) break;
            ended = true;
            diskEnded_.store(true, std::memory_order_release);
            continue;
        }
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>({room, chunk, limit - pos}));
        if (!readInto(pos, n)) {
            readFailed_.store(true, std::memory_order_release);
            if (!pushSegment({ring_.written(), pos, gen, true})) break;
            ended = true;
            diskEnded_.store(true, std::memory_order_release);
        }
    }
}

// ---- audio thread ---------------------------------------------------------------------------------------------------

void TakePlayer::silence_rt(float* const* dest, std::size_t offset, std::size_t frames) FOH_RT {
    const std::size_t lanes = files_.size();
    for (std::size_t l = 0; l < lanes; ++l) std::memset(dest[l] + offset, 0, frames * sizeof(float));
}

bool TakePlayer::flush_rt(std::uint32_t target) FOH_RT {
    // Everything before the first segment of `target` is the old place: drop it. Written is loaded before the
    // segments are looked at: a segment is pushed before its audio is committed, so audio we see has its segment.
    const std::uint64_t w = ring_.written();
    while (segments_->read_available() > 0) {
        const Segment s = segments_->front();
        if (s.gen == target) {
            ring_.consume(static_cast<std::size_t>(s.ringStart - ring_.consumed()));
            segments_->pop();
            segRing_ = s.ringStart;
            segTake_ = s.takeStart;
            ended_ = s.end;
            gen_ = target;
            position_.store(segTake_, std::memory_order_relaxed);
            appliedGen_.store(target, std::memory_order_release);
            return true;
        }
        segments_->pop();
    }
    const std::uint64_t r = ring_.consumed();
    if (w > r) ring_.consume(static_cast<std::size_t>(w - r));
    return false;
}

std::size_t TakePlayer::pull_rt(float* const* dest, std::size_t offset, std::size_t frames, float gain,
                                float step) FOH_RT {
    std::size_t got = 0;
    const std::size_t lanes = files_.size();
    while (got < frames && !ended_) {
        const std::uint64_t w = ring_.written();
        const std::uint64_t r = ring_.consumed();
        std::uint64_t limit = w;
        if (segments_->read_available() > 0) {
            const Segment s = segments_->front();
            if (s.gen == gen_ && s.ringStart <= r) {  // a loop wrap or the end, in this generation
                segments_->pop();
                segRing_ = s.ringStart;
                segTake_ = s.takeStart;
                ended_ = s.end;
                continue;
            }
            limit = std::min(limit, s.ringStart);  // a newer locate's audio begins there: not ours
        }
        if (limit <= r) break;
        const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(limit - r, frames - got));
        for (std::size_t l = 0; l < lanes; ++l) {
            const auto spans = ring_.readable(static_cast<int>(l), m);
            float* d = dest[l] + offset + got;
            if (step == 0.0f && gain == 1.0f) {
                std::memcpy(d, spans.first.data(), spans.first.size() * sizeof(float));
                std::memcpy(d + spans.first.size(), spans.second.data(), spans.second.size() * sizeof(float));
            } else {
                std::size_t i = 0;
                for (const std::span<const float> part : {spans.first, spans.second})
                    for (const float x : part) {
                        d[i] = x * std::clamp(gain + step * static_cast<float>(i), 0.0f, 1.0f);
                        ++i;
                    }
            }
        }
        ring_.consume(m);
        got += m;
        gain += step * static_cast<float>(m);
    }
    position_.store(segTake_ + (ring_.consumed() - segRing_), std::memory_order_relaxed);
    return got;
}

void TakePlayer::read_rt(float* const* dest, int frameCount) noexcept {
    if (frameCount <= 0 || !segments_) return;
    const auto frames = static_cast<std::size_t>(frameCount);
    const std::uint32_t gen = locateGen_.load(std::memory_order_acquire);
    const bool want = wantPlay_.load(std::memory_order_acquire);
    const float fade = static_cast<float>(fadeFrames_);
    if (mode_ == Mode::Playing && (gen != gen_ || !want)) {
        mode_ = Mode::FadingOut;  // for a locate (then Seeking) or a stop
        fadeOut_ = fadeFrames_;
    }
    std::size_t done = 0;
    while (done < frames) {
        switch (mode_) {
        case Mode::Stopped: {
            if (gen != gen_) (void)flush_rt(gen);
            if (want && gen == gen_) {
                if (ended_) {
                    wantPlay_.store(false, std::memory_order_release);  // at the end: nothing to play
                } else {
                    mode_ = Mode::Playing;
                    fadeIn_ = position_.load(std::memory_order_relaxed) == 0 ? 0 : fadeFrames_;
                    continue;
                }
            }
            silence_rt(dest, done, frames - done);
            done = frames;
            break;
        }
        case Mode::Playing: {
            if (done == 0 && fadeIn_ == 0 && !ended_ && segments_->read_available() == 0) {
                const std::uint64_t fill = ring_.written() - ring_.consumed();
                if (fill < minFill_.load(std::memory_order_relaxed)) minFill_.store(fill, std::memory_order_relaxed);
            }
            std::size_t span = frames - done;
            float gain = 1.0f, step = 0.0f;
            if (fadeIn_ > 0) {
                span = std::min(span, fadeIn_);
                gain = 1.0f - static_cast<float>(fadeIn_) / fade;
                step = 1.0f / fade;
            }
            const std::size_t got = pull_rt(dest, done, span, gain, step);
            fadeIn_ -= std::min(got, fadeIn_);
            played_.fetch_add(got, std::memory_order_relaxed);
            done += got;
            if (got < span) {
                silence_rt(dest, done, frames - done);
                if (ended_) {
                    mode_ = Mode::Stopped;
                    wantPlay_.store(false, std::memory_order_release);
                } else {
                    underruns_.fetch_add(frames - done, std::memory_order_relaxed);
                }
                done = frames;
            }
            break;
        }
        case Mode::FadingOut: {
            const std::size_t span = std::min(frames - done, fadeOut_);
            const std::size_t got =
                pull_rt(dest, done, span, static_cast<float>(fadeOut_) / fade, -1.0f / fade);
            played_.fetch_add(got, std::memory_order_relaxed);
            if (got < span) silence_rt(dest, done + got, span - got);
            done += span;
            fadeOut_ -= span;
            if (fadeOut_ == 0) mode_ = gen != gen_ ? Mode::Seeking : Mode::Stopped;
            break;
        }
        case Mode::Seeking: {
            if (flush_rt(gen)) {
                if (want && !ended_) {
                    mode_ = Mode::Playing;
                    fadeIn_ = fadeFrames_;
                } else {
                    mode_ = Mode::Stopped;
                }
                continue;
            }
            silence_rt(dest, done, frames - done);  // the disk thread is reading the new place
            done = frames;
            break;
        }
        }
    }
}

}  // namespace foh::record
