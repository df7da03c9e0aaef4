#pragma once
// What changed in the engine's value store since the last look, from any lane (by sequence number, so a value set
// twice to the same number counts twice). The OSC server looks every flush and marks the changes on its clients;
// a new registry (another layout) starts every client over with full state.

#include <memory>
#include <vector>

#include "core/Engine.h"
#include "osc/ClientTable.h"

namespace foh::osc {

class ValueWatcher {
public:
    explicit ValueWatcher(const Engine& engine) : registry_(engine.registry()), seen_(engine.values()) {}

    /// Looks at the engine again and marks what changed on `clients`.
    void update(const Engine& engine, ClientTable& clients) {
        auto registry = engine.registry();
        std::vector<ParamState> values = engine.values();
        if (registry != registry_ || values.size() != seen_.size()) {
            registry_ = std::move(registry);
            clients.resize(values.size());
        } else {
            for (std::size_t id = 0; id < values.size(); ++id)
                if (values[id].seq != seen_[id].seq) clients.markChanged(static_cast<std::uint32_t>(id));
        }
        seen_ = std::move(values);
    }

    [[nodiscard]] const ParamRegistry& registry() const { return *registry_; }
    /// Parameter `id`'s value as of the last update().
    [[nodiscard]] float value(std::uint32_t id) const { return seen_[id].value; }

private:
    std::shared_ptr<const ParamRegistry> registry_;
    std::vector<ParamState> seen_;
};

}  // namespace foh::osc
