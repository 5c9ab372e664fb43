// A prepared signal in "full-scale sine units": a sine of amplitude 1.0, pink noise with the
// RMS of that sine, an impulse of 1.0, or a file's samples as they are. The physical meaning of
// one unit (volts, pascals) is attached by the input front end, so one render loop serves every
// transducer. [control-thread] construction; [audio-thread] render(), no allocation.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "phantom/analog/fault_spec.hpp"
#include "phantom/analog/host_echo.hpp"
#include "phantom/analog/outboard_loop.hpp"
#include "phantom/analog/source_spec.hpp"
#include "phantom/rt/spsc_ring.hpp"

namespace phantom::analog {

// The hand-off between a file read from disk and the SignalSource that plays it: the reader
// (io::FileStream) fills the ring, the audio thread drains it. Neither knows the other.
struct StreamedSamples {
    StreamedSamples(size_t ring_frames, std::uint64_t length)
        : ring(ring_frames), length_frames(length) {}
    rt::SpscFloatRing ring;
    const std::uint64_t length_frames;  // the file's length when it was opened
    // [producer] No more frames will come: the file has ended and does not loop, or failed.
    std::atomic<bool> ended{false};
    // [audio-thread] Frames of silence played because the ring ran dry before the end: the
    // reader fell behind. Counted, never waited for.
    std::atomic<std::uint64_t> starved_frames{0};
};

// Faults of the cable and the mains riding on the signal (analog/fault_spec.hpp), already in
// source units: the Interface converts the volts at the connector.
struct SourceFaults {
    bool dead = false;      // nothing arrives
    bool inverted = false;  // one leg swapped
    double dc = 0.0;
    double hum_hz = 0.0;  // 0: no hum
    double hum_peak[kHumHarmonics] = {};
    // A playback channel: the host plays loopback channel `echo_channel` back into it, added
    // to what it plays, `echo_scale` source units per dBFS unit. Owned by the Interface.
    const HostEcho* echo = nullptr;
    int echo_channel = 0;
    float echo_scale = 1.0f;
    bool any() const { return dead || inverted || dc != 0.0 || hum_hz > 0.0 || echo; }
};

class SignalSource {
  public:
    // `samples` is the file's channel (already at `sample_rate_hz`) for SignalKind::File.
    SignalSource(const SourceSpec& spec, double sample_rate_hz, std::vector<float> samples = {},
                 bool loop = false);
    // A file streamed from disk at the engine's rate: plays what the reader has put in the ring.
    SignalSource(const SourceSpec& spec, double sample_rate_hz,
                 std::shared_ptr<StreamedSamples> stream);

    // Outboard gear looped from an output (SignalKind::Outboard): plays what the loop returns.
    SignalSource(const SourceSpec& spec, double sample_rate_hz, std::shared_ptr<OutboardLoop> loop);

    // [audio-thread]
    void render(float* out, int frames);
    void rewind();

    // [control-thread, before the source is published]
    void set_faults(const SourceFaults& faults);
    const SourceFaults& faults() const { return faults_; }

    const SourceSpec& spec() const { return spec_; }
    size_t length_frames() const;  // 0 for generators
    // The loop an outboard source plays (the engine feeds it from the output), else null.
    OutboardLoop* outboard_loop() const { return outboard_.get(); }

  private:
    void render_signal(float* out, int frames);
    void render_sine(float* out, int frames);
    void render_pink(float* out, int frames);
    void render_sweep(float* out, int frames);
    void render_impulse(float* out, int frames);
    void render_file(float* out, int frames);
    float next_white();
    void apply_faults(float* out, int frames);

    SourceSpec spec_;
    double sample_rate_hz_;
    std::vector<float> samples_;
    std::shared_ptr<StreamedSamples> stream_;
    std::shared_ptr<OutboardLoop> outboard_;
    bool loop_;
    std::uint64_t position_ = 0;
    // Sine: a rotating phasor, renormalised each block (cheaper than sin() per sample).
    double re_ = 0, im_ = 0, rot_re_ = 1, rot_im_ = 0;
    // Pink: Paul Kellet's refined filter over xorshift white noise.
    std::uint32_t rng_ = 0x9e3779b9u;
    float b_[7] = {};
    float pink_scale_ = 1.0f;
    // Faults; hum as one rotating phasor per harmonic.
    SourceFaults faults_;
    double hum_re_[kHumHarmonics] = {}, hum_im_[kHumHarmonics] = {};
    double hum_rot_re_[kHumHarmonics] = {}, hum_rot_im_[kHumHarmonics] = {};
    // The echo's block read last, and how far into it (a block may be rendered in pieces).
    std::uint64_t echo_block_ = ~std::uint64_t{0};
    int echo_pos_ = 0;
};

}  // namespace phantom::analog
