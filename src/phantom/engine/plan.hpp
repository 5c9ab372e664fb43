// The immutable per-block plan: what plays into each source channel and which crosspoints are
// live. Built on the control thread (interface.cpp), published with one atomic exchange, read
// by the audio thread for whole blocks, freed on the control thread (rt/plan_exchange.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "phantom/analog/signal_source.hpp"
#include "phantom/dsp/biquad.hpp"
#include "phantom/engine/channel_strip.hpp"
#include "phantom/engine/fx_bus.hpp"
#include "phantom/engine/latency_compensation.hpp"

namespace phantom::engine {

struct SourcePlan {
    analog::SignalSource* signal = nullptr;  // virtual hardware: what plays in; null: silence
    dsp::BiquadCoefficients filter;          // pickup loading; identity otherwise
    bool has_filter = false;
    bool live = true;        // false: a digital channel the sample rate does not carry
    bool converter = false;  // clips at 0 dBFS (ADC or a fixed-point digital input)
};

struct Route {
    std::uint32_t crosspoint;  // index into RtTargets::route_left/right and the ramp state
    std::uint16_t source;
    std::uint16_t bus_channel;  // first channel of the bus in the bus buffer
    bool stereo;
};

// Signal sources outlive any one plan: a structural change must not restart a file.
// Copy-on-write: assigning a new source makes a new bank that shares the other sources.
struct SignalBank {
    std::vector<std::shared_ptr<analog::SignalSource>> by_source;
};

// The virtual hardware's loops through outboard gear: output channel `output_channel`'s block,
// as the DAC played it, goes into `loop` after the outputs (analog/outboard_loop.hpp).
struct LoopTap {
    analog::OutboardLoop* loop = nullptr;  // owned by the source's SignalSource (the bank)
    std::uint32_t output_channel = 0;
};

struct Plan {
    std::uint64_t id = 0;  // unique per published plan (an address may be reused once freed)
    std::vector<SourcePlan> sources;
    std::vector<Route> routes;  // live crosspoints, bus-major
    std::vector<LoopTap> loops;
    std::shared_ptr<const SignalBank> signals;
    std::shared_ptr<const StripBank> strips;  // the processor slots (channel_strip.hpp)
    std::shared_ptr<const FxBank> fx;         // the submixes' reverbs and echoes (fx_bus.hpp)
    // The sources' latency compensation (latency_compensation.hpp); null: none ever needed.
    std::shared_ptr<const CompensationBank> compensation;
};

}  // namespace phantom::engine
