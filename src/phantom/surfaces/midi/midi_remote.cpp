#include "phantom/surfaces/midi/midi_remote.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "phantom/params/taper.hpp"

namespace phantom::midi {

using control::CommandError;
using control::Value;
using params::ParamType;

namespace {

// A poll takes at most this many messages (a flood waits in the queue, or is dropped there,
// rather than holding the controller for long).
constexpr int kMaxMessagesPerPoll = MidiLink::kInCapacity;

// The number a parameter's typed value stands for: a Float's value, a switch 0/1, a choice's
// index; NaN if it names nothing.
double number_of(const params::ParamSchema& s, const Value& v) {
    if (const double* d = std::get_if<double>(&v)) return *d;
    if (const bool* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
    const std::string& text = std::get<std::string>(v);
    if (s.type == ParamType::Bool) {
        if (text == "on" || text == "true") return 1.0;
        if (text == "off" || text == "false") return 0.0;
    }
    for (size_t k = 0; k < s.choices.size(); ++k)
        if (s.choices[k] == text) return static_cast<double>(k);
    return std::numeric_limits<double>::quiet_NaN();
}

bool same(double a, double b) {
    return a == b || std::fabs(a - b) < 1e-9;
}

bool matches(const MidiControl& c, const MidiMessage& m) {
    if (c.channel != m.channel) return false;
    switch (c.kind) {
        case ControlKind::Cc:
            return m.kind == MidiKind::ControlChange && m.data1 == c.number;
        case ControlKind::Cc14:
            return m.kind == MidiKind::ControlChange &&
                   (m.data1 == c.number || m.data1 == c.number + 32);
        case ControlKind::Note:
            return (m.kind == MidiKind::NoteOn || m.kind == MidiKind::NoteOff) &&
                   m.data1 == c.number;
        case ControlKind::PitchBend:
            return m.kind == MidiKind::PitchBend;
    }
    return false;
}

// Encoder ticks of a relative CC value.
int ticks_of(MapMode mode, std::uint8_t v) {
    if (mode == MapMode::Relative) return v < 64 ? v : v - 128;  // two's complement
    return (v & 0x40) ? -(v & 0x3F) : (v & 0x3F);                // sign and magnitude
}

nlohmann::json to_json(const Binding& b) {
    nlohmann::json j = {{"control", to_string(b.control.kind)},
                        {"channel", b.control.channel + 1},
                        {"path", b.path},
                        {"mode", to_string(b.mode)},
                        {"soft_takeover", b.soft_takeover}};
    if (b.control.kind != ControlKind::PitchBend) j["number"] = b.control.number;
    return j;
}

// A learned binding as saved; throws std::invalid_argument naming what is wrong.
Binding from_json(const nlohmann::json& j) {
    auto text = [&](const char* key) {
        if (!j.contains(key) || !j[key].is_string())
            throw std::invalid_argument(fmt::format("{}: expected a string", key));
        return j[key].get<std::string>();
    };
    auto integer = [&](const char* key, int min, int max) {
        if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<long long>() < min ||
            j[key].get<long long>() > max)
            throw std::invalid_argument(fmt::format("{}: expected {}..{}", key, min, max));
        return j[key].get<int>();
    };
    Binding b;
    b.learned = true;
    b.where = "learned";
    const std::string kind = text("control");
    if (kind == "cc")
        b.control.kind = ControlKind::Cc;
    else if (kind == "note")
        b.control.kind = ControlKind::Note;
    else if (kind == "pitchbend")
        b.control.kind = ControlKind::PitchBend;
    else
        throw std::invalid_argument("control: expected cc, note or pitchbend");
    b.control.channel = static_cast<std::uint8_t>(integer("channel", 1, 16) - 1);
    if (b.control.kind != ControlKind::PitchBend)
        b.control.number = static_cast<std::uint8_t>(integer("number", 0, 127));
    b.path = text("path");
    const std::string mode = text("mode");
    if (mode == "absolute")
        b.mode = MapMode::Absolute;
    else if (mode == "toggle")
        b.mode = MapMode::Toggle;
    else
        throw std::invalid_argument("mode: expected absolute or toggle");
    if (b.control.kind == ControlKind::Note && b.mode != MapMode::Toggle)
        throw std::invalid_argument("mode: a note is learned as a toggle");
    b.soft_takeover = j.value("soft_takeover", b.mode == MapMode::Absolute);
    return b;
}

}  // namespace

MidiRemote::MidiRemote(control::Controller& controller, MidiLink& link, MidiMap map,
                       MidiRemoteOptions options)
    : controller_(controller), link_(link), map_(std::move(map)), options_(std::move(options)) {
    std::vector<control::Change> none;
    bool lost = false;
    change_seq_ =
        controller_.changes_since(std::numeric_limits<std::uint64_t>::max() - 1, none, lost);
    std::vector<std::string> skipped;
    for (const Binding& b : map_.bindings) {
        std::string why;
        if (!add_live(b, why)) skipped.push_back(why);
    }
    load_learned(controller_.midi_bindings());
    if (!skipped.empty()) {
        notice_ = fmt::format("{} binding(s) of {} left out: ", skipped.size(), map_.name);
        for (size_t k = 0; k < skipped.size(); ++k)
            notice_ += (k ? "; " : "") + skipped[k];
    }
}

MidiRemote::~MidiRemote() {
    stop();
}

void MidiRemote::load_learned(const nlohmann::json& learned) {
    if (!learned.is_array()) return;
    for (size_t k = 0; k < learned.size(); ++k) {
        std::string why;
        try {
            Binding b = from_json(learned[k]);
            std::erase_if(live_, [&](const Live& l) { return l.binding.control == b.control; });
            if (add_live(b, why)) continue;
        } catch (const std::invalid_argument& e) {
            why = e.what();
        }
        notice_ += fmt::format("{}learned binding {} left out: {}", notice_.empty() ? "" : "; ",
                               k + 1, why);
    }
}

bool MidiRemote::add_live(Binding b, std::string& why) {
    Live l;
    if (!b.path.empty()) {
        control::ParamInfo info;
        try {
            info = controller_.param(b.path);
        } catch (const CommandError&) {
            why = fmt::format("{}: {} is not a parameter of this device", b.where, b.path);
            return false;
        }
        if (info.schema->type == ParamType::String) {
            why = fmt::format("{}: {} is a name; MIDI cannot type one", b.where, b.path);
            return false;
        }
        if (!info.available) {
            why = fmt::format("{}: {} is not available on this hardware", b.where, b.path);
            return false;
        }
        l.schema = info.schema;
        const params::ParamSchema& s = *l.schema;
        if (s.type == ParamType::Float) {
            l.on = s.max;
            l.off = s.min;
        }
        if (b.on) l.on = number_of(s, *b.on);
        if (b.off) l.off = number_of(s, *b.off);
        if (std::isnan(l.on) || std::isnan(l.off) || l.on < s.min || l.on > s.max ||
            l.off < s.min || l.off > s.max) {
            why = fmt::format("{}: on/off values do not fit {} ({})", b.where, b.path,
                              params::allowed_values(s));
            return false;
        }
    }
    l.binding = std::move(b);
    live_.push_back(std::move(l));
    return true;
}

void MidiRemote::start() {
    thread_ = std::thread([this] {
        std::unique_lock lock(wake_mutex_);
        while (!stopping_) {
            lock.unlock();
            poll();
            lock.lock();
            wake_.wait_for(lock, std::chrono::milliseconds(kPollMs), [this] { return stopping_; });
        }
    });
}

void MidiRemote::stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    release_held();  // nothing held stays on after Phantom stops (talkback saved as on)
    flush_pending();
}

void MidiRemote::poll() {
    const auto now = std::chrono::steady_clock::now();
    std::optional<bool> connected;
    if (options_.input_connected && now >= next_probe_) {
        connected = options_.input_connected();  // outside our lock: it may take the controller's
        next_probe_ = now + std::chrono::milliseconds(kProbeMs);
    }
    std::lock_guard lock(mutex_);
    MidiMessage m;
    int taken = 0;
    for (; taken < kMaxMessagesPerPoll && link_.pop_in(m); ++taken)
        handle(m);
    // Messages are a controller's word that it is there, until a probe says otherwise (the
    // probe runs every kProbeMs, so a controller plugged in just now has not been seen yet).
    const bool now_connected = connected ? *connected : (connected_ || taken > 0);
    if (now_connected != connected_) {
        connected_ = now_connected;
        if (connected_) synced_ = false;  // a controller came: show it the state
    }
    // Unplugged (also after the last press it sent was taken): its release never comes.
    if (!connected_) release_held();
    if (const std::uint64_t dropped = link_.in_dropped(); dropped != seen_in_dropped_) {
        seen_in_dropped_ = dropped;
        release_held();  // a dropped message may have been a release
    }
    flush_pending();

    std::vector<control::Change> changes;
    bool lost = false;
    change_seq_ = controller_.changes_since(change_seq_, changes, lost);
    if (lost || !synced_) {
        resync_feedback();
        synced_ = true;
    } else {
        for (const auto& c : changes)
            for (size_t k = 0; k < live_.size(); ++k)
                if (live_[k].binding.path == c.path &&
                    std::find(feedback_due_.begin(), feedback_due_.end(), k) == feedback_due_.end())
                    feedback_due_.push_back(k);
    }
    send_feedback();
    if (connected) report_status();  // every kProbeMs
}

void MidiRemote::handle(const MidiMessage& m) {
    ++received_;
    if (!learning_.empty() && try_learn(m)) return;
    for (Live& l : live_)
        if (matches(l.binding.control, m)) handle_binding(l, m);
}

double MidiRemote::current_number(const Live& l) const {
    for (const auto& [path, value] : pending_)
        if (path == l.binding.path) return number_of(*l.schema, value);
    return number_of(*l.schema, controller_.param(l.binding.path).value);
}

void MidiRemote::set_pending(const std::string& path, const Value& value) {
    for (auto& [p, v] : pending_) {
        if (p == path) {
            v = value;
            return;
        }
    }
    pending_.emplace_back(path, value);
}

void MidiRemote::flush_pending() {
    for (const auto& [path, value] : pending_) {
        try {
            controller_.set(path, value);
        } catch (const CommandError&) {
            ++refused_;
        }
    }
    pending_.clear();
}

void MidiRemote::handle_binding(Live& l, const MidiMessage& m) {
    const Binding& b = l.binding;
    bool press = false;
    switch (b.control.kind) {
        case ControlKind::Note:
            press = !m.is_release();
            break;
        case ControlKind::PitchBend:
            press = m.bend() >= 8192;
            break;
        default:
            press = m.data2 >= 64;
            break;
    }
    if (b.snapshot > 0) {  // a recall: on the press, in order with everything before it
        if (!press) return;
        flush_pending();
        const auto names = controller_.snapshot_names();
        if (static_cast<size_t>(b.snapshot) > names.size()) {
            ++refused_;
            return;
        }
        try {
            controller_.recall_snapshot(names[static_cast<size_t>(b.snapshot) - 1]);
        } catch (const CommandError&) {
            ++refused_;
        }
        return;
    }
    const params::ParamSchema& s = *l.schema;
    switch (b.mode) {
        case MapMode::Absolute: {
            double position = 0.0;
            if (b.control.kind == ControlKind::Cc) {
                position = m.data2 / 127.0;
            } else if (b.control.kind == ControlKind::Cc14) {
                if (m.data1 == b.control.number) {  // the MSB comes first and clears the LSB
                    l.msb = m.data2;
                    l.lsb = 0;
                } else {
                    l.lsb = m.data2;
                    if (l.msb < 0) return;
                }
                position = (l.msb * 128 + l.lsb) / 16383.0;
            } else if (b.control.kind == ControlKind::PitchBend) {
                position = m.bend() / 16383.0;
            } else {
                return;
            }
            if (b.soft_takeover) {
                const double now = params::to_position(s, current_number(l));
                bool take = l.picked_up && std::fabs(now - l.set_position) < 1e-6;
                if (!take) {
                    const bool near = std::fabs(position - now) <= kTakeoverWindow;
                    const bool crossed =
                        l.last_knob >= 0.0 && ((l.last_knob <= now && position >= now) ||
                                               (l.last_knob >= now && position <= now));
                    take = near || crossed;
                }
                l.last_knob = position;
                l.picked_up = take;
                if (!take) return;
            }
            const double number = params::from_position(s, position);
            set_pending(b.path, control::typed_value(s, number));
            l.set_position = params::to_position(s, number);
            return;
        }
        case MapMode::Relative:
        case MapMode::RelativeSigned: {
            const int ticks = ticks_of(b.mode, m.data2);
            if (ticks == 0) return;
            const double now = params::to_position(s, current_number(l));
            const double position = std::clamp(now + ticks * b.step, 0.0, 1.0);
            const double number = params::from_position(s, position);
            set_pending(b.path, control::typed_value(s, number));
            l.set_position = params::to_position(s, number);
            return;
        }
        case MapMode::Toggle:
            if (!press) return;
            set_pending(b.path,
                        control::typed_value(s, same(current_number(l), l.on) ? l.off : l.on));
            return;
        case MapMode::Momentary:
            if (press && !l.held) {
                l.held = true;
                set_pending(b.path, control::typed_value(s, l.on));
            } else if (!press && l.held) {
                l.held = false;
                set_pending(b.path, control::typed_value(s, l.off));
            }
            return;
    }
}

void MidiRemote::release_held() {
    for (Live& l : live_) {
        if (!l.held) continue;
        l.held = false;
        if (l.schema) set_pending(l.binding.path, control::typed_value(*l.schema, l.off));
    }
}

bool MidiRemote::try_learn(const MidiMessage& m) {
    const params::ParamSchema* s = nullptr;
    try {
        s = controller_.param(learning_).schema;
    } catch (const CommandError&) {
        learning_.clear();
        return false;
    }
    const bool is_switch = s->type != ParamType::Float;
    Binding b;
    b.learned = true;
    b.where = "learned";
    b.path = learning_;
    b.control.channel = m.channel;
    switch (m.kind) {
        case MidiKind::ControlChange:
            b.control.kind = ControlKind::Cc;
            b.control.number = m.data1;
            b.mode = is_switch ? MapMode::Toggle : MapMode::Absolute;
            b.soft_takeover = !is_switch;
            break;
        case MidiKind::NoteOn:
        case MidiKind::NoteOff:
            if (m.is_release()) return true;  // the end of a press: not a control moving
            if (!is_switch) {
                learn_notice_ = fmt::format(
                    "a button (note {}) cannot set {}: move a knob or a fader", m.data1, learning_);
                return true;
            }
            b.control.kind = ControlKind::Note;
            b.control.number = m.data1;
            b.mode = MapMode::Toggle;
            break;
        case MidiKind::PitchBend:
            b.control.kind = ControlKind::PitchBend;
            b.mode = MapMode::Absolute;
            b.soft_takeover = true;
            break;
        default:
            return false;  // pressure, program change: not learnable
    }
    std::erase_if(live_, [&](const Live& l) { return l.binding.control == b.control; });
    std::string why;
    if (!add_live(b, why)) {
        learn_notice_ = why;
        learning_.clear();
        return true;
    }
    learning_.clear();
    // The control's position now: soft takeover counts a pass from here.
    if (b.control.kind == ControlKind::Cc) live_.back().last_knob = m.data2 / 127.0;
    if (b.control.kind == ControlKind::PitchBend) live_.back().last_knob = m.bend() / 16383.0;
    learn_notice_ = fmt::format("learned: {} → {}", describe(b.control), b.path);
    save_learned();
    synced_ = false;  // show the new control the value it now drives
    return true;
}

void MidiRemote::save_learned() {
    nlohmann::json learned = nlohmann::json::array();
    for (const Live& l : live_)
        if (l.binding.learned) learned.push_back(to_json(l.binding));
    controller_.set_midi_bindings(learned.empty() ? nlohmann::json() : learned);
}

bool MidiRemote::queue_feedback(Live& l, bool force) {
    const Binding& b = l.binding;
    if (!b.feedback || !l.schema) return true;
    double number = 0.0;
    try {
        number = number_of(*l.schema, controller_.param(b.path).value);
    } catch (const CommandError&) {
        return true;
    }
    const bool button = b.mode == MapMode::Toggle || b.mode == MapMode::Momentary;
    const double position = params::to_position(*l.schema, number);
    const std::uint8_t ch = b.control.channel;
    MidiOut out[2];
    std::uint8_t count = 1;
    const auto seven = static_cast<std::uint8_t>(button ? (same(number, l.on) ? 127 : 0)
                                                        : std::lround(position * 127.0));
    const auto fourteen = static_cast<int>(std::lround(position * 16383.0));
    switch (b.control.kind) {
        case ControlKind::Note:  // an LED: on 127, off 0 (Mackie: 1 would flash)
            out[0] = {3, {static_cast<std::uint8_t>(0x90 | ch), b.control.number, seven}};
            break;
        case ControlKind::Cc:
            out[0] = {3, {static_cast<std::uint8_t>(0xB0 | ch), b.control.number, seven}};
            break;
        case ControlKind::Cc14:
            out[0] = {3,
                      {static_cast<std::uint8_t>(0xB0 | ch), b.control.number,
                       static_cast<std::uint8_t>(fourteen >> 7)}};
            out[1] = {3,
                      {static_cast<std::uint8_t>(0xB0 | ch),
                       static_cast<std::uint8_t>(b.control.number + 32),
                       static_cast<std::uint8_t>(fourteen & 0x7F)}};
            count = 2;
            break;
        case ControlKind::PitchBend:  // a motor fader: LSB, then MSB
            out[0] = {
                3,
                {static_cast<std::uint8_t>(0xE0 | ch), static_cast<std::uint8_t>(fourteen & 0x7F),
                 static_cast<std::uint8_t>(fourteen >> 7)}};
            break;
    }
    auto equal = [](const MidiOut& a, const MidiOut& c) {
        return a.size == c.size && std::equal(a.bytes, a.bytes + a.size, c.bytes);
    };
    if (!force && count == l.sent_count &&
        std::equal(out, out + count, l.sent,
                   [&](const MidiOut& a, const MidiOut& c) { return equal(a, c); }))
        return true;
    for (std::uint8_t k = 0; k < count; ++k)
        if (!link_.push_out(out[k])) return false;  // full: stays due, tried again next poll
    std::copy(out, out + count, l.sent);
    l.sent_count = count;
    return true;
}

void MidiRemote::resync_feedback() {
    feedback_due_.clear();
    for (size_t k = 0; k < live_.size(); ++k)
        if (!queue_feedback(live_[k], true)) feedback_due_.push_back(k);
}

void MidiRemote::send_feedback() {
    std::vector<size_t> due;
    due.swap(feedback_due_);
    for (size_t k : due)
        if (k < live_.size() && !queue_feedback(live_[k], false)) feedback_due_.push_back(k);
}

void MidiRemote::report_status() {
    control::SurfaceStatus s;
    s.name = "midi";
    s.address = options_.port;
    std::string notice = notice_;
    auto add = [&](const std::string& text) {
        if (!text.empty()) notice += (notice.empty() ? "" : "; ") + text;
    };
    if (!learning_.empty()) add("learning " + learning_ + ": move a control");
    add(learn_notice_);
    if (const auto d = link_.in_dropped()) add(fmt::format("{} messages dropped (queue full)", d));
    if (!connected_) add("nothing connected to " + options_.port);
    s.notice = notice;
    s.received = received_;
    s.malformed = link_.malformed();
    s.refused = refused_;
    s.subscribers = connected_ ? 1 : 0;
    controller_.set_surface_status(s);
}

control::MidiInfo MidiRemote::midi_info() const {
    std::lock_guard lock(mutex_);
    control::MidiInfo info;
    info.port = options_.port;
    info.profile = map_.name;
    info.learning = learning_;
    for (const Live& l : live_) {
        const Binding& b = l.binding;
        info.bindings.push_back({describe(b.control),
                                 b.snapshot ? fmt::format("snapshot {}", b.snapshot) : b.path,
                                 to_string(b.mode), b.learned, b.where});
    }
    return info;
}

void MidiRemote::learn(const std::string& path) {
    std::lock_guard lock(mutex_);
    const control::ParamInfo info = controller_.param(path);  // UnknownPath
    if (!info.available)
        throw CommandError(control::ErrorKind::NotAvailable,
                           fmt::format("{} is not available on this hardware", path), path);
    if (info.schema->type == ParamType::String)
        throw CommandError(control::ErrorKind::WrongType,
                           fmt::format("{} is a name; MIDI cannot type one", path), path);
    learning_ = path;
    learn_notice_.clear();
    report_status();
}

void MidiRemote::cancel_learn() {
    std::lock_guard lock(mutex_);
    learning_.clear();
    report_status();
}

size_t MidiRemote::forget(const std::string& path) {
    std::lock_guard lock(mutex_);
    const size_t n = std::erase_if(
        live_, [&](const Live& l) { return l.binding.learned && l.binding.path == path; });
    feedback_due_.clear();
    if (n) save_learned();
    return n;
}

}  // namespace phantom::midi
