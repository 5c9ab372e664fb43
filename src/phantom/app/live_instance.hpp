// One running Phantom (`phantom start`): the interface, its controller, a live backend, the
// I/O thread that feeds it (file sources, recordings), the state saver and the HTTP/WebSocket
// server, started in an order that fails early (state read and address bound before any audio
// runs) and stopped in reverse (audio stops, state is saved, recordings are finished).
//
// Threads: the audio thread (the backend's), the I/O thread (io::Butler: never takes the
// controller's lock, so no request can starve a source or a recording), the control loop
// (run(): maintain, glides, status, under the controller's lock), the HTTP server's, the OSC
// server's.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "phantom/app/live_recordings.hpp"
#include "phantom/app/state_lock.hpp"
#include "phantom/app/state_saver.hpp"
#include "phantom/backend/live_backend.hpp"
#include "phantom/control/controller.hpp"
#include "phantom/io/butler.hpp"
#include "phantom/surfaces/http/http_server.hpp"
#include "phantom/surfaces/midi/midi_link.hpp"
#include "phantom/surfaces/midi/midi_map.hpp"
#include "phantom/surfaces/osc/osc_server.hpp"

namespace phantom::backend {
class JackMidiClient;
}
namespace phantom::midi {
class MidiRemote;
}

namespace phantom::app {

struct LiveOptions {
    std::string device;               // empty: the state file's, else the default device
    std::string backend = "virtual";  // virtual | jack
    std::uint32_t rate_hz = 0;        // virtual: 0 = the device's default; JACK: the server's
    int frames = 256;                 // virtual block size; JACK follows the server
    std::string state_path;           // the session file kept up to date
    http::HttpOptions http;
    std::optional<osc::OscOptions> osc;  // none: no OSC server (`phantom start` sets one)
    std::vector<std::pair<std::string, std::string>> sources;  // channel → source text
    // What to record while running: the forms of `render --record` (main=take.wav, in1=…,
    // loopback=…, capture=DIR/, outputs=DIR/), virtual hardware only.
    std::vector<std::pair<std::string, std::string>> records;
    // Virtual hardware: what an external clock input carries ("wordclock" → "48000", "adat" →
    // "none"); engine/clock_lock.hpp.
    std::vector<std::pair<std::string, std::string>> clock_inputs;
    std::vector<std::string> faults;  // virtual faults (analog/fault_spec.hpp), as given
    bool jack_autoconnect = true;
    std::string jack_server;            // empty: the default server ($JACK_DEFAULT_SERVER)
    std::string jack_name = "phantom";  // the client's name, the part before ':' of its ports
    // The MIDI remote: "auto" (on JACK, the client's midi_ctl_in/out ports; off on the virtual
    // hardware), "jack" (also on the virtual hardware: a JACK client with just those two
    // ports, when a server runs; otherwise off with a notice) or "off".
    std::string midi = "auto";
    std::string midi_map;  // a shipped profile (mackie, knob) or a TOML file; "": learn only
};

// Default state file: $XDG_STATE_HOME/phantom/<device>.json (~/.local/state/phantom/…).
std::string default_state_path(const std::string& device_id);

class LiveInstance {
  public:
    // Throws for bad options (std::invalid_argument, SourceError …) with nothing started.
    explicit LiveInstance(const LiveOptions& options);
    ~LiveInstance();

    std::string url() const { return server_->url(); }
    // "udp://127.0.0.1:7481", or "" with OSC off.
    std::string osc_url() const { return osc_ ? osc_->url() : std::string(); }
    const std::string& state_path() const { return state_path_; }
    const std::string& notice() const { return notice_; }  // state file set aside, etc.
    control::Controller& controller() { return *controller_; }

    // Poll the backend every few milliseconds until `stop` is set; `on_status` every 100 ms.
    void run(const std::atomic<bool>& stop,
             const std::function<void(const control::Status& status)>& on_status);
    // Stop audio, save, finish recordings (also done by the destructor). Returns the files.
    std::vector<std::string> shutdown();

  private:
    // The MIDI remote on the JACK backend's ports, or on a JACK client of its own.
    void start_midi(const LiveOptions& options, midi::MidiMap map);

    std::string state_path_, notice_;
    std::unique_ptr<StateLock> lock_;  // first taken, last let go: after the final save
    std::unique_ptr<engine::Interface> iface_;
    std::unique_ptr<control::Controller> controller_;
    std::unique_ptr<midi::MidiLink> midi_link_;  // outlives the backend whose thread uses it
    std::unique_ptr<backend::LiveBackend> backend_;
    std::unique_ptr<LiveRecordings> recordings_;  // virtual hardware: recording while running
    std::unique_ptr<backend::JackMidiClient> midi_client_;  // virtual hardware + --midi jack
    std::unique_ptr<midi::MidiRemote> midi_remote_;
    std::unique_ptr<io::Butler> butler_;  // stopped before the backend and interface go
    std::unique_ptr<StateSaver> saver_;
    std::unique_ptr<http::HttpServer> server_;
    std::unique_ptr<osc::OscServer> osc_;
    bool stopped_ = false;
};

}  // namespace phantom::app
