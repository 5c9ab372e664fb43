// The MIDI remote, control-thread side: takes the messages the audio thread parsed
// (midi_link), maps them through the bindings (midi_map) onto controller commands, and turns
// the controller's change feed into feedback for the controller (LEDs, motor faders, rings).
//
// Scenarios:
//  1. A knob (CC 7, absolute, soft takeover) turns: nothing happens until the knob passes the
//     monitor volume's position (or is within 1.5 steps of it); from then on it drives it,
//     until something else (the panel, a recall) moves the volume away from where the knob
//     put it, and the knob must pick it up again.
//  2. The master fader of a Mackie Control (pitch bend, ch 9) moves: the volume follows at
//     once (no takeover: it is a motor fader); every change of the volume from any surface is
//     sent back as pitch bend, so the fader goes where the volume is.
//  3. PLAY (talkback, momentary) is held, then the controller is unplugged or its note-off is
//     lost in a flood: the remote releases every held control when the input port loses its
//     connection, when the in-queue overflowed, and when it stops. Talkback never sticks.
//  4. `phantom midi learn /monitor/volume`: the next control that moves is bound (a CC knob
//     absolute with soft takeover, a note as a toggle); the binding is saved with the state.
//
// Coalescing: one poll (every kPollMs) takes every queued message, in order; sets to the same
// parameter within the poll collapse into the last one, so 10 000 messages a second become at
// most one command per parameter per poll. Button presses and recalls keep their order.
//
// [control-thread] poll() and the thread start() runs it on; the MidiSurface methods from any
// thread (one mutex, taken before the controller's).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "phantom/control/controller.hpp"
#include "phantom/control/midi_surface.hpp"
#include "phantom/surfaces/midi/midi_link.hpp"
#include "phantom/surfaces/midi/midi_map.hpp"

namespace phantom::midi {

struct MidiRemoteOptions {
    std::string port;  // "phantom:midi_ctl_in", for the status
    // Whether a controller is connected to the input now (called from the remote's thread
    // every kProbeMs; also the place to reconnect a lost port). None: always connected.
    std::function<bool()> input_connected;
};

class MidiRemote final : public control::MidiSurface {
  public:
    static constexpr int kPollMs = 5;
    static constexpr int kProbeMs = 100;
    // Soft takeover: a knob this close to the value (in fader travel) takes it at once.
    static constexpr double kTakeoverWindow = 1.5 / 127.0;

    // Bindings whose path this device lacks are left out and named in the status notice;
    // learned bindings are read from controller.midi_bindings().
    MidiRemote(control::Controller& controller, MidiLink& link, MidiMap map,
               MidiRemoteOptions options);
    ~MidiRemote() override;
    MidiRemote(const MidiRemote&) = delete;
    MidiRemote& operator=(const MidiRemote&) = delete;

    // Run poll() on a thread of its own every kPollMs; stop() releases held controls.
    void start();
    void stop();
    // One round: probe the port, take the messages, apply, send feedback, report the status.
    void poll();

    // control::MidiSurface
    control::MidiInfo midi_info() const override;
    void learn(const std::string& path) override;
    void cancel_learn() override;
    size_t forget(const std::string& path) override;

    const std::string& notice() const { return notice_; }

  private:
    struct Live {
        Binding binding;
        const params::ParamSchema* schema = nullptr;  // nullptr for a snapshot recall
        double on = 1.0, off = 0.0;                   // toggle/momentary, as numbers
        double last_knob = -1.0;                      // soft takeover: last position taken
        double set_position = -1.0;                   // where this control last put the value
        bool picked_up = false;
        int msb = -1, lsb = 0;  // cc14: the halves received
        bool held = false;      // momentary: pressed now
        MidiOut sent[2];        // the last feedback sent (no repeat of the same bytes)
        std::uint8_t sent_count = 0;
    };

    // false (and a notice) when the path is not on this device or the values do not fit.
    bool add_live(Binding b, std::string& why);
    void handle(const MidiMessage& m);
    void handle_binding(Live& l, const MidiMessage& m);
    bool try_learn(const MidiMessage& m);
    void set_pending(const std::string& path, const control::Value& value);
    double current_number(const Live& l) const;
    void flush_pending();
    void release_held();
    bool queue_feedback(Live& l, bool force);  // false: the out-queue was full
    void resync_feedback();
    void send_feedback();
    void save_learned();
    void report_status();
    void load_learned(const nlohmann::json& learned);

    control::Controller& controller_;
    MidiLink& link_;
    MidiMap map_;
    MidiRemoteOptions options_;

    mutable std::mutex mutex_;  // everything below
    std::vector<Live> live_;
    std::vector<std::pair<std::string, control::Value>> pending_;  // coalesced sets of a poll
    std::vector<size_t> feedback_due_;                             // live_ indices
    std::string learning_;
    std::string notice_, learn_notice_;
    std::uint64_t change_seq_ = 0;
    bool synced_ = false;
    bool connected_ = true;
    std::uint64_t seen_in_dropped_ = 0;
    std::uint64_t received_ = 0, refused_ = 0;
    std::chrono::steady_clock::time_point next_probe_{};

    std::thread thread_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace phantom::midi
