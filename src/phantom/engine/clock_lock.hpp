// The sample clock's lock, as a hardware interface shows it: the chosen source (/clock/source)
// and what the external clock inputs (word clock, ADAT, S/PDIF) carry decide whether the
// interface is locked. Without lock a real interface's digital receivers deliver garbage (or
// clicks at every slip), so the digital inputs are muted and the status says so.
//
//   internal                 locked (the interface's own oscillator)
//   external, no signal      not locked: "no signal"
//   external, another rate   not locked: "wrong rate" (the input's rate named)
//   external, the same rate  locked
//   external, the same rate but drifting beyond the lock range (kLockRangePpm)
//                            not locked: "out of range" (the drift named)
//   on JACK                  the sound card owns the clock: "external" (never muted here)
//
// A drift within the lock range keeps the lock: the interface's PLL follows its master, as a
// real one does, and the status names the drift. The range is IEC 60958's "Level II" clock
// accuracy, ±1000 ppm: the accuracy an ordinary digital audio source is allowed, so a receiver
// that takes every compliant source captures at least that much; beyond it the PLL slips.
//
// [control-thread] A plain value, derived by engine::Interface whenever the source, an input or
// the rate changes, and read from there by the status (and by the studio doctor).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace phantom::engine {

enum class ClockState { Internal, Locked, NoSignal, WrongRate, OutOfRange, Host };

// How far (parts per million) an external clock may be off its rate and still be locked to.
inline constexpr double kLockRangePpm = 1000.0;

// What each external clock input of the virtual hardware carries: a rate in Hz, or 0 for no
// signal. An input not listed follows the default (ClockInputs::rate_or_default).
struct ClockInputs {
    std::map<std::string, std::uint32_t> rate_hz;
};

struct ClockLock {
    std::string source = "internal";
    ClockState state = ClockState::Internal;
    std::uint32_t rate_hz = 0;        // the interface's sample rate
    std::uint32_t input_rate_hz = 0;  // what the chosen external input carries (0: nothing)
    double drift_ppm = 0.0;           // how far the external clock is off input_rate_hz

    bool locked() const {
        return state != ClockState::NoSignal && state != ClockState::WrongRate &&
               state != ClockState::OutOfRange;
    }
    // Digital inputs (ADAT, S/PDIF) are muted while not locked.
    bool digital_inputs_muted() const { return !locked(); }
    // One line for the status: "locked to wordclock at 48000 Hz", "not locked: no signal on
    // adat; digital inputs muted" …
    std::string message() const;
};

// "internal", "locked", "no signal", "wrong rate", "out of range", "host"
const char* to_string(ClockState state);

// `drift_ppm`: how far the external clock runs off `input_rate_hz` (a virtual fault).
ClockLock clock_lock(const std::string& source, std::uint32_t input_rate_hz, std::uint32_t rate_hz,
                     bool host_owns_clock, double drift_ppm = 0.0);

// "--clock-input wordclock=48000", "adat=none": the rate an input carries (0 for none, "none"
// or "absent"). Throws std::invalid_argument naming the form on anything else.
std::uint32_t parse_clock_input_rate(const std::string& input, const std::string& text);

}  // namespace phantom::engine
