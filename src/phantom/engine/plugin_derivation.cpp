// Interface's LV2 plugin slots: a plugin loaded into a slot, its controls as nodes of the
// parameter tree, and its processor handed to the audio thread (plugin_slot.hpp).
// [control-thread]
//
// A slot's plugin is made when the batch that names it is staged, before anything changes:
// a plugin that is not installed, cannot be hosted or fails to instantiate refuses the batch,
// naming the slot. Its controls are tree nodes /input/<id>/insert/<n>/<symbol> from then on,
// so the same batch, or a later one on any surface, sets them; a control whose symbol is
// "plugin" or "bypass" is named <symbol>_control, as those two paths are the slot's own.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "phantom/engine/interface.hpp"
#include "phantom/params/plugin_params.hpp"

namespace phantom::engine {

namespace {

using processors::lv2::Lv2Control;
using processors::lv2::Lv2Error;
using processors::lv2::Lv2Processor;
using processors::lv2::Lv2World;

constexpr size_t kPerSource = static_cast<size_t>(params::kPluginSlots);

params::ParamSchema control_schema(const std::string& path, const Lv2Control& c) {
    params::ParamSchema s;
    s.path = path;
    s.description = c.name + (c.integer || c.enumeration ? " (whole numbers)" : "");
    if (c.enumeration && !c.scale_points.empty()) {
        std::string list;
        for (const auto& [value, label] : c.scale_points)
            list += fmt::format("{}{:g} {}", list.empty() ? "" : ", ", value, label);
        s.description += ": " + list;
    }
    if (c.toggled) {
        s.type = params::ParamType::Bool;
        s.min = 0.0;
        s.max = 1.0;
        s.default_value = c.default_value > 0.5f * (c.min + c.max) ? 1.0 : 0.0;
        return s;
    }
    s.type = params::ParamType::Float;
    s.whole = c.integer || c.enumeration;
    s.min = c.min;
    s.max = c.max;
    s.default_value = std::clamp(c.default_value, c.min, c.max);
    return s;
}

// Every control's schema, in the plugin's order. A symbol that is one of the slot's own names
// ("plugin", "bypass") is renamed <symbol>_control, and again while that is another of the
// plugin's symbols: two controls never share a path.
std::vector<params::ParamSchema> control_schemas(const std::string& base,
                                                 const processors::lv2::Lv2PluginInfo& info) {
    std::set<std::string> used = {"plugin", "bypass"};
    for (const Lv2Control& c : info.controls)
        used.insert(c.symbol);
    std::vector<params::ParamSchema> out;
    for (const Lv2Control& c : info.controls) {
        std::string name = c.symbol;
        if (name == "plugin" || name == "bypass") {
            name += "_control";
            while (used.count(name))
                name += "_control";
            used.insert(name);
        }
        std::string path = base;
        path += '/';
        path += name;
        out.push_back(control_schema(path, c));
    }
    return out;
}

}  // namespace

int Interface::plugin_slot_of(params::ParamIndex i) const {
    // The slots' parameters were added in slot order: their indices rise with the slot.
    const auto& slots = params_.plugin_slots;
    auto it =
        std::lower_bound(plugin_slot_order_.begin(), plugin_slot_order_.end(), i,
                         [&](size_t slot, params::ParamIndex x) { return slots[slot].plugin < x; });
    return it != plugin_slot_order_.end() && slots[*it].plugin == i ? static_cast<int>(*it) : -1;
}

params::ParamIndex Interface::pair_link_of_slot(size_t slot) const {
    if (slot >= params::first_output_plugin_slot(params_)) return -1;
    const size_t s = slot / kPerSource;
    return s < params_.source_links.size() ? params_.source_links[s] : -1;
}

int Interface::plugin_slot_channels(size_t slot) const {
    const size_t first_output = params::first_output_plugin_slot(params_);
    // A pair's first input: two channels linked or not, so a link or an unlink never makes
    // the plugin again (its state and latency stay; plugin_slot.hpp).
    if (slot < first_output) return pair_link_of_slot(slot) >= 0 ? 2 : 1;
    const size_t first_fx = params::first_fx_plugin_slot(params_);
    if (slot < first_fx) return spec_.outputs[(slot - first_output) / kPerSource].channels;
    return params_.buses[(slot - first_fx) / kPerSource / params::kFxKinds].channels;
}

std::shared_ptr<Lv2Processor> Interface::make_plugin(size_t slot, const std::string& uri) const {
    const std::string path = params::plugin_slot_base(params_, spec_, slot) + "/plugin";
    try {
        auto proc =
            std::make_shared<Lv2Processor>(Lv2World::shared(), uri, plugin_slot_channels(slot));
        proc->prepare(sample_rate_hz_, engine_->max_frames());
        return proc;
    } catch (const processors::lv2::Lv2NotInstalled& e) {
        // Not a value out of a range: a plugin this machine does not have (HTTP 409).
        throw params::ParamError(params::ParamErrorKind::NotAvailable, path,
                                 fmt::format("{}: {}", path, e.what()));
    } catch (const Lv2Error& e) {
        throw params::ParamError(params::ParamErrorKind::OutOfRange, path,
                                 fmt::format("{}: {}", path, e.what()));
    }
}

const Interface::PluginState& Interface::plugin_after_stage(size_t slot) const {
    for (const StagedPlugin& stage : staged_)
        if (stage.slot == slot) return stage.next;
    return plugins_[slot];
}

std::string Interface::pair_plugin_problem(const std::vector<double>& v) const {
    const auto& tree = params_.tree;
    for (size_t s = 0; s + 1 < params_.sources.size(); ++s) {
        const size_t first = s * kPerSource, second = (s + 1) * kPerSource;
        const params::ParamIndex link = pair_link_of_slot(first);
        if (link < 0 || !params_.plugin_slots[first].present()) continue;
        const bool linked = v[static_cast<size_t>(link)] != 0.0;
        const bool linking = linked != (tree.value(link) != 0.0);
        // Every batch passes here (a fader's too): the words are made only for a refusal.
        for (size_t n = 0; n < kPerSource; ++n) {
            const PluginState& held = plugin_after_stage((linked ? second : first) + n);
            if (linked ? held.uri.empty() : !held.proc || held.proc->info().audio_in.size() != 2)
                continue;
            const std::string& a = params_.sources[s].id;
            const std::string& b = params_.sources[s + 1].id;
            const std::string& link_path = tree.schema(link).path;
            const std::string base_a = params::plugin_slot_base(params_, spec_, first + n);
            const std::string base_b = params::plugin_slot_base(params_, spec_, second + n);
            if (linked && linking)
                return fmt::format(
                    "{}: {} holds a plugin ({}); a linked pair's plugins are {}'s ({} runs on {} "
                    "and {}): empty {}'s slot first, or in the same batch",
                    link_path, base_b, held.uri, a, base_a, a, b, b);
            if (linked)
                return fmt::format(
                    "{}/plugin: {} is linked with {} ({}): the pair's plugins go in {}'s slot "
                    "({}/plugin), which runs on both",
                    base_b, b, a, link_path, a, base_a);
            if (linking)
                return fmt::format(
                    "{}: {} holds a stereo plugin ({}), which needs the pair: unload it or load "
                    "a mono one there first, or in the same batch",
                    link_path, base_a, held.proc->info().name);
            return fmt::format(
                "{}/plugin: '{}' ({}) is a stereo plugin: {}'s slot takes one only while {} and "
                "{} are linked ({}); unlinked, a mono (1-in/1-out) one",
                base_a, held.uri, held.proc->info().name, a, a, b, link_path);
        }
    }
    return "";
}

std::string Interface::plugin_problem(size_t slot, const std::string& uri) const {
    try {
        (void)make_plugin(slot, uri);
        return "";
    } catch (const params::ParamError& e) {
        return e.what();
    }
}

void Interface::stage_plugins(const std::vector<PluginLoad>& loads) {
    if (staged_.empty()) staged_tree_size_ = params_.tree.size();
    auto& tree = params_.tree;
    try {
        for (const PluginLoad& load : loads) {
            if (load.slot >= plugins_.size() || !params_.plugin_slots[load.slot].present())
                continue;
            // Named twice in one batch: the last word stands, as for any parameter.
            auto twin = std::find_if(staged_.begin(), staged_.end(),
                                     [&](const StagedPlugin& p) { return p.slot == load.slot; });
            if (twin != staged_.end()) {
                if (twin->next.uri == load.uri) continue;
                for (params::ParamIndex i : twin->next.controls)
                    tree.retire(i);
                twin->next = PluginState{};
            } else if (plugins_[load.slot].uri == load.uri) {
                continue;
            }
            // The plugin is made before anything changes: if it cannot be, this load has
            // touched nothing, and the stage so far is undone below.
            std::shared_ptr<Lv2Processor> proc;
            if (!load.uri.empty()) proc = make_plugin(load.slot, load.uri);
            if (twin == staged_.end()) {
                StagedPlugin fresh;
                fresh.slot = load.slot;
                for (params::ParamIndex i : plugins_[load.slot].controls)
                    if (tree.live(i)) {
                        fresh.retired.emplace_back(i, tree.value(i));
                        tree.retire(i);
                    }
                staged_.push_back(std::move(fresh));
                twin = std::prev(staged_.end());
            }
            // In staged_ from here on, so that every node made is undone with the stage.
            StagedPlugin& stage = *twin;
            stage.next.uri = load.uri;
            stage.next.proc = proc;
            if (proc)
                for (auto& schema : control_schemas(
                         params::plugin_slot_base(params_, spec_, load.slot), proc->info()))
                    stage.next.controls.push_back(tree.add_node(std::move(schema)));
        }
    } catch (...) {
        unstage_plugins();
        throw;
    }
}

void Interface::unstage_plugins() {
    auto& tree = params_.tree;
    // Out of staged_ first: the values restored below pass the tree's constraints, and the
    // pair rule (pair_plugin_problem) must judge them against the slots as they stay.
    std::vector<StagedPlugin> stage = std::move(staged_);
    staged_.clear();
    for (auto it = stage.rbegin(); it != stage.rend(); ++it) {
        for (params::ParamIndex i : it->next.controls)
            if (static_cast<size_t>(i) < staged_tree_size_) tree.retire(i);
        for (const auto& [i, value] : it->retired) {
            tree.revive(i);
            tree.apply({{i, value}});
        }
    }
    if (!stage.empty()) tree.drop_nodes_after(staged_tree_size_);
}

void Interface::derive_plugins(const std::vector<double>& v, std::shared_ptr<StripBank>& next) {
    auto bank = [&]() -> StripBank& {
        if (!next) next = std::make_shared<StripBank>(*strips_);
        return *next;
    };
    auto bypassed = [&](size_t slot) {
        return v[static_cast<size_t>(params_.plugin_slots[slot].bypass)] != 0.0;
    };
    auto linked = [&](size_t slot) {
        const params::ParamIndex link = pair_link_of_slot(slot);
        return link >= 0 && v[static_cast<size_t>(link)] != 0.0;
    };
    for (StagedPlugin& stage : staged_) {
        PluginState& state = plugins_[stage.slot];
        std::shared_ptr<Lv2Processor> before = state.proc;
        state = std::move(stage.next);
        if (!state.proc && !before) {
            bank().plugins[stage.slot] = nullptr;
            continue;
        }
        bank().plugins[stage.slot] =
            std::make_shared<PluginSlot>(state.proc, before, bypassed(stage.slot), sample_rate_hz_,
                                         engine_->max_frames(), linked(stage.slot));
    }
    staged_.clear();
    for (size_t slot = 0; slot < plugins_.size(); ++slot) {
        PluginState& state = plugins_[slot];
        if (state.uri.empty()) continue;
        if (!state.proc) {  // a new rate: the plugin is made again, its controls kept
            try {
                state.proc = make_plugin(slot, state.uri);
            } catch (const params::ParamError& e) {
                note(fmt::format("{} (the slot plays dry)", e.what()));
                state.uri.clear();  // told once; the parameter still names it
                continue;
            }
            bank().plugins[slot] =
                std::make_shared<PluginSlot>(state.proc, nullptr, bypassed(slot), sample_rate_hz_,
                                             engine_->max_frames(), linked(slot));
        }
        for (size_t k = 0; k < state.controls.size(); ++k)
            state.proc->set_control(k,
                                    static_cast<float>(v[static_cast<size_t>(state.controls[k])]));
        const StripBank& now = next ? *next : *strips_;
        if (const auto& slot_now = now.plugins[slot]) {
            slot_now->set_bypass(bypassed(slot));
            auto rec_fx = [&](size_t s) {
                const params::ParamIndex i = params_.input_strips[s].rec_fx;
                return i >= 0 && v[static_cast<size_t>(i)] != 0.0;
            };
            if (slot < params::first_output_plugin_slot(params_))
                slot_now->set_rec_fx(rec_fx(slot / kPerSource));
            if (pair_link_of_slot(slot) >= 0) {
                slot_now->set_pair(linked(slot));
                slot_now->set_pair_rec_fx(rec_fx(slot / kPerSource + 1));
            }
        }
    }
}

void Interface::prune_plugins() {
    std::shared_ptr<StripBank> next;
    for (size_t slot = 0; slot < strips_->plugins.size(); ++slot) {
        const auto& s = strips_->plugins[slot];
        if (!s || s->processor() || !s->settled()) continue;
        if (!next) next = std::make_shared<StripBank>(*strips_);
        next->plugins[slot] = nullptr;
    }
    if (next) {
        strips_ = next;
        plan_dirty_ = true;
    }
}

int Interface::plugin_latency_frames(size_t s) const {
    // A linked pair's second input runs through its first input's slots too.
    int frames = slots_latency_frames(s * kPerSource);
    if (s > 0) {
        const params::ParamIndex link = pair_link_of_slot((s - 1) * kPerSource);
        if (link >= 0 && params_.tree.value(link) != 0.0)
            frames += slots_latency_frames((s - 1) * kPerSource);
    }
    return frames;
}

int Interface::output_plugin_latency_frames(size_t o) const {
    return slots_latency_frames(params::first_output_plugin_slot(params_) + o * kPerSource);
}

int Interface::slots_latency_frames(size_t first) const {
    // A bypassed slot passes the signal dry, undelayed: it adds nothing.
    int frames = 0;
    for (size_t n = 0; n < kPerSource; ++n) {
        const size_t slot = first + n;
        if (slot >= plugins_.size() || !plugins_[slot].proc) continue;
        if (params_.tree.value(params_.plugin_slots[slot].bypass) != 0.0) continue;
        frames += plugins_[slot].proc->latency_frames();
    }
    return frames;
}

void Interface::service_plugins() {
    for (const PluginState& state : plugins_)
        if (state.proc) state.proc->service();
}

}  // namespace phantom::engine
