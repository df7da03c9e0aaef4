#include "rec/PlaybackSession.h"

#include <cmath>
#include <stdexcept>

#include "util/Log.h"

namespace foh::rec {

namespace {
constexpr std::string_view kOrigin = "play (virtual soundcheck)";
std::string sourceAddress(int channel) { return "/ch/" + std::to_string(channel + 1) + "/source"; }
}  // namespace

PlaybackSession::PlaybackSession(Engine& engine, scenes::SceneBook& book, std::filesystem::path root,
                                 record::PlayerConfig config)
    : engine_(engine), book_(book), root_(std::move(root)), config_(config) {
    queue_ = engine_.openQueue("play");
    if (queue_ == nullptr) throw std::runtime_error("playback: no free command lane");
}

PlaybackSession::~PlaybackSession() {
    unload();
    engine_.closeQueue(queue_);
}

void PlaybackSession::unload() {
    if (!player_) return;
    engine_.detachPlayFeed();  // the audio thread lets go before the player and its ring go away
    feed_.reset();
    player_.reset();
    take_.clear();
}

scenes::Result PlaybackSession::load(const std::string& take) {
    if (take.empty() || take == "." || take == ".." || take.find('/') != std::string::npos ||
        take.find('\0') != std::string::npos)
        return scenes::Result::fail("a take is a folder name in the recordings folder (no '/', not '.' or '..')");
    const std::filesystem::path folder = root_ / take;
    auto player = std::make_unique<record::TakePlayer>();
    std::string error;
    if (!player->open(folder, config_, error)) return scenes::Result::fail(error);
    const double rate = engine_.config().sampleRate;
    if (std::abs(player->sampleRate() - rate) > 0.5)
        return scenes::Result::fail("take '" + take + "' was recorded at " + std::to_string(std::lround(player->sampleRate())) +
                                    " Hz, the console runs at " + std::to_string(std::lround(rate)) + " Hz");
    (void)player->waitPrimed(std::chrono::seconds(2));  // a start right after the load plays without an underrun
    unload();
    player_ = std::move(player);
    feed_ = player_->makeFeed();
    (void)engine_.attachPlayFeed(feed_);
    take_ = take;
    for (const std::string& w : player_->warnings()) FOH_LOG_WARN("play: %s", w.c_str());
    FOH_LOG_INFO("play: loaded take '%s' (%zu channel tracks, %.1f s)", take.c_str(), player_->channels().size(),
                 static_cast<double>(player_->lengthFrames()) / player_->sampleRate());
    ++revision_;
    return {};
}

std::uint64_t PlaybackSession::frames(double seconds) const {
    return static_cast<std::uint64_t>(std::llround(seconds * player_->sampleRate()));
}

scenes::Result PlaybackSession::start() {
    if (!player_) return scenes::Result::fail("no take loaded (/play/load s TAKE)");
    if (player_->position() >= player_->lengthFrames()) player_->locate(0);  // at the end: from the top
    player_->play();
    ++revision_;
    return {};
}

scenes::Result PlaybackSession::stop() {
    if (!player_) return scenes::Result::fail("no take loaded (/play/load s TAKE)");
    player_->stop();
    ++revision_;
    return {};
}

scenes::Result PlaybackSession::locate(double seconds) {
    if (!player_) return scenes::Result::fail("no take loaded (/play/load s TAKE)");
    if (!std::isfinite(seconds) || seconds < 0) return scenes::Result::fail("a position is seconds >= 0");
    player_->locate(frames(seconds));
    ++revision_;
    return {};
}

scenes::Result PlaybackSession::loop(double a, double b) {
    if (!player_) return scenes::Result::fail("no take loaded (/play/load s TAKE)");
    const double length = static_cast<double>(player_->lengthFrames()) / player_->sampleRate();
    if (!std::isfinite(a) || !std::isfinite(b) || a < 0 || b <= a || frames(b) > player_->lengthFrames() ||
        frames(a) >= frames(b))
        return scenes::Result::fail("a loop is A < B seconds within the take (0 .. " + std::to_string(length) + ")");
    (void)player_->setLoop(std::make_pair(frames(a), frames(b)));
    ++revision_;
    return {};
}

scenes::Result PlaybackSession::loopOff() {
    if (!player_) return scenes::Result::fail("no take loaded (/play/load s TAKE)");
    (void)player_->setLoop(std::nullopt);
    ++revision_;
    return {};
}

bool PlaybackSession::channelSafe(int channel) const {
    const std::string object = "/ch/" + std::to_string(channel + 1);
    for (const scenes::Rule& r : book_.safes())
        if (r.matches(object, ParamGroup::Input)) return true;
    return false;
}

scenes::Result PlaybackSession::vsc(bool on) {
    const int channels = engine_.config().channels;
    SetOptions options;
    options.origin = kOrigin;
    options.linkFollows = false;  // each channel by itself: a safe half of a linked pair stays live
    std::string failed;
    int switched = 0, safe = 0;
    if (on) {
        if (!player_) return scenes::Result::fail("no take loaded (/play/load s TAKE)");
        for (const int c : player_->channels()) {
            if (c < 0 || c >= channels) continue;
            if (channelSafe(c)) {
                ++safe;
                continue;
            }
            const Checked r = engine_.set(*queue_, sourceAddress(c), 1.0f, options);
            if (!r.ok) failed += " " + sourceAddress(c) + ": " + r.error;
            else ++switched;
        }
    } else {
        // Going live is total: every channel, whatever the take, the safes or a hand switched.
        for (int c = 0; c < channels; ++c) {
            const Checked r = engine_.set(*queue_, sourceAddress(c), 0.0f, options);
            if (!r.ok) failed += " " + sourceAddress(c) + ": " + r.error;
        }
    }
    vsc_ = on;
    ++revision_;
    if (on) FOH_LOG_INFO("play: virtual soundcheck on: %d channel(s) on playback, %d recall-safe kept live", switched, safe);
    else FOH_LOG_INFO("play: virtual soundcheck off: every channel live");
    if (!failed.empty()) return scenes::Result::fail("not every channel switched:" + failed);
    return {};
}

PlaybackSession::Status PlaybackSession::status() const {
    Status s;
    s.vsc = vsc_;
    const int channels = engine_.config().channels;
    for (int c = 0; c < channels; ++c) s.onPlayback += engine_.get(sourceAddress(c)).value_or(0.0f) >= 0.5f ? 1 : 0;
    if (!player_) return s;
    const record::TakePlayer::Status p = player_->status();
    const double rate = player_->sampleRate();
    s.take = take_;
    s.playing = p.playing;
    s.position = static_cast<double>(p.position) / rate;
    s.length = static_cast<double>(player_->lengthFrames()) / rate;
    s.looping = p.looping;
    s.loopStart = p.looping ? static_cast<double>(p.loopStart) / rate : 0.0;
    s.loopEnd = p.looping ? static_cast<double>(p.loopEnd) / rate : 0.0;
    s.underruns = p.underrunFrames;
    s.tracks = static_cast<int>(player_->channels().size());
    s.lowestRingFill = p.lowestRingFill;
    if (!p.error.empty()) {
        s.message = p.error;
    } else {
        for (const std::string& w : player_->warnings()) s.message += (s.message.empty() ? "" : "; ") + w;
    }
    return s;
}

void PlaybackSession::tick() {
    const Status s = status();
    char buf[96];
    std::snprintf(buf, sizeof buf, "%d %.1f %d %llu %d %d", s.playing ? 1 : 0, s.position, s.looping ? 1 : 0,
                  static_cast<unsigned long long>(s.underruns), s.onPlayback, s.vsc ? 1 : 0);
    const std::string seen = s.take + "|" + buf + "|" + s.message;
    if (s.playing != wasPlaying_) {
        if (!s.playing && player_)
            FOH_LOG_INFO("play: stopped at %.2f s; lowest read-ahead ring fill while playing %.0f %%, %llu underrun samples",
                         s.position, s.lowestRingFill * 100.0, static_cast<unsigned long long>(s.underruns));
        wasPlaying_ = s.playing;
    }
    if (seen != lastSeen_) {
        lastSeen_ = seen;
        ++revision_;
    }
}

}  // namespace foh::rec
