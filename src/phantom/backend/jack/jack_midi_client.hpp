// A JACK client with only the two control-surface MIDI ports, for the virtual hardware
// (`phantom start --midi jack`): the audio runs on Phantom's own clock, the controller's MIDI
// comes through a JACK server that is already running (never one started for it). Its
// process callback moves MIDI only. If the server goes away the ports are gone: the remote
// reports it and poll() reconnects when a server is back.
#pragma once

#include <jack/jack.h>

#include <atomic>
#include <string>

#include "phantom/backend/jack/jack_midi_ports.hpp"

namespace phantom::backend {

class JackMidiClient {
  public:
    static constexpr int kRetryMs = 1000;

    // Throws std::runtime_error (no server, the name taken) with a one-line reason.
    JackMidiClient(const std::string& client_name, const std::string& server_name,
                   MidiCtlHandler& handler);
    ~JackMidiClient();
    JackMidiClient(const JackMidiClient&) = delete;
    JackMidiClient& operator=(const JackMidiClient&) = delete;

    // [control-thread] Reconnect after the server went away; true while the ports exist.
    bool poll();
    bool input_connected() const { return !lost_.load() && ports_.input_connected(); }
    std::string in_name() const { return ports_.in_name(); }
    bool lost() const { return lost_.load(); }

  private:
    bool open();
    void close();
    static int process_cb(jack_nframes_t frames, void* self);
    static void shutdown_cb(jack_status_t, const char*, void* self);

    std::string client_name_, server_name_;
    MidiCtlHandler& handler_;
    jack_client_t* client_ = nullptr;
    JackMidiPorts ports_;
    std::atomic<bool> lost_{false};
    long long next_retry_ms_ = 0;
};

}  // namespace phantom::backend
