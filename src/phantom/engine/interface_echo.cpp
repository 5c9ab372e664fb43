// The Interface's virtual host echo (interface.hpp, analog/host_echo.hpp): a host program that
// plays the loopback capture pair back into a playback pair, one block later. The engine writes
// the loopback channels as it always does; process() hands them to the HostEcho at the end of
// the block, and the playback channels' signals play them in the next. The loop it closes is
// real: with the playback pair in the mix loopback returns, the level grows block by block
// until the output's converter clips it.
#include <fmt/format.h>

#include "phantom/engine/interface.hpp"

namespace phantom::engine {

void Interface::process(const BlockIo& io) {
    analog::HostEcho* echo = echo_rt_.load(std::memory_order_acquire);
    if (!echo || !echo->active.load(std::memory_order_relaxed)) {
        engine_->process(io);
        if (echo) echo->skip();
        return;
    }
    const auto& layout = engine_->layout();
    const int loopback = std::min(layout.loopback, echo->channels());
    if (io.frames > echo->capacity()) {  // longer than the buffers: no echo this block
        engine_->process(io);
        echo->skip();
        return;
    }
    if (io.capture) {  // the host reads the capture channels anyway: keep the loopback's
        engine_->process(io);
        for (int k = 0; k < loopback; ++k) {
            const float* src = io.capture[layout.capture + k];
            float* dst = echo->next(k);
            for (int i = 0; i < io.frames; ++i)
                dst[i] = src ? src[i] : 0.0f;
        }
    } else {  // only the loopback channels are written, into the echo's buffers
        for (int k = 0; k < loopback; ++k)
            echo_capture_[static_cast<size_t>(layout.capture) + static_cast<size_t>(k)] =
                echo->next(k);
        BlockIo with = io;
        with.capture = echo_capture_.data();
        engine_->process(with);
    }
    echo->end_block(io.frames);
}

int Interface::echo_of(const std::string& id) const {
    const int s = params_.source_index(id);
    if (s < 0) return -1;
    for (size_t e = 0; e < echo_faults_.size(); ++e) {
        const size_t first = echo_faults_[e].first;
        if (static_cast<size_t>(s) >= first &&
            static_cast<size_t>(s) < first + static_cast<size_t>(spec_.host.loopback))
            return static_cast<int>(e);
    }
    return -1;
}

int Interface::echo_channel_of(size_t s) const {
    for (const auto& [first, text] : echo_faults_)
        if (s >= first && s < first + static_cast<size_t>(spec_.host.loopback))
            return static_cast<int>(s - first);
    return -1;
}

std::vector<Interface::LoopbackEcho> Interface::loopback_echoes() const {
    std::vector<LoopbackEcho> out;
    const size_t first_playback = engine_->layout().first_playback;
    for (const auto& [first, text] : echo_faults_)
        for (int k = 0; k < spec_.host.loopback; ++k)
            out.push_back({k, static_cast<int>(first - first_playback) + k});
    return out;
}

void Interface::add_echo_fault(const analog::FaultSpec& fault) {
    const int s = params_.source_index(fault.channel);
    const auto loopback = static_cast<size_t>(spec_.host.loopback);
    if (s < 0 || params_.sources[static_cast<size_t>(s)].kind != params::SourceKind::Playback)
        throw SourceError(fmt::format(
            "'{}': {} is not a playback channel of {}; the host plays the loopback back into "
            "playback channels (e.g. pb1=echo-loopback)",
            fault.text, fault.channel, spec_.id));
    if (loopback == 0)
        throw SourceError(fmt::format("'{}': {} has no loopback", fault.text, spec_.id));
    const auto first = static_cast<size_t>(s);
    if (first + loopback > params_.sources.size())
        throw SourceError(fmt::format(
            "'{}': the loopback has {} channels and {} is too near the last playback channel "
            "to take them all",
            fault.text, loopback, fault.channel));
    for (size_t k = 0; k < loopback; ++k)
        if (echo_channel_of(first + k) >= 0)
            throw SourceError(fmt::format("'{}': {} already plays the host's echo of the loopback",
                                          fault.text, params_.sources[first + k].id));
    if (!echo_) {  // made once; the audio thread may read it from the next block on
        echo_ =
            std::make_shared<analog::HostEcho>(static_cast<int>(loopback), engine_->max_frames());
        echo_capture_.assign(static_cast<size_t>(spec_.host.capture) + loopback, nullptr);
        echo_rt_.store(echo_.get(), std::memory_order_release);
    }
    echo_faults_.emplace_back(first, fault.text);
    try {
        rebuild_echo(first);
    } catch (const SourceError&) {
        echo_faults_.pop_back();
        rebuild_echo(first);
        throw;
    }
}

void Interface::rebuild_echo(size_t first) {
    for (size_t k = 0; k < static_cast<size_t>(spec_.host.loopback); ++k)
        rebuild_signal(first + k);
    echo_->active.store(!echo_faults_.empty(), std::memory_order_relaxed);
}

}  // namespace phantom::engine
