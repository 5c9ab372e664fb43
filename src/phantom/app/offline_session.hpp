// The offline render's composition root: the interface and its controller set up the way the
// live run sets them up, so a `--set`, a session file and a source given to `phantom render` are
// read and refused by the same control layer as a request to `phantom start`.
//
//   1. the session file, if any, is read (it may name the device);
//   2. the interface is built for the device at the rate and block size;
//   3. the session is loaded through the controller, all-or-nothing;
//   4. sources are set, then faults, then every `--set` as one batch (Controller::apply_initial: in
//   force
//      from the first sample, nothing glides before the audio starts).
//
// [control-thread] Throws session::SessionError, engine::SourceError, control::CommandError,
// std::invalid_argument (device, rate), each naming what was wrong; nothing is half set up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "phantom/control/controller.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::app {

struct OfflineSetup {
    std::string device;         // empty: the session's, else the default device
    std::uint32_t rate_hz = 0;  // 0: the device's default
    int block_frames = 1024;
    std::string session_path;
    std::vector<std::pair<std::string, std::string>> sources;       // channel → source text
    std::vector<std::pair<std::string, std::string>> sets;          // path → value as typed
    std::vector<std::pair<std::string, std::string>> clock_inputs;  // input → rate or none
    // Virtual faults (analog/fault_spec.hpp) after the sources; an overload needs a live run.
    std::vector<std::string> faults;
};

class OfflineSession {
  public:
    explicit OfflineSession(const OfflineSetup& setup);

    engine::Interface& iface() { return *iface_; }
    control::Controller& controller() { return *controller_; }

  private:
    std::unique_ptr<engine::Interface> iface_;
    std::unique_ptr<control::Controller> controller_;
};

}  // namespace phantom::app
