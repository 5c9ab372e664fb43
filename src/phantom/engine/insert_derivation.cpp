// Interface::derive_inserts() and the insert slots' measurement and latency: the insert
// parameters (params/insert_params.hpp) → settings posted to the slots (insert_slot.hpp).
// [control-thread]
//
// A slot is made the first time its send and return are both set, prepared with its delay
// line and measurement buffers, and then kept, as strips are: its delay line holds the
// channel's past from then on, so switching it in finds history to align, not silence.
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "phantom/engine/interface.hpp"

namespace phantom::engine {

void Interface::derive_inserts(const std::vector<double>& v, std::shared_ptr<StripBank>& next) {
    const size_t n = params_.sources.size();
    for (size_t s = 0; s < n && s < params_.inserts.size(); ++s) {
        const params::InsertIds& ids = params_.inserts[s];
        if (!ids.present()) continue;
        auto value = [&](params::ParamIndex i) { return v[static_cast<size_t>(i)]; };
        const int send = static_cast<int>(value(ids.send)) - 1;
        const int ret = static_cast<int>(value(ids.ret)) - 1;
        std::shared_ptr<InsertSlot> slot = next ? next->inserts[s] : strips_->inserts[s];
        if (!slot && (send < 0 || ret < 0)) continue;
        InsertSettings k;
        k.on = value(ids.on) != 0.0 && send >= 0 && ret >= 0;
        k.send_channel = send;
        k.return_source = ret;
        k.wet = static_cast<float>(value(ids.mix) / 100.0);
        k.delay_frames = static_cast<int>(std::lround(value(ids.delay)));
        const auto& strip = params_.input_strips[s];
        k.rec_fx = strip.rec_fx >= 0 && value(strip.rec_fx) != 0.0;
        if (!slot) {
            slot = std::make_shared<InsertSlot>();
            slot->prepare(sample_rate_hz_, engine_->max_frames(), params::kMaxInsertDelayFrames,
                          insert_max_lag_frames());
            if (!next) next = std::make_shared<StripBank>(*strips_);
            next->inserts[s] = slot;
        }
        slot->post(k);
    }
}

int Interface::input_latency_frames(size_t s) const {
    return plugin_latency_frames(s) + insert_latency_frames(s);
}

int Interface::insert_latency_frames(size_t s) const {
    if (s >= params_.inserts.size() || !params_.inserts[s].present()) return 0;
    const params::InsertIds& ids = params_.inserts[s];
    const auto& tree = params_.tree;
    if (tree.value(ids.on) == 0.0 || !strips_->inserts[s]) return 0;
    return static_cast<int>(std::lround(tree.value(ids.delay)));
}

void Interface::begin_insert_measurement(size_t s, const std::vector<float>& sequence) {
    const std::string& id = params_.sources.at(s).id;
    if (s >= params_.inserts.size() || !params_.inserts[s].present())
        throw std::invalid_argument(
            fmt::format("{} has no insert slot (only hardware inputs have one)", id));
    const params::InsertIds& ids = params_.inserts[s];
    if (params_.tree.value(ids.send) == 0.0 || params_.tree.value(ids.ret) == 0.0)
        throw std::invalid_argument(fmt::format(
            "{}'s insert has no {}: set /input/{}/insert/send and /input/{}/insert/return to "
            "the loop's output and input first",
            id, params_.tree.value(ids.send) == 0.0 ? "send" : "return", id, id));
    const auto& slot = strips_->inserts[s];
    if (!slot || !slot->arm_measurement(sequence))
        throw std::invalid_argument(
            fmt::format("{}'s insert is measuring already: one measurement at a time", id));
}

bool Interface::insert_measurement_done(size_t s) const {
    const auto& slot = strips_->inserts.at(s);
    return slot && slot->measurement_done();
}

std::vector<float> Interface::take_insert_recording(size_t s) {
    const auto& slot = strips_->inserts.at(s);
    return slot ? slot->take_recording() : std::vector<float>{};
}

void Interface::cancel_insert_measurement(size_t s) {
    if (const auto& slot = strips_->inserts.at(s)) slot->cancel_measurement();
}

}  // namespace phantom::engine
