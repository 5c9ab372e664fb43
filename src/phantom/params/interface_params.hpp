// The parameter tree of one device, generated from its DeviceSpec, together with the layout
// that tells the engine which parameter index means what (so the engine never parses paths).
//
// Mixer sources, in order: analog inputs, digital input channels (at the device's largest
// channel count), playback channels pb1..pbN. A bus is a submix: one per output that has a mix
// of its own; all monitor outputs (speaker sets A and B) share the first monitor output's bus.
#pragma once

#include <string>
#include <vector>

#include "phantom/device/device_spec.hpp"
#include "phantom/params/fx_params.hpp"
#include "phantom/params/param_tree.hpp"
#include "phantom/params/strip_param_ids.hpp"

namespace phantom::params {

enum class SourceKind { Analog, Digital, Playback };

struct SourceInfo {
    std::string id;
    SourceKind kind = SourceKind::Playback;
    int analog_index = -1;  // into DeviceSpec::analog_inputs
    int digital_port = -1;  // into DeviceSpec::digital_ports
    int digital_channel = -1;
    int default_output = -1;  // playback: the output its default route feeds (-1: none)
};

struct InputParamIds {
    ParamIndex gain = -1, pad = -1, phantom = -1, mode = -1, level = -1, trim = -1, polarity = -1;
};

struct CrosspointParamIds {
    ParamIndex gain = -1, pan = -1, mute = -1;
    std::array<ParamIndex, kFxKinds> send{-1, -1};  // into this mix's reverb and echo
};

struct BusInfo {
    std::string id;  // the output that owns it
    int output = -1;
    int channels = 2;
};

struct OutputParamIds {
    int bus = -1;                  // the bus it plays when not mirroring (-1: mirror-only)
    int fixed_mirror_output = -1;  // mirror-only outputs: the output they always mirror
    ParamIndex volume = -1, mute = -1, trim = -1, mirror = -1;
    std::vector<int> mirror_choice_output;  // choice index → output index, -1 = none
};

struct MonitorParamIds {
    int bus = -1;  // the shared monitor bus, -1 if the device has no monitor output
    ParamIndex volume = -1, dim = -1, dim_level = -1, mute = -1, mono = -1, speakers = -1,
               talkback = -1, talkback_source = -1, talkback_level = -1, direct = -1;
    std::vector<int> talkback_choice_source;  // choice index → source index
};

// The control room (control_room_params.cpp): solo to the monitors, what the monitors play,
// where talkback goes, the reference listening level. All -1 / empty on a device without a
// monitor output.
enum class SoloMode { Pfl = 0, Afl = 1 };
struct RoomSourceChoice {
    int output = -1;        // an output's mix (-1: not an output)
    int first_source = -1;  // a stereo pair of sources, this one and the next (-1: not a pair)
};                          // both -1: the main mix
struct ControlRoomParamIds {
    std::vector<ParamIndex> source_solo;  // /solo/<id>, one per source
    std::vector<ParamIndex> output_solo;  // /solo/<id>, one per output, -1 on monitor outputs
    ParamIndex solo_mode = -1, solo_output = -1, solo_clear = -1;
    std::vector<int> solo_output_choice;  // choice index → output index, -1 = the monitors
    ParamIndex source = -1;               // /monitor/source
    std::vector<RoomSourceChoice> source_choice;  // choice index → what it plays
    std::vector<ParamIndex> talkback_to;          // one per output, -1 where none
    ParamIndex talkback_dim = -1;
    ParamIndex reference_level = -1, recall = -1, store_reference = -1;
};

enum class SpeakerChoice { A = 0, B = 1, AB = 2 };
enum class DirectMonitor { Off = 0, Mono = 1, Stereo = 2 };
enum class LevelStandard { ProPlus4Dbu = 0, ConsumerMinus10Dbv = 1 };

struct InterfaceParams {
    ParamTree tree;
    std::vector<SourceInfo> sources;
    std::vector<InputParamIds> inputs;  // one per source (playback: all -1)
    std::vector<BusInfo> buses;
    std::vector<CrosspointParamIds> crosspoints;  // [bus * sources.size() + source]
    std::vector<OutputParamIds> outputs;          // one per DeviceSpec output
    MonitorParamIds monitor;
    ControlRoomParamIds room;
    ParamIndex loopback_source = -1;
    std::vector<int> loopback_choice_output;  // choice index → output index, -1 = none
    ParamIndex clock_source = -1;
    // Names (/name/<id>, String parameters, default the device's label), one per source and
    // per output.
    std::vector<ParamIndex> source_names, output_names;
    // Stereo pairs: /link/<id> on the first source of each adjacent pair of one kind (in1+in2,
    // adat1+adat2, pb1+pb2 …), indexed by that source; -1 where no pair starts.
    std::vector<ParamIndex> source_links;
    // The channel strips (strip_params.cpp): one per source (playback: all -1), one per output.
    std::vector<InputStripIds> input_strips;
    std::vector<OutputStripIds> output_strips;
    // The hardware insert slots (insert_params.cpp): one per source (playback: all -1).
    std::vector<InsertIds> inserts;
    // The LV2 plugin slots (plugin_params.cpp): [source * kPluginSlots + n], n from 0, then
    // the outputs', then the FX buses' (all -1 on playback channels).
    std::vector<PluginSlotIds> plugin_slots;
    // Latency compensation across the sources (latency_params.cpp): /latency/compensate.
    ParamIndex latency_compensate = -1;
    // The FX buses (fx_params.cpp): the shared settings, and by bus its returns and switches.
    FxSettingsIds fx;
    std::vector<BusFxIds> bus_fx;

    const CrosspointParamIds& crosspoint(int bus, int source) const {
        return crosspoints[static_cast<size_t>(bus) * sources.size() + static_cast<size_t>(source)];
    }
    int source_index(const std::string& id) const;
    int bus_index(const std::string& output_id) const;

    // The bus an output finally plays, following mirrors (validated acyclic); -1 if none.
    int resolved_bus(int output, const std::vector<double>& values) const;
};

InterfaceParams build_interface_params(const device::DeviceSpec& spec);

}  // namespace phantom::params
