#include "phantom/processors/lv2/lv2_processor.hpp"

#include <fmt/format.h>
#include <lilv/lilv.h>
#include <lv2/atom/atom.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace phantom::processors::lv2 {

namespace {
constexpr size_t kAtomBufferBytes = 8192;  // what an output sequence may write per block
// Long enough for a plugin that fades to a new delay before it reports it (nodelay: 3 blocks of
// 64); a few milliseconds of work at prepare().
constexpr int kPrerollFrames = 8192;
}  // namespace

Lv2Processor::Lv2Processor(Lv2World& world, const std::string& uri, int channels)
    : world_(world), info_(world.describe(uri)), channels_(channels) {
    const size_t ins = info_.audio_in.size(), outs = info_.audio_out.size();
    if (channels != 1 && channels != 2)
        throw Lv2Error(
            fmt::format("LV2 plugin '{}': a slot carries 1 or 2 channels, not {}", uri, channels));
    if (ins == static_cast<size_t>(channels) && outs == static_cast<size_t>(channels))
        channels_per_instance_ = channels;
    else if (ins == 1 && outs == 1)
        channels_per_instance_ = 1;  // a mono plugin on each side of a pair
    else
        throw Lv2Error(
            fmt::format("LV2 plugin '{}' ({}) has {} audio input(s) and {} output(s); "
                        "a {} slot hosts a {}-in/{}-out plugin{}",
                        uri, info_.name, ins, outs, channels == 1 ? "mono" : "stereo", channels,
                        channels, channels == 2 ? " or a mono one on each side" : ""));
    pending_ = std::make_unique<std::atomic<float>[]>(info_.controls.size());
    for (size_t k = 0; k < info_.controls.size(); ++k)
        pending_[k].store(info_.controls[k].default_value, std::memory_order_relaxed);
    sequence_type_ = world_.map(LV2_ATOM__Sequence);
    chunk_type_ = world_.map(LV2_ATOM__Chunk);
    live_.fetch_add(1, std::memory_order_relaxed);  // constructed: the destructor will run
}

Lv2Processor::~Lv2Processor() {
    free_instances();
    live_.fetch_sub(1, std::memory_order_relaxed);
    destroyed_.fetch_add(1, std::memory_order_release);  // its plugin instances are freed
}

void Lv2Processor::free_instances() {
    for (auto& inst : instances_) {
        if (!inst.handle) continue;
        lilv_instance_deactivate(inst.handle);
        lilv_instance_free(inst.handle);
    }
    instances_.clear();
}

void Lv2Processor::prepare(double sample_rate_hz, int max_block_frames) {
    free_instances();
    max_block_frames_ = max_block_frames;
    sample_rate_hz_ = sample_rate_hz;
    features_ = world_.features(sample_rate_hz, max_block_frames);
    const int count = channels_ / channels_per_instance_;
    for (int k = 0; k < count; ++k) {
        instances_.emplace_back();
        if (!start_instance(instances_.back())) {
            free_instances();
            throw Lv2Error(fmt::format("LV2 plugin '{}' ({}) failed to instantiate at {} Hz",
                                       info_.uri, info_.name, sample_rate_hz));
        }
    }
    reset_requested_.store(false, std::memory_order_relaxed);
    audio_parked_.store(false, std::memory_order_relaxed);
    if (info_.latency_port < 0) return;
    // A latency the plugin reports is known before the first real block: a pre-roll of
    // silence (some plugins settle their report over a few blocks), then fresh instances, so
    // the audio starts on the state a new plugin has.
    std::vector<std::vector<float>> silence(
        static_cast<size_t>(channels_), std::vector<float>(static_cast<size_t>(max_block_frames)));
    std::vector<float*> ptrs;
    ptrs.reserve(silence.size());
    for (auto& ch : silence)
        ptrs.push_back(ch.data());
    for (int frames = 0; frames <= kPrerollFrames; frames += max_block_frames) {
        for (auto& ch : silence)
            std::fill(ch.begin(), ch.end(), 0.0f);
        process({ptrs.data(), channels_, max_block_frames});
    }
    for (auto& inst : instances_)
        if (!start_instance(inst))
            throw Lv2Error(fmt::format("LV2 plugin '{}' ({}) failed to instantiate again at {} Hz",
                                       info_.uri, info_.name, sample_rate_hz));
}

bool Lv2Processor::start_instance(Instance& inst) {
    if (inst.handle) {
        lilv_instance_deactivate(inst.handle);
        lilv_instance_free(inst.handle);
        inst.handle = nullptr;
    }
    const LilvPlugin* plugin = world_.plugin(info_.uri);
    inst.handle = lilv_plugin_instantiate(plugin, sample_rate_hz_, features_->list);
    if (!inst.handle) return false;
    const auto frames = static_cast<size_t>(max_block_frames_);
    inst.control_values.assign(lilv_plugin_get_num_ports(plugin), 0.0f);
    for (size_t k = 0; k < info_.controls.size(); ++k)
        inst.control_values[info_.controls[k].port] = pending_[k].load(std::memory_order_relaxed);
    if (info_.in_place_broken) {
        inst.in_scratch.assign(info_.audio_in.size(), std::vector<float>(frames));
        inst.out_scratch.assign(info_.audio_out.size(), std::vector<float>(frames));
    }
    inst.atom_buffers.assign(info_.atom_in.size() + info_.atom_out.size(),
                             std::vector<std::uint64_t>(kAtomBufferBytes / 8));
    connect_fixed_ports(inst);
    lilv_instance_activate(inst.handle);
    frames_since_start_ = 0;
    return true;
}

void Lv2Processor::connect_fixed_ports(Instance& inst) {
    for (const auto& c : info_.controls)
        lilv_instance_connect_port(inst.handle, c.port, &inst.control_values[c.port]);
    for (unsigned port : info_.control_out)
        lilv_instance_connect_port(inst.handle, port, &inst.control_values[port]);
    size_t a = 0;
    for (unsigned port : info_.atom_in)
        lilv_instance_connect_port(inst.handle, port, inst.atom_buffers[a++].data());
    for (unsigned port : info_.atom_out)
        lilv_instance_connect_port(inst.handle, port, inst.atom_buffers[a++].data());
    if (info_.in_place_broken) {
        for (size_t k = 0; k < info_.audio_in.size(); ++k)
            lilv_instance_connect_port(inst.handle, info_.audio_in[k], inst.in_scratch[k].data());
        for (size_t k = 0; k < info_.audio_out.size(); ++k)
            lilv_instance_connect_port(inst.handle, info_.audio_out[k], inst.out_scratch[k].data());
    }
}

void Lv2Processor::clear_atoms(Instance& inst) {
    // Inputs: an empty sequence. Outputs: the capacity, as a Chunk (the LV2 atom rule).
    size_t a = 0;
    for (size_t k = 0; k < info_.atom_in.size(); ++k) {
        auto* seq = reinterpret_cast<LV2_Atom_Sequence*>(inst.atom_buffers[a++].data());
        seq->atom.size = sizeof(LV2_Atom_Sequence_Body);
        seq->atom.type = sequence_type_;
        seq->body.unit = 0;
        seq->body.pad = 0;
    }
    for (size_t k = 0; k < info_.atom_out.size(); ++k) {
        auto* atom = reinterpret_cast<LV2_Atom*>(inst.atom_buffers[a++].data());
        atom->size = static_cast<uint32_t>(kAtomBufferBytes - sizeof(LV2_Atom));
        atom->type = chunk_type_;
    }
}

void Lv2Processor::process(const dsp::AudioBlock& block) {
    if (reset_requested_.load(std::memory_order_acquire)) {
        audio_parked_.store(true, std::memory_order_release);
        for (int c = 0; c < block.channel_count; ++c)
            dsp::clear(block.channels[c], block.frames);
        return;
    }
    if (!dsp::sanitize_block(block)) {  // zeroed; the plugin's state is reset before it runs
        reset();
        return;
    }
    const auto frames = static_cast<uint32_t>(block.frames);
    for (size_t i = 0; i < instances_.size(); ++i) {
        Instance& inst = instances_[i];
        for (size_t k = 0; k < info_.controls.size(); ++k)
            inst.control_values[info_.controls[k].port] =
                pending_[k].load(std::memory_order_relaxed);
        clear_atoms(inst);
        float* const* channels = block.channels + i * static_cast<size_t>(channels_per_instance_);
        if (info_.in_place_broken) {
            for (int c = 0; c < channels_per_instance_; ++c)
                std::memcpy(inst.in_scratch[static_cast<size_t>(c)].data(), channels[c],
                            frames * sizeof(float));
        } else {
            for (int c = 0; c < channels_per_instance_; ++c) {
                lilv_instance_connect_port(inst.handle, info_.audio_in[static_cast<size_t>(c)],
                                           channels[c]);
                lilv_instance_connect_port(inst.handle, info_.audio_out[static_cast<size_t>(c)],
                                           channels[c]);
            }
        }
        lilv_instance_run(inst.handle, frames);
        if (info_.in_place_broken)
            for (int c = 0; c < channels_per_instance_; ++c)
                std::memcpy(channels[c], inst.out_scratch[static_cast<size_t>(c)].data(),
                            frames * sizeof(float));
    }
    frames_since_start_ += frames;
    // A new instance's report is taken once it has settled (nodelay fades to a new delay
    // before it reports it); until then the last settled figure stands, so the latency that
    // compensation plans with does not flap at a reset.
    if (info_.latency_port >= 0 && !instances_.empty() &&
        frames_since_start_ >= static_cast<std::uint64_t>(kPrerollFrames)) {
        const float reported =
            instances_.front().control_values[static_cast<size_t>(info_.latency_port)];
        latency_frames_.store(std::isfinite(reported) && reported > 0.0f
                                  ? static_cast<int>(std::lround(reported))
                                  : 0,
                              std::memory_order_relaxed);
    }
    if (!dsp::sanitize_block(block)) reset();  // the plugin made a NaN: it starts afresh
}

void Lv2Processor::reset() {
    reset_requested_.store(true, std::memory_order_release);
}

bool Lv2Processor::service() {
    // Only once the audio thread has seen the request and stopped running the plugin. The
    // instances are made anew: LV2 asks activate() to forget the past, but not every plugin's
    // does (x42's nodelay keeps its delay line), and a new instance has no past at all.
    if (!reset_requested_.load(std::memory_order_acquire) ||
        !audio_parked_.load(std::memory_order_acquire))
        return false;
    for (auto& inst : instances_)
        if (!start_instance(inst))
            return false;  // stays parked (silent); the caller reports the plugin as failed
    audio_parked_.store(false, std::memory_order_relaxed);
    reset_requested_.store(false, std::memory_order_release);
    return true;
}

size_t Lv2Processor::control_index(const std::string& symbol) const {
    for (size_t k = 0; k < info_.controls.size(); ++k)
        if (info_.controls[k].symbol == symbol) return k;
    std::string known;
    for (const auto& c : info_.controls)
        known += (known.empty() ? "" : ", ") + c.symbol;
    throw Lv2Error(fmt::format("LV2 plugin '{}' ({}) has no control '{}' (its controls: {})",
                               info_.uri, info_.name, symbol, known.empty() ? "none" : known));
}

float Lv2Processor::set(const std::string& symbol, float value) {
    const size_t k = control_index(symbol);
    if (!std::isfinite(value))
        throw Lv2Error(
            fmt::format("LV2 plugin '{}': control '{}' takes a finite number", info_.uri, symbol));
    set_control(k, value);
    return pending_[k].load(std::memory_order_relaxed);
}

void Lv2Processor::set_control(size_t k, float value) {
    if (k >= info_.controls.size() || !std::isfinite(value)) return;
    const Lv2Control& c = info_.controls[k];
    float v = std::clamp(value, c.min, c.max);
    if (c.toggled) v = v > 0.5f * (c.min + c.max) ? c.max : c.min;
    if (c.integer || c.enumeration) v = std::round(v);
    pending_[k].store(v, std::memory_order_relaxed);
}

float Lv2Processor::get(const std::string& symbol) const {
    return pending_[control_index(symbol)].load(std::memory_order_relaxed);
}

}  // namespace phantom::processors::lv2
