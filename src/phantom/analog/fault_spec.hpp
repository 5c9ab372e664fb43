// Faults of the virtual analog world, to troubleshoot against (docs/user-guide.md, "Virtual
// faults"), as written after `--fault` or in `POST /api/faults`:
//
//   CHANNEL=hum:50|60:LEVEL   ground-loop hum: 50 or 60 Hz and its harmonics (2nd, 3rd, 5th),
//                             LEVEL the fundamental's RMS at the connector (dBu or dBV)
//   CHANNEL=dc:LEVEL          a DC offset at the connector (dBu or dBV: the voltage of the DC)
//   CHANNEL=polarity          one leg of the cable swapped: the signal arrives inverted
//   CHANNEL=dead              a dead cable: nothing arrives
//   overload:TIME             an overloaded machine: every audio cycle takes TIME longer
//                             (e.g. 8ms), as another program hogging the CPU would; xruns
//                             when a cycle no longer fits its period
//   CLOCK=vanish              the external clock is gone (the master off, the cable out);
//                             CLOCK is `clock` (whichever input /clock/source follows) or
//                             one of the device's clock inputs (wordclock, adat, spdif)
//   CLOCK=drift:PPM           the external clock runs PPM off its rate (e.g. drift:+1500ppm)
//   PB=echo-loopback          a host program plays the loopback capture pair back into the
//                             playback pair PB, PB+1 (L, R), one block later: a feedback loop
//                             when PB is in the mix loopback returns
//
// A fault is not a source: it rides on what plays into the input (or on silence when nothing
// does) and it is not saved with the session. The numbers are checked as a source's are:
// finite and within range, with a message naming the part that is wrong.
#pragma once

#include <string>

#include "phantom/analog/source_spec.hpp"

namespace phantom::analog {

enum class FaultKind { Hum, Dc, Polarity, Dead, Overload, ClockVanish, ClockDrift, EchoLoopback };

struct FaultSpec {
    std::string text;     // as given, e.g. "in1=hum:50:-40dBu"
    std::string channel;  // "in1"; empty for overload (the machine's)
    FaultKind kind = FaultKind::Dead;
    double mains_hz = 50.0;           // hum
    double level = 0.0;               // hum, dc: in `unit`
    LevelUnit unit = LevelUnit::Dbu;  // hum, dc: dBu or dBV
    double overload_s = 0.0;          // overload
    double drift_ppm = 0.0;           // clock drift: parts per million off the rate
};

// Kinds of fault by what they ride on: an analog input's cable, the machine, a clock input,
// a playback channel (the host's side).
bool is_clock_fault(FaultKind kind);

// Hum harmonics relative to the fundamental (amplitude): the fundamental is mostly magnetic;
// the rectifier-charging buzz adds odd and triplen harmonics (physics.md §5).
inline constexpr int kHumHarmonics = 4;
inline constexpr int kHumHarmonic[kHumHarmonics] = {1, 2, 3, 5};
inline constexpr double kHumHarmonicGain[kHumHarmonics] = {1.0, 0.25, 0.5, 0.2};

// The longest overload a cycle may be given: a second (the control loop still runs).
inline constexpr double kMaxOverloadS = 1.0;
// The largest clock drift a fault may give: 10 % (beyond that it is another rate, which
// `--clock-input INPUT=RATE` gives).
inline constexpr double kMaxDriftPpm = 100000.0;

// Throws SourceSpecError naming the part that is wrong and the form expected.
FaultSpec parse_fault_spec(const std::string& text);

}  // namespace phantom::analog
