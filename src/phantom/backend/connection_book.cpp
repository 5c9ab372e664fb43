#include "phantom/backend/connection_book.hpp"

#include <algorithm>

namespace phantom::backend {

ConnectionBook::Entry* ConnectionBook::find(const PortPair& pair) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.pair == pair; });
    return it == entries_.end() ? nullptr : &*it;
}

void ConnectionBook::replace(const std::vector<PortPair>& pairs) {
    std::vector<Entry> next;
    for (const auto& p : pairs)
        if (std::none_of(next.begin(), next.end(), [&](const Entry& e) { return e.pair == p; }))
            next.push_back({p, State::Waiting, -1});
    entries_ = std::move(next);
    ++revision_;
}

bool ConnectionBook::add(const PortPair& pair, bool connected) {
    const State state = connected ? State::Connected : State::Waiting;
    if (Entry* e = find(pair)) {
        if (e->state == State::Refused || connected) e->state = state;  // asked again: try again
        return false;
    }
    entries_.push_back({pair, state, -1});
    ++revision_;
    return true;
}

bool ConnectionBook::remove(const PortPair& pair) {
    const auto before = entries_.size();
    std::erase_if(entries_, [&](const Entry& e) { return e.pair == pair; });
    if (entries_.size() == before) return false;
    ++revision_;
    return true;
}

void ConnectionBook::all_waiting() {
    for (auto& e : entries_) {
        e.state = State::Waiting;
        e.gone_since_ms = -1;
    }
}

void ConnectionBook::set_refused(const PortPair& pair) {
    if (Entry* e = find(pair)) e->state = State::Refused;
}

std::vector<PortPair> ConnectionBook::reconcile(
    const std::set<PortPair>& seen, const std::function<bool(const std::string&)>& exists,
    long long now_ms) {
    std::vector<PortPair> to_connect;
    std::set<PortPair> known;
    std::vector<PortPair> forget;
    for (auto& e : entries_) {
        known.insert(e.pair);
        if (seen.count(e.pair)) {
            e.state = State::Connected;
            e.gone_since_ms = -1;
            continue;
        }
        const bool both = exists(e.pair.first) && exists(e.pair.second);
        if (e.state == State::Connected) {
            if (!both) {
                e.state = State::Waiting;  // lost with its port: back when the port is
                e.gone_since_ms = -1;
            } else if (e.gone_since_ms < 0) {
                e.gone_since_ms = now_ms;  // perhaps a port on its way out: look again
            } else if (now_ms - e.gone_since_ms >= kSettleMs) {
                forget.push_back(e.pair);  // undone by someone, and still so
            }
            continue;
        }
        if (e.state == State::Waiting && both) to_connect.push_back(e.pair);
    }
    for (const auto& p : forget)
        remove(p);
    for (const auto& p : seen) {
        if (known.count(p)) continue;
        entries_.push_back({p, State::Connected, -1});
        ++revision_;
    }
    return to_connect;
}

bool ConnectionBook::settling() const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [](const Entry& e) { return e.gone_since_ms >= 0; });
}

std::vector<PortConnection> ConnectionBook::entries() const {
    std::vector<PortConnection> out;
    for (const auto& e : entries_) {
        const char* state = e.state == State::Connected ? "connected"
                            : e.state == State::Waiting ? "waiting"
                                                        : "refused";
        out.push_back({e.pair.first, e.pair.second, state});
    }
    return out;
}

std::vector<PortPair> ConnectionBook::pairs() const {
    std::vector<PortPair> out;
    for (const auto& e : entries_)
        out.push_back(e.pair);
    return out;
}

bool ConnectionBook::contains(const PortPair& pair) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const Entry& e) { return e.pair == pair; });
}

}  // namespace phantom::backend
