// An LV2 plugin as a Phantom processor (dsp/processor.hpp's contract), hosted with lilv.
//
// - prepare() [control-thread] instantiates and activates the plugin: on a mono slot one
//   instance of a 1-in/1-out plugin; on a stereo pair one instance of a 2-in/2-out plugin, or
//   two of a mono one (one a side, as Ardour replicates). Other layouts are refused.
// - Control ports are parameters: set() on the control thread stores the value (clamped to the
//   TTL's range) in an atomic that process() copies at the next block, so a change lands on a
//   block boundary and never tears.
// - process() [audio-thread] runs the plugin in place when it allows (buffers connected to the
//   block's channels), through scratch buffers when it declares lv2:inPlaceBroken. Atom inputs
//   get an empty sequence each block. No allocation, no lock.
// - Latency: the plugin's lv2:reportsLatency output, read after every run; prepare() of such a
//   plugin pre-rolls silence so the figure is there before the first real block, then starts
//   fresh instances (Ardour runs a silent cycle for the same reason).
// - A non-finite block (in or out) must not reach the plugin or leave it: the block is zeroed
//   and the plugin reset. A reset makes the instance anew (LV2's deactivate()+activate() may
//   allocate, and not every plugin's activate() forgets its past), so the audio thread asks for
//   it and plays silence until service() on the control thread has done it: the two threads
//   never touch the instance at once (a flag handshake).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "phantom/dsp/processor.hpp"
#include "phantom/processors/lv2/lv2_world.hpp"

typedef struct LilvInstanceImpl LilvInstance;  // NOLINT: lilv's own declaration

namespace phantom::processors::lv2 {

class Lv2Processor final : public dsp::Processor {
  public:
    // Throws Lv2Error when the plugin is missing or cannot be hosted on `channels` (1 or 2).
    Lv2Processor(Lv2World& world, const std::string& uri, int channels);
    ~Lv2Processor() override;
    Lv2Processor(const Lv2Processor&) = delete;
    Lv2Processor& operator=(const Lv2Processor&) = delete;

    const Lv2PluginInfo& info() const { return info_; }
    int channels() const { return channels_; }
    // The plugin's instances: one, or one a side of a pair for a mono plugin.
    size_t instance_count() const { return instances_.size(); }

    // [control-thread] Throws Lv2Error if the plugin fails to instantiate.
    void prepare(double sample_rate_hz, int max_block_frames) override;
    void process(const dsp::AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return latency_frames_.load(std::memory_order_relaxed); }

    // [control-thread] A control port by symbol: the value clamped to its range (an integer or
    // toggled port rounded). Throws Lv2Error for an unknown symbol or a non-finite value.
    float set(const std::string& symbol, float value);
    float get(const std::string& symbol) const;
    // [control-thread] The same by the control's place in info().controls; never throws (a
    // non-finite value is ignored).
    void set_control(size_t k, float value);
    // [control-thread] Carries out a reset the audio thread asked for; true when one was done.
    bool service();
    // [any-thread] The audio thread is playing silence until service() resets the plugin.
    bool reset_pending() const { return reset_requested_.load(std::memory_order_acquire); }

    // [any-thread] Processors alive in the process, and how many were ever destroyed: what
    // a plugin unload gave back to the C library (app/plugin_memory.hpp watches it).
    static long live_count() { return live_.load(std::memory_order_relaxed); }
    static std::uint64_t destroyed_count() { return destroyed_.load(std::memory_order_acquire); }

  private:
    struct Instance {
        LilvInstance* handle = nullptr;
        std::vector<float> control_values;  // one per port (only control ports are used)
        std::vector<std::vector<float>> in_scratch, out_scratch;  // inPlaceBroken only
        std::vector<std::vector<std::uint64_t>> atom_buffers;     // 8-byte aligned
    };
    size_t control_index(const std::string& symbol) const;
    // (Re)makes an instance: instantiated, ports connected, controls as set, activated.
    bool start_instance(Instance& inst);
    void connect_fixed_ports(Instance& inst);
    void clear_atoms(Instance& inst);
    void free_instances();

    Lv2World& world_;
    Lv2PluginInfo info_;
    int channels_;
    int channels_per_instance_;
    std::unique_ptr<Lv2World::Features> features_;
    std::vector<Instance> instances_;
    int max_block_frames_ = 0;
    double sample_rate_hz_ = 0.0;
    std::uint64_t frames_since_start_ = 0;  // run by the current instances
    // One per control input, in info_.controls' order: what the control thread set.
    std::unique_ptr<std::atomic<float>[]> pending_;
    std::atomic<int> latency_frames_{0};
    std::atomic<bool> reset_requested_{false}, audio_parked_{false};
    std::uint32_t sequence_type_ = 0, chunk_type_ = 0;
    static inline std::atomic<long> live_{0};
    static inline std::atomic<std::uint64_t> destroyed_{0};
};

}  // namespace phantom::processors::lv2
