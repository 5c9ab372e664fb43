// Events from the audio thread to the control thread (single producer, single consumer,
// capacity fixed at prepare: try_enqueue never allocates; a full queue drops and counts).
#pragma once

#include <cstdint>

namespace phantom::engine {

enum class EngineEventKind : std::uint8_t {
    InputFault,   // NaN, Inf or an absurd value on a source channel: block silenced
    OutputFault,  // the same caught at an output (should never happen)
    InputClip,    // a converter clipped (first clip since the light was reset)
    OutputClip,
};

struct EngineEvent {
    EngineEventKind kind;
    std::uint32_t channel;  // source index or output index
    std::uint64_t frame;    // frames processed before the block
};

}  // namespace phantom::engine
