// Controller: the one command layer every live surface uses (HTTP, WebSocket, the CLI through
// HTTP, OSC, MIDI, session files). It speaks typed values only (control/value.hpp,
// results.hpp, command_error.hpp): no JSON, no protocol. It owns the lock around the
// Interface's control side, applies batches all-or-nothing, keeps named snapshots, logs every
// change for subscribers, and guards the listener on recall:
//
//  - a recall never switches 48 V on: an input whose 48 V would turn on stays off and is
//    reported ("held"), until the user switches it;
//  - a recall never raises a monitor, headphone or line volume at once: the rise (an unmute,
//    an undim, a higher volume) glides in over kRecallRiseS, advanced by tick();
//  - nor does a set: a rise of the monitor volume or a headphone or monitor output's volume by
//    more than kLargeRiseDb, to above kQuietDb, glides in the same way (a slip of a fader, a
//    double-click reset, a typed 0 cannot blast the speakers or the ears).
//
// [control-thread] every method; any number of server threads may call them (one mutex, never
// held by the audio thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "phantom/backend/live_backend.hpp"
#include "phantom/backend/patchbay.hpp"
#include "phantom/control/command_error.hpp"
#include "phantom/control/midi_surface.hpp"
#include "phantom/control/recorder.hpp"
#include "phantom/control/results.hpp"
#include "phantom/control/snapshot_name.hpp"
#include "phantom/control/value.hpp"
#include "phantom/doctor/findings.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/session/session.hpp"

namespace phantom::doctor {
class Doctor;
}

namespace phantom::control {

using backend::BackendStatus;

class Controller {
  public:
    static constexpr double kRecallRiseS = 1.0;
    static constexpr double kLargeRiseDb = 6.0;
    static constexpr double kQuietDb = -40.0;
    static constexpr size_t kChangeLogSize = 8192;
    // Snapshots kept at most: a hardware mixer has slots, not an unbounded list; a client
    // saving under new names in a loop must not grow memory and the state file for ever.
    static constexpr size_t kMaxSnapshots = 256;

    // `analog_available`: false on JACK, where the preamp, pad and 48 V are the sound card's.
    Controller(engine::Interface& iface, bool analog_available);

    // Every method below throws CommandError for a refusal and changes nothing then.
    DeviceInfo device() const;
    // Every parameter whose path starts with `prefix`; UnknownPath if none does. The values
    // are copied under the lock and the list built outside it, so a large tree read by many
    // clients never holds up a command.
    std::vector<ParamInfo> params(const std::string& prefix) const;
    ParamInfo param(const std::string& path) const;
    // One parameter, or a batch all-or-nothing (every item is checked before any applies).
    ApplyResult set(const std::string& path, const Value& value);
    ApplyResult apply(const std::vector<SetParam>& batch);
    // [before the audio starts: an offline render's --set] The batch as given, all-or-nothing:
    // nothing plays yet, so no rise needs to glide; in force from the first sample.
    ApplyResult apply_initial(const std::vector<SetParam>& batch);
    MeterSnapshot meters() const;
    // Put out the clip light of one channel ("in1"; "main" means main.L and main.R) or, with
    // an empty id, of all; returns the channels cleared. UnknownPath for an unknown channel.
    std::vector<std::string> clear_clips(const std::string& id);
    Status status() const;

    std::vector<std::string> snapshot_names() const;
    Snapshot snapshot(const std::string& name) const;
    void save_snapshot(const std::string& name);
    RecallResult recall_snapshot(const std::string& name);
    // UnknownPath if `from` is unknown, Conflict if `to` exists, OutOfRange if `to` is not a name.
    void rename_snapshot(const std::string& from, const std::string& to);
    void delete_snapshot(const std::string& name);

    // Load a session at start (all-or-nothing; session::SessionError on refusal).
    void load(const session::Session& s, const std::string& file);
    // The whole state, sources and snapshots included, for the session file.
    session::Session capture() const;
    // Bumped by every change to what capture() returns.
    std::uint64_t revision() const;

    // Advance recall glides; call every ~10 ms.
    void tick(std::chrono::steady_clock::time_point now);
    // Run f(Interface&) under the lock (the live loop's maintain()).
    template <typename F>
    decltype(auto) with_interface(F&& f) {
        std::lock_guard lock(mutex_);
        return f(iface_);
    }
    void set_backend_status(const BackendStatus& s);
    // A control surface's counters (replaces the last report of the same name).
    void set_surface_status(const SurfaceStatus& s);
    // The state saver's word: why the last save failed ("" once one succeeds).
    void set_save_error(const std::string& error);
    // What happened to the state file at start (set aside as broken, and why).
    void set_state_notice(const std::string& notice);

    // The MIDI remote, when one runs (else nullptr): set before the HTTP server starts, cleared
    // before the remote goes.
    void attach_midi(MidiSurface* midi);
    MidiSurface* midi() const;
    // The MIDI remote's learned bindings, kept with the state (session format, opaque here);
    // setting them counts as a change for the state saver.
    void set_midi_bindings(const nlohmann::json& bindings);
    nlohmann::json midi_bindings() const;

    // The JACK connections of Phantom's ports (backend/patchbay.hpp), kept with the state. The
    // backend's patchbay is attached before the state is loaded; without one (the virtual
    // hardware) a loaded list is kept as it is for the next run on JACK, and the commands are
    // refused as NotAvailable. Errors: Malformed (not a port name), UnknownPath (no such port,
    // none of Phantom's, not connected), Conflict (the server refused: direction, type).
    void attach_patchbay(backend::Patchbay* patchbay);
    std::vector<backend::PortConnection> connections() const;
    std::vector<backend::GraphPort> ports() const;
    backend::PortConnection connect(const std::string& from, const std::string& to, bool wait);
    void disconnect(const std::string& from, const std::string& to);
    // All of them at once, all-or-nothing.
    void set_connections(const std::vector<backend::PortPair>& pairs);

    // The sample rate while running, on request: the live run on the virtual hardware attaches
    // how (stop the audio, rebuild at the rate, start again); on JACK the server sets the rate
    // and there is none (NotAvailable). The state of channels that stay is kept; that of
    // channels the rate drops (S/MUX) waits for them. Errors: OutOfRange (a rate the device
    // does not run at), Conflict (recordings are running).
    void attach_rate_changer(std::function<void(std::uint32_t)> changer);
    void change_rate(std::uint32_t rate_hz);

    // Recording while running (control/recorder.hpp): attached by the live run on the virtual
    // hardware before the server starts; without one the commands are NotAvailable. Errors:
    // Malformed (an empty request), OutOfRange (a request the device cannot take, with the
    // reason), UnknownPath (no such recording), Conflict (the recording failed: why).
    void attach_recorder(Recorder* recorder);
    std::vector<RecordingInfo> recordings() const;
    std::vector<RecordingInfo> start_recordings(
        const std::vector<std::pair<std::string, std::string>>& requests);
    RecordingInfo stop_recording(std::uint64_t id);
    // The studio doctor (doctor/; control/doctor_commands.cpp): examine the running interface
    // now (the live loop, every ~100 ms); findings() is the last examination's result.
    void run_doctor(std::chrono::steady_clock::time_point now);
    std::vector<doctor::Finding> findings() const;
    // Virtual faults (analog/fault_spec.hpp): NotAvailable where the analog world is real
    // (JACK), OutOfRange for a fault that does not parse or names no analog input.
    std::vector<std::string> faults() const;
    void add_fault(const std::string& text);
    // "" all, an input id, or "machine" (the overload); UnknownPath for anything else.
    void clear_faults(const std::string& where);

    // A hardware insert's loop measured (control/insert_commands.cpp): one MLS out of the
    // send of input `id`'s insert, the return recorded as the audio runs (the call waits for
    // it, about a second, without holding the lock), the correlation found, and
    // /input/<id>/insert/delay set to it. Errors: UnknownPath (no such input), NotAvailable
    // (no insert slot there), Conflict (no send or return, a measurement under way on any
    // input, the audio not running, or nothing clear came back: the reason named, the old
    // delay kept), Stopping (stop_measurements() came first, or while it ran: not applied).
    InsertMeasurement measure_insert(const std::string& id);
    // Phantom is stopping: a measurement under way ends without applying its figure, and
    // none starts. Under the lock, so a measurement's result is either applied before it
    // (and answered as applied) or not at all.
    void stop_measurements();

    // Parameter changes after sequence number `after`, oldest first; returns the last sequence
    // number. `lost` is set when the log no longer reaches back that far (resync needed).
    std::uint64_t changes_since(std::uint64_t after, std::vector<Change>& out, bool& lost) const;

  private:
    struct Glide {
        params::ParamIndex index;
        double from_gain, to_gain;  // linear amplitude: the rise is even in loudness terms
        std::chrono::steady_clock::time_point start;
    };

    // Channel ids in the engine's meter order: sources, then output channels.
    std::vector<std::string> meter_ids() const;
    bool clip_lit(size_t meter, std::uint32_t clips) const;
    // Large rises among `changes` leave the batch and become glides (see above).
    std::vector<std::string> glide_large_rises(std::vector<params::ParamChange>& changes);
    // A user's changes: checked whole, large rises glided (when `guard`), the rest applied;
    // throws ParamError.
    ApplyResult apply_guarded(std::vector<params::ParamChange> changes, bool guard);
    ApplyResult apply_batch(const std::vector<SetParam>& batch, bool guard);
    // The plugins a batch loads made ready (Interface::stage_plugins); `item` is the batch item
    // being read, for an error's value.
    void stage_plugins(const std::vector<SetParam>& batch, const SetParam*& item);
    // The settings of plugin slots whose plugin could not load at start (session::apply_session).
    std::map<std::string, nlohmann::json> held_plugin_params_;
    void check_snapshot_name(const std::string& name) const;
    params::ParamIndex require(const std::string& path) const;
    void check_available(params::ParamIndex i) const;
    // NotAvailable, naming the reason, for a parameter of a channel the sample rate does not
    // carry (S/MUX: /input/adat7/trim at 96 kHz), or a choice naming such a channel.
    void check_present_at_rate(params::ParamIndex i) const;
    void check_choice_present(const params::ParamChange& c) const;
    bool meter_present(size_t meter) const;
    // [under the lock] The strip's gain reduction of meter `meter`, where that section is on.
    void add_gain_reduction(size_t meter, MeterChannel& channel) const;
    std::vector<Change> apply_locked(const std::vector<params::ParamChange>& changes,
                                     bool cancel_glides);
    [[noreturn]] void rethrow(const params::ParamError& e, std::optional<Value> value) const;
    std::vector<params::ParamIndex> guarded_volumes(std::vector<params::ParamIndex>& mutes) const;

    mutable std::mutex mutex_;
    engine::Interface& iface_;
    bool analog_available_;
    // Session format; one name in any ASCII case is one snapshot.
    std::map<std::string, std::map<std::string, nlohmann::json>, SnapshotNameLess> snapshots_;
    std::vector<Glide> glides_;
    std::vector<std::string> held_phantom_;  // 48 V a recall kept off
    std::vector<std::uint32_t> clip_base_;   // clip counts at the last clear, by meter
    BackendStatus backend_;
    std::vector<SurfaceStatus> surfaces_;
    std::string save_error_, state_notice_;
    MidiSurface* midi_ = nullptr;
    nlohmann::json midi_bindings_;  // null: none learned
    backend::Patchbay* patchbay_ = nullptr;
    Recorder* recorder_ = nullptr;
    std::function<void(std::uint32_t)> rate_changer_;
    std::optional<std::vector<backend::PortPair>> kept_connections_;  // with no patchbay
    // Made at the first examination; shared_ptr so that this header needs only its name.
    std::shared_ptr<doctor::Doctor> doctor_;
    std::vector<doctor::Finding> findings_;
    bool measurements_stopped_ = false;  // stop_measurements(), read under the lock
    std::uint64_t revision_ = 0;
    std::deque<Change> change_log_;
    std::uint64_t change_seq_ = 0;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace phantom::control
