// Interface::derive_compensation(): every source's latency into the mixes → the delay that
// aligns it with the slowest (latency_compensation.hpp). [control-thread]
//
// The latencies come from input_latency_frames() alone (an insert's loop, a plugin's report:
// whatever adds to a source's path adds there), so a new kind of latency is compensated
// without a change here. One figure for the whole mixer, not one per bus: see
// docs/decisions.md ("Latency compensation").
#include <algorithm>

#include "phantom/engine/interface.hpp"

namespace phantom::engine {

void Interface::reset_compensation() {
    auto bank = std::make_shared<CompensationBank>();
    bank->by_source.resize(params_.sources.size());
    compensation_ = bank;
    compensation_frames_.assign(params_.sources.size(), 0);
    path_latency_frames_.assign(params_.sources.size(), 0);
}

bool Interface::latency_compensation_on() const {
    return params_.latency_compensate < 0 || params_.tree.value(params_.latency_compensate) != 0.0;
}

void Interface::derive_compensation() {
    const size_t n = params_.sources.size();
    int slowest = 0;
    for (size_t s = 0; s < n; ++s) {
        path_latency_frames_[s] = std::max(input_latency_frames(s), 0);
        slowest = std::max(slowest, path_latency_frames_[s]);
    }
    const bool on = latency_compensation_on();
    std::shared_ptr<CompensationBank> next;  // made only when a source first needs a line
    for (size_t s = 0; s < n; ++s) {
        const int frames =
            on ? std::min(slowest - path_latency_frames_[s], CompensationDelay::kMaxDelayFrames)
               : 0;
        compensation_frames_[s] = frames;
        std::shared_ptr<CompensationDelay> line =
            next ? next->by_source[s] : compensation_->by_source[s];
        if (!line && frames == 0) continue;  // never compensated: untouched, bit for bit
        if (!line) {
            line = std::make_shared<CompensationDelay>();
            line->prepare(sample_rate_hz_);  // starts at 0: the first delay fades in
            if (!next) next = std::make_shared<CompensationBank>(*compensation_);
            next->by_source[s] = line;
        }
        line->set_delay(frames);
    }
    if (next) {
        compensation_ = next;
        plan_dirty_ = true;
    }
}

void Interface::snap_compensation() {
    for (const auto& line : compensation_->by_source)
        if (line) line->snap();
}

int Interface::capture_latency_frames(size_t k) const {
    if (k >= params_.input_strips.size()) return 0;
    const params::ParamIndex rec_fx = params_.input_strips[k].rec_fx;
    if (rec_fx < 0 || params_.tree.value(rec_fx) == 0.0) return 0;
    return input_latency_frames(k);
}

}  // namespace phantom::engine
