// Crackles and the backend (rules.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "phantom/doctor/rules.hpp"

namespace phantom::doctor {

namespace {

// Xruns in the window that make a finding: a shared machine misses an odd deadline now and
// then at any buffer size (reliability.md §2 measured 5 in 120 s at 256 frames on jackd), an
// overloaded one misses them every second. Two a second over the window is the line.
constexpr double kXrunsPerSecond = 2.0;
// The share of the period a block may take and still be safe from the scheduler's jitter.
constexpr double kSafeLoad = 0.7;
constexpr int kMaxFrames = 8192;

void xruns(const SystemFacts& s, bool virtual_hardware, std::vector<Finding>& out) {
    if (s.window_s < 1.0 || static_cast<double>(s.xruns_in_window) < kXrunsPerSecond * s.window_s ||
        s.status.frames <= 0)
        return;
    // A block's cost that does not grow with its length (an overloaded machine, a driver's
    // fixed overhead) fits a period `load / kSafeLoad` times longer; at least twice as long.
    const double factor = std::max(2.0, s.load_peak / kSafeLoad);
    int frames = s.status.frames;
    while (frames < kMaxFrames && frames < s.status.frames * factor)
        frames *= 2;
    Finding f{Severity::Warning, "xruns", "machine",
              fmt::format("crackles: {} xruns in the last {:.0f} s at {} frames (DSP load up to "
                          "{:.0f} %)",
                          s.xruns_in_window, s.window_s, s.status.frames, 100.0 * s.load_peak),
              ""};
    if (s.load_peak / kSafeLoad * s.status.frames > kMaxFrames)
        f.fix = "no buffer holds this load: close what else loads the machine";
    else if (virtual_hardware)
        f.fix = fmt::format(
            "a buffer of {} frames would hold them: phantom start --frames {}; or "
            "close what else loads the machine",
            frames, frames);
    else
        f.fix = fmt::format(
            "a buffer of {} frames would hold them: set the JACK server's "
            "(jack_bufsize {}); or close what else loads the machine",
            frames, frames);
    out.push_back(f);
}

// "inputs adat1–8: 'liveroom' is not connected (…)" → liveroom
std::string client_of(const std::string& line) {
    const auto a = line.find('\'');
    const auto b = a == std::string::npos ? a : line.find('\'', a + 1);
    return b == std::string::npos ? std::string("jack") : line.substr(a + 1, b - a - 1);
}

// "inputs adat1–8: 'liveroom' is not connected (…)" → "inputs adat1–8": the channels that went
// silent with the absent client are where the finding is.
std::string channels_of(const std::string& line) {
    const auto colon = line.find(": '");
    return colon == std::string::npos ? client_of(line) : line.substr(0, colon);
}

void waiting_connections(const SystemFacts& s, std::vector<Finding>& out) {
    for (const auto& line : s.status.waiting) {
        const std::string client = client_of(line);
        out.push_back({Severity::Warning, "connections-waiting", channels_of(line),
                       fmt::format("{}: they are silent until its ports come back (a netjack2 "
                                   "slave or a program that left)",
                                   line),
                       fmt::format("start '{}' again (the kept connections are made when its ports "
                                   "return), or drop them: phantom disconnect",
                                   client)});
    }
}

// The clock (engine/clock_lock.hpp): without lock the digital inputs are muted, which sounds
// like dead ADAT and S/PDIF channels; the cause is the clock, so the finding says so.
void clock_not_locked(const SystemFacts& s, std::vector<Finding>& out) {
    using engine::ClockState;
    if (s.clock.locked()) return;
    if (s.clock.state == ClockState::OutOfRange) {
        out.push_back(
            {Severity::Critical, "clock", "clock",
             fmt::format("clock not locked: {} runs {:+.0f} ppm off {} Hz, beyond the ±{:.0f} ppm "
                         "the interface locks to; ADAT and S/PDIF inputs are muted",
                         s.clock.source, s.clock.drift_ppm, s.clock.input_rate_hz,
                         engine::kLockRangePpm),
             "the clock master has drifted: check it (or its own reference, or choose another "
             "master), or use the internal clock: /clock/source internal"});
        return;
    }
    const bool wrong_rate = s.clock.state == ClockState::WrongRate;
    out.push_back(
        {Severity::Critical, "clock", "clock",
         wrong_rate ? fmt::format("clock not locked: {} carries {} Hz and the interface runs at {} "
                                  "Hz; ADAT and S/PDIF inputs are muted",
                                  s.clock.source, s.clock.input_rate_hz, s.clock.rate_hz)
                    : fmt::format("clock not locked: no signal on {}; ADAT and S/PDIF inputs are "
                                  "muted",
                                  s.clock.source),
         wrong_rate ? fmt::format("set the clock master to {} Hz, or run Phantom at {} Hz, or "
                                  "use the internal clock: /clock/source internal",
                                  s.clock.rate_hz, s.clock.input_rate_hz)
                    : fmt::format("connect the {} cable (and check the master sends), or use the "
                                  "internal clock: /clock/source internal",
                                  s.clock.source)});
}

void server_lost(const SystemFacts& s, std::vector<Finding>& out) {
    if (s.status.state != "lost") return;
    out.push_back({Severity::Critical, "server-lost", s.status.backend,
                   "the audio server went away: no audio in or out",
                   "start the server again (jackd, or PipeWire); Phantom reconnects by itself"});
}

}  // namespace

// The host runs at a rate the device does not (a JACK server started at 44.1 kHz for a
// 48/96 kHz-only interface, PipeWire switching rate): the backend stops and says so in its
// message (backend/jack/jack_backend.cpp, follow_rate); everything is silent.
void rate_mismatch(const SystemFacts& s, std::vector<Finding>& out) {
    constexpr std::string_view kPrefix = "the JACK server runs at ";
    if (s.status.message.rfind(kPrefix, 0) != 0) return;
    out.push_back({Severity::Critical, "rate-mismatch", "clock",
                   fmt::format("sample-rate mismatch between the device and the host: {}; no "
                               "audio in or out",
                               s.status.message),
                   "restart the JACK server at a rate the device runs at (jackd -r 48000 …; "
                   "`phantom describe DEVICE` lists them), or choose a device that runs at the "
                   "server's rate"});
}

void system_rules(const Facts& facts, std::vector<Finding>& out) {
    server_lost(facts.system, out);
    rate_mismatch(facts.system, out);
    clock_not_locked(facts.system, out);
    xruns(facts.system, facts.virtual_hardware, out);
    waiting_connections(facts.system, out);
}

}  // namespace phantom::doctor
