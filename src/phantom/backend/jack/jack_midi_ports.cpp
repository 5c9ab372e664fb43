#include "phantom/backend/jack/jack_midi_ports.hpp"

#include <jack/midiport.h>

#include <stdexcept>

namespace phantom::backend {

void JackMidiPorts::register_ports(jack_client_t* client) {
    in_ = jack_port_register(client, "midi_ctl_in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
    out_ = jack_port_register(client, "midi_ctl_out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
    if (!in_ || !out_) {
        unregister_ports(client);
        throw std::runtime_error("JACK refused to register the ports midi_ctl_in/midi_ctl_out");
    }
}

void JackMidiPorts::unregister_ports(jack_client_t* client) {
    if (in_) jack_port_unregister(client, in_);
    if (out_) jack_port_unregister(client, out_);
    in_ = out_ = nullptr;
}

std::string JackMidiPorts::in_name() const {
    return in_ ? jack_port_name(in_) : "";
}

bool JackMidiPorts::input_connected() const {
    return in_ && jack_port_connected(in_) > 0;
}

void JackMidiPorts::process_rt(jack_nframes_t frames) {
    if (!in_ || !out_) return;
    void* in = jack_port_get_buffer(in_, frames);
    void* out = jack_port_get_buffer(out_, frames);
    jack_midi_clear_buffer(out);
    if (!handler_) return;
    const jack_nframes_t events = jack_midi_get_event_count(in);
    for (jack_nframes_t k = 0; k < events; ++k) {
        jack_midi_event_t event;
        if (jack_midi_event_get(&event, in, k) == 0 && event.size > 0)
            handler_->midi_in_rt(event.buffer, event.size);
    }
    std::uint8_t bytes[3];
    for (int k = 0; k < kMaxOutPerCycle; ++k) {
        const std::size_t size = handler_->midi_out_peek_rt(bytes);
        if (size == 0) break;
        // Every message at frame 0: feedback has no timing of its own. A full buffer keeps
        // the message queued for the next cycle.
        if (jack_midi_event_write(out, 0, bytes, size) != 0) break;
        handler_->midi_out_pop_rt();
    }
}

}  // namespace phantom::backend
