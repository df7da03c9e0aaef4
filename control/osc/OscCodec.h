#pragma once
// The OSC wire format through liblo's low-level API: packets (messages and bundles) in, messages out.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "osc/OscMessage.h"

namespace foh::osc {

struct Decoded {
    std::vector<OscMessage> messages;
    int malformed = 0;  ///< messages or bundle elements liblo refused (or a bundle nested too deep / cut short)
};

/// Decodes one UDP datagram: a message, or a bundle of messages and bundles (nested at most kMaxBundleDepth deep;
/// the time tag is ignored: everything applies on arrival). Never throws on any input.
[[nodiscard]] Decoded decodePacket(const std::uint8_t* data, std::size_t size);
inline constexpr int kMaxBundleDepth = 4;

/// Encodes a message; empty when liblo cannot (an address that is not a valid OSC string).
[[nodiscard]] std::vector<std::uint8_t> encodeMessage(const OscMessage& message);
/// Encodes messages as one bundle with the time tag "immediately"; empty when a message cannot be encoded.
[[nodiscard]] std::vector<std::uint8_t> encodeBundle(const std::vector<OscMessage>& messages);

}  // namespace foh::osc
