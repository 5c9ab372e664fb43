// Phantom on a JACK server (JACK2, or PipeWire's JACK): the hardware-side ports stand for the
// sound card's converters, the host-side ports for the DAW's channels.
//
//   phantom:hw_in_<id>      ◄─ system:capture_N     (auto-connected in order)
//   phantom:hw_out_<chan>   ─► system:playback_N
//   phantom:capture_<n>     ─► a DAW's inputs        (inputs, then loopback)
//   phantom:playback_<n>    ◄─ a DAW's outputs
//
// The engine runs inside JACK's process callback, in the same cycle as its inputs arrive, so
// the direct path adds no block of delay. Port latencies are passed through plus what each
// path's own processing adds (a headphone limiter's lookahead): jack_latency.cpp.
// Rules of reliability.md §2: callbacks set before activation; the shutdown handler only sets
// a flag; the xrun callback only counts (PipeWire calls it on the audio thread); ports are
// registered and connected on the control thread. A port nothing is connected to is not
// touched in the cycle (most of a device's ports usually are not): on a shared machine each
// port's buffer is memory the cycle would find cold. After the server goes away poll() retries
// every kRetryMs and, once a server is back, re-registers the ports and restores the
// connections it had.
//
// The connections of Phantom's ports are part of its state (connection_book.hpp): read from the
// graph on the control thread when JACK notifies a change (a connection, a port registered, a
// client activated; the callbacks only count), restored at start and after the server comes
// back, and made when a port they wait for appears.
#pragma once

#include <jack/jack.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "phantom/backend/jack/jack_midi_ports.hpp"
#include "phantom/backend/live_backend.hpp"
#include "phantom/backend/patchbay.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::backend {

struct JackOptions {
    std::string client_name = "phantom";  // the ports are <client_name>:hw_in_in1, …
    std::string server_name;              // empty: the default server
    bool autoconnect = true;
    // The control-surface MIDI ports, <client_name>:midi_ctl_in and :midi_ctl_out.
    bool midi_ports = true;
};

// Why jack_client_open failed, for the user: no server, the name taken, or the raw status.
std::string describe_open_failure(jack_status_t status, const JackOptions& options);

// [any-thread] The steady clock in milliseconds: when kept connections are retried.
long long now_ms();

class JackBackend final : public LiveBackend, public Patchbay {
  public:
    static constexpr int kRetryMs = 250;

    // Connects to the server (never starts one). Throws std::invalid_argument for a client name
    // JACK would refuse, std::runtime_error when the client cannot be opened.
    explicit JackBackend(JackOptions options);
    ~JackBackend() override;
    JackBackend(const JackBackend&) = delete;
    JackBackend& operator=(const JackBackend&) = delete;

    std::uint32_t sample_rate_hz() const { return rate_hz_; }
    int buffer_frames() const { return buffer_frames_.load(); }
    // Before start(): the interface whose channels become ports.
    void attach(engine::Interface& iface);

    void start() override;
    void poll() override;
    std::vector<std::string> stop() override;
    BackendStatus status() const override;
    bool analog_available() const override { return false; }
    Patchbay* patchbay() override { return this; }

    std::vector<PortConnection> connections() const override { return book_.entries(); }
    std::vector<GraphPort> ports() const override;
    PortConnection connect(const PortPair& pair, bool wait) override;
    void disconnect(const PortPair& pair) override;
    void replace(const std::vector<PortPair>& pairs) override;
    void restore(const std::vector<PortPair>& pairs) override;
    std::optional<std::vector<PortPair>> saved() const override;
    std::uint64_t revision() const override { return book_.revision(); }

    // Before start(): who takes the control-surface MIDI (none: the ports stay silent).
    void set_midi_handler(MidiCtlHandler* handler) { midi_.set_handler(handler); }
    // [control-thread] The MIDI input's full name ("" without MIDI ports) and whether a
    // controller is connected to it (false while the server is away).
    std::string midi_in_name() const { return midi_.in_name(); }
    bool midi_input_connected() const { return !lost_.load() && midi_.input_connected(); }

    // The full names of the ports, in engine order (for tests and the status).
    const std::vector<std::string>& port_names() const { return port_names_; }

  private:
    struct Port {
        std::string short_name, pretty_name;
        bool is_input = false;
        jack_port_t* handle = nullptr;
        bool present = true;  // the sample rate carries its channel (S/MUX: not adat5–8 at 96k)
    };

    bool open_client();  // false: open_status_ says why
    void register_ports();
    // [control-thread, client inactive] Each port's presence at the interface's rate; then
    // sync_ports() unregisters the ports whose channel the rate dropped and registers those
    // it brought back (their kept connections are made again by connect_saved_or_auto).
    void update_presence();
    void sync_ports();
    void register_port(Port& p);
    void list_port_names();
    // Every port's pretty name from the channel names (/name/ID), and the ports whose name
    // changed told to the server ([control-thread], from poll()).
    std::vector<std::pair<Port*, std::string>> pretty_names();
    void update_pretty_names();
    void connect_saved_or_auto();
    // Read the graph: which ports the audio thread must serve, and the book's merge; then make
    // the kept connections whose ports exist now.
    void reconcile();
    std::set<PortPair> read_connections();
    // The connection is made or was already; false when the server would not (yet).
    bool make(const PortPair& pair);
    bool is_ours(const std::string& port) const;
    // Malformed / UnknownPort / Refused for a pair Phantom cannot keep; `wait`: an absent
    // peer is allowed.
    void check_pair(const PortPair& pair, bool wait) const;
    void update_waiting_summary();
    // The audio thread's view of an output port: its buffer, or nullptr (cleared once) when
    // nothing is connected to it.
    float* output_buffer(const Port& port, size_t index, bool live, jack_nframes_t frames);
    void unregister_ports();
    void close_client();

    static int process_cb(jack_nframes_t frames, void* self);
    static void shutdown_cb(jack_status_t, const char*, void* self);
    static int xrun_cb(void* self);
    static void latency_cb(jack_latency_callback_mode_t mode, void* self);
    // [JACK's notification thread] Each of our ports' range in `mode`: what reaches it from
    // the other side plus the path's own latency (jack_latency.cpp).
    void set_latencies(jack_latency_callback_mode_t mode);
    // [control-thread, from poll()] Each port's own latency from the interface; when one
    // changed (a limiter switched, a new rate), the server recomputes every port's range.
    void update_own_latencies();
    static int buffer_size_cb(jack_nframes_t frames, void* self);
    static int sample_rate_cb(jack_nframes_t rate_hz, void* self);
    static void port_connect_cb(jack_port_id_t a, jack_port_id_t b, int connected, void* self);
    static void port_registration_cb(jack_port_id_t port, int registered, void* self);
    static int graph_order_cb(void* self);
    // Rebuild the engine at the server's rate; false (and a message) if the device cannot.
    bool follow_rate(std::uint32_t rate_hz);
    int process(jack_nframes_t frames);

    JackOptions options_;
    engine::Interface* iface_ = nullptr;
    jack_client_t* client_ = nullptr;
    jack_status_t open_status_{};
    std::uint32_t rate_hz_ = 0;
    std::atomic<int> buffer_frames_{0};
    std::atomic<std::uint32_t> server_rate_hz_{0};  // from the rate callback

    std::vector<Port> hw_in_, hw_out_, capture_, playback_;
    std::vector<std::string> port_names_;
    // Buffers of one cycle, filled in process(): fixed size, no allocation there.
    std::vector<const float*> hw_in_ptr_, playback_ptr_;
    std::vector<float*> capture_ptr_, hw_out_ptr_;
    // Per port, in the order hw_in, hw_out, capture, playback. `connected_` is what the
    // control thread last read from the graph; it counts only while read_epoch_ equals
    // graph_epoch_ (no change since), otherwise every port is taken as connected, so that a
    // new connection is never missed. `written_` is the audio thread's own: whether an output
    // port's buffer may hold audio (cleared once when nothing is connected to it any more).
    std::vector<std::atomic<bool>> connected_;
    // Per port, in the same order: the frames Phantom's own processing adds on that port's
    // side of a path (an output's strip, an input's strip), written by the control thread
    // and read by the latency callback.
    std::vector<std::atomic<int>> own_latency_;
    // capture_[k] for k < direct_capture_ carries hw_in_[k] alone (the host's capture of an
    // input), not the mix: its latency is that input's.
    size_t direct_capture_ = 0;
    // What the latency callback last found beyond our ports (the largest, none of our own):
    // the server's capture latency up to our inputs and its playback latency after our outputs.
    std::atomic<std::uint32_t> upstream_frames_{0}, downstream_frames_{0};
    std::vector<std::uint8_t> written_;
    jack_nframes_t written_frames_ = 0;

    JackMidiPorts midi_;  // registered with the audio ports when options_.midi_ports
    ConnectionBook book_;
    bool book_loaded_ = false;  // a list from the state file or a user: no automatic connections
    long long next_reconcile_ms_ = -1;  // a connection the server refused yet: try again then
    mutable std::mutex summary_mutex_;  // status() runs outside the controller's lock
    std::vector<std::string> waiting_summary_;
    // Loopback ports connected straight to our own playback ports (the doctor's feedback loop),
    // read with the connections; under summary_mutex_.
    std::vector<BackendStatus::LoopbackReturn> loopback_returns_;
    void find_loopback_returns(const std::set<PortPair>& seen);
    std::atomic<bool> lost_{false};
    std::atomic<bool> active_{false};
    std::atomic<std::uint32_t> graph_epoch_{1};  // counted up by the graph callbacks
    std::atomic<std::uint32_t> read_epoch_{0};   // the epoch connected_ was read at
    std::atomic<std::uint64_t> xruns_{0};
    std::atomic<float> dsp_load_{0.0f};
    bool started_ = false;
    bool engine_started_ = false;
    std::string message_;
    long long next_retry_ms_ = 0;
};

}  // namespace phantom::backend
