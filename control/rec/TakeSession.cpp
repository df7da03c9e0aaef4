#include "rec/TakeSession.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "scenes/AtomicFile.h"
#include "scenes/ShowFile.h"
#include "util/Log.h"

namespace foh::rec {
namespace {

std::string stamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d_%H%M%S", &tm);
    return buf;
}

/// A name usable in a file name: no '/' or control characters.
std::string fileSafe(std::string s) {
    for (char& c : s)
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '_';
    return s;
}

std::uint64_t samplesSinceMidnight(double rate) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return static_cast<std::uint64_t>((tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) * rate);
}

std::string nameOf(const std::map<std::string, std::string>& names, const std::string& object, const std::string& fallback) {
    const auto it = names.find(object);
    return it != names.end() && !it->second.empty() ? it->second : fallback;
}

bool armed(const Engine& engine, const std::string& address) { return engine.get(address).value_or(0.0f) >= 0.5f; }

}  // namespace

ArmedTracks armedTracks(const Engine& engine, const std::map<std::string, std::string>& names) {
    const GraphConfig config = engine.config();
    ArmedTracks out;
    char number[16];
    for (int c = 0; c < config.channels; ++c) {
        const std::string object = "/ch/" + std::to_string(c + 1);
        if (!armed(engine, object + "/rec/arm")) continue;
        const std::string name = nameOf(names, object, "Ch " + std::to_string(c + 1));
        const int tap = static_cast<int>(engine.get(object + "/direct/tap").value_or(0.0f));
        std::snprintf(number, sizeof number, "%03d", c + 1);
        out.tracks.push_back({std::string(number) + " " + fileSafe(name) + ".wav", name, object,
                              std::string(kDirectTaps[static_cast<std::size_t>(std::clamp(tap, 0, 2))])});
        out.sources.push_back({record::RecordSource::Kind::Channel, c});
    }
    if (armed(engine, "/main/rec/arm")) {
        out.tracks.push_back({"main L.wav", "Main L", "/main/l", ""});
        out.sources.push_back({record::RecordSource::Kind::MainLeft, 0});
        out.tracks.push_back({"main R.wav", "Main R", "/main/r", ""});
        out.sources.push_back({record::RecordSource::Kind::MainRight, 0});
    }
    for (int b = 0; b < config.buses; ++b) {
        const std::string object = "/bus/" + std::to_string(b + 1);
        if (!armed(engine, object + "/rec/arm")) continue;
        const std::string name = nameOf(names, object, "Bus " + std::to_string(b + 1));
        std::snprintf(number, sizeof number, "bus %02d", b + 1);
        const std::string file = names.contains(object) ? std::string(number) + " " + fileSafe(name) : std::string(number);
        out.tracks.push_back({file + ".wav", name, object, ""});
        out.sources.push_back({record::RecordSource::Kind::Bus, b});
    }
    return out;
}

TakeSession::TakeSession(Engine& engine, scenes::SceneBook& book, std::filesystem::path root)
    : engine_(engine), book_(book), root_(std::move(root)) {}

TakeSession::~TakeSession() { (void)stop(); }

scenes::Result TakeSession::start(const std::string& label) {
    if (recorder_ && recorder_->recording()) return scenes::Result::fail("already recording take " + take_);
    if (!scenes::nameProblem(label).empty() || label.find('/') != std::string::npos)
        return scenes::Result::fail("a take label is at most 32 bytes, without '/' or control characters");
    std::error_code ec;
    std::filesystem::create_directories(root_, ec);
    if (ec) return scenes::Result::fail("cannot create the recordings folder " + root_.string() + ": " + ec.message());

    ArmedTracks armedNow = armedTracks(engine_, book_.names());
    if (armedNow.tracks.empty()) {
        // Said to every client (the status), not only to the one that pressed record.
        error_ = "nothing is armed: arm a channel (/ch/N/rec/arm 1), main L/R (/main/rec/arm 1) or a bus "
                 "(/bus/N/rec/arm 1); no take was started";
        ++revision_;
        return scenes::Result::fail(error_);
    }

    const GraphConfig config = engine_.config();
    sampleRate_ = config.sampleRate;
    record::TakeConfig take;
    take_ = stamp() + (label.empty() ? "" : " " + label);
    take.folder = root_ / take_;
    take.sampleRate = config.sampleRate;
    take.sample = sample_;  // float (default) is bit-exact for any live float signal
    take.startSample = samplesSinceMidnight(config.sampleRate);
    take.blockFrames = engine_.hostBlockFrames();  // 0 (not known) before the first block
    take.maxBlock = config.maxBlock;
    take.tracks = std::move(armedNow.tracks);
    auto plan = std::make_shared<record::RecordPlan>();
    plan->sources = std::move(armedNow.sources);

    auto recorder = std::make_unique<record::Recorder>();
    std::string error;
    if (!recorder->start(take, error)) {
        error_ = error;
        ++revision_;
        return scenes::Result::fail(error);
    }
    // The show as it is now: a render starts from it.
    const scenes::WriteResult w = scenes::writeFileAtomically(take.folder / "show-at-start.json", scenes::toJson(book_.snapshot()));
    if (!w.ok) FOH_LOG_WARN("rec: %s", w.error.c_str());

    recorder_ = std::move(recorder);
    sink_.recorder = recorder_.get();
    plan->sink = &sink_;
    plan->finish();
    const std::uint32_t seq = engine_.lastSeq();
    startFrame_ = engine_.startRecording(plan);
    automation_.emplace(startFrame_, seq);
    automationFile_ = take.folder / "automation.jsonl";
    std::ofstream(automationFile_, std::ios::app).flush();
    lastScene_ = book_.current();
    lastBookRevision_ = book_.revision();
    error_.clear();
    lastWarning_.clear();
    ++revision_;
    FOH_LOG_INFO("rec: recording take '%s' (%zu tracks) into %s", take_.c_str(), take.tracks.size(), take.folder.c_str());
    return {};
}

void TakeSession::finishTake() {
    (void)engine_.stopRecording();
    engine_.housekeeping();  // the last changes get their frames
    tick();
    recorder_->stop();
    automation_.reset();
}

scenes::Result TakeSession::stop() {
    if (!recorder_) return scenes::Result::fail("not recording");
    const bool was = recorder_->recording();
    finishTake();
    const auto s = recorder_->status();
    if (!s.error.empty()) error_ = s.error;
    recorder_.reset();
    ++revision_;
    if (!was && !error_.empty()) return scenes::Result::fail(error_);
    FOH_LOG_INFO("rec: take '%s' stopped", take_.c_str());
    return {};
}

void TakeSession::tick() {
    if (!recorder_) return;
    if (automation_) {
        const auto events = automation_->collect(engine_);
        if (!events.empty()) {
            std::ofstream out(automationFile_, std::ios::app);
            for (const auto& e : events) out << record::formatAutomationLine(e) << '\n';
            if (!out) FOH_LOG_WARN("rec: cannot append to %s", automationFile_.c_str());
        }
    }
    if (book_.revision() != lastBookRevision_) {
        lastBookRevision_ = book_.revision();
        if (book_.current() != lastScene_ && book_.current() >= 0) {
            const auto frame = engine_.framesProcessed() - startFrame_;
            recorder_->addMarker(frame, "scene " + std::to_string(book_.current() + 1) + " '" +
                                            book_.scenes()[static_cast<std::size_t>(book_.current())].name + "'");
        }
        lastScene_ = book_.current();
    }
    const auto s = recorder_->status();
    if (s.warning != lastWarning_) {
        lastWarning_ = s.warning;
        if (!s.warning.empty()) FOH_LOG_WARN("rec: %s", s.warning.c_str());
        ++revision_;
    }
    if (s.stoppedByError && automation_) {
        // The recorder stopped itself (a full disk): the live audio goes on; the feed stops, the files are final.
        error_ = s.error;
        FOH_LOG_ERROR("rec: %s", s.error.c_str());
        (void)engine_.stopRecording();
        automation_.reset();
        ++revision_;
    }
}

TakeSession::Status TakeSession::status() const {
    Status st;
    st.take = take_;
    st.error = error_;
    if (!recorder_) return st;
    const auto s = recorder_->status();
    st.recording = recorder_->recording();
    st.seconds = static_cast<double>(s.framesCaptured) / sampleRate_;
    st.minutesLeft = s.minutesLeft;
    for (auto o : s.overruns) st.overruns += o;
    st.warning = s.warning;
    if (!s.error.empty()) st.error = s.error;
    return st;
}

void TakeSession::pauseDiskForTest(bool paused) {
    if (recorder_) recorder_->pauseDiskForTest(paused);
}

}  // namespace foh::rec
