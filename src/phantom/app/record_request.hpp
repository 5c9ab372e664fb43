// What a recording takes, resolved against a device at its current rate: an output id
// ("main", "hp1"), a capture channel ("in1", "adat3"), "loopback", or a folder for every
// channel of a kind, "capture=DIR/" (one mono file per capture channel) or "outputs=DIR/" (one
// file per output). The offline render and a live run (`start --record`, the recordings API)
// take the same forms and resolve them here, so they accept and refuse the same things.
//
// Channels the sample rate does not carry (adat5–8 at 96 kHz) are refused by name, and left out
// of the folder forms.
#pragma once

#include <string>
#include <vector>

#include "phantom/engine/interface.hpp"

namespace phantom::app {

// `what` = `path`, as given on the command line (`--record main=out.wav`).
struct RecordRequest {
    std::string what;
    std::string path;
};

// One file: engine channels in the file's order, all outputs or all capture channels.
struct PlannedRecording {
    std::string what;  // the channel or output it records ("main", "in1", "loopback")
    std::string path;
    bool capture = false;          // channels index the capture channels, else the outputs
    std::vector<size_t> channels;  // engine order (output channels / capture channels)
};

// Throws std::invalid_argument naming the request and what is allowed; creates the folders of
// the folder forms (nothing else is written).
std::vector<PlannedRecording> plan_recordings(const engine::Interface& iface,
                                              const std::vector<RecordRequest>& requests);

// "in1.wav", "main.wav", "loopback-L.wav": a channel's file name in a folder form.
std::string recording_file_name(std::string channel);

}  // namespace phantom::app
