// One scenario per studio-doctor rule, shared by the offline test (the Interface run block by
// block, tests/unit/doctor/doctor_scenarios_test.cpp) and the live one (`phantom start`,
// tests/integration/doctor_live_test.cpp): the fault (sources, virtual faults, settings), the
// one finding expected, and the fix that makes it go.
#pragma once

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace phantom::test {

struct DoctorCase {
    std::string name;
    std::vector<std::pair<std::string, std::string>> sources;  // channel, source text
    std::vector<std::string> faults;                           // as after --fault
    std::vector<std::pair<std::string, std::string>> setup;    // parameter, value as typed
    std::string rule, where;
    std::string what_contains, fix_contains;               // checked when not empty
    std::vector<std::pair<std::string, std::string>> fix;  // parameters, as typed
    std::string clear_fault;  // the fix replaces a cable: an input, "machine" or "clock"
    bool live_only = false;   // needs the real-time driver (an overloaded machine)
    // What the external clock inputs carry (as after --clock-input): input, rate or none.
    std::vector<std::pair<std::string, std::string>> clock_inputs = {};
};

// SM58 (1.85 mV/Pa) at 94 dB SPL into the 3 kΩ mic input (300 Ω source) at 0 dB of gain, on a
// +18 dBu converter: the sine's peak in dBFS (a sine of the full scale's level in dBu peaks at
// 0 dBFS). The doctor's fix aims peaks at -12 dBFS, within the preamp's 60 dB.
inline double sm58_peak_dbfs_at_0db() {
    return 20 * std::log10(1.85e-3 / 0.775) + 20 * std::log10(3000.0 / 3300.0) - 18.0;
}

// gtest prints a scenario by its name.
inline void PrintTo(const DoctorCase& c, std::ostream* os) {
    *os << c.name;
}

inline std::vector<DoctorCase> doctor_cases() {
    const std::string raise = std::to_string(
        static_cast<int>(std::min(60.0, std::ceil(-12.0 - sm58_peak_dbfs_at_0db()))));
    return {
        {"no_phantom",
         {{"in1", "condenser:sine:1k:94dBSPL"}},
         {},
         {{"/input/in1/gain", "40"}, {"/mix/main/in1/gain", "0"}},
         "no-phantom",
         "in1",
         "condenser microphone without 48 V",
         "switch 48 V on: /input/in1/phantom on",
         {{"/input/in1/phantom", "on"}},
         ""},
        {"dead_cable",
         {{"in3", "dynamic:sine:440:94dBSPL"}},
         {"in3=dead"},
         {{"/input/in3/gain", "50"}, {"/mix/main/in3/gain", "0"}},
         "dead-cable",
         "in3",
         "a dead cable",
         "swap the cable",
         {},
         "in3"},
        {"gain_too_low",
         {{"in1", "dynamic:sine:440:94dBSPL"}},
         {},
         {{"/mix/main/in1/gain", "0"}},
         "gain-too-low",
         "in1",
         "far too low",
         "/input/in1/gain " + raise,
         {{"/input/in1/gain", raise}},
         ""},
        {"instrument_on_mic",
         {{"in2", "guitar:sine:220:-20dBV"}},
         {},
         {{"/input/in2/gain", "30"}, {"/mix/main/in2/gain", "0"}},
         "instrument-on-mic",
         "in2",
         "on a mic input",
         "use the Hi-Z input: /input/in2/mode inst",
         {{"/input/in2/mode", "inst"}},
         ""},
        {"route_muted",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {{"/mix/main/in5/gain", "0"}, {"/mix/main/in5/mute", "on"}},
         "route-muted",
         "in5",
         "muted",
         "unmute it: /mix/main/in5/mute off",
         {{"/mix/main/in5/mute", "off"}},
         ""},
        {"monitors_muted",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {{"/mix/main/in5/gain", "0"}, {"/monitor/mute", "on"}},
         "monitors-muted",
         "main",
         "muted",
         "/monitor/mute off",
         {{"/monitor/mute", "off"}},
         ""},
        {"volume_off",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {{"/mix/main/in5/gain", "0"}, {"/monitor/volume", "-inf"}},
         "volume-off",
         "main",
         "-inf",
         "/monitor/volume -20",
         {{"/monitor/volume", "-20"}},
         ""},
        {"speakers_b",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {{"/mix/main/in5/gain", "0"}, {"/monitor/speakers", "B"}},
         "speakers-b",
         "main",
         "speaker set B",
         "/monitor/speakers A",
         {{"/monitor/speakers", "A"}},
         ""},
        {"dimmed",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {{"/mix/main/in5/gain", "0"}, {"/monitor/dim", "on"}},
         "dimmed",
         "main",
         "dimmed by",
         "/monitor/dim off",
         {{"/monitor/dim", "off"}},
         ""},
        // hp2 mirrors hp1, whose cue has nothing in it; hp2's own mix has in5.
        {"mirror_silent",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {{"/mix/main/in5/gain", "0"}, {"/mix/hp2/in5/gain", "0"}, {"/output/hp2/mirror", "hp1"}},
         "mirror-silent",
         "hp2",
         "mirrors hp1's mix",
         "/output/hp2/mirror none",
         {{"/output/hp2/mirror", "none"}},
         ""},
        // The monitors play hp1's cue (the control room's source), which has nothing in it,
        // while main has in5.
        {"room_source_silent",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {{"/mix/main/in5/gain", "0"}, {"/monitor/source", "hp1"}},
         "room-source",
         "main",
         "the monitors play hp1",
         "/monitor/source main",
         {{"/monitor/source", "main"}},
         ""},
        {"nothing_routed",
         {{"in5", "sine:1k:+4dBu"}},
         {},
         {},
         "nothing-routed",
         "main",
         "in5 plays",
         "raise its fader in the monitor mix: /mix/main/in5/gain 0",
         {{"/mix/main/in5/gain", "0"}},
         ""},
        // +22 dBu into a +18 dBu converter: 4 dB over; 4 + 6 dB of headroom is the 20 dB pad.
        {"clipping",
         {{"in1", "sine:1k:+22dBu"}},
         {},
         {{"/input/in1/mode", "line"}, {"/mix/main/in1/gain", "0"}},
         "clipping",
         "in1",
         "peaks 4.0 dB over full scale",
         "take 10 dB off: switch the pad on (/input/in1/pad on, -20 dB)",
         {{"/input/in1/pad", "on"}},
         ""},
        // +10 dBu into a -10 dBV input (full scale 18 - 11.8 = 6.2 dBu): 3.8 dB over.
        {"hot_source_on_minus10",
         {{"in5", "sine:1k:+10dBu"}},
         {},
         {{"/input/in5/level", "-10dBV"}, {"/mix/main/in5/gain", "0"}},
         "hot-consumer-input",
         "in5",
         "on a -10 dBV input",
         "/input/in5/level +4dBu",
         {{"/input/in5/level", "+4dBu"}},
         ""},
        // -10 dBV is -7.8 dBu: 11.8 dB under +4 dBu.
        {"consumer_on_plus4",
         {{"in6", "sine:1k:-10dBV"}},
         {},
         {{"/mix/main/in6/gain", "0"}},
         "consumer-on-pro",
         "in6",
         "12 dB below +4 dBu",
         "/input/in6/level -10dBV",
         {{"/input/in6/level", "-10dBV"}},
         ""},
        {"phantom_on_ribbon",
         {{"in3", "ribbon:sine:1k:94dBSPL"}},
         {},
         {{"/input/in3/gain", "50"}, {"/input/in3/phantom", "on"}, {"/mix/main/in3/gain", "0"}},
         "phantom-on-ribbon",
         "in3",
         "passive ribbon",
         "/input/in3/phantom off",
         {{"/input/in3/phantom", "off"}},
         ""},
        {"hum_50",
         {{"in7", "sine:1k:+4dBu"}},
         {"in7=hum:50:-40dBu"},
         {{"/mix/main/in7/gain", "0"}},
         "hum",
         "in7",
         "mains hum at 50 Hz",
         "ground loop",
         {},
         "in7"},
        // Nothing plugged in but the hum: -40 dBu is -61 dBFS RMS on a +18 dBu input.
        {"hum_60_on_silence",
         {},
         {"in8=hum:60:-40dBu"},
         {},
         "hum",
         "in8",
         "mains hum at 60 Hz",
         "ground loop",
         {},
         "in8"},
        // 0.245 V of DC over 8.69 V peak full scale: -31 dBFS.
        {"dc_offset",
         {{"in5", "sine:1k:+4dBu"}},
         {"in5=dc:-10dBu"},
         {{"/mix/main/in5/gain", "0"}},
         "dc-offset",
         "in5",
         "DC offset of -31 dBFS",
         "check the source",
         {},
         "in5"},
        {"mono_cancel",
         {{"in5", "pink:+4dBu"}, {"in6", "pink:+4dBu"}},
         {"in6=polarity"},
         {{"/mix/main/in5/gain", "0"}, {"/mix/main/in6/gain", "0"}},
         "mono-cancel",
         "in5+in6",
         "cancels in mono",
         "/input/in6/polarity on",
         {{"/input/in6/polarity", "on"}},
         ""},
        // A master clock on word clock, at the interface's rate, and an ADAT preamp playing:
        // the master is switched off (the clock vanishes). The fix: the master back on.
        {"clock_vanishes",
         {{"adat1", "sine:1k:-20dBFS"}},
         {"clock=vanish"},
         {{"/clock/source", "wordclock"}, {"/mix/main/adat1/gain", "0"}},
         "clock",
         "clock",
         "no signal on wordclock",
         "/clock/source internal",
         {},
         "clock",
         false,
         {{"wordclock", "48000"}}},
        // The master drifts 1500 ppm, beyond the ±1000 ppm the interface locks to.
        {"clock_drifts",
         {{"adat1", "sine:1k:-20dBFS"}},
         {"clock=drift:+1500ppm"},
         {{"/clock/source", "wordclock"}, {"/mix/main/adat1/gain", "0"}},
         "clock",
         "clock",
         "wordclock runs +1500 ppm off 48000 Hz",
         "the clock master has drifted",
         {},
         "clock",
         false,
         {{"wordclock", "48000"}}},
        // A host program plays the loopback (main's mix) back into pb1-2, which main's mix
        // holds at 0 dB (the default routing): a feedback loop. The fix mutes the return.
        {"loopback_feedback",
         {{"in5", "sine:1k:+4dBu"}},
         {"pb1=echo-loopback"},
         {{"/mix/main/in5/gain", "0"}, {"/loopback/source", "main"}},
         "feedback-loop",
         "main",
         "loopback.L → pb1, loopback.R → pb2",
         "/mix/main/pb1/mute on, /mix/main/pb2/mute on",
         {{"/mix/main/pb1/mute", "on"}, {"/mix/main/pb2/mute", "on"}},
         ""},
        // 12 ms a cycle in a 5.3 ms period: every cycle late (the buffer is checked offline).
        {"xruns",
         {},
         {"overload:12ms"},
         {},
         "xruns",
         "machine",
         "xruns in the last",
         "would hold them: phantom start --frames",
         {},
         "machine",
         true},
    };
}

}  // namespace phantom::test
