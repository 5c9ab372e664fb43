#include "phantom/backend/jack/jack_backend.hpp"
#include "phantom/backend/waiting_summary.hpp"

#include <fmt/format.h>
#include <jack/metadata.h>
#include <jack/uuid.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace phantom::backend {

long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

namespace {

void silence_jack_errors(const char*) {}  // a missing server is reported by us, once

// A client of the options' server (never one started for it).
jack_client_t* open_on_server(const char* name, const JackOptions& options, jack_options_t flags,
                              jack_status_t* status) {
    if (options.server_name.empty())
        return jack_client_open(name, static_cast<jack_options_t>(flags | JackNoStartServer),
                                status);
    return jack_client_open(name,
                            static_cast<jack_options_t>(flags | JackNoStartServer | JackServerName),
                            status, options.server_name.c_str());
}

// jackd 1.9 answers a taken name with JackServerError, not JackNameNotUnique: ask the server.
bool name_taken(const JackOptions& options) {
    jack_status_t status{};
    jack_client_t* probe = open_on_server("phantom-probe", options, JackNullOption, &status);
    if (!probe) return false;
    char* uuid = jack_get_uuid_for_client_name(probe, options.client_name.c_str());
    const bool taken = uuid != nullptr;
    jack_free(uuid);
    jack_client_close(probe);
    return taken;
}

}  // namespace

std::string describe_open_failure(jack_status_t status, const JackOptions& options) {
    const std::string server =
        options.server_name.empty() ? "" : " named '" + options.server_name + "'";
    if (status & JackNameNotUnique)
        return fmt::format(
            "the JACK server{} already has a client named '{}' (another Phantom? give this one "
            "its own name with --jack-name)",
            server, options.client_name);
    if (status & JackServerFailed)
        return fmt::format(
            "no JACK server is running{} (start one, e.g. `jackd -d alsa`, or PipeWire's JACK; "
            "or use --backend virtual)",
            server);
    return fmt::format("the JACK server{} refused the client '{}' (jack_status_t 0x{:x})", server,
                       options.client_name, static_cast<unsigned>(status));
}

JackBackend::JackBackend(JackOptions options) : options_(std::move(options)) {
    // JACK's own limit, and ':' separates a port's client name from its own.
    const auto longest = static_cast<size_t>(jack_client_name_size() - 1);
    const std::string& name = options_.client_name;
    if (name.empty() || name.size() > longest || name.find(':') != std::string::npos)
        throw std::invalid_argument(
            fmt::format("--jack-name '{}': expected 1..{} characters, no ':'", name, longest));
    jack_set_error_function(silence_jack_errors);
    jack_set_info_function(silence_jack_errors);
    if (!open_client()) throw std::runtime_error(describe_open_failure(open_status_, options_));
}

JackBackend::~JackBackend() {
    close_client();
}

bool JackBackend::open_client() {
    open_status_ = {};
    client_ =
        open_on_server(options_.client_name.c_str(), options_, JackUseExactName, &open_status_);
    if (!client_) {
        if ((open_status_ & JackServerError) && name_taken(options_))
            open_status_ = static_cast<jack_status_t>(open_status_ | JackNameNotUnique);
        return false;
    }
    rate_hz_ = jack_get_sample_rate(client_);
    buffer_frames_.store(static_cast<int>(jack_get_buffer_size(client_)));
    // Every callback before activation (reliability.md §2).
    jack_set_process_callback(client_, process_cb, this);
    jack_set_xrun_callback(client_, xrun_cb, this);
    jack_on_info_shutdown(client_, shutdown_cb, this);
    jack_set_latency_callback(client_, latency_cb, this);
    jack_set_buffer_size_callback(client_, buffer_size_cb, this);
    jack_set_sample_rate_callback(client_, sample_rate_cb, this);
    jack_set_port_connect_callback(client_, port_connect_cb, this);
    jack_set_port_registration_callback(client_, port_registration_cb, this);
    jack_set_graph_order_callback(client_, graph_order_cb, this);
    server_rate_hz_.store(rate_hz_);
    graph_epoch_.fetch_add(1);
    lost_.store(false);
    return true;
}

void JackBackend::attach(engine::Interface& iface) {
    iface_ = &iface;
    const auto& sources = iface.layout().sources;
    const auto& spec = iface.spec();
    hw_in_.clear();
    for (size_t s = 0; s < iface.hardware_input_count(); ++s)
        hw_in_.push_back({"hw_in_" + sources[s].id, "", true, nullptr});
    hw_out_.clear();
    const auto out_names = iface.output_channel_names();
    for (const auto& out : spec.outputs)  // the same order as the names: output by output
        for (int c = 0; c < out.channels; ++c)
            hw_out_.push_back({"hw_out_" + out_names[hw_out_.size()], "", false, nullptr});
    capture_.clear();
    const auto capture_names = iface.capture_channel_names();
    for (size_t n = 0; n < capture_names.size(); ++n)
        capture_.push_back({fmt::format("capture_{}", n + 1), capture_names[n], false, nullptr});
    playback_.clear();
    for (size_t n = 0; n < iface.playback_channel_count(); ++n)
        playback_.push_back({fmt::format("playback_{}", n + 1), "", true, nullptr});
    for (auto& [port, name] : pretty_names())
        port->pretty_name = name;
    hw_in_ptr_.assign(hw_in_.size(), nullptr);
    hw_out_ptr_.assign(hw_out_.size(), nullptr);
    capture_ptr_.assign(capture_.size(), nullptr);
    playback_ptr_.assign(playback_.size(), nullptr);
    const size_t ports = hw_in_.size() + hw_out_.size() + capture_.size() + playback_.size();
    connected_ = std::vector<std::atomic<bool>>(ports);
    own_latency_ = std::vector<std::atomic<int>>(ports);
    direct_capture_ = std::min(static_cast<size_t>(std::max(spec.host.capture, 0)), hw_in_.size());
    written_.assign(ports, 1);  // unknown: cleared once if nothing is connected
    update_presence();
    register_ports();
}

std::vector<std::pair<JackBackend::Port*, std::string>> JackBackend::pretty_names() {
    // The names the user gave (/name/ID, the device's label until then): "Kick", "Phones 1 L".
    const auto& layout = iface_->layout();
    const auto& tree = iface_->params();
    std::vector<std::pair<Port*, std::string>> out;
    for (size_t s = 0; s < hw_in_.size(); ++s)
        out.emplace_back(&hw_in_[s], tree.text(layout.source_names[s]));
    size_t channel = 0;
    const auto& outputs = iface_->spec().outputs;
    for (size_t o = 0; o < outputs.size(); ++o) {
        const std::string& name = tree.text(layout.output_names[o]);
        for (int c = 0; c < outputs[o].channels && channel < hw_out_.size(); ++c)
            out.emplace_back(&hw_out_[channel++],
                             outputs[o].channels == 2 ? name + (c == 0 ? " L" : " R") : name);
    }
    const size_t first_pb = layout.sources.size() - playback_.size();
    for (size_t n = 0; n < playback_.size(); ++n)
        out.emplace_back(&playback_[n], tree.text(layout.source_names[first_pb + n]));
    return out;
}

void JackBackend::update_pretty_names() {
    for (auto& [port, name] : pretty_names()) {
        if (port->pretty_name == name) continue;
        port->pretty_name = name;
        if (port->handle)
            jack_set_property(client_, jack_port_uuid(port->handle), JACK_METADATA_PRETTY_NAME,
                              name.c_str(), "text/plain");
    }
}

void JackBackend::register_port(Port& p) {
    p.handle = jack_port_register(client_, p.short_name.c_str(), JACK_DEFAULT_AUDIO_TYPE,
                                  p.is_input ? JackPortIsInput : JackPortIsOutput, 0);
    if (!p.handle)
        throw std::runtime_error(fmt::format("JACK refused to register the port {}", p.short_name));
    const jack_uuid_t uuid = jack_port_uuid(p.handle);
    jack_set_property(client_, uuid, JACK_METADATA_PRETTY_NAME, p.pretty_name.c_str(),
                      "text/plain");
}

void JackBackend::list_port_names() {
    port_names_.clear();
    for (auto* group : {&hw_in_, &hw_out_, &capture_, &playback_})
        for (auto& p : *group)
            if (p.handle) port_names_.push_back(jack_port_name(p.handle));
}

void JackBackend::register_ports() {
    for (auto* group : {&hw_in_, &hw_out_, &capture_, &playback_})
        for (auto& p : *group)
            if (p.present) register_port(p);
    list_port_names();
    if (options_.midi_ports) midi_.register_ports(client_);
}

void JackBackend::update_presence() {
    const auto& presence = iface_->presence();
    for (size_t k = 0; k < hw_in_.size(); ++k)
        hw_in_[k].present = presence.source_present(k);
    for (size_t k = 0; k < hw_out_.size(); ++k)
        hw_out_[k].present = iface_->output_channel_present(k);
    for (size_t k = 0; k < capture_.size(); ++k)
        capture_[k].present = iface_->capture_present(k);
    const size_t first_pb = iface_->layout().sources.size() - playback_.size();
    for (size_t k = 0; k < playback_.size(); ++k)
        playback_[k].present = presence.source_present(first_pb + k);
}

void JackBackend::sync_ports() {
    for (auto* group : {&hw_in_, &hw_out_, &capture_, &playback_})
        for (auto& p : *group) {
            if (p.present && !p.handle) {
                register_port(p);
            } else if (!p.present && p.handle) {
                jack_remove_properties(client_, jack_port_uuid(p.handle));
                jack_port_unregister(client_, p.handle);
                p.handle = nullptr;
            }
        }
    list_port_names();
}

void JackBackend::start() {
    if (!iface_) throw std::logic_error("JackBackend::start before attach");
    if (!engine_started_) {
        iface_->start_live();
        engine_started_ = true;
    }
    update_own_latencies();  // the first latency callbacks already see a limiter that is on
    if (jack_activate(client_) != 0)
        throw std::runtime_error("JACK refused to activate " + options_.client_name);
    active_.store(true);
    started_ = true;
    connect_saved_or_auto();
}

void JackBackend::unregister_ports() {
    // Each port's pretty name goes first, while this client still reads its notifications:
    // left to jack_client_close(), jackd 1.9.21 sends one property notification per port into
    // a client that no longer reads them, the pipe fills, and server and client wait on each
    // other for ever.
    for (auto* group : {&hw_in_, &hw_out_, &capture_, &playback_}) {
        for (auto& p : *group) {
            if (!p.handle) continue;
            jack_remove_properties(client_, jack_port_uuid(p.handle));
            jack_port_unregister(client_, p.handle);
            p.handle = nullptr;
        }
    }
    midi_.unregister_ports(client_);
}

void JackBackend::close_client() {
    if (!client_) return;
    active_.store(false);
    // Closed first: jack_client_close() joins the process thread, which may still be in a
    // cycle when the server has just gone (it reads the MIDI port handles forget() clears).
    jack_client_close(client_);  // also after a shutdown: frees the client's memory
    midi_.forget();
    client_ = nullptr;
}

void JackBackend::poll() {
    iface_->maintain();  // file sources are refilled by the live run's I/O thread
    const long long now = now_ms();
    if (lost_.load()) {
        if (client_) {
            close_client();
            message_ = "the JACK server went away; waiting for it to come back";
            next_retry_ms_ = now;
        }
        if (now < next_retry_ms_) return;
        next_retry_ms_ = now + kRetryMs;
        if (!open_client()) {
            // Still away is the usual case; another client that took our name is worth saying.
            if (open_status_ & JackNameNotUnique)
                message_ = describe_open_failure(open_status_, options_);
            return;
        }
        if (!follow_rate(rate_hz_)) {
            close_client();
            lost_.store(true);
            return;
        }
        for (auto* group : {&hw_in_, &hw_out_, &capture_, &playback_})
            for (auto& p : *group)
                p.handle = nullptr;  // went with the old client
        update_presence();           // before registering: the rate may have changed while away
        register_ports();
        iface_->start_live();  // engine idle since the server left: come back ramped
        if (jack_activate(client_) == 0) {
            active_.store(true);
            connect_saved_or_auto();
            message_.clear();
        }
        return;
    }
    if (client_) update_pretty_names();  // a name changed: the ports say so at once
    if (client_ && active_.load() && server_rate_hz_.load() != iface_->sample_rate_hz()) {
        // The server changed its rate under us (PipeWire can): stop, rebuild, come back ramped
        // with the same connections, as a hardware interface re-locks to a new clock.
        reconcile();
        jack_deactivate(client_);
        active_.store(false);
        if (!follow_rate(server_rate_hz_.load())) return;  // stays stopped, message says why
        update_presence();
        sync_ports();
        iface_->start_live();
        if (jack_activate(client_) == 0) {
            active_.store(true);
            connect_saved_or_auto();
        }
        return;
    }
    if (client_ && active_.load()) update_own_latencies();
    // Asking the server for the connections wakes it; do so only when they have changed (or a
    // kept connection is due another try).
    if (client_ && active_.load() &&
        (graph_epoch_.load() != read_epoch_.load() ||
         (next_reconcile_ms_ >= 0 && now >= next_reconcile_ms_)))
        reconcile();
}

bool JackBackend::follow_rate(std::uint32_t rate_hz) {
    try {
        iface_->change_sample_rate(rate_hz);
    } catch (const std::invalid_argument& e) {
        message_ = fmt::format("the JACK server runs at {} Hz: {}", rate_hz, e.what());
        return false;
    }
    rate_hz_ = rate_hz;
    message_.clear();
    return true;
}

std::vector<std::string> JackBackend::stop() {
    if (client_ && active_.load()) jack_deactivate(client_);
    active_.store(false);
    if (client_ && !lost_.load()) unregister_ports();
    close_client();
    return {};
}

BackendStatus JackBackend::status() const {
    BackendStatus b;
    b.backend = "jack";
    b.state = lost_.load() || !client_ ? "lost" : (active_.load() ? "running" : "stopped");
    b.message = message_;
    b.rate_hz = rate_hz_;
    b.frames = buffer_frames_.load();
    if (client_ && active_.load()) {
        // What the latency callback found beyond our ports, whichever are connected (system:*,
        // a netjack2 slave's): the worst path in and out, none of Phantom's own.
        b.capture_latency_frames = static_cast<int>(upstream_frames_.load());
        b.playback_latency_frames = static_cast<int>(downstream_frames_.load());
        b.latency_frames = b.capture_latency_frames + b.playback_latency_frames;
    }
    b.dsp_load = dsp_load_.load(std::memory_order_relaxed);
    b.xruns = xruns_.load(std::memory_order_relaxed);
    {
        std::lock_guard lock(summary_mutex_);
        b.waiting = waiting_summary_;
        if (!lost_.load()) b.loopback_returns = loopback_returns_;
    }
    return b;
}

int JackBackend::process_cb(jack_nframes_t frames, void* self) {
    return static_cast<JackBackend*>(self)->process(frames);
}

float* JackBackend::output_buffer(const Port& port, size_t index, bool live,
                                  jack_nframes_t frames) {
    if (!port.handle || (!live && !written_[index])) return nullptr;
    auto* buffer = static_cast<float*>(jack_port_get_buffer(port.handle, frames));
    written_[index] = live ? 1 : 0;
    if (live) return buffer;
    // What a reader connected later finds before poll() has seen it: silence, not a stale block.
    std::fill_n(buffer, frames, 0.0f);
    return nullptr;
}

int JackBackend::process(jack_nframes_t frames) {
    const jack_time_t t0 = jack_get_time();
    // A null buffer is a port nothing is connected to: the engine reads silence there and
    // writes nothing. Until the control thread has read a changed graph, every port is live.
    const bool graph_read =
        graph_epoch_.load(std::memory_order_acquire) == read_epoch_.load(std::memory_order_acquire);
    if (frames != written_frames_) {  // an unconnected buffer was cleared for the old length
        std::fill(written_.begin(), written_.end(), 1);
        written_frames_ = frames;
    }
    size_t index = 0;
    auto live = [&] { return !graph_read || connected_[index].load(std::memory_order_relaxed); };
    // A port the rate does not carry has no handle: the engine reads silence, writes nothing.
    auto in_buffer = [&](const Port& p) {
        return p.handle && live()
                   ? static_cast<const float*>(jack_port_get_buffer(p.handle, frames))
                   : nullptr;
    };
    for (size_t k = 0; k < hw_in_.size(); ++k, ++index)
        hw_in_ptr_[k] = in_buffer(hw_in_[k]);
    for (size_t k = 0; k < hw_out_.size(); ++k, ++index)
        hw_out_ptr_[k] = output_buffer(hw_out_[k], index, live(), frames);
    for (size_t k = 0; k < capture_.size(); ++k, ++index)
        capture_ptr_[k] = output_buffer(capture_[k], index, live(), frames);
    for (size_t k = 0; k < playback_.size(); ++k, ++index)
        playback_ptr_[k] = in_buffer(playback_[k]);
    engine::BlockIo io;
    io.frames = static_cast<int>(frames);
    io.hw_inputs = hw_in_ptr_.data();
    io.playback = playback_ptr_.data();
    io.capture = capture_ptr_.data();
    io.outputs = hw_out_ptr_.data();
    iface_->process(io);
    midi_.process_rt(frames);  // after the audio: feedback is never ahead of what it reports
    const double budget_us = 1e6 * frames / rate_hz_;
    const auto load = static_cast<float>(static_cast<double>(jack_get_time() - t0) / budget_us);
    dsp_load_.store(0.9f * dsp_load_.load(std::memory_order_relaxed) + 0.1f * load,
                    std::memory_order_relaxed);
    return 0;
}

void JackBackend::shutdown_cb(jack_status_t, const char*, void* self) {
    // Like a signal handler: set a flag, nothing else. poll() closes and reconnects.
    static_cast<JackBackend*>(self)->lost_.store(true);
}

int JackBackend::xrun_cb(void* self) {
    static_cast<JackBackend*>(self)->xruns_.fetch_add(1, std::memory_order_relaxed);
    return 0;
}

int JackBackend::buffer_size_cb(jack_nframes_t frames, void* self) {
    // The engine splits blocks longer than its maximum and takes shorter ones as they come.
    static_cast<JackBackend*>(self)->buffer_frames_.store(static_cast<int>(frames));
    return 0;
}

int JackBackend::sample_rate_cb(jack_nframes_t rate_hz, void* self) {
    // JACK's notification thread: hand the rate over, poll() rebuilds.
    static_cast<JackBackend*>(self)->server_rate_hz_.store(rate_hz);
    return 0;
}

void JackBackend::port_connect_cb(jack_port_id_t, jack_port_id_t, int, void* self) {
    // JACK's notification thread: only a count; poll() reads the graph, and until then the
    // audio thread takes every port as connected.
    static_cast<JackBackend*>(self)->graph_epoch_.fetch_add(1, std::memory_order_release);
}

void JackBackend::port_registration_cb(jack_port_id_t, int, void* self) {
    // A port came or went: a kept connection may wait for it. Only a count, as above.
    static_cast<JackBackend*>(self)->graph_epoch_.fetch_add(1, std::memory_order_release);
}

int JackBackend::graph_order_cb(void* self) {
    // A client activated (its ports are connectable only from then on), or the order changed.
    static_cast<JackBackend*>(self)->graph_epoch_.fetch_add(1, std::memory_order_release);
    return 0;
}

}  // namespace phantom::backend
