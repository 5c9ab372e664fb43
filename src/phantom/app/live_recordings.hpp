// Recording while running on the virtual hardware: the recordings API's side of the live run
// (control/recorder.hpp). Requests take the forms of `render --record` (app/record_request),
// resolved against the interface at its current rate; each file becomes a tap of the realtime
// driver (backend/virtual/realtime_driver), whose rings the I/O thread drains, so the disk is
// never touched by the audio thread. Files are written under a temp name and renamed when
// stopped, or when the run ends (SIGTERM included: the live run finishes every tap).
//
// [control-thread] every method, called by the Controller under its lock.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "phantom/backend/virtual/realtime_driver.hpp"
#include "phantom/control/recorder.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::app {

class LiveRecordings final : public control::Recorder {
  public:
    LiveRecordings(engine::Interface& iface, backend::RealtimeVirtualDriver& driver, int bits = 32)
        : iface_(iface), driver_(driver), bits_(bits) {}

    std::vector<control::RecordingInfo> start(
        const std::vector<std::pair<std::string, std::string>>& requests) override;
    control::RecordingInfo stop(std::uint64_t id) override;
    std::vector<control::RecordingInfo> list() const override;

  private:
    struct Running {
        control::RecordingInfo info;
        std::chrono::steady_clock::time_point started;
    };
    engine::Interface& iface_;
    backend::RealtimeVirtualDriver& driver_;
    int bits_;
    std::vector<Running> running_;
};

}  // namespace phantom::app
