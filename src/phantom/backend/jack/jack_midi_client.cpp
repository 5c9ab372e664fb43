#include "phantom/backend/jack/jack_midi_client.hpp"

#include <stdexcept>

#include "phantom/backend/jack/jack_backend.hpp"

namespace phantom::backend {

namespace {

void silence(const char*) {}

}  // namespace

JackMidiClient::JackMidiClient(const std::string& client_name, const std::string& server_name,
                               MidiCtlHandler& handler)
    : client_name_(client_name), server_name_(server_name), handler_(handler) {
    jack_set_error_function(silence);
    jack_set_info_function(silence);
    if (!open()) {
        JackOptions o;
        o.client_name = client_name_;
        o.server_name = server_name_;
        jack_status_t status = static_cast<jack_status_t>(JackServerFailed);
        throw std::runtime_error(describe_open_failure(status, o));
    }
}

JackMidiClient::~JackMidiClient() {
    close();
}

bool JackMidiClient::open() {
    jack_status_t status{};
    const auto flags = static_cast<jack_options_t>(JackNoStartServer | JackUseExactName |
                                                   (server_name_.empty() ? 0 : JackServerName));
    client_ = server_name_.empty()
                  ? jack_client_open(client_name_.c_str(), flags, &status)
                  : jack_client_open(client_name_.c_str(), flags, &status, server_name_.c_str());
    if (!client_) return false;
    jack_set_process_callback(client_, process_cb, this);
    jack_on_info_shutdown(client_, shutdown_cb, this);
    ports_.set_handler(&handler_);
    try {
        ports_.register_ports(client_);
    } catch (const std::runtime_error&) {
        jack_client_close(client_);
        client_ = nullptr;
        return false;
    }
    if (jack_activate(client_) != 0) {
        close();
        return false;
    }
    lost_.store(false);
    return true;
}

void JackMidiClient::close() {
    if (!client_) return;
    if (!lost_.load()) {
        jack_deactivate(client_);
        ports_.unregister_ports(client_);
    }
    jack_client_close(client_);
    client_ = nullptr;
}

bool JackMidiClient::poll() {
    if (!lost_.load()) return true;
    if (client_) {
        ports_.forget();
        close();
        next_retry_ms_ = now_ms();
    }
    const long long now = now_ms();
    if (now < next_retry_ms_) return false;
    next_retry_ms_ = now + kRetryMs;
    return open();
}

int JackMidiClient::process_cb(jack_nframes_t frames, void* self) {
    static_cast<JackMidiClient*>(self)->ports_.process_rt(frames);
    return 0;
}

void JackMidiClient::shutdown_cb(jack_status_t, const char*, void* self) {
    static_cast<JackMidiClient*>(self)->lost_.store(true);  // a flag only (reliability.md §2)
}

}  // namespace phantom::backend
