// Controller: the one command layer every live surface uses (HTTP, WebSocket, the CLI through
// HTTP, session files). It owns the lock around the Interface's control side, turns requests
// into parameter batches that apply all-or-nothing, keeps named snapshots, logs every change
// for subscribers, and guards the listener on recall:
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
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "phantom/backend/live_backend.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/session/session.hpp"

namespace phantom::control {

// A refused command. `status` is the HTTP code it maps to (400 malformed, 404 unknown path,
// 409 conflict or not available here, 422 wrong type or out of range); `body` names the path,
// the value and what is allowed.
class ControlError : public std::runtime_error {
  public:
    ControlError(int status, nlohmann::json body)
        : std::runtime_error(body.value("error", std::string("error"))),
          status_(status),
          body_(std::move(body)) {}
    int status() const { return status_; }
    const nlohmann::json& body() const { return body_; }

  private:
    int status_;
    nlohmann::json body_;
};

using backend::BackendStatus;

class Controller {
  public:
    static constexpr double kRecallRiseS = 1.0;
    static constexpr double kLargeRiseDb = 6.0;
    static constexpr double kQuietDb = -40.0;
    static constexpr size_t kChangeLogSize = 8192;

    // `analog_available`: false on JACK, where the preamp, pad and 48 V are the sound card's.
    Controller(engine::Interface& iface, bool analog_available);

    nlohmann::json device() const;
    nlohmann::json params(const std::string& prefix) const;  // 404 if nothing matches
    nlohmann::json param(const std::string& path) const;
    // {"changed": [{"path", "value"}…], "gliding": [paths of large rises, see above]}
    nlohmann::json set(const std::string& path, const nlohmann::json& value);
    // A batch: {"path": value, …} or [{"path": p, "value": v}, …]; all-or-nothing.
    nlohmann::json apply_batch(const nlohmann::json& batch);
    nlohmann::json meters() const;
    // Put out the clip light of one channel ("in1"; "main" means main.L and main.R) or, with
    // an empty id, of all. 404 for an unknown channel.
    nlohmann::json clear_clips(const std::string& id);
    nlohmann::json status() const;

    nlohmann::json snapshot_names() const;
    nlohmann::json snapshot(const std::string& name) const;
    nlohmann::json save_snapshot(const std::string& name);
    nlohmann::json recall_snapshot(const std::string& name);
    // 404 if `from` is unknown, 409 if `to` exists, 422 if `to` is not a name.
    nlohmann::json rename_snapshot(const std::string& from, const std::string& to);
    void delete_snapshot(const std::string& name);

    // Load a session at start (all-or-nothing; session::SessionError on refusal).
    void load(const session::Session& s, const std::string& file);
    // The whole state, sources and snapshots included, for the session file.
    session::Session capture() const;
    // Bumped by every change to what capture() returns.
    std::uint64_t revision() const;

    // Advance recall glides; call every ~10 ms.
    void tick(std::chrono::steady_clock::time_point now);
    // Run f(Interface&) under the lock (the live loop's poll/maintain).
    template <typename F>
    decltype(auto) with_interface(F&& f) {
        std::lock_guard lock(mutex_);
        return f(iface_);
    }
    void set_backend_status(const BackendStatus& s);
    // What the live run has to say about its state file, shown in status() until replaced:
    // why it was set aside at start, and the last save's failure ("" once a save succeeds).
    void set_state_notice(std::string text);
    void set_save_error(std::string text);

    // Parameter changes after sequence number `after`, oldest first; returns the last sequence
    // number. `lost` is set when the log no longer reaches back that far (resync needed).
    std::uint64_t changes_since(std::uint64_t after, std::vector<nlohmann::json>& out,
                                bool& lost) const;

  private:
    // Channel ids in the engine's meter order: sources, then output channels.
    std::vector<std::string> meter_ids() const;
    bool clip_lit(size_t meter, std::uint32_t clips) const;
    // Large rises among `changes` leave the batch and become glides (see above).
    nlohmann::json glide_large_rises(std::vector<params::ParamChange>& changes);
    // A user's changes: checked whole, large rises glided, the rest applied; throws ParamError.
    nlohmann::json apply_guarded(std::vector<params::ParamChange> changes);
    void check_snapshot_name(const std::string& name) const;
    struct Glide {
        params::ParamIndex index;
        double from_gain, to_gain;  // linear amplitude: the rise is even in loudness terms
        std::chrono::steady_clock::time_point start;
    };

    params::ParamIndex require(const std::string& path) const;
    double parse_value(params::ParamIndex i, const nlohmann::json& value) const;
    void check_available(params::ParamIndex i) const;
    nlohmann::json apply_locked(const std::vector<params::ParamChange>& changes,
                                bool cancel_glides);
    nlohmann::json param_locked(params::ParamIndex i) const;
    [[noreturn]] void rethrow(const params::ParamError& e, const nlohmann::json& value) const;
    std::vector<params::ParamIndex> guarded_volumes(std::vector<params::ParamIndex>& mutes) const;

    mutable std::mutex mutex_;
    engine::Interface& iface_;
    bool analog_available_;
    std::map<std::string, std::map<std::string, nlohmann::json>> snapshots_;
    std::vector<Glide> glides_;
    std::vector<std::string> held_phantom_;  // 48 V a recall kept off
    std::vector<std::uint32_t> clip_base_;   // clip counts at the last clear, by meter
    BackendStatus backend_;
    std::string state_notice_, save_error_;
    std::uint64_t revision_ = 0;
    std::deque<std::pair<std::uint64_t, nlohmann::json>> change_log_;
    std::uint64_t change_seq_ = 0;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace phantom::control
