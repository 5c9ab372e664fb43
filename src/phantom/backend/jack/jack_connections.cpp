// JackBackend: the connections Phantom keeps (made, reconciled with the graph, waiting for
// ports that are absent) and the Patchbay commands on them, kept apart from the client's life
// and its process callback in jack_backend.cpp.
#include <fmt/format.h>

#include <algorithm>

#include "phantom/backend/jack/jack_backend.hpp"
#include "phantom/backend/waiting_summary.hpp"

namespace phantom::backend {

void JackBackend::connect_saved_or_auto() {
    if (book_loaded_) {
        // Nothing of ours is connected yet (a start, the server back, a new rate): each kept
        // connection is made now if its ports exist, or when they appear.
        book_.all_waiting();
        for (const auto& pair : book_.pairs())
            if (jack_port_by_name(client_, pair.first.c_str()) &&
                jack_port_by_name(client_, pair.second.c_str()))
                make(pair);
        graph_epoch_.fetch_add(1);  // read the result at the next poll
        return;
    }
    // The first start with no list: the device's ports in order onto the system's, as a
    // hardware interface's converters are; kept from then on like any other connection.
    book_loaded_ = true;
    if (!options_.autoconnect) return;
    auto connect_in_order = [&](unsigned long flags, std::vector<Port>& ours,
                                bool ours_are_inputs) {
        const char** system = jack_get_ports(client_, "^system:", JACK_DEFAULT_AUDIO_TYPE,
                                             flags | JackPortIsPhysical);
        if (!system) return;
        size_t k = 0;
        for (auto& port : ours) {
            if (!port.handle) continue;
            if (!system[k]) break;
            const char* mine = jack_port_name(port.handle);
            if (ours_are_inputs)
                jack_connect(client_, system[k], mine);
            else
                jack_connect(client_, mine, system[k]);
            ++k;
        }
        jack_free(system);
    };
    connect_in_order(JackPortIsOutput, hw_in_, true);   // system:capture_N → hw_in
    connect_in_order(JackPortIsInput, hw_out_, false);  // hw_out → system:playback_N
}

std::set<PortPair> JackBackend::read_connections() {
    std::set<PortPair> now;
    size_t index = 0;
    for (auto* group : {&hw_in_, &hw_out_, &capture_, &playback_}) {
        for (const auto& p : *group) {
            if (!p.handle) {  // a channel the rate does not carry: nothing to read
                connected_[index++].store(false, std::memory_order_relaxed);
                continue;
            }
            const char** peers = jack_port_get_all_connections(client_, p.handle);
            connected_[index++].store(peers != nullptr, std::memory_order_relaxed);
            if (!peers) continue;
            const std::string mine = jack_port_name(p.handle);
            for (size_t k = 0; peers[k]; ++k)
                now.emplace(p.is_input ? peers[k] : mine, p.is_input ? mine : peers[k]);
            jack_free(peers);
        }
    }
    // The MIDI ports' connections too, so that a controller is back after the server is.
    for (jack_port_t* port : {midi_.in_port(), midi_.out_port()}) {
        if (!port) continue;
        const char** peers = jack_port_get_all_connections(client_, port);
        if (!peers) continue;
        const std::string mine = jack_port_name(port);
        const bool is_input = port == midi_.in_port();
        for (size_t k = 0; peers[k]; ++k)
            now.emplace(is_input ? peers[k] : mine, is_input ? mine : peers[k]);
        jack_free(peers);
    }
    return now;
}

bool JackBackend::make(const PortPair& pair) {
    jack_port_t* from = jack_port_by_name(client_, pair.first.c_str());
    jack_port_t* to = jack_port_by_name(client_, pair.second.c_str());
    if (!from || !to) return false;
    const bool right_way =
        (jack_port_flags(from) & JackPortIsOutput) && (jack_port_flags(to) & JackPortIsInput);
    const char* from_type = jack_port_type(from);
    const char* to_type = jack_port_type(to);
    if (!right_way || !from_type || !to_type || std::strcmp(from_type, to_type) != 0) {
        book_.set_refused(pair);  // never connectable: say so, do not retry
        return false;
    }
    const int rc = jack_connect(client_, pair.first.c_str(), pair.second.c_str());
    // A client that registered its ports but is not active yet is refused for now.
    return rc == 0 || rc == EEXIST;
}

void JackBackend::reconcile() {
    const std::uint32_t epoch = graph_epoch_.load(std::memory_order_acquire);
    const std::set<PortPair> seen = read_connections();
    find_loopback_returns(seen);
    // A change since `epoch` leaves the epochs apart: every port stays live until the next read.
    read_epoch_.store(epoch, std::memory_order_release);
    const long long now = now_ms();
    auto exists = [&](const std::string& name) {
        return jack_port_by_name(client_, name.c_str()) != nullptr;
    };
    const std::vector<PortPair> to_make = book_.reconcile(seen, exists, now);
    bool retry = false;
    for (const auto& pair : to_make)
        if (!make(pair)) retry = retry || book_.contains(pair);
    next_reconcile_ms_ = -1;
    if (retry) next_reconcile_ms_ = now + kRetryMs;
    if (book_.settling())
        next_reconcile_ms_ = next_reconcile_ms_ < 0
                                 ? now + ConnectionBook::kSettleMs
                                 : std::min(next_reconcile_ms_, now + ConnectionBook::kSettleMs);
    update_waiting_summary();
}

void JackBackend::find_loopback_returns(const std::set<PortPair>& seen) {
    std::vector<BackendStatus::LoopbackReturn> found;
    const size_t first_loopback = static_cast<size_t>(iface_->spec().host.capture);
    for (size_t c = first_loopback; c < capture_.size(); ++c) {
        if (!capture_[c].handle) continue;
        const std::string from = jack_port_name(capture_[c].handle);
        for (size_t p = 0; p < playback_.size(); ++p) {
            if (!playback_[p].handle) continue;
            const std::string to = jack_port_name(playback_[p].handle);
            if (seen.count({from, to}))
                found.push_back(
                    {static_cast<int>(c - first_loopback), static_cast<int>(p), from, to});
        }
    }
    std::lock_guard lock(summary_mutex_);
    loopback_returns_ = std::move(found);
}

void JackBackend::update_waiting_summary() {
    auto lines = describe_waiting(
        book_.entries(), [this](const std::string& port) { return is_ours(port); },
        [this](const std::string& port) {
            return client_ && jack_port_by_name(client_, port.c_str()) != nullptr;
        });
    std::lock_guard lock(summary_mutex_);
    waiting_summary_ = std::move(lines);
}

bool JackBackend::is_ours(const std::string& port) const {
    if (std::find(port_names_.begin(), port_names_.end(), port) != port_names_.end()) return true;
    const std::string prefix = options_.client_name + ":";
    return port == prefix + "midi_ctl_in" || port == prefix + "midi_ctl_out";
}

void JackBackend::check_pair(const PortPair& pair, bool wait) const {
    const auto longest = static_cast<size_t>(jack_port_name_size() - 1);
    for (const std::string* name : {&pair.first, &pair.second})
        if (name->empty() || name->size() > longest || name->find(':') == std::string::npos ||
            name->find(':') == 0)
            throw PatchbayError(
                PatchbayError::Kind::Malformed,
                fmt::format("'{}': a port is named client:port (1..{} bytes)", *name, longest));
    const bool from_ours = is_ours(pair.first), to_ours = is_ours(pair.second);
    if (!from_ours && !to_ours)
        throw PatchbayError(
            PatchbayError::Kind::UnknownPort,
            fmt::format("{} → {}: neither is a port of {} (connections kept are those of "
                        "Phantom's own ports)",
                        pair.first, pair.second, options_.client_name));
    auto own_direction = [&](const std::string& name, bool want_output) {
        const bool input = name.find(":hw_in_") != std::string::npos ||
                           name.find(":playback_") != std::string::npos ||
                           name.ends_with(":midi_ctl_in");
        if (input == want_output)
            throw PatchbayError(PatchbayError::Kind::Refused,
                                fmt::format("{} is an {} of Phantom's: a connection runs from an "
                                            "output to an input",
                                            name, input ? "input" : "output"));
    };
    if (from_ours) own_direction(pair.first, true);
    if (to_ours) own_direction(pair.second, false);
    if (wait || lost_.load() || !client_) return;
    for (const std::string* name : {&pair.first, &pair.second})
        if (!jack_port_by_name(client_, name->c_str()))
            throw PatchbayError(PatchbayError::Kind::UnknownPort,
                                fmt::format("no port named '{}' (is its client running? `phantom "
                                            "connect --wait` keeps the connection until it "
                                            "appears)",
                                            *name));
}

std::vector<GraphPort> JackBackend::ports() const {
    std::vector<GraphPort> out;
    if (!client_ || lost_.load()) return out;
    const char** names = jack_get_ports(client_, nullptr, nullptr, 0);
    if (!names) return out;
    for (size_t k = 0; names[k]; ++k) {
        jack_port_t* port = jack_port_by_name(client_, names[k]);
        if (!port) continue;
        const char* type = jack_port_type(port);
        out.push_back({names[k], (jack_port_flags(port) & JackPortIsOutput) != 0,
                       type && std::strcmp(type, JACK_DEFAULT_MIDI_TYPE) == 0, is_ours(names[k])});
    }
    jack_free(names);
    return out;
}

PortConnection JackBackend::connect(const PortPair& pair, bool wait) {
    check_pair(pair, wait);
    const bool live = client_ && !lost_.load() && active_.load();
    if (live && jack_port_by_name(client_, pair.first.c_str()) &&
        jack_port_by_name(client_, pair.second.c_str())) {
        jack_port_t* from = jack_port_by_name(client_, pair.first.c_str());
        jack_port_t* to = jack_port_by_name(client_, pair.second.c_str());
        if (!(jack_port_flags(from) & JackPortIsOutput) || !(jack_port_flags(to) & JackPortIsInput))
            throw PatchbayError(PatchbayError::Kind::Refused,
                                fmt::format("{} → {}: a connection runs from an output to an input",
                                            pair.first, pair.second));
        if (std::strcmp(jack_port_type(from), jack_port_type(to)) != 0)
            throw PatchbayError(
                PatchbayError::Kind::Refused,
                fmt::format("{} → {}: one carries audio, the other MIDI", pair.first, pair.second));
        const int rc = jack_connect(client_, pair.first.c_str(), pair.second.c_str());
        if (rc != 0 && rc != EEXIST && wait) {  // its client not active yet: made when it is
            book_.add(pair);
            book_loaded_ = true;
            next_reconcile_ms_ = now_ms() + kRetryMs;
            update_waiting_summary();
            return {pair.first, pair.second, "waiting"};
        }
        if (rc != 0 && rc != EEXIST)
            throw PatchbayError(
                PatchbayError::Kind::Refused,
                fmt::format("{} → {}: the JACK server refused the connection (error {}; is the "
                            "port's client active?)",
                            pair.first, pair.second, rc));
        book_.add(pair, true);
        book_loaded_ = true;
        graph_epoch_.fetch_add(1);
        update_waiting_summary();
        return {pair.first, pair.second, "connected"};
    }
    book_.add(pair);  // made when its port appears (or the server is back)
    book_loaded_ = true;
    update_waiting_summary();
    return {pair.first, pair.second, "waiting"};
}

void JackBackend::disconnect(const PortPair& pair) {
    const bool live = client_ && !lost_.load();
    jack_port_t* from = live ? jack_port_by_name(client_, pair.first.c_str()) : nullptr;
    const bool connected = from && jack_port_connected_to(from, pair.second.c_str());
    if (!book_.contains(pair) && !connected)
        throw PatchbayError(
            PatchbayError::Kind::UnknownPort,
            fmt::format("{} → {}: not connected, and not kept", pair.first, pair.second));
    if (connected && jack_disconnect(client_, pair.first.c_str(), pair.second.c_str()) != 0)
        throw PatchbayError(
            PatchbayError::Kind::Refused,
            fmt::format("{} → {}: the JACK server refused to disconnect", pair.first, pair.second));
    book_.remove(pair);
    book_loaded_ = true;
    graph_epoch_.fetch_add(1);
    update_waiting_summary();
}

void JackBackend::replace(const std::vector<PortPair>& pairs) {
    for (const auto& pair : pairs)
        check_pair(pair, true);  // all checked before anything changes
    const std::set<PortPair> wanted(pairs.begin(), pairs.end());
    if (client_ && !lost_.load() && active_.load())
        for (const auto& pair : read_connections())
            if (!wanted.count(pair))
                jack_disconnect(client_, pair.first.c_str(), pair.second.c_str());
    book_.replace(pairs);
    book_loaded_ = true;
    if (client_ && !lost_.load() && active_.load())
        for (const auto& pair : pairs)
            if (jack_port_by_name(client_, pair.first.c_str()) &&
                jack_port_by_name(client_, pair.second.c_str()))
                make(pair);
    graph_epoch_.fetch_add(1);
    update_waiting_summary();
}

void JackBackend::restore(const std::vector<PortPair>& pairs) {
    // The state file's list may name another client (--jack-name changed): kept as it is, each
    // waits for its ports; only the shape is checked.
    for (const auto& pair : pairs)
        if (pair.first.empty() || pair.second.empty())
            throw PatchbayError(PatchbayError::Kind::Malformed, "a connection with no port name");
    book_.replace(pairs);
    book_loaded_ = true;
}

std::optional<std::vector<PortPair>> JackBackend::saved() const {
    if (!book_loaded_) return std::nullopt;
    return book_.pairs();
}

}  // namespace phantom::backend
