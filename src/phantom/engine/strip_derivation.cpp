// Interface::derive_strips(): the strip parameters → coefficients posted to the processor
// slots (channel_strip.hpp). [control-thread]
//
// A strip is made (and prepared) the first time one of its sections is switched on; from then
// it stays in the bank, so its state survives every later plan. A settings change designs the
// coefficients here (pow, tan and exp stay off the audio thread) and posts them: no new plan,
// no route generation. Only a new strip makes a new bank, and with it a new plan.
#include <algorithm>

#include "phantom/dsp/equalizer.hpp"
#include "phantom/dsp/low_cut.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/engine/strip_coefficients.hpp"

namespace phantom::engine {

namespace {

double at(const std::vector<double>& v, params::ParamIndex i, double fallback = 0.0) {
    return i >= 0 ? v[static_cast<size_t>(i)] : fallback;
}
bool on(const std::vector<double>& v, params::ParamIndex i) {
    return at(v, i) != 0.0;
}

dsp::EqBand band(const std::vector<double>& v, const params::EqBandIds& ids, bool enabled) {
    dsp::EqBand b;
    b.enabled = enabled;
    b.frequency_hz = at(v, ids.freq, 1000.0);
    b.gain_db = at(v, ids.gain);
    b.q = at(v, ids.q, 0.7071);
    return b;
}

}  // namespace

InputStripCoefficients input_coefficients(const params::InputStripIds& ids,
                                          const std::vector<double>& v, double rate_hz) {
    InputStripCoefficients k;
    k.low_cut_on = on(v, ids.lowcut_on);
    dsp::LowCutSettings lc;
    lc.enabled = true;  // the section's switch is the strip's crossfade, not the design's
    lc.cutoff_hz = at(v, ids.lowcut_freq, 80.0);
    lc.slope = static_cast<dsp::LowCutSlope>(2 + static_cast<int>(at(v, ids.lowcut_slope)));
    k.low_cut = dsp::design_low_cut(lc, rate_hz);

    k.eq_on = on(v, ids.eq_on);
    dsp::ParametricEqSettings eq;
    eq.enabled = true;
    eq.low_is_shelf = at(v, ids.eq[0].type) == 0.0;  // choice 0: shelf, 1: bell
    eq.high_is_shelf = at(v, ids.eq[3].type) == 0.0;
    for (size_t b = 0; b < eq.bands.size(); ++b)
        eq.bands[b] = band(v, ids.eq[b], true);  // a band at 0 dB is an identity
    k.eq = dsp::design_parametric_eq(eq, rate_hz);

    k.comp_on = on(v, ids.comp_on);
    dsp::CompressorSettings c;
    c.enabled = true;
    c.threshold_db = at(v, ids.comp_threshold, -20.0);
    c.ratio = at(v, ids.comp_ratio, 4.0);
    c.attack_ms = at(v, ids.comp_attack, 10.0);
    c.release_ms = at(v, ids.comp_release, 100.0);
    c.knee_db = at(v, ids.comp_knee, 6.0);
    c.makeup_db = at(v, ids.comp_makeup);
    c.stereo_link = true;
    k.comp = dsp::design_compressor(c, rate_hz);

    k.gate_on = on(v, ids.gate_on);
    dsp::ExpanderSettings g;
    g.enabled = true;
    g.threshold_db = at(v, ids.gate_threshold, -50.0);
    g.ratio = at(v, ids.gate_ratio, 2.0);
    g.range_db = at(v, ids.gate_range, 40.0);
    g.attack_ms = at(v, ids.gate_attack, 1.0);
    g.hold_ms = at(v, ids.gate_hold, 50.0);
    g.release_ms = at(v, ids.gate_release, 100.0);
    g.stereo_link = true;
    k.gate = dsp::design_expander(g, rate_hz);

    k.rec_fx = on(v, ids.rec_fx);
    return k;
}

OutputStripCoefficients output_coefficients(const params::OutputStripIds& ids,
                                            const std::vector<double>& v, double rate_hz) {
    OutputStripCoefficients k;
    k.eq_on = on(v, ids.eq_on);
    dsp::RoomEqSettings eq;
    eq.enabled = true;
    for (size_t b = 0; b < eq.bands.size() && b < ids.eq.size(); ++b) {
        eq.bands[b] = band(v, ids.eq[b], on(v, ids.eq[b].on));
        eq.bands[b].type = static_cast<dsp::EqBandType>(static_cast<int>(at(v, ids.eq[b].type)));
    }
    k.eq = dsp::design_room_eq(eq, rate_hz);
    const double delay_ms = at(v, ids.delay_ms);
    k.delay_on = delay_ms > 0.0;
    k.delay = dsp::design_alignment_delay({delay_ms}, rate_hz);
    k.limiter_on = on(v, ids.limiter_on);
    dsp::LimiterSettings l;
    l.enabled = true;
    l.ceiling_db = at(v, ids.limiter_ceiling, -1.0);
    l.release_ms = at(v, ids.limiter_release, 80.0);
    k.limiter = dsp::design_limiter(l, rate_hz);
    return k;
}

// The room EQ's band types in the order of the parameter's choices.
static_assert(static_cast<int>(dsp::EqBandType::kBell) == 0 &&
              static_cast<int>(dsp::EqBandType::kLowShelf) == 1 &&
              static_cast<int>(dsp::EqBandType::kHighShelf) == 2 &&
              static_cast<int>(dsp::EqBandType::kLowPass) == 3 &&
              static_cast<int>(dsp::EqBandType::kHighPass) == 4);

void Interface::reset_strips() {
    auto bank = std::make_shared<StripBank>();
    bank->inputs.resize(params_.sources.size());
    bank->outputs.resize(spec_.outputs.size());
    bank->inserts.resize(params_.sources.size());
    bank->plugins.resize(params_.plugin_slots.size());
    strips_ = bank;
    // Every loaded plugin is made again at the rate (derive_plugins), its controls kept.
    plugins_.resize(params_.plugin_slots.size());
    for (PluginState& p : plugins_)
        p.proc = nullptr;
    plugin_slot_order_.clear();
    for (size_t slot = 0; slot < params_.plugin_slots.size(); ++slot)
        if (params_.plugin_slots[slot].present()) plugin_slot_order_.push_back(slot);
    std::sort(plugin_slot_order_.begin(), plugin_slot_order_.end(), [&](size_t a, size_t b) {
        return params_.plugin_slots[a].plugin < params_.plugin_slots[b].plugin;
    });
    // Sized to the tree as built: the nodes made later are plugins' controls (only_strip_params).
    const size_t built = strip_param_.empty() ? params_.tree.size() : strip_param_.size();
    strip_param_.assign(built, 0);
    auto mark = [this](params::ParamIndex i) {
        if (i >= 0) strip_param_[static_cast<size_t>(i)] = 1;
    };
    auto mark_band = [&](const params::EqBandIds& b) {
        for (auto i : {b.on, b.type, b.freq, b.gain, b.q})
            mark(i);
    };
    for (const auto& ids : params_.input_strips) {
        for (auto i : {ids.lowcut_on,      ids.lowcut_freq, ids.lowcut_slope,
                       ids.eq_on,          ids.comp_on,     ids.comp_threshold,
                       ids.comp_ratio,     ids.comp_attack, ids.comp_release,
                       ids.comp_knee,      ids.comp_makeup, ids.gate_on,
                       ids.gate_threshold, ids.gate_ratio,  ids.gate_range,
                       ids.gate_attack,    ids.gate_hold,   ids.gate_release,
                       ids.rec_fx,         ids.width,       ids.ms})
            mark(i);
        for (const auto& b : ids.eq)
            mark_band(b);
    }
    for (const auto& ids : params_.inserts)  // a slot's settings travel as a strip's do
        for (auto i : {ids.on, ids.send, ids.ret, ids.mix, ids.delay})
            mark(i);
    for (const auto& ids : params_.plugin_slots)
        for (auto i : {ids.plugin, ids.bypass})
            mark(i);
    for (const auto& ids : params_.output_strips) {
        for (auto i :
             {ids.eq_on, ids.delay_ms, ids.limiter_on, ids.limiter_ceiling, ids.limiter_release})
            mark(i);
        for (const auto& b : ids.eq)
            mark_band(b);
    }
}

bool Interface::only_strip_params(const std::vector<params::ParamIndex>& changed) const {
    // A node made after the tree (a plugin's control) is a processor's setting too.
    return std::all_of(changed.begin(), changed.end(), [this](params::ParamIndex i) {
        return static_cast<size_t>(i) >= strip_param_.size() ||
               strip_param_[static_cast<size_t>(i)] != 0;
    });
}

void Interface::derive_strips(const std::vector<double>& v) {
    const double rate = sample_rate_hz_;
    const int max_frames = engine_->max_frames();
    std::shared_ptr<StripBank> next;  // made only when a strip is born
    auto bank = [&]() -> StripBank& {
        if (!next) next = std::make_shared<StripBank>(*strips_);
        return *next;
    };
    const size_t n = params_.sources.size();
    auto linked = [&](size_t first) {  // sources first and first + 1 are a linked pair
        return first + 1 < n && on(v, params_.source_links[first]) &&
               params_.input_strips[first].present() && params_.input_strips[first + 1].present();
    };
    // Width 1 without M/S is the identity; width acts only on a linked pair.
    auto widened = [&](size_t first) {
        const auto& ids = params_.input_strips[first];
        return linked(first) && (at(v, ids.width, 1.0) != 1.0 || on(v, ids.ms));
    };
    for (size_t s = 0; s < n; ++s) {
        const auto& ids = params_.input_strips[s];
        if (!ids.present()) continue;
        std::shared_ptr<InputStrip> strip = next ? next->inputs[s] : strips_->inputs[s];
        const bool width_on = widened(s);
        // No strip and nothing on: the dry path, bit for bit, and nothing to design. The second
        // channel of a widened pair gets one for its own switches (rec_fx) even when none is on.
        if (!strip && !on(v, ids.lowcut_on) && !on(v, ids.eq_on) && !on(v, ids.comp_on) &&
            !on(v, ids.gate_on) && !width_on && !(s > 0 && widened(s - 1)))
            continue;
        InputStripCoefficients k = input_coefficients(ids, v, rate);
        // A linked pair's dynamics are the first channel's, on both channels.
        k.links_next = linked(s);
        k.dynamics_elsewhere = s > 0 && linked(s - 1);
        k.width_on = width_on;
        k.width = dsp::design_stereo_width(
            {.input_is_mid_side = on(v, ids.ms), .width = at(v, ids.width, 1.0)});
        if (!strip) {
            strip = std::make_shared<InputStrip>();
            strip->prepare(rate, max_frames);
            bank().inputs[s] = strip;
        }
        strip->post(k);
    }
    for (size_t o = 0; o < params_.output_strips.size(); ++o) {
        const auto& ids = params_.output_strips[o];
        std::shared_ptr<OutputStrip> strip = next ? next->outputs[o] : strips_->outputs[o];
        if (!strip && !on(v, ids.eq_on) && at(v, ids.delay_ms) <= 0.0 && !on(v, ids.limiter_on))
            continue;
        const OutputStripCoefficients k = output_coefficients(ids, v, rate);
        if (!strip) {
            strip = std::make_shared<OutputStrip>();
            strip->prepare(rate, max_frames);
            bank().outputs[o] = strip;
        }
        strip->post(k);
    }
    derive_plugins(v, next);
    derive_inserts(v, next);
    if (next) {
        strips_ = next;
        plan_dirty_ = true;
    }
}

void Interface::snap_strips() {
    for (const auto& s : strips_->inputs)
        if (s) s->snap();
    for (const auto& o : strips_->outputs)
        if (o) o->snap();
    for (const auto& i : strips_->inserts)
        if (i) i->snap();
    for (const auto& p : strips_->plugins)
        if (p) p->snap();
}

int Interface::output_latency_frames(size_t o) const {
    const auto& ids = params_.output_strips[o];
    const auto& strip = strips_->outputs[o];
    const int plugins = output_plugin_latency_frames(o);
    if (!strip || !on(params_.tree.values(), ids.limiter_on)) return plugins;
    return plugins + strip->limiter_latency_frames();
}

}  // namespace phantom::engine
