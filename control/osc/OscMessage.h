#pragma once
// One OSC message as the dispatcher sees it: an address and typed arguments, independent of liblo and sockets,
// so dispatch and coalescing are tested without either.

#include <cstdint>
#include <string>
#include <vector>

namespace foh::osc {

struct OscArg {
    char type = 'f';  ///< OSC type tag: 'f' float, 'i' int32, 'd' double, 'h' int64, 's' string, 'T', 'F', 'N', ...
    double number = 0.0;  ///< f, i, d, h
    std::string text;     ///< s, S
    std::vector<std::uint8_t> blob;  ///< b
    static OscArg f(float v) { return {'f', v, {}, {}}; }
    static OscArg i(std::int32_t v) { return {'i', static_cast<double>(v), {}, {}}; }
    static OscArg s(std::string v) { return {'s', 0.0, std::move(v), {}}; }
    static OscArg b(std::vector<std::uint8_t> v) { return {'b', 0.0, {}, std::move(v)}; }
};

struct OscMessage {
    std::string address;
    std::vector<OscArg> args;
};

}  // namespace foh::osc
