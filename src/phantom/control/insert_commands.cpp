// Controller::measure_insert(): the round trip of a hardware insert's loop, measured on demand
// (processors/insert/round_trip.hpp). The audio thread plays the sequence and records the
// return into buffers the slot sized beforehand (engine/insert_slot.hpp); this thread waits
// without holding the lock, so other commands run meanwhile, and correlates afterwards.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "phantom/control/controller.hpp"
#include "phantom/processors/insert/round_trip.hpp"

namespace phantom::control {

namespace {

// Order 13 (8191 frames) at −20 dBFS: decisions.md, "Hardware inserts".
constexpr int kSequenceOrder = 13;
constexpr float kSequenceAmplitude = 0.1f;

// A measurement holds a server thread for about a second: one at a time in the process (one
// Phantom), so a client asking for many cannot take every thread from the others.
std::atomic<bool> measuring{false};

// Phantom stopping during a measurement: the figure is not applied, and the client is told so.
CommandError stopping(const std::string& id, const std::string& where) {
    return CommandError(ErrorKind::Stopping,
                        fmt::format("phantom is stopping; the measurement of {}'s insert was not "
                                    "applied (the delay stays as it was)",
                                    id),
                        where);
}

}  // namespace

void Controller::stop_measurements() {
    std::lock_guard lock(mutex_);
    measurements_stopped_ = true;
}

InsertMeasurement Controller::measure_insert(const std::string& id) {
    using steady = std::chrono::steady_clock;
    const std::string where = "/api/inserts/" + id + "/measure";
    const std::vector<float> sequence =
        processors::insert::maximum_length_sequence(kSequenceOrder, kSequenceAmplitude);
    if (measuring.exchange(true))
        throw CommandError(ErrorKind::Conflict,
                           fmt::format("{}'s insert was not measured: another insert is being "
                                       "measured; one at a time",
                                       id),
                           where);
    struct Done {
        std::atomic<bool>& flag;
        ~Done() { flag.store(false); }
    } done{measuring};
    size_t s = 0;
    int max_lag = 0;
    double rate = 0;
    // The loop measured is the one set when it started: a result for another send or return,
    // or another rate, would align the new loop to the old one's delay.
    std::vector<double> loop_was;
    const auto loop_now = [this](size_t slot) {
        const auto& ids = iface_.layout().inserts[slot];
        return std::vector<double>{iface_.params().value(ids.send), iface_.params().value(ids.ret),
                                   static_cast<double>(iface_.sample_rate_hz())};
    };
    {
        std::lock_guard lock(mutex_);
        if (measurements_stopped_) throw stopping(id, where);
        const int index = iface_.layout().source_index(id);
        if (index < 0)
            throw CommandError(ErrorKind::UnknownPath, fmt::format("{}: no such input", id), where);
        s = static_cast<size_t>(index);
        if (s >= iface_.layout().inserts.size() || !iface_.layout().inserts[s].present())
            throw CommandError(
                ErrorKind::NotAvailable,
                fmt::format("{} has no insert slot (only hardware inputs have one)", id), where);
        try {
            iface_.begin_insert_measurement(s, sequence);
        } catch (const std::invalid_argument& e) {
            throw CommandError(ErrorKind::Conflict, e.what(), where);
        }
        max_lag = engine::Interface::insert_max_lag_frames();
        rate = iface_.sample_rate_hz();
        loop_was = loop_now(s);
    }
    const auto changed = [&](const char* when) {
        return CommandError(ErrorKind::Conflict,
                            fmt::format("{}'s insert was not measured: its send, its return or "
                                        "the rate changed {}; the delay stays as it was",
                                        id, when),
                            where);
    };
    // The fade to dry (10 ms), the sequence and the longest lag, with room for a slow host; if
    // the audio has not even started it by then, it is not running.
    const double seconds = (static_cast<double>(sequence.size()) + max_lag) / rate + 0.01;
    const auto give_up = steady::now() + std::chrono::duration_cast<steady::duration>(
                                             std::chrono::duration<double>(4.0 * seconds + 2.0));
    std::vector<float> recording;
    while (true) {
        {
            std::lock_guard lock(mutex_);
            if (measurements_stopped_) {
                iface_.cancel_insert_measurement(s);
                throw stopping(id, where);
            }
            if (loop_now(s) != loop_was) {
                iface_.cancel_insert_measurement(s);
                throw changed("while it ran");
            }
            if (iface_.insert_measurement_done(s)) {
                recording = iface_.take_insert_recording(s);
                break;
            }
            if (steady::now() > give_up) {
                iface_.cancel_insert_measurement(s);
                throw CommandError(ErrorKind::Conflict,
                                   fmt::format("{}'s insert was not measured: the audio did not "
                                               "play the sequence in time (is it running?)",
                                               id),
                                   where);
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

    std::string why;
    const auto trip = processors::insert::measure_round_trip(sequence, recording, max_lag, why);
    std::lock_guard lock(mutex_);
    // Checked under the same lock as stop_measurements(): applied before it, or not at all.
    if (measurements_stopped_) throw stopping(id, where);
    const params::ParamIndex delay = iface_.layout().inserts[s].delay;
    const int previous = static_cast<int>(std::lround(iface_.params().value(delay)));
    if (loop_now(s) != loop_was) throw changed("while it ran");
    if (!trip)
        throw CommandError(ErrorKind::Conflict,
                           fmt::format("{}'s insert was not measured: {}; the delay stays {} "
                                       "frames (is the gear on, and the return the input it "
                                       "plays into?)",
                                       id, why, previous),
                           where);
    InsertMeasurement m;
    m.input = id;
    m.delay_exact_frames = trip->delay_frames;
    m.delay_frames = static_cast<int>(std::lround(trip->delay_frames));
    m.previous_delay_frames = previous;
    m.gain_db = trip->gain_db;
    m.inverted = trip->inverted;
    m.peak_to_floor_db = trip->peak_to_floor_db;
    try {
        apply_locked({{delay, static_cast<double>(m.delay_frames)}}, true);
    } catch (const params::ParamError& e) {
        throw CommandError(ErrorKind::OutOfRange, e.what(), where);
    }
    return m;
}

}  // namespace phantom::control
