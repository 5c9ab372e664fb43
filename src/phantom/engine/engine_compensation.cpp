// The engine's latency compensation (latency_compensation.hpp): [audio-thread] all of it.
//
// It runs after the inserts and before the mixes, in place on each compensated source's
// buffer: the captures, the meters, the doctor's tap and the insert sends have been taken by
// then, so a host records every channel with its own latency (which its JACK range states)
// and only what the mixes build from the sources is aligned.
#include "phantom/engine/engine.hpp"

namespace phantom::engine {

void Engine::run_compensation(const Plan& plan, int frames) {
    const CompensationBank* bank = plan.compensation.get();
    if (!bank) return;
    const size_t count = std::min(bank->by_source.size(), layout_.sources);
    for (size_t s = 0; s < count; ++s) {
        CompensationDelay* delay = bank->by_source[s].get();
        if (!delay) continue;
        if (!source_connected_[s]) {  // its buffer is not written this block and never read
            delay->skip(frames);
            continue;
        }
        source_silent_[s] = delay->run(source_buffer(s), frames, source_silent_[s] != 0) ? 1 : 0;
    }
}

}  // namespace phantom::engine
