#include "osc/OscCodec.h"

#include <lo/lo.h>
#include <lo/lo_lowlevel.h>

#include <bit>
#include <cstring>
#include <string_view>
#include <cstdlib>

namespace foh::osc {
namespace {

/// Owns a lo_message (an opaque pointer in liblo's API).
struct OwnedMessage {
    lo_message m;
    explicit OwnedMessage(lo_message message) : m(message) {}
    ~OwnedMessage() {
        if (m) lo_message_free(m);
    }
    OwnedMessage(const OwnedMessage&) = delete;
    OwnedMessage& operator=(const OwnedMessage&) = delete;
    [[nodiscard]] lo_message get() const { return m; }
    explicit operator bool() const { return m != nullptr; }
};

std::uint32_t readBigEndian32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

template <typename T>
T readAs(const void* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

void decodeMessage(std::uint8_t* data, std::size_t size, Decoded& out) {
    int result = 0;
    // liblo byte-swaps arguments in place while it deserialises, so it gets a copy the caller owns.
    const OwnedMessage msg(lo_message_deserialise(data, size, &result));
    if (!msg || result != 0) {
        ++out.malformed;
        return;
    }
    OscMessage m;
    // lo_message_deserialise checked the address is a terminated, padded string inside the packet.
    m.address = reinterpret_cast<const char*>(data);
    const char* types = lo_message_get_types(msg.get());
    lo_arg** argv = lo_message_get_argv(msg.get());
    const int argc = lo_message_get_argc(msg.get());
    for (int i = 0; i < argc; ++i) {
        OscArg a;
        a.type = types[i];
        // liblo's argument pointers are only 4-byte aligned (OSC pads to 4), and lo_arg is an 8-byte union:
        // reading through its members is misaligned access, so the bytes are copied out.
        const void* raw = argv[i];
        switch (types[i]) {
            case LO_FLOAT: a.number = readAs<float>(raw); break;
            case LO_INT32: a.number = readAs<std::int32_t>(raw); break;
            case LO_DOUBLE: a.number = readAs<double>(raw); break;
            case LO_INT64: a.number = static_cast<double>(readAs<std::int64_t>(raw)); break;
            case LO_STRING:
            case LO_SYMBOL: a.text = static_cast<const char*>(raw); break;
            case LO_BLOB: {
                // lo_message_deserialise checked that the blob's size fits the message.
                const auto blob = static_cast<lo_blob>(const_cast<void*>(raw));
                const auto* bytes = static_cast<const std::uint8_t*>(lo_blob_dataptr(blob));
                a.blob.assign(bytes, bytes + lo_blob_datasize(blob));
                break;
            }
            default: break;  // T, F, N, I, ...: the type tag is all the dispatcher needs
        }
        m.args.push_back(std::move(a));
    }
    out.messages.push_back(std::move(m));
}

void decodeInto(std::uint8_t* data, std::size_t size, int depth, Decoded& out) {
    static constexpr char kBundle[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};
    if (size >= 8 && std::memcmp(data, kBundle, 8) == 0) {
        if (depth >= kMaxBundleDepth || size < 16) {
            ++out.malformed;
            return;
        }
        std::size_t at = 16;  // "#bundle\0" + 8-byte time tag
        while (at < size) {
            if (size - at < 4) {
                ++out.malformed;
                return;
            }
            const std::uint32_t len = readBigEndian32(data + at);
            at += 4;
            if (len == 0 || len % 4 != 0 || len > size - at) {
                ++out.malformed;
                return;
            }
            decodeInto(data + at, len, depth + 1, out);
            at += len;
        }
        return;
    }
    decodeMessage(data, size, out);
}

}  // namespace

Decoded decodePacket(const std::uint8_t* data, std::size_t size) {
    Decoded out;
    if (size == 0 || size % 4 != 0 || (data[0] != '/' && data[0] != '#')) {
        ++out.malformed;
        return out;
    }
    std::vector<std::uint8_t> copy(data, data + size);
    decodeInto(copy.data(), copy.size(), 0, out);
    return out;
}

std::vector<std::uint8_t> encodeMessage(const OscMessage& message) {
    const OwnedMessage msg(lo_message_new());
    if (!msg) return {};
    for (const OscArg& a : message.args) {
        switch (a.type) {
            case 'f': lo_message_add_float(msg.get(), static_cast<float>(a.number)); break;
            case 'i': lo_message_add_int32(msg.get(), static_cast<std::int32_t>(a.number)); break;
            case 'd': lo_message_add_double(msg.get(), a.number); break;
            case 's': lo_message_add_string(msg.get(), a.text.c_str()); break;
            case 'T': lo_message_add_true(msg.get()); break;
            case 'F': lo_message_add_false(msg.get()); break;
            case 'b': {
                lo_blob blob = lo_blob_new(static_cast<std::int32_t>(a.blob.size()), a.blob.data());
                if (!blob) return {};
                const int added = lo_message_add_blob(msg.get(), blob);
                lo_blob_free(blob);  // the message holds its own copy
                if (added != 0) return {};
                break;
            }
            default: return {};
        }
    }
    std::size_t size = 0;
    void* bytes = lo_message_serialise(msg.get(), message.address.c_str(), nullptr, &size);
    if (!bytes) return {};
    std::vector<std::uint8_t> out(static_cast<std::uint8_t*>(bytes), static_cast<std::uint8_t*>(bytes) + size);
    std::free(bytes);
    return out;
}

namespace {
/// Appends an OSC string: its bytes, a NUL, padded with NULs to a multiple of 4.
void appendString(std::vector<std::uint8_t>& out, std::string_view s) {
    out.insert(out.end(), s.begin(), s.end());
    out.insert(out.end(), 4 - s.size() % 4, 0);
}
void appendBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    out.insert(out.end(), {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                           static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
}
/// The common case of pushes and meters, a message with one float, without liblo's allocations.
bool isOneFloat(const OscMessage& m) {
    return m.args.size() == 1 && m.args[0].type == 'f' && !m.address.empty() && m.address[0] == '/' &&
           m.address.find('\0') == std::string::npos;
}
void appendOneFloat(std::vector<std::uint8_t>& out, const OscMessage& m) {
    appendString(out, m.address);
    appendString(out, ",f");
    appendBigEndian32(out, std::bit_cast<std::uint32_t>(static_cast<float>(m.args[0].number)));
}
}  // namespace

std::vector<std::uint8_t> encodeBundle(const std::vector<OscMessage>& messages) {
    // "#bundle\0", the time tag 1 ("immediately"), then each element as a 32-bit big-endian size and the message.
    std::vector<std::uint8_t> out = {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0, 0, 0, 0, 0, 0, 0, 1};
    for (const OscMessage& m : messages) {
        if (isOneFloat(m)) {
            appendBigEndian32(out, static_cast<std::uint32_t>((m.address.size() + 4) / 4 * 4 + 8));
            appendOneFloat(out, m);
            continue;
        }
        const std::vector<std::uint8_t> bytes = encodeMessage(m);
        if (bytes.empty()) return {};
        appendBigEndian32(out, static_cast<std::uint32_t>(bytes.size()));
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
}

}  // namespace foh::osc
