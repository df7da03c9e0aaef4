#include "osc/ClientAccess.h"

#include <random>

namespace foh::osc {

ClientAccess::ClientAccess(ClientsConfig config, std::string adminPin)
    : config_(std::move(config)), adminPin_(std::move(adminPin)) {}

Role ClientAccess::roleOf(std::uint32_t ip, Clock::time_point now) {
    if (auto it = logins_.find(ip); it != logins_.end()) {
        if (now - it->second.lastSeen <= kLoginIdle) {
            it->second.lastSeen = now;
            return it->second.role;
        }
        logins_.erase(it);
    }
    const HostRule* best = nullptr;
    for (const HostRule& rule : config_.hosts)
        if (rule.matches(ip) && (!best || rule.prefix > best->prefix)) best = &rule;
    if (best) return best->role;
    return isLoopback(ip) ? Role::admin() : Role::readOnly();
}

int ClientAccess::replyPortOf(std::uint32_t ip) const {
    const HostRule* best = nullptr;
    for (const HostRule& rule : config_.hosts)
        if (rule.replyPort != 0 && rule.matches(ip) && (!best || rule.prefix > best->prefix)) best = &rule;
    return best ? best->replyPort : 0;
}

ClientAccess::Login ClientAccess::login(std::uint32_t ip, std::string_view pin, Clock::time_point now) {
    // Forget failures older than the window, everywhere (bounded work: at most kMaxEntries addresses).
    for (auto it = failures_.begin(); it != failures_.end();) {
        auto& times = it->second;
        while (!times.empty() && now - times.front() >= kTryWindow) times.pop_front();
        it = times.empty() ? failures_.erase(it) : std::next(it);
    }
    auto failed = failures_.find(ip);
    if (failed != failures_.end() && failed->second.size() >= static_cast<std::size_t>(kMaxTries)) {
        const auto wait = std::chrono::ceil<std::chrono::seconds>(kTryWindow - (now - failed->second.front()));
        return {false, {}, "too many wrong PINs from this address: try again in " + std::to_string(wait.count()) + " s"};
    }

    std::optional<Role> role;
    if (!adminPin_.empty() && pin == adminPin_) role = Role::admin();
    for (const PinRule& rule : config_.pins)
        if (!role && pin == rule.pin) role = rule.role;
    if (role) {
        if (logins_.size() >= kMaxEntries && !logins_.contains(ip)) {
            // Make room: drop the login idle the longest.
            auto oldest = logins_.begin();
            for (auto it = logins_.begin(); it != logins_.end(); ++it)
                if (it->second.lastSeen < oldest->second.lastSeen) oldest = it;
            logins_.erase(oldest);
        }
        logins_[ip] = {*role, now};
        return {true, *role, {}};
    }

    ++wrongPins_;
    if (failed == failures_.end()) {
        // Fail closed when forged addresses fill the table: no new address may try until the window passes.
        if (failures_.size() >= kMaxEntries) return {false, {}, "wrong PIN (too many addresses failing: wait a minute)"};
        failed = failures_.emplace(ip, std::deque<Clock::time_point>{}).first;
    }
    failed->second.push_back(now);
    const auto left = kMaxTries - static_cast<int>(failed->second.size());
    return {false, {}, "wrong PIN (" + std::to_string(left) + " more tries this minute)"};
}

std::string ClientAccess::randomPin() {
    std::random_device device;
    std::uniform_int_distribution<int> digit(0, 9);
    std::string pin;
    for (int i = 0; i < 6; ++i) pin += static_cast<char>('0' + digit(device));
    return pin;
}

}  // namespace foh::osc
