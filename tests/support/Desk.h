#pragma once
// The whole engine as a test drives it: a graph of a given size, one control queue ("test") to set parameters
// through, and an offline renderer that plays input vectors through process_rt block by block and returns the
// outputs (in OutputLayout order).

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "backend/OfflineRenderer.h"
#include "core/Engine.h"

namespace foh::test {

struct Desk {
    /// An engine of `graph`, rendered in blocks of graph.maxBlock; `outputs` outputs, every output of the layout
    /// (mix outputs and direct outs) when it is negative.
    explicit Desk(const GraphConfig& graph, int outputs = -1)
        : config(graph),
          engine(config),
          renderer(engine, config.maxBlock, outputs < 0 ? config.outputs().allOutputs() : outputs) {
        queue = engine.openQueue("test");
    }
    /// Sets a parameter through the queue; the test stops here if the engine refuses it (with its reason).
    void set(const std::string& address, float value) {
        const Checked c = engine.set(*queue, address, value);
        INFO(address << ": " << c.error);
        REQUIRE(c.ok);
    }
    std::vector<std::vector<float>> render(const std::vector<std::vector<float>>& in, std::size_t n) {
        return renderer.render(in, n);
    }
    // Output indices of bus b, matrix m and channel c's direct out (all counted from 1).
    [[nodiscard]] int bus(int b) const { return config.outputs().busOut(b - 1); }
    [[nodiscard]] int mtx(int m) const { return config.outputs().matrixOut(m - 1); }
    [[nodiscard]] int direct(int c) const { return config.outputs().directOut(c - 1); }

    GraphConfig config;
    Engine engine;
    OfflineRenderer renderer;
    CommandQueue* queue;
};

}  // namespace foh::test
