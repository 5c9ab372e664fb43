#include "phantom/params/control_room_params.hpp"

#include <fmt/format.h>

#include "phantom/params/schema_factories.hpp"

namespace phantom::params {

using device::OutputRole;

namespace {

// The calibrated level a studio listens at (−20 dB on the volume is a common 79 dB SPL
// calibration); the user stores their own with /monitor/store_reference.
constexpr double kDefaultReferenceDb = -20.0;

void add_solo(InterfaceParams& p, const device::DeviceSpec& spec) {
    ControlRoomParamIds& r = p.room;
    ParamTree& tree = p.tree;
    std::vector<ParamIndex> all;
    r.source_solo.assign(p.sources.size(), -1);
    for (size_t s = 0; s < p.sources.size(); ++s) {
        r.source_solo[s] = tree.add(bool_param(
            "/solo/" + p.sources[s].id, false,
            "solo to the control room (PFL or AFL, /monitor/solo_mode); no mix changes"));
        all.push_back(r.source_solo[s]);
    }
    // Monitor outputs are the control room itself: soloing them onto themselves means nothing.
    // An output whose id is also a source's shares that source's solo (one path, one meaning).
    r.output_solo.assign(spec.outputs.size(), -1);
    for (size_t o = 0; o < spec.outputs.size(); ++o) {
        const auto& out = spec.outputs[o];
        if (out.role == OutputRole::Monitor || tree.find("/solo/" + out.id)) continue;
        r.output_solo[o] = tree.add(
            bool_param("/solo/" + out.id, false,
                       "solo this output's mix to the control room (PFL: before its volume, "
                       "AFL: after it)"));
        all.push_back(r.output_solo[o]);
    }
    r.solo_mode = tree.add(choice_param(
        "/monitor/solo_mode", {"PFL", "AFL"}, static_cast<int>(SoloMode::Pfl),
        "PFL: a soloed source as it arrives (after trim), at unity; AFL: at its level and pan in "
        "the mix the monitors play; an output before (PFL) or after (AFL) its volume"));
    std::vector<std::string> names = {p.buses[static_cast<size_t>(p.monitor.bus)].id};
    r.solo_output_choice = {-1};
    for (size_t o = 0; o < spec.outputs.size(); ++o) {
        if (spec.outputs[o].role == OutputRole::Monitor) continue;
        names.push_back(spec.outputs[o].id);
        r.solo_output_choice.push_back(static_cast<int>(o));
    }
    r.solo_output = tree.add(
        choice_param("/monitor/solo_output", names, 0,
                     "where solos are heard while any is on: the monitors, or another output (the "
                     "engineer's headphones); that output plays the solos instead of its own mix"));
    r.solo_clear = tree.add(bool_param("/monitor/solo_clear", false,
                                       "action: set on to clear every solo (always reads off)"));
    tree.add_action(r.solo_clear, [all](const std::vector<double>& values) {
        std::vector<ParamChange> changes;
        for (ParamIndex i : all)
            if (values[static_cast<size_t>(i)] != 0.0) changes.push_back({i, 0.0});
        return changes;
    });
    // A linked stereo pair solos as one.
    for (size_t s = 0; s + 1 < p.sources.size(); ++s)
        if (p.source_links[s] >= 0)
            tree.gang(p.source_links[s], r.source_solo[s], r.source_solo[s + 1],
                      ParamTree::Gang::Copy);
}

void add_source(InterfaceParams& p, const device::DeviceSpec& spec) {
    ControlRoomParamIds& r = p.room;
    std::vector<std::string> names = {p.buses[static_cast<size_t>(p.monitor.bus)].id};
    r.source_choice = {RoomSourceChoice{}};
    for (size_t o = 0; o < spec.outputs.size(); ++o) {
        if (spec.outputs[o].role == OutputRole::Monitor) continue;
        names.push_back(spec.outputs[o].id);
        r.source_choice.push_back({static_cast<int>(o), -1});
    }
    for (size_t s = 0; s + 1 < p.sources.size(); ++s) {
        if (p.source_links[s] < 0) continue;
        names.push_back(p.sources[s].id + "+" + p.sources[s + 1].id);
        r.source_choice.push_back({-1, static_cast<int>(s)});
    }
    r.source = p.tree.add(choice_param(
        "/monitor/source", names, 0,
        "what the monitors play: the main mix, another output's mix (a performer's cue) or a "
        "stereo pair of sources; dim, mono, mute and volume apply on top"));
}

void add_talkback(InterfaceParams& p, const device::DeviceSpec& spec) {
    ControlRoomParamIds& r = p.room;
    if (p.monitor.talkback < 0) return;
    r.talkback_to.assign(spec.outputs.size(), -1);
    for (size_t o = 0; o < spec.outputs.size(); ++o) {
        const auto& out = spec.outputs[o];
        if (out.role == OutputRole::Monitor) continue;  // the talkback mic is in that room
        r.talkback_to[o] = p.tree.add(bool_param("/monitor/talkback_to/" + out.id,
                                                 out.role == OutputRole::Headphone,
                                                 "talkback reaches this output"));
    }
    r.talkback_dim = p.tree.add(
        float_param("/monitor/talkback_dim", -60.0, 0.0, spec.monitor.dim_db, "dB",
                    "how far talkback lowers the monitors while it is on (no feedback)"));
}

void add_reference(InterfaceParams& p) {
    ControlRoomParamIds& r = p.room;
    ParamTree& tree = p.tree;
    const ParamIndex volume = p.monitor.volume;
    r.reference_level = tree.add(float_param(
        "/monitor/reference_level", kFaderOff, kFaderMaxDb, kDefaultReferenceDb, "dB",
        "the calibrated listening level that /monitor/recall sets the monitor volume to"));
    r.recall = tree.add(bool_param(
        "/monitor/recall", false,
        "action: set on to put the monitor volume at the reference level (always reads off)"));
    r.store_reference = tree.add(bool_param(
        "/monitor/store_reference", false,
        "action: set on to make the monitor volume the reference level (always reads off)"));
    const ParamIndex reference = r.reference_level;
    tree.add_action(r.recall, [volume, reference](const std::vector<double>& values) {
        return std::vector<ParamChange>{{volume, values[static_cast<size_t>(reference)]}};
    });
    tree.add_action(r.store_reference, [volume, reference](const std::vector<double>& values) {
        return std::vector<ParamChange>{{reference, values[static_cast<size_t>(volume)]}};
    });
}

}  // namespace

void add_control_room_params(InterfaceParams& p, const device::DeviceSpec& spec) {
    if (p.monitor.bus < 0 || p.monitor.volume < 0) return;
    add_solo(p, spec);
    add_source(p, spec);
    add_talkback(p, spec);
    add_reference(p);
}

}  // namespace phantom::params
