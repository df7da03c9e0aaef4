// foh_show_writer: saves versions of a show-file-like document through scenes::writeFileAtomically, for the system
// tests that kill it at random points (show_powercut.sh) and fill its disk (show_fulldisk.sh).
//
//   foh_show_writer FILE [--clean] [--from K] [--count N] [--size BYTES]
//
// Version k is one line of JSON whose every part depends on k, so a mix of two versions or a cut-off file is seen:
//
//   {"version": k, "length": n, "payload": "vk:<n bytes of pseudo-random text>", "checksum": <CRC-32 of payload>}
//
// The payload is 1 KiB .. 200 KiB long (from k), or BYTES with --size; the checksum is the CRC-32 of zlib (and
// Python's zlib.crc32), computed here independently. It saves versions K, K+1, ... (K defaults to 1), N of them, or
// until killed without --count. Prints "ready" once it starts saving and "wrote k" after each save returned
// (flushed: a killed writer has printed exactly the saves that completed, or the last one is still in flight).
// --clean first removes the leftover temp files of an interrupted save (scenes::cleanStaleTemps, as the loader
// does), printing "removed NAME" for each. A failed save prints the error on stderr and exits 1.

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "scenes/AtomicFile.h"

namespace {

/// splitmix64 (Vigna): a tiny, well-mixed generator; the seed is the version, so version k is always the same.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
};

/// CRC-32 as in zlib (polynomial 0xEDB88320, reflected, initial and final XOR 0xFFFFFFFF), by a 256-entry table.
std::uint32_t crc32(std::string_view bytes) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const char c : bytes) crc = (crc >> 8) ^ table[(crc ^ static_cast<unsigned char>(c)) & 0xFFu];
    return crc ^ 0xFFFFFFFFu;
}

constexpr std::size_t kMinPayload = 1024;
constexpr std::size_t kMaxPayload = 200 * 1024;

std::string document(std::uint64_t version, long size) {
    SplitMix64 rng{version * 0x2545F4914F6CDD1DULL + 1};
    const std::size_t length =
        size >= 0 ? static_cast<std::size_t>(size) : kMinPayload + rng.next() % (kMaxPayload - kMinPayload + 1);
    // 64 characters that need no escaping in JSON: each byte of a random word picks one (generating 200 KiB takes
    // well under a millisecond, so a kill at a random moment mostly lands in the save, not in making the text).
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -";
    static_assert(kAlphabet.size() == 64);
    std::string payload = "v" + std::to_string(version) + ":";  // differs between versions from the first bytes on
    payload.resize(std::min(payload.size(), length));
    payload.reserve(length);
    while (payload.size() < length) {
        std::uint64_t word = rng.next();
        for (int i = 0; i < 8 && payload.size() < length; ++i, word >>= 8) payload += kAlphabet[word & 63u];
    }
    return "{\"version\": " + std::to_string(version) + ", \"length\": " + std::to_string(length) +
           ", \"payload\": \"" + payload + "\", \"checksum\": " + std::to_string(crc32(payload)) + "}\n";
}

void say(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

bool number(const char* text, long& out) {
    const std::string_view s(text);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && out >= 0;
}

int usage() {
    std::fputs("usage: foh_show_writer FILE [--clean] [--from K] [--count N] [--size BYTES]\n", stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') return usage();
    const std::filesystem::path file = argv[1];
    bool clean = false;
    long from = 1, count = -1, size = -1;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--clean") {
            clean = true;
        } else if ((a == "--from" || a == "--count" || a == "--size") && i + 1 < argc) {
            long& target = a == "--from" ? from : a == "--count" ? count : size;
            if (!number(argv[++i], target)) return usage();
        } else {
            return usage();
        }
    }
    if (clean) {
        const foh::scenes::CleanResult r = foh::scenes::cleanStaleTemps(file);
        for (const auto& p : r.removed) say("removed " + p.filename().string());
        if (!r.error.empty()) std::fprintf(stderr, "foh_show_writer: %s\n", r.error.c_str());
    }
    say("ready");
    for (long n = 0; count < 0 || n < count; ++n) {
        const auto version = static_cast<std::uint64_t>(from + n);
        const foh::scenes::WriteResult r = foh::scenes::writeFileAtomically(file, document(version, size));
        if (!r.ok) {
            std::fprintf(stderr, "foh_show_writer: %s\n", r.error.c_str());
            return 1;
        }
        say("wrote " + std::to_string(version));
    }
    return 0;
}
