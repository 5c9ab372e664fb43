// The submixes' FX (fx_bus.hpp): [audio-thread] all of it.
//
// After the crosspoints, each FX of a mix runs in place on its send bus (which the sends'
// crosspoints have just mixed, or which is zero: the tail still plays out) and its wet signal
// is added into the mix with the return's ramp. An FX the plan does not hold, or whose return
// sits at zero, is not run and touches nothing: a session without FX sounds bit for bit as
// before.
#include "phantom/dsp/block_ops.hpp"
#include "phantom/engine/engine.hpp"

namespace phantom::engine {

void Engine::run_fx(const Plan& plan, int frames) {
    const FxBank* bank = plan.fx.get();
    for (size_t b = 0; b < layout_.fx_send_bus.size(); ++b) {
        for (size_t k = 0; k < static_cast<size_t>(kFxKinds); ++k) {
            const size_t i = b * static_cast<size_t>(kFxKinds) + k;
            dsp::GainRamp& ret = fx_return_[i];
            ret.set_target(targets_.fx_return.load(i), ramp_frames_);
            ReverbSlot* reverb = nullptr;
            EchoSlot* echo = nullptr;
            if (bank && k == static_cast<size_t>(params::kFxReverb) && b < bank->reverb.size())
                reverb = bank->reverb[b].get();
            if (bank && k == static_cast<size_t>(params::kFxEcho) && b < bank->echo.size())
                echo = bank->echo[b].get();
            if ((!reverb && !echo) || ret.silent()) {
                ret.skip(frames);
                continue;
            }
            const auto send = static_cast<size_t>(layout_.fx_send_bus[b][k]);
            const int channels = layout_.bus_channels[send];
            float* wet[2] = {bus_buffer(static_cast<size_t>(layout_.bus_first_channel[send])),
                             nullptr};
            wet[1] = wet[0] + stride_;
            const dsp::AudioBlock block{wet, channels, frames};
            if (reverb) {
                reverb->pull();
                reverb->process(block);
            } else {
                echo->pull();
                echo->process(block);
            }
            bus_written_[send] = frames;  // the wet signal lies there now: cleared next block

            float* mix = bus_buffer(static_cast<size_t>(layout_.bus_first_channel[b]));
            if (ret.ramping()) {
                float* g = scratch(0);
                ret.fill(g, frames);
                for (int c = 0; c < channels; ++c) {
                    const float* x = wet[c];
                    float* y = mix + static_cast<size_t>(c) * stride_;
                    for (int n = 0; n < frames; ++n)
                        y[n] += x[n] * g[n];
                }
            } else {
                for (int c = 0; c < channels; ++c)
                    dsp::mix_add(wet[c], mix + static_cast<size_t>(c) * stride_, ret.current(),
                                 frames);
            }
            bus_written_[b] = frames;
        }
    }
}

}  // namespace phantom::engine
