// The control-surface MIDI ports on a JACK client: <client>:midi_ctl_in (a controller's
// output connects here; PipeWire and a2jmidid bridge every ALSA MIDI device to JACK) and
// <client>:midi_ctl_out (to the controller: LEDs, motor faders, rings).
//
// In each cycle process_rt() hands every incoming event's bytes to the handler and writes
// what the handler has queued, as many messages as the port's buffer takes (the rest waits
// for the next cycle). Registration and the connection check run on the control thread.
#pragma once

#include <jack/jack.h>

#include <cstdint>
#include <string>

#include "phantom/backend/midi_ctl_port.hpp"

namespace phantom::backend {

class JackMidiPorts {
  public:
    // At most this many messages are written out per cycle (a burst of feedback after a
    // snapshot recall spreads over a few cycles instead of filling a controller's buffer).
    static constexpr int kMaxOutPerCycle = 64;

    // [control-thread] Register both ports on `client` (throws std::runtime_error if refused).
    void register_ports(jack_client_t* client);
    void unregister_ports(jack_client_t* client);
    // The client is gone with its server: drop the handles without a call to JACK.
    void forget() { in_ = out_ = nullptr; }
    void set_handler(MidiCtlHandler* handler) { handler_ = handler; }
    bool registered() const { return in_ != nullptr; }
    jack_port_t* in_port() const { return in_; }
    jack_port_t* out_port() const { return out_; }
    std::string in_name() const;
    // [control-thread] Whether anything is connected to midi_ctl_in now.
    bool input_connected() const;

    // [audio-thread] Move one cycle's MIDI in and out. Wait-free for the handler's part.
    void process_rt(jack_nframes_t frames);

  private:
    MidiCtlHandler* handler_ = nullptr;
    jack_port_t* in_ = nullptr;
    jack_port_t* out_ = nullptr;
};

}  // namespace phantom::backend
