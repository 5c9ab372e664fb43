// Interface::derive(): the whole parameter tree → linear RT targets. [control-thread]
// Pan law, direct monitoring, dim, speaker sets, mirrors, talkback and the control room
// (control_room_derivation.cpp) are resolved here so the audio thread only multiplies.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "phantom/dsp/pan_law.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::engine {

using params::ParamIndex;
using params::SourceKind;
using units::db_to_gain;

namespace {
double value_or(const std::vector<double>& v, ParamIndex i, double fallback) {
    return i >= 0 ? v[static_cast<size_t>(i)] : fallback;
}
bool flag(const std::vector<double>& v, ParamIndex i) {
    return value_or(v, i, 0.0) != 0.0;
}
}  // namespace

analog::FrontEndSettings Interface::front_end_settings(size_t s,
                                                       const std::vector<double>& v) const {
    const auto& ids = params_.inputs[s];
    const auto& in = spec_.analog_inputs[static_cast<size_t>(params_.sources[s].analog_index)];
    analog::FrontEndSettings st;
    auto modes = in.modes();
    st.mode = modes[static_cast<size_t>(value_or(v, ids.mode, 0.0))];
    st.gain_db = value_or(v, ids.gain, 0.0);
    st.pad = flag(v, ids.pad);
    st.phantom = flag(v, ids.phantom);
    st.consumer_level = in.level_switch_in_force(st.mode) &&
                        value_or(v, ids.level, 0.0) ==
                            static_cast<double>(params::LevelStandard::ConsumerMinus10Dbv);
    return st;
}

void Interface::warn_once(std::vector<char>& flags, size_t s, bool condition,
                          const std::string& text) {
    if (condition && !flags[s]) warnings_.push_back(text);
    flags[s] = condition ? 1 : 0;
}

void Interface::derive() {
    const std::vector<double>& v = params_.tree.values();
    derive_sources(v);
    derive_routes(v);
    derive_outputs(v);
    derive_strips(v);
    derive_fx(v);
    derive_compensation();
}

void Interface::derive_sources(const std::vector<double>& v) {
    RtTargets& t = engine_->targets();
    for (size_t s = 0; s < params_.sources.size(); ++s) {
        const auto& info = params_.sources[s];
        const auto& ids = params_.inputs[s];
        const auto& source = source_specs_[s];
        double gain = 1.0;
        dsp::BiquadCoefficients filter;
        if (info.kind == SourceKind::Analog && source) {
            const auto& in = spec_.analog_inputs[static_cast<size_t>(info.analog_index)];
            analog::FrontEnd fe =
                analog::analog_front_end(in, front_end_settings(s, v), *source, sample_rate_hz_);
            gain = fe.gain;
            filter = fe.filter;
            warn_once(ribbon_warned_, s, fe.phantom_on_ribbon,
                      fmt::format("{}: 48 V phantom power is on with a passive ribbon microphone "
                                  "connected: a miswired cable or patch bay can destroy the ribbon",
                                  info.id));
            warn_once(condenser_warned_, s, fe.condenser_without_phantom,
                      fmt::format("{}: the condenser microphone gets no 48 V phantom power and is "
                                  "silent",
                                  info.id));
        } else if (source) {
            gain = analog::digital_source_gain(*source, info.id);
        }
        t.input_gain.store(s, static_cast<float>(gain));
        if (filter.identity() != !has_filter_[s] ||
            (has_filter_[s] && (filter.b0 != filters_[s].b0 || filter.a1 != filters_[s].a1 ||
                                filter.a2 != filters_[s].a2))) {
            filters_[s] = filter;
            has_filter_[s] = filter.identity() ? 0 : 1;
            plan_dirty_ = true;
        }
        const double trim =
            info.kind == SourceKind::Playback ? 1.0 : db_to_gain(value_or(v, ids.trim, 0.0));
        t.trim_gain.store(s, static_cast<float>(flag(v, ids.polarity) ? -trim : trim));
    }
}

void Interface::derive_routes(const std::vector<double>& v) {
    RtTargets& t = engine_->targets();
    const size_t n = params_.sources.size();
    const auto now = static_cast<std::int64_t>(engine_->frames_processed());
    const int direct = static_cast<int>(value_or(v, params_.monitor.direct, 0.0));
    for (size_t b = 0; b < params_.buses.size(); ++b) {
        const bool stereo = params_.buses[b].channels == 2;
        int analog_seen = 0;
        for (size_t s = 0; s < n; ++s) {
            const auto& x = params_.crosspoint(static_cast<int>(b), static_cast<int>(s));
            // Solo is the control room's (control_room_derivation.cpp): it never touches a mix.
            const double g = flag(v, x.mute) ? 0.0 : db_to_gain(v[static_cast<size_t>(x.gain)]);
            double left = g, right = 0.0;
            if (stereo) {
                const auto pan = dsp::constant_power_pan(value_or(v, x.pan, 0.0));
                left = g * pan.left;
                right = g * pan.right;
            }
            // Direct monitoring of a desktop interface: the analog inputs into the monitor mix,
            // centred (mono) or odd inputs left and even inputs right (stereo), at unity.
            if (static_cast<int>(b) == params_.monitor.bus &&
                params_.sources[s].kind == SourceKind::Analog &&
                direct != static_cast<int>(params::DirectMonitor::Off)) {
                const bool odd = (analog_seen++ % 2) == 0;
                if (direct == static_cast<int>(params::DirectMonitor::Mono)) {
                    const auto centre = dsp::constant_power_pan(0.0);
                    left += centre.left;
                    right += centre.right;
                } else {
                    (odd ? left : right) += 1.0;
                }
            }
            store_route(b * n + s, left, right, now);
        }
    }
    derive_room_routes(v, now);  // reads the mixes' targets just stored (AFL)
    derive_fx_sends(v, now);
    // Only a crosspoint that moved makes the audio thread re-read them all: a change of the
    // monitor volume, a name or a meter setting leaves the bus batches as they are.
    if (routes_moved_) t.route_generation.fetch_add(1, std::memory_order_release);
    routes_moved_ = false;
}

void Interface::store_route(size_t xi, double left, double right, std::int64_t now) {
    RtTargets& t = engine_->targets();
    if (t.route_left.load(xi) != static_cast<float>(left) ||
        t.route_right.load(xi) != static_cast<float>(right))
        routes_moved_ = true;
    t.route_left.store(xi, static_cast<float>(left));
    t.route_right.store(xi, static_cast<float>(right));
    const bool nonzero = static_cast<float>(left) != 0.0f || static_cast<float>(right) != 0.0f;
    if (nonzero) {
        route_silent_since_[xi] = -1;
        if (!route_live_[xi]) {
            route_live_[xi] = 1;
            plan_dirty_ = true;
        }
    } else if (route_live_[xi] && route_silent_since_[xi] < 0) {
        route_silent_since_[xi] = now;
        if (!started_) {  // nothing is ramping yet: drop it now
            route_live_[xi] = 0;
            route_silent_since_[xi] = -1;
            plan_dirty_ = true;
        } else {
            routes_settling_.push_back(xi);
        }
    }
}

void Interface::derive_outputs(const std::vector<double>& v) {
    RtTargets& t = engine_->targets();
    const auto& m = params_.monitor;
    const auto& room = params_.room;
    const bool talkback = flag(v, m.talkback);
    // Dim and talkback's own dim do not add up: the deeper one holds.
    double dim_db = flag(v, m.dim) ? value_or(v, m.dim_level, 0.0) : 0.0;
    if (talkback)
        dim_db = std::min(dim_db, value_or(v, room.talkback_dim, value_or(v, m.dim_level, 0.0)));
    const double dim = db_to_gain(dim_db);
    const double monitor = flag(v, m.mute) ? 0.0 : db_to_gain(value_or(v, m.volume, 0.0)) * dim;
    const auto speakers =
        static_cast<params::SpeakerChoice>(static_cast<int>(value_or(v, m.speakers, 0.0)));
    const double talkback_gain = talkback ? db_to_gain(value_or(v, m.talkback_level, 0.0)) : 0.0;
    // While anything is soloed the solo output plays the solo bus instead of what it played.
    const int solo_bus = any_solo(v) ? engine_->layout().solo_bus : -1;
    const int soloist = solo_bus >= 0 ? solo_output(v) : -1;
    const int monitors_play = solo_bus >= 0 && soloist < 0 ? solo_bus : room_play_bus(v);

    for (size_t o = 0; o < spec_.outputs.size(); ++o) {
        const auto& out = spec_.outputs[o];
        const auto& ids = params_.outputs[o];
        double gain = 0.0;
        if (out.role == device::OutputRole::Monitor) {
            const bool on = out.speaker_set == device::SpeakerSet::B
                                ? speakers != params::SpeakerChoice::A
                                : speakers != params::SpeakerChoice::B;
            gain = on ? monitor * db_to_gain(value_or(v, ids.trim, 0.0)) : 0.0;
        } else {
            gain = flag(v, ids.mute) ? 0.0 : db_to_gain(value_or(v, ids.volume, 0.0));
        }
        t.output_gain.store(o, static_cast<float>(gain));
        t.output_mono.store(o, flag(v, m.mono) ? 1.0f : 0.0f);
        const bool talks_to = room.talkback_to.empty() ? out.role == device::OutputRole::Headphone
                                                       : flag(v, room.talkback_to[o]);
        t.output_talkback.store(o, talks_to ? static_cast<float>(talkback_gain) : 0.0f);
        int bus = params_.resolved_bus(static_cast<int>(o), v);
        if (out.role == device::OutputRole::Monitor && monitors_play >= 0) bus = monitors_play;
        if (soloist == static_cast<int>(o)) bus = solo_bus;
        t.output_bus.store(o, bus);
    }
    derive_output_solos(v);
    int tb_source = -1;
    if (m.talkback_source >= 0)
        tb_source = m.talkback_choice_source[static_cast<size_t>(
            v[static_cast<size_t>(m.talkback_source)])];
    t.talkback_source.store(tb_source, std::memory_order_relaxed);
    int loopback = -1;
    if (params_.loopback_source >= 0)
        loopback = params_.loopback_choice_output[static_cast<size_t>(
            v[static_cast<size_t>(params_.loopback_source)])];
    t.loopback_output.store(loopback, std::memory_order_relaxed);
}

}  // namespace phantom::engine
