// Interface's FX buses (fx_bus.hpp): the parameters → send crosspoints, return targets, the FX
// objects and their coefficients. [control-thread]
//
// A send is a crosspoint from a source into its mix's reverb or echo send bus: the send level
// times the crosspoint's pan, and after the fader (and mute) unless the mix's *_pre switch is
// on. While a mix's return is at -inf its sends are held at zero too, so that a return turned
// off also prunes the sends' crosspoints: an FX nobody hears costs nothing.
#include <cmath>

#include "phantom/dsp/pan_law.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::engine {

namespace {

double at(const std::vector<double>& v, params::ParamIndex i, double fallback) {
    return i >= 0 ? v[static_cast<size_t>(i)] : fallback;
}

// The sound of the FX, as the dsp settings structs hold it.
dsp::ReverbSettings reverb_settings(const params::FxSettingsIds& ids,
                                    const std::vector<double>& v) {
    dsp::ReverbSettings r;
    r.room_size = at(v, ids.reverb_size, r.room_size);
    r.decay_s = at(v, ids.reverb_decay, r.decay_s);
    r.predelay_ms = at(v, ids.reverb_predelay, r.predelay_ms);
    r.damping = at(v, ids.reverb_damping, r.damping);
    r.width = at(v, ids.reverb_width, r.width);
    return r;
}

dsp::EchoSettings echo_settings(const params::FxSettingsIds& ids, const std::vector<double>& v) {
    dsp::EchoSettings e;
    e.time_ms = at(v, ids.echo_time, e.time_ms);
    e.tempo_sync = at(v, ids.echo_sync, 0.0) != 0.0;
    e.tempo_bpm = at(v, ids.echo_tempo, e.tempo_bpm);
    e.note = static_cast<dsp::NoteValue>(
        static_cast<int>(at(v, ids.echo_note, static_cast<double>(e.note))));
    e.feedback = at(v, ids.echo_feedback, e.feedback);
    e.high_cut_enabled = at(v, ids.echo_highcut_on, 1.0) != 0.0;
    e.high_cut_hz = at(v, ids.echo_highcut, e.high_cut_hz);
    e.ping_pong = at(v, ids.echo_pingpong, 0.0) != 0.0;
    return e;
}

std::vector<params::ParamIndex> sound_ids(const params::FxSettingsIds& ids) {
    return {ids.reverb_size,  ids.reverb_decay,  ids.reverb_predelay, ids.reverb_damping,
            ids.reverb_width, ids.echo_time,     ids.echo_sync,       ids.echo_tempo,
            ids.echo_note,    ids.echo_feedback, ids.echo_highcut_on, ids.echo_highcut,
            ids.echo_pingpong};
}

}  // namespace

// The note choices of /fx/echo/note, in the order of dsp::NoteValue.
static_assert(static_cast<int>(dsp::NoteValue::kWhole) == 0 &&
              static_cast<int>(dsp::NoteValue::kDottedEighth) == 3 &&
              static_cast<int>(dsp::NoteValue::kSixteenth) == 6);

void Interface::reset_fx() {
    auto bank = std::make_shared<FxBank>();
    bank->reverb.resize(params_.buses.size());
    bank->echo.resize(params_.buses.size());
    fx_ = bank;
    fx_silent_since_.assign(params_.buses.size() * kFxKinds, -1);
    fx_sound_.clear();
    for (params::ParamIndex i : sound_ids(params_.fx))  // a change re-derives the processors only
        if (i >= 0) strip_param_[static_cast<size_t>(i)] = 1;
    for (const auto& ids : params_.bus_fx)
        for (params::ParamIndex i : ids.builtin)
            if (i >= 0) strip_param_[static_cast<size_t>(i)] = 1;
}

void Interface::derive_fx_sends(const std::vector<double>& v, std::int64_t now) {
    const size_t n = params_.sources.size();
    const auto& layout = engine_->layout();
    for (size_t b = 0; b < params_.bus_fx.size(); ++b) {
        const bool stereo = params_.buses[b].channels == 2;
        for (size_t k = 0; k < static_cast<size_t>(kFxKinds); ++k) {
            const bool heard = at(v, params_.bus_fx[b].ret[k], -INFINITY) > -INFINITY;
            const bool pre = at(v, params_.bus_fx[b].pre[k], 0.0) != 0.0;
            const auto send_bus = static_cast<size_t>(layout.fx_send_bus[b][k]);
            for (size_t s = 0; s < n; ++s) {
                const auto& x = params_.crosspoint(static_cast<int>(b), static_cast<int>(s));
                double g = heard ? units::db_to_gain(at(v, x.send[k], -INFINITY)) : 0.0;
                if (!pre)
                    g *= at(v, x.mute, 0.0) != 0.0 ? 0.0
                                                   : units::db_to_gain(at(v, x.gain, -INFINITY));
                double left = g, right = 0.0;
                if (stereo) {
                    const auto pan = dsp::constant_power_pan(at(v, x.pan, 0.0));
                    left = g * pan.left;
                    right = g * pan.right;
                }
                store_route(send_bus * n + s, left, right, now);
            }
        }
    }
}

void Interface::derive_fx(const std::vector<double>& v) {
    RtTargets& t = engine_->targets();
    const double rate = sample_rate_hz_;
    const int max_frames = engine_->max_frames();
    const dsp::ReverbCoefficients reverb_k =
        dsp::design_reverb(reverb_settings(params_.fx, v), rate);
    const dsp::EchoCoefficients echo_k = dsp::design_echo(echo_settings(params_.fx, v), rate);
    std::vector<double> sound;
    for (params::ParamIndex i : sound_ids(params_.fx))
        sound.push_back(at(v, i, 0.0));
    const bool new_sound = sound != fx_sound_;
    fx_sound_ = sound;

    std::shared_ptr<FxBank> next;  // made only when an FX is born or dropped
    auto bank = [&]() -> FxBank& {
        if (!next) next = std::make_shared<FxBank>(*fx_);
        return *next;
    };
    for (size_t b = 0; b < params_.bus_fx.size(); ++b) {
        for (size_t k = 0; k < static_cast<size_t>(kFxKinds); ++k) {
            const double gain = units::db_to_gain(at(v, params_.bus_fx[b].ret[k], -INFINITY));
            const bool builtin = at(v, params_.bus_fx[b].builtin[k], 1.0) != 0.0;
            t.fx_return.store(b * kFxKinds + k, static_cast<float>(gain));
            t.fx_builtin.store(b * kFxKinds + k, builtin ? 1.0f : 0.0f);
            // The built-in FX is made while it is heard: its return up and its switch on.
            const bool wanted = gain > 0.0 && builtin;
            const bool reverb = k == static_cast<size_t>(params::kFxReverb);
            const bool exists = reverb ? fx_->reverb[b] != nullptr : fx_->echo[b] != nullptr;
            if (wanted) fx_silent_since_[b * kFxKinds + k] = -1;
            if (!exists && wanted) {
                if (reverb) {
                    auto slot = std::make_shared<ReverbSlot>();
                    slot->prepare(reverb_k, rate, max_frames);
                    bank().reverb[b] = slot;
                } else {
                    auto slot = std::make_shared<EchoSlot>();
                    slot->prepare(echo_k, rate, max_frames);
                    bank().echo[b] = slot;
                }
            } else if (exists && !wanted && !started_) {  // nothing to ramp out yet
                if (reverb)
                    bank().reverb[b] = nullptr;
                else
                    bank().echo[b] = nullptr;
            } else if (exists && new_sound) {
                if (reverb)
                    fx_->reverb[b]->post(reverb_k);
                else
                    fx_->echo[b]->post(echo_k);
            }
        }
    }
    if (next) {
        fx_ = next;
        plan_dirty_ = true;
    }
}

void Interface::prune_fx(std::int64_t now, std::int64_t settle) {
    std::shared_ptr<FxBank> next;
    for (size_t b = 0; b < params_.bus_fx.size(); ++b) {
        for (size_t k = 0; k < static_cast<size_t>(kFxKinds); ++k) {
            const bool reverb = k == static_cast<size_t>(params::kFxReverb);
            const bool exists = reverb ? fx_->reverb[b] != nullptr : fx_->echo[b] != nullptr;
            std::int64_t& since = fx_silent_since_[b * kFxKinds + k];
            const RtTargets& t = engine_->targets();
            if (!exists || (t.fx_return.load(b * kFxKinds + k) != 0.0f &&
                            t.fx_builtin.load(b * kFxKinds + k) != 0.0f)) {
                since = -1;
                continue;
            }
            if (since < 0) {
                since = now;
                continue;
            }
            if (now - since <= settle) continue;
            if (!next) next = std::make_shared<FxBank>(*fx_);
            if (reverb)
                next->reverb[b] = nullptr;
            else
                next->echo[b] = nullptr;
            since = -1;
        }
    }
    if (next) {
        fx_ = next;
        plan_dirty_ = true;
    }
}

void Interface::settle_fx() {
    for (const auto& r : fx_->reverb)
        if (r) r->settle();
    for (const auto& e : fx_->echo)
        if (e) e->settle();
}

}  // namespace phantom::engine
