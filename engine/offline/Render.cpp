#include "offline/Render.h"

#include <sndfile.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/Engine.h"
#include "params/ObjectParams.h"
#include "record/AutomationLog.h"
#include "record/Manifest.h"
#include "record/PlayFeed.h"
#include "scenes/SceneBook.h"
#include "scenes/ShowFile.h"

namespace foh::offline {
namespace {

constexpr int kDefaultBlock = 64;  // fohd's default period; a take from before take.json kept it
constexpr int kMaxLanes = 4;       // 4 x 8192 commands may take effect at one block (a big recall on a big desk)

struct SndFileCloser {
    void operator()(SNDFILE* f) const noexcept { sf_close(f); }
};
using SndFile = std::unique_ptr<SNDFILE, SndFileCloser>;

std::string readText(const std::filesystem::path& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RenderError(std::string(what) + " " + path.string() + ": cannot open");
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw RenderError(std::string(what) + " " + path.string() + ": cannot read");
    return s.str();
}

/// The channel tracks of a take, read in step with the render: next() makes one host block of every track ready
/// (silence past a track's end). The files are read kChunk frames at a time (libsndfile does no buffering of its
/// own: a read per 64-frame block and track was a fifth of the render's time in system calls). Control side (this
/// thread), never the audio side.
class TrackReader {
public:
    static constexpr int kChunk = 8192;
    void add(SndFile file, std::uint64_t frames) {
        files_.push_back(std::move(file));
        frames_.push_back(frames);
    }
    void prepare(int block) {
        chunk_ = std::max(kChunk / block, 1) * block;
        buffers_.assign(files_.size(), std::vector<float>(static_cast<std::size_t>(chunk_), 0.0f));
        offset_ = chunk_;  // nothing read yet
    }
    /// Makes the next `n` (<= block) frames of every track ready at buffer(t). Throws RenderError on a read error.
    void next(int n, const std::vector<std::string>& names) {
        offset_ += last_;
        last_ = n;
        if (offset_ + n <= chunk_) return;
        for (std::size_t t = 0; t < files_.size(); ++t) {
            float* dest = buffers_[t].data();
            sf_count_t got = 0;
            if (pos_ < frames_[t]) {
                const auto want = static_cast<sf_count_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(chunk_), frames_[t] - pos_));
                got = sf_readf_float(files_[t].get(), dest, want);
                if (got != want)
                    throw RenderError(names[t] + ": read error at frame " + std::to_string(pos_ + static_cast<std::uint64_t>(got)) +
                                      ": " + sf_strerror(files_[t].get()));
            }
            std::fill(dest + got, dest + chunk_, 0.0f);
        }
        pos_ += static_cast<std::uint64_t>(chunk_);
        offset_ = 0;
    }
    [[nodiscard]] float* buffer(std::size_t t) { return buffers_[t].data() + offset_; }
    [[nodiscard]] std::size_t size() const { return files_.size(); }

private:
    std::vector<SndFile> files_;
    std::vector<std::uint64_t> frames_;
    std::vector<std::vector<float>> buffers_;
    std::uint64_t pos_ = 0;  ///< file frame of the chunk after the one in the buffers
    int chunk_ = 0;          ///< a whole number of host blocks
    int offset_ = 0;         ///< the current block's start in the chunk
    int last_ = 0;           ///< the current block's length
};

/// The play feed's source: hands out the host block the render loop read before this process_rt, chunk by chunk
/// (the engine calls read_rt once per chunk of <= maxBlock frames). Copies only.
class BlockSource final : public record::PlaySource {
public:
    explicit BlockSource(TrackReader& reader) : reader_(reader) {}
    void startBlock() noexcept { offset_ = 0; }
    void read_rt(float* const* tracks, int frames) noexcept override {
        for (std::size_t t = 0; t < reader_.size(); ++t)
            std::copy_n(reader_.buffer(t) + offset_, frames, tracks[t]);
        offset_ += frames;
    }

private:
    TrackReader& reader_;
    int offset_ = 0;
};

/// Output file: stereo, RF64 that stays a plain WAV under 4 GiB (as the recorder's tracks), float or 24-bit.
class StereoWriter {
public:
    StereoWriter(const std::filesystem::path& path, double rate, RenderFormat format) : path_(path) {
        SF_INFO info{};
        info.samplerate = static_cast<int>(std::lround(rate));
        info.channels = 2;
        info.format = SF_FORMAT_RF64 | (format == RenderFormat::Float32 ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_24);
        file_.reset(sf_open(path.c_str(), SFM_WRITE, &info));
        if (!file_) throw RenderError(path.string() + ": cannot write: " + sf_strerror(nullptr));
        sf_command(file_.get(), SFC_RF64_AUTO_DOWNGRADE, nullptr, SF_TRUE);
        sf_command(file_.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);  // PCM overs saturate, never wrap
    }
    void write(const float* left, const float* right, std::size_t n) {
        interleaved_.resize(2 * n);
        for (std::size_t i = 0; i < n; ++i) {
            interleaved_[2 * i] = left[i];
            interleaved_[2 * i + 1] = right[i];
        }
        if (sf_writef_float(file_.get(), interleaved_.data(), static_cast<sf_count_t>(n)) != static_cast<sf_count_t>(n))
            throw RenderError(path_.string() + ": cannot write: " + sf_strerror(file_.get()));
    }
    void close() {
        if (file_ && sf_close(file_.release()) != 0) throw RenderError(path_.string() + ": cannot finish the file");
    }

private:
    std::filesystem::path path_;
    SndFile file_;
    std::vector<float> interleaved_;
};

/// Command lanes for the render's changes: one, plus more when a block's changes overflow it.
class Lanes {
public:
    explicit Lanes(Engine& engine) : engine_(engine) { open(); }
    ~Lanes() {
        for (CommandQueue* q : lanes_) engine_.closeQueue(q);
    }
    Lanes(const Lanes&) = delete;
    Lanes& operator=(const Lanes&) = delete;
    /// Sets through the first lane with room; a lane is added when all are full. Empty string: done.
    std::string set(const std::string& address, float value, float fadeMs) {
        const SetOptions o{fadeMs, "render", false};
        for (std::size_t i = 0;; ++i) {
            if (i == lanes_.size() && (lanes_.size() == kMaxLanes || !open()))
                return address + ": more changes at one block than the command lanes hold";
            const Checked c = engine_.set(*lanes_[i], address, value, o);
            if (c.ok) return {};
            if (c.error.find("queue full") == std::string::npos) return c.error;
        }
    }

private:
    bool open() {
        CommandQueue* q = engine_.openQueue("render");
        if (q == nullptr) return false;
        lanes_.push_back(q);
        return true;
    }
    Engine& engine_;
    std::vector<CommandQueue*> lanes_;
};

}  // namespace

RenderResult renderTake(const RenderOptions& options) {
    RenderResult result;
    const auto warn = [&](std::string text) {
        if (options.warn) options.warn(text);
        result.warnings.push_back(std::move(text));
    };

    // ---- the take and the show -------------------------------------------------------------------------------
    std::string error;
    if (!std::filesystem::is_directory(options.take))
        throw RenderError("take " + options.take.string() + ": not a folder");
    const std::optional<record::Manifest> manifest = record::readManifest(options.take, error);
    if (!manifest) throw RenderError("take " + options.take.string() + ": " + error);
    const double rate = manifest->sampleRate;
    if (!(rate >= 8000.0 && rate <= 384000.0))
        throw RenderError("take " + options.take.string() + ": take.json: no usable sample_rate");
    int block = manifest->blockFrames;
    int maxBlock = manifest->maxBlock;
    if (block <= 0) {
        block = kDefaultBlock;
        warn("take.json has no block_frames (an older take): rendering in blocks of " + std::to_string(block) +
             " frames; if the take was recorded with another period the render will differ from live");
    }
    if (maxBlock <= 0) {
        maxBlock = block;
        warn("take.json has no max_block: using " + std::to_string(maxBlock) + " (fohd's graph block is its period)");
    }
    if (block > 8192 || maxBlock > 8192) throw RenderError("take.json: block_frames/max_block over 8192");

    const scenes::LoadResult loaded = scenes::parseShow(readText(options.show, "show"), options.show.filename().string());
    if (!loaded.show) throw RenderError(loaded.error);
    for (const std::string& w : loaded.warnings) warn("show: " + w);
    const scenes::Show& show = *loaded.show;

    // ---- the engine, as fohd --show builds it ------------------------------------------------------------------
    GraphConfig config;
    config.channels = show.layout.channels;
    config.buses = show.layout.buses;
    config.fx = show.layout.fx;
    config.sampleRate = rate;
    config.maxBlock = maxBlock;
    Engine engine(config);
    scenes::SceneBook book(engine);
    book.load(show);
    Lanes lanes(engine);

    // ---- the tracks ------------------------------------------------------------------------------------------
    TrackReader reader;
    std::vector<std::string> trackNames;
    auto feed = std::make_shared<record::PlayFeed>();
    std::uint64_t length = 0;
    std::vector<std::uint64_t> trackFrames;
    for (const record::ManifestTrack& track : manifest->tracks) {
        const int channel = record::channelOf(track);
        if (channel == 0) continue;  // main L/R (what live gave), buses
        if (channel > config.channels) {
            warn(track.file + ": channel " + std::to_string(channel) + " is not on this show's " +
                 std::to_string(config.channels) + "-channel console: not played");
            continue;
        }
        if (!track.tap.empty() && track.tap != "posttrim")
            warn(track.file + ": recorded at the " + track.tap +
                 " tap: played in after trim all the same, so that channel's processing applies twice");
        const std::filesystem::path path = options.take / track.file;
        SF_INFO info{};
        SndFile f(sf_open(path.c_str(), SFM_READ, &info));
        if (!f) throw RenderError(path.string() + ": cannot open: " + sf_strerror(nullptr));
        if (info.channels != 1) throw RenderError(path.string() + ": not a mono track");
        if (info.samplerate != static_cast<int>(std::lround(rate)))
            throw RenderError(path.string() + ": " + std::to_string(info.samplerate) + " Hz, the take is " +
                              std::to_string(static_cast<int>(std::lround(rate))) + " Hz");
        const auto frames = static_cast<std::uint64_t>(info.frames);
        reader.add(std::move(f), frames);
        trackNames.push_back(path.string());
        trackFrames.push_back(frames);
        feed->channels.push_back(channel - 1);
        length = std::max(length, frames);
    }
    if (reader.size() == 0) throw RenderError("take " + options.take.string() + ": no channel tracks in take.json");
    for (std::size_t t = 0; t < trackFrames.size(); ++t)
        if (trackFrames[t] < length)
            warn(trackNames[t] + ": " + std::to_string(trackFrames[t]) + " frames, shorter than the take's " +
                 std::to_string(length) + ": padded with silence");
    reader.prepare(block);
    BlockSource source(reader);
    feed->source = &source;
    feed->finish();
    result.tracksPlayed = static_cast<int>(reader.size());

    // Every channel listens to the feed: a played one gets its post-trim track, one without a track is silent.
    for (int c = 1; c <= config.channels; ++c)
        if (std::string e = lanes.set("/ch/" + std::to_string(c) + "/source", static_cast<float>(ChannelSource::Playback), 0.0f);
            !e.empty())
            throw RenderError(e);

    // ---- the automation log ----------------------------------------------------------------------------------
    std::vector<record::AutomationEvent> events;
    const std::filesystem::path logPath = options.take / "automation.jsonl";
    if (std::filesystem::exists(logPath)) {
        record::AutomationParse parsed =
            record::parseAutomationLog(readText(logPath, "automation log"), "automation.jsonl", *engine.registry());
        for (const std::string& e : parsed.errors) warn(e + " (skipped)");
        for (record::AutomationEvent& e : parsed.events) {
            if (e.address.ends_with("/source")) {
                warn("automation.jsonl: " + e.address + " at frame " + std::to_string(e.frame) +
                     ": a render plays every channel from the take (skipped)");
                continue;
            }
            if (e.frame >= length) {
                warn("automation.jsonl: " + e.address + " at frame " + std::to_string(e.frame) + ": after the take's end (" +
                     std::to_string(length) + " frames, skipped)");
                continue;
            }
            events.push_back(std::move(e));
        }
    } else {
        warn("take has no automation.jsonl: rendering with the show's state throughout");
    }

    // ---- pre-roll: the console at rest -----------------------------------------------------------------------
    std::vector<float> outL(static_cast<std::size_t>(block)), outR(static_cast<std::size_t>(block));
    float* out[2] = {outL.data(), outR.data()};
    const auto blocks = [&](double seconds) {
        return static_cast<std::uint64_t>(std::ceil(std::max(0.0, seconds) * rate / block));
    };
    // Whole 16-frame control blocks as live: fohd's take began at a host block start of a 16-multiple period.
    const std::uint64_t prerollBlocks = std::max<std::uint64_t>(blocks(options.prerollSeconds), 2);
    for (std::uint64_t b = 0; b < prerollBlocks || book.pending() > 0; ++b) {
        book.poll();
        engine.process_rt(nullptr, 0, out, 2, block);
        if (b % 16 == 0) engine.housekeeping();
    }
    engine.housekeeping();
    (void)engine.attachPlayFeed(feed);

    // ---- the take --------------------------------------------------------------------------------------------
    std::optional<StereoWriter> writer;
    if (!options.output.empty() && !options.master) writer.emplace(options.output, rate, options.format);
    const bool keep = options.keepAudio || options.master.has_value();
    if (keep) {
        result.left.reserve(length);
        result.right.reserve(length);
    }
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    std::size_t next = 0;
    std::uint64_t reported = 0;
    const std::uint64_t step = std::max<std::uint64_t>(length / 100, 1);
    for (std::uint64_t pos = 0; pos < length; pos += static_cast<std::uint64_t>(block)) {
        const int n = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(block), length - pos));
        const std::uint64_t end = pos + static_cast<std::uint64_t>(n);
        for (; next < events.size() && events[next].frame < end; ++next) {
            const record::AutomationEvent& e = events[next];
            if (std::string why = lanes.set(e.address, e.value, e.fadeMs); !why.empty()) {
                warn("automation.jsonl: frame " + std::to_string(e.frame) + ": " + why + " (skipped)");
                continue;
            }
            ++result.eventsApplied;
            if (e.frame != pos) ++result.eventsMoved;
        }
        reader.next(n, trackNames);
        source.startBlock();
        engine.process_rt(nullptr, 0, out, 2, n);
        if (writer) writer->write(outL.data(), outR.data(), static_cast<std::size_t>(n));
        if (keep) {
            result.left.insert(result.left.end(), outL.begin(), outL.begin() + n);
            result.right.insert(result.right.end(), outR.begin(), outR.begin() + n);
        }
        if ((pos / static_cast<std::uint64_t>(block)) % 16 == 0) engine.housekeeping();
        if (options.progress && end >= reported + step) {
            reported = end;
            const double t = elapsed();
            options.progress(static_cast<double>(end) / static_cast<double>(length),
                             t > 0.0 ? static_cast<double>(end) / rate / t : 0.0);
        }
    }
    engine.detachPlayFeed();
    engine.housekeeping();
    result.wallSeconds = elapsed();
    result.sampleRate = rate;
    result.frames = length;
    result.blockFrames = block;
    result.maxBlock = maxBlock;
    result.latencyFrames = engine.latencyFrames();
    result.timesRealTime = result.wallSeconds > 0.0 ? static_cast<double>(length) / rate / result.wallSeconds : 0.0;
    if (result.eventsMoved > 0)
        warn(std::to_string(result.eventsMoved) + " automation event(s) not at a block start (" + std::to_string(block) +
             "-frame blocks): applied at the start of the block that holds them");

    if (options.master) {
        result.mastered = masterBuffers(result.left, result.right, rate, *options.master);
        if (!options.output.empty()) {
            StereoWriter w(options.output, rate, options.format);
            w.write(result.left.data(), result.right.data(), result.left.size());
            w.close();
        }
    } else if (writer) {
        writer->close();
    }
    return result;
}

}  // namespace foh::offline
