// What plays into an input of the virtual hardware, as written on the command line or in a
// session: `[TRANSDUCER:]SIGNAL`.
//
//   sine:FREQ:LEVEL            sine, e.g. sine:440:-20dBu, sine:1k:-6dBFS
//   pink:LEVEL                 pink noise with the RMS of a sine at LEVEL
//   sweep:F1:F2:LEVEL[:SECS]   logarithmic sweep, repeating every SECS (default 10)
//   impulse:LEVEL              one sample at LEVEL peak every second
//   silence
//   outboard:OUTPUT[:delay=MS][:gain=DB][:hp=HZ][:lp=HZ][:invert][:reamp]
//                              outboard gear looped from output channel OUTPUT ("line3",
//                              "main.L") back into this input (analog/outboard.hpp), one block
//                              of the virtual converters later plus its own delay
//   PATH[#CH][:LEVEL]          an audio file (channel CH, 1-based); LEVEL is what a full-scale
//                              sine in the file stands for (default: the input's full scale)
//
// TRANSDUCER is dynamic, condenser or ribbon (a microphone: LEVEL in dB SPL, e.g. 94dBSPL) or
// guitar / humbucker (a passive pickup: LEVEL in dBV, the pickup's EMF). Without one the
// source is electrical, LEVEL in dBu, dBV or dBFS. A sine's LEVEL is its RMS level.
#pragma once

#include <stdexcept>
#include <string>

#include "phantom/analog/outboard.hpp"
#include "phantom/analog/transducers.hpp"

namespace phantom::analog {

enum class SignalKind { Sine, Pink, Sweep, Impulse, Silence, File, Outboard };
enum class LevelUnit { None, Dbu, Dbv, Dbfs, DbSpl };

struct SourceSpec {
    std::string text;
    Transducer transducer = Transducer::Line;
    SignalKind signal = SignalKind::Silence;
    double frequency_hz = 1000.0;
    double frequency2_hz = 20000.0;
    double period_s = 10.0;
    std::string path;
    int file_channel = -1;  // 0-based; -1: the file must be mono
    LevelUnit unit = LevelUnit::None;
    double level = 0.0;
    // Outboard: the output channel the loop starts from, and the gear in it.
    std::string loop_output;
    OutboardSettings outboard;
};

// Every number in a source text is finite and within these (or the level ranges: -200..+40
// dBu/dBV/dBFS, 0..160 dB SPL): a NaN or an Inf would reach the engine as a gain after the
// input's fault guard.
constexpr double kMinFrequencyHz = 0.01;
constexpr double kMaxFrequencyHz = 96000.0;  // Nyquist at 192 kHz
constexpr int kMaxFileChannels = 1024;       // the most libsndfile reads (SF_MAX_CHANNELS)

class SourceSpecError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// Throws SourceSpecError naming the part that is wrong and the form expected.
SourceSpec parse_source_spec(const std::string& text);

const char* to_string(LevelUnit unit);

}  // namespace phantom::analog
