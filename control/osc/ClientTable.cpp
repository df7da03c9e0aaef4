#include "osc/ClientTable.h"

namespace foh::osc {

ClientTable::Client ClientTable::fresh(Clock::time_point now) const {
    Client c;
    c.lastSeen = now;
    c.lastSent.assign(parameters_, Clock::time_point{});
    c.dirty.assign(parameters_, 0);
    return c;
}

Endpoint ClientTable::touch(Endpoint source, Clock::time_point now, int replyPort, bool* isNew, bool* full) {
    Endpoint reply = source;
    if (isNew) *isNew = false;
    if (full) *full = false;
    if (replyPort > 0) {
        reply.port = static_cast<std::uint16_t>(replyPort);
        if (reply != source && (aliases_.contains(source) || aliases_.size() < kMaxClients)) aliases_[source] = {reply, now};
    } else if (auto a = aliases_.find(source); a != aliases_.end()) {
        a->second.lastSeen = now;
        reply = a->second.reply;
    }
    auto it = clients_.find(reply);
    if (it == clients_.end()) {
        if (clients_.size() >= kMaxClients) {  // answered, but not subscribed: no full state, no pushes
            if (full) *full = true;
            return reply;
        }
        it = clients_.emplace(reply, fresh(now)).first;
        if (isNew) *isNew = true;
    }
    it->second.lastSeen = now;
    return reply;
}

void ClientTable::restartFullState(Endpoint client) {
    if (auto it = clients_.find(client); it != clients_.end()) it->second.fullStateNext = 0;
}

void ClientTable::markChanged(std::uint32_t id) {
    if (id >= parameters_) return;
    for (auto& [endpoint, c] : clients_) {
        if (c.dirty[id]) continue;
        c.dirty[id] = 1;
        c.dirtyList.push_back(id);
    }
}

void ClientTable::resize(std::size_t parameters) {
    parameters_ = parameters;
    for (auto& [endpoint, c] : clients_) c = fresh(c.lastSeen);
}

std::size_t ClientTable::expire(Clock::time_point now) {
    std::size_t dropped = 0;
    for (auto it = clients_.begin(); it != clients_.end();) {
        if (now - it->second.lastSeen >= kExpiry) {
            it = clients_.erase(it);
            ++dropped;
        } else {
            ++it;
        }
    }
    std::erase_if(aliases_, [&](const auto& a) { return now - a.second.lastSeen >= kExpiry; });
    return dropped;
}

std::vector<std::uint32_t> ClientTable::due(Endpoint client, Clock::time_point now) {
    std::vector<std::uint32_t> out;
    const auto it = clients_.find(client);
    if (it == clients_.end()) return out;
    Client& c = it->second;
    // Changes first (they are what the operator is touching), then the rest of the full state.
    std::vector<std::uint32_t> waiting;
    for (const std::uint32_t id : c.dirtyList) {
        if (out.size() < kBudgetPerFlush && now - c.lastSent[id] >= kMinInterval) {
            out.push_back(id);
            c.dirty[id] = 0;
            c.lastSent[id] = now;
        } else {
            waiting.push_back(id);
        }
    }
    c.dirtyList = std::move(waiting);
    while (out.size() < kBudgetPerFlush && c.fullStateNext < parameters_) {
        const auto id = static_cast<std::uint32_t>(c.fullStateNext++);
        if (c.lastSent[id] == now) continue;  // just sent as a change
        out.push_back(id);
        c.lastSent[id] = now;
    }
    return out;
}

std::vector<Endpoint> ClientTable::clients() const {
    std::vector<Endpoint> out;
    out.reserve(clients_.size());
    for (const auto& [endpoint, c] : clients_) out.push_back(endpoint);
    return out;
}

}  // namespace foh::osc
