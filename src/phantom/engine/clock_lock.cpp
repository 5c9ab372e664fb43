#include "phantom/engine/clock_lock.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace phantom::engine {

const char* to_string(ClockState state) {
    switch (state) {
        case ClockState::Internal:
            return "internal";
        case ClockState::Locked:
            return "locked";
        case ClockState::NoSignal:
            return "no signal";
        case ClockState::WrongRate:
            return "wrong rate";
        case ClockState::OutOfRange:
            return "out of range";
        case ClockState::Host:
            return "host";
    }
    return "?";
}

std::string ClockLock::message() const {
    switch (state) {
        case ClockState::Internal:
            return fmt::format("internal clock at {} Hz", rate_hz);
        case ClockState::Locked:
            if (drift_ppm != 0.0)
                return fmt::format(
                    "locked to {} at {} Hz ({:+.0f} ppm: the master drifts, within the ±{:.0f} "
                    "ppm the interface follows)",
                    source, rate_hz, drift_ppm, kLockRangePpm);
            return fmt::format("locked to {} at {} Hz", source, rate_hz);
        case ClockState::NoSignal:
            return fmt::format(
                "not locked: no signal on {}; ADAT and S/PDIF inputs muted (connect the {} "
                "source, or set /clock/source to internal)",
                source, source);
        case ClockState::WrongRate:
            return fmt::format(
                "not locked: {} carries {} Hz, the interface runs at {} Hz; ADAT and S/PDIF "
                "inputs muted (set the clock master to {} Hz, or /clock/source to internal)",
                source, input_rate_hz, rate_hz, rate_hz);
        case ClockState::OutOfRange:
            return fmt::format(
                "not locked: {} runs {:+.0f} ppm off {} Hz, beyond the ±{:.0f} ppm the interface "
                "locks to; ADAT and S/PDIF inputs muted (check the clock master, or set "
                "/clock/source to internal)",
                source, drift_ppm, input_rate_hz, kLockRangePpm);
        case ClockState::Host:
            return "the sound card's clock (JACK)";
    }
    return "";
}

ClockLock clock_lock(const std::string& source, std::uint32_t input_rate_hz, std::uint32_t rate_hz,
                     bool host_owns_clock, double drift_ppm) {
    ClockLock c;
    c.source = source;
    c.rate_hz = rate_hz;
    if (host_owns_clock) {
        c.state = ClockState::Host;
        return c;
    }
    if (source == "internal") return c;
    c.input_rate_hz = input_rate_hz;
    c.drift_ppm = input_rate_hz == 0 ? 0.0 : drift_ppm;
    c.state = input_rate_hz == 0                    ? ClockState::NoSignal
              : input_rate_hz != rate_hz            ? ClockState::WrongRate
              : std::abs(drift_ppm) > kLockRangePpm ? ClockState::OutOfRange
                                                    : ClockState::Locked;
    return c;
}

std::uint32_t parse_clock_input_rate(const std::string& input, const std::string& text) {
    if (text == "none" || text == "absent") return 0;
    std::uint32_t rate = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), rate);
    if (ec != std::errc() || end != text.data() + text.size() || rate < 8000 || rate > 768000)
        throw std::invalid_argument(fmt::format(
            "--clock-input {}={}: expected a rate in Hz (8000..768000, e.g. {}=48000) or none",
            input, text, input));
    return rate;
}

}  // namespace phantom::engine
