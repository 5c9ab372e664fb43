#include "phantom/app/live_instance.hpp"

#include <fmt/format.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "phantom/app/plugin_memory.hpp"
#include "phantom/backend/jack/jack_backend.hpp"
#include "phantom/backend/jack/jack_midi_client.hpp"
#include "phantom/backend/virtual/virtual_live_backend.hpp"
#include "phantom/device/description_error.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/midi/midi_remote.hpp"

namespace phantom::app {

namespace {}  // namespace

std::string default_state_path(const std::string& device_id) {
    std::string base;
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        base = std::string(home) + "/.local/state";
    } else {
        base = ".";
    }
    return fmt::format("{}/phantom/{}.json", base, device_id);
}

LiveInstance::LiveInstance(const LiveOptions& o) {
    // The state decides the device when none is given; a state for another device is the
    // user's to sort out, never overwritten. A state file that cannot be used for any other
    // reason (unreadable, not JSON, too deep, a device that does not exist) is set aside and
    // the instance starts from the defaults: under a supervisor, refusing to start would only
    // restart into the same failure.
    std::string device_id = o.device;
    StateFile state;
    std::string state_notice;
    // The lock comes before the state is read: another instance may be about to replace it.
    if (!o.state_path.empty()) {
        lock_ = std::make_unique<StateLock>(o.state_path);
        state = read_state_file(o.state_path);
        state_notice = state.message;
        if (device_id.empty() && state.session) device_id = state.session->device;
    }
    if (device_id.empty()) device_id = device::kDefaultDeviceId;
    std::optional<device::DeviceSpec> loaded;
    try {
        loaded = device::load_device(device_id);
    } catch (const device::DescriptionError& e) {
        if (!o.device.empty() || !state.session) throw;  // the user's own --device
        state_notice = set_state_file_aside(o.state_path, e.what());
        state.session.reset();
        loaded = device::load_device(device::kDefaultDeviceId);
    }
    device::DeviceSpec spec = std::move(*loaded);
    state_path_ = o.state_path.empty() ? default_state_path(spec.id) : o.state_path;
    if (o.state_path.empty()) {
        lock_ = std::make_unique<StateLock>(state_path_);
        state = read_state_file(state_path_);
        state_notice = state.message;
        // The default file is per device: one naming another device was not written by us.
        if (state.session && state.session->device != spec.id) {
            state_notice = set_state_file_aside(
                state_path_, fmt::format("{}: holds the state of device '{}', not '{}'",
                                         state_path_, state.session->device, spec.id));
            state.session.reset();
        }
    }
    state.message = state_notice;
    if (state.session && state.session->device != spec.id)
        throw std::invalid_argument(
            fmt::format("{} holds the state of device '{}', not '{}': give --device {} or another "
                        "--session",
                        state_path_, state.session->device, spec.id, state.session->device));

    if (o.backend != "virtual" && o.backend != "jack")
        throw std::invalid_argument(
            fmt::format("--backend {}: expected virtual or jack", o.backend));
    if (o.midi != "auto" && o.midi != "jack" && o.midi != "off")
        throw std::invalid_argument(fmt::format("--midi {}: expected auto, jack or off", o.midi));
    const bool midi_on = o.midi == "jack" || (o.midi == "auto" && o.backend == "jack");
    if (!midi_on && !o.midi_map.empty())
        throw std::invalid_argument(
            o.backend == "jack" ? "--midi-map with --midi off: nothing would read the map"
                                : "--midi-map on the virtual hardware needs --midi jack (a JACK "
                                  "server's MIDI ports)");
    midi::MidiMap midi_map;  // a bad map fails here, before any audio runs
    if (midi_on && !o.midi_map.empty()) midi_map = midi::load_midi_map(o.midi_map);
    if (o.frames < 16 || o.frames > 8192)
        throw std::invalid_argument(fmt::format("--frames {}: expected 16..8192", o.frames));
    if (o.backend == "jack") {
        if (!o.sources.empty() || !o.records.empty() || !o.clock_inputs.empty())
            throw std::invalid_argument(
                "--source, --record and --clock-input belong to the virtual hardware; on JACK, "
                "connect ports (the sound card owns the clock)");
        backend::JackOptions jo;
        jo.client_name = o.jack_name;
        jo.server_name = o.jack_server;
        jo.autoconnect = o.jack_autoconnect;
        jo.midi_ports = midi_on;
        auto jack = std::make_unique<backend::JackBackend>(jo);
        // The server sets the rate; blocks of any size are taken (longer ones are split).
        iface_ = std::make_unique<engine::Interface>(std::move(spec), jack->sample_rate_hz(),
                                                     std::max(jack->buffer_frames(), 1024));
        iface_->set_host_owns_clock(true);
        jack->attach(*iface_);
        backend_ = std::move(jack);
    } else {
        const std::uint32_t rate = o.rate_hz ? o.rate_hz : spec.default_rate;
        iface_ = std::make_unique<engine::Interface>(std::move(spec), rate, o.frames);
        for (const auto& [input, text] : o.clock_inputs)
            iface_->set_clock_input(input, engine::parse_clock_input_rate(input, text));
        auto virtual_backend = std::make_unique<backend::VirtualLiveBackend>(*iface_, o.frames);
        recordings_ = std::make_unique<LiveRecordings>(*iface_, virtual_backend->driver());
        // `--record` takes the forms of `render --record`, refused before anything runs.
        recordings_->start(o.records);
        backend_ = std::move(virtual_backend);
    }
    controller_ = std::make_unique<control::Controller>(*iface_, backend_->analog_available());
    controller_->attach_recorder(recordings_.get());
    if (auto* virtual_backend = dynamic_cast<backend::VirtualLiveBackend*>(backend_.get()))
        // [control-thread, under the controller's lock] Stop the audio, rebuild at the rate
        // (a rate the device does not run at throws before anything changes), start again
        // with the power-on ramp, as a hardware interface re-locks.
        controller_->attach_rate_changer([this, virtual_backend](std::uint32_t rate_hz) {
            auto& driver = virtual_backend->driver();
            driver.stop();
            try {
                iface_->change_sample_rate(rate_hz);
            } catch (...) {
                driver.start(true);
                throw;
            }
            driver.start(true);
        });
    controller_->attach_patchbay(backend_->patchbay());  // before the state's connections load
    notice_ = apply_state_file(*controller_, state, state_path_);
    controller_->set_state_notice(notice_);  // in /api/status for the whole run
    if (!o.sources.empty())
        controller_->with_interface([&](engine::Interface& i) { i.set_sources(o.sources); });
    if (!o.faults.empty() && o.backend == "jack")
        throw std::invalid_argument(
            "--fault belongs to the virtual hardware; on JACK the cables are real");
    for (const auto& fault : o.faults)
        controller_->with_interface([&](engine::Interface& i) { i.add_fault(fault); });
    if (midi_on) start_midi(o, std::move(midi_map));
    http::HttpOptions http = o.http;
    // Reachable from the network: a client elsewhere must bring the token printed at start.
    if (!http::is_loopback_host(http.host) && http.token.empty())
        http.token = http::make_access_token();
    server_ = std::make_unique<http::HttpServer>(*controller_, http);  // fails early if taken
    if (o.osc) {
        osc_ = std::make_unique<osc::OscServer>(*controller_, *o.osc);  // so does this
        if (!osc_->notice().empty()) notice_ += (notice_.empty() ? "" : "\n") + osc_->notice();
    }
    saver_ = std::make_unique<StateSaver>(*controller_, state_path_);
    try {
        saver_->flush(true);  // the file exists, and holds the sources given now, from the start
    } catch (const std::exception& e) {  // also in the status, as save_error, until a save works
        notice_ += (notice_.empty() ? "" : "\n") + std::string(e.what()) +
                   " (changes are kept in memory and saved when the disk allows)";
    }
    butler_ = std::make_unique<io::Butler>();
    butler_->watch(iface_->source_feeds());
    if (const io::FeedList* feeds = backend_->feeds()) butler_->watch(*feeds);
    butler_->start();
    controller_->with_interface([&](engine::Interface&) { backend_->start(); });
    if (midi_remote_) midi_remote_->start();
    // Real-time scheduling refused, say: one line at start, and in the status.
    if (const auto message = backend_->status().message; !message.empty())
        notice_ += (notice_.empty() ? "" : "\n") + message;
    // Everything the audio thread touches exists now: keep it in RAM, so that it never waits
    // for a page to come back (reliability.md §1; Ardour and jackd do the same). Current pages
    // only: future ones (thread stacks, JSON) need not be locked. Refused without the right
    // (RLIMIT_MEMLOCK): Phantom runs anyway and says so.
    if (::mlockall(MCL_CURRENT) != 0)
        notice_ += std::string(notice_.empty() ? "" : "\n") +
                   "could not lock memory (mlockall: " + std::strerror(errno) +
                   "); raise the memlock limit for fewer dropouts";
    controller_->set_backend_status(backend_->status());
}

void LiveInstance::start_midi(const LiveOptions& o, midi::MidiMap map) {
    midi_link_ = std::make_unique<midi::MidiLink>();
    midi::MidiRemoteOptions mo;
    if (auto* jack = dynamic_cast<backend::JackBackend*>(backend_.get())) {
        jack->set_midi_handler(midi_link_.get());
        mo.port = jack->midi_in_name();
        // Under the controller's lock, as the live loop's poll() that may close the client.
        mo.input_connected = [this, jack] {
            return controller_->with_interface(
                [&](engine::Interface&) { return jack->midi_input_connected(); });
        };
    } else {
        try {
            midi_client_ =
                std::make_unique<backend::JackMidiClient>(o.jack_name, o.jack_server, *midi_link_);
        } catch (const std::runtime_error& e) {
            const std::string off = fmt::format("MIDI remote off: {}", e.what());
            notice_ += (notice_.empty() ? "" : "\n") + off;
            control::SurfaceStatus status;
            status.name = "midi";
            status.notice = off;
            controller_->set_surface_status(status);
            return;
        }
        mo.port = midi_client_->in_name();
        backend::JackMidiClient* client = midi_client_.get();
        mo.input_connected = [client] {  // the remote's thread: reconnects a lost server too
            client->poll();
            return client->input_connected();
        };
    }
    midi_remote_ =
        std::make_unique<midi::MidiRemote>(*controller_, *midi_link_, std::move(map), mo);
    if (!midi_remote_->notice().empty())
        notice_ += (notice_.empty() ? "" : "\n") + ("MIDI: " + midi_remote_->notice());
    controller_->attach_midi(midi_remote_.get());
}

LiveInstance::~LiveInstance() {
    try {
        shutdown();
    } catch (const std::exception&) {  // reported by shutdown() when called explicitly
    }
}

void LiveInstance::run(const std::atomic<bool>& stop,
                       const std::function<void(const control::Status&)>& on_status) {
    using Clock = std::chrono::steady_clock;
    auto next_status = Clock::now();
    PluginMemoryTrim plugin_memory;  // outside the controller's lock: HTTP calls go on meanwhile
    while (!stop.load()) {
        // 20 ms: file sources hold a second of audio, recall glides need ~50 steps a second,
        // and on a 2-core machine every wake-up competes with the audio server.
        // File sources and recordings are the I/O thread's: a long wait for the lock here
        // delays glides and messages, never the audio.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::uint64_t starved = 0;
        controller_->with_interface([&](engine::Interface& iface) {
            backend_->poll();
            starved = iface.source_starved_frames();
        });
        const auto now = Clock::now();
        plugin_memory.poll(now);
        controller_->tick(now);
        if (now >= next_status) {
            next_status = now + std::chrono::milliseconds(100);
            backend::BackendStatus status = backend_->status();
            status.source_starved_frames = starved;
            controller_->set_backend_status(status);
            controller_->run_doctor(now);  // the studio doctor, with the status it reads
            if (on_status) on_status(controller_->status());
        }
    }
}

namespace {

// jackd 1.9.21 can wedge a closing client for good: under a storm of xrun notifications the
// server blocks writing to the client's notification socket, which the closing client no
// longer reads, and jack_client_close() waits for the server's answer forever (seen in CI
// under load). A signal must still end Phantom: past the limit the process leaves without
// the backend, its state already saved. Nothing but write() and _exit() runs on the timer's
// thread: the stuck thread holds the controller's lock.
constexpr auto kBackendStopLimit = std::chrono::seconds(8);

class StopWatchdog {
  public:
    StopWatchdog()
        : thread_([this] {
              std::unique_lock lock(mutex_);
              if (done_cv_.wait_for(lock, kBackendStopLimit, [this] { return done_; })) return;
              static_assert(kBackendStopLimit == std::chrono::seconds(8), "the message says 8 s");
              static constexpr char kMessage[] =
                  "phantom: the audio backend did not stop within 8 s (a JACK server that no "
                  "longer answers): leaving without it; the state is saved\n";
              [[maybe_unused]] const auto n = ::write(2, kMessage, sizeof kMessage - 1);
              ::_exit(0);
          }) {}
    ~StopWatchdog() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        done_cv_.notify_one();
        thread_.join();
    }
    StopWatchdog(const StopWatchdog&) = delete;
    StopWatchdog& operator=(const StopWatchdog&) = delete;

  private:
    std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::thread thread_;  // last: started once the members it uses exist
};

}  // namespace

std::vector<std::string> LiveInstance::shutdown() {
    if (stopped_) return {};
    stopped_ = true;
    // A measurement under way ends unapplied, so the server's stop below can answer it so.
    controller_->stop_measurements();
    osc_.reset();  // no more commands
    server_.reset();
    controller_->attach_recorder(nullptr);  // the backend finishes every recording below
    controller_->attach_rate_changer(nullptr);
    if (midi_remote_) {  // held buttons released (talkback is not saved as on)
        midi_remote_->stop();
        controller_->attach_midi(nullptr);
    }
    midi_client_.reset();
    // The sources keep a second of audio and the recordings two; the backend's stop() drains
    // what the I/O thread has not.
    butler_->stop();
    saver_->flush();  // first: a backend that never lets go must not cost the state
    std::vector<std::string> files;
    {
        const StopWatchdog watchdog;
        files = controller_->with_interface([&](engine::Interface&) { return backend_->stop(); });
    }
    saver_->flush();
    saver_.reset();
    return files;
}

}  // namespace phantom::app
