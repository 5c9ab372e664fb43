// BM_Process/<load>/<frames>: one Engine::process() call, reported as the share of the block's
// real-time budget it takes (budget_pct: 100 % = the whole block period at 48 kHz on one core),
// and the worst blocks: p999_pct (99.9th percentile of single calls) and max_pct (the slowest
// call; on a shared machine it includes preemption by other processes).
//
// Loads (all at 48 kHz, every source carrying noise through BlockIo, the JACK path):
//   desktop-2x2        default routing + direct monitoring
//   studio-8x8         default routing + all 8 analog inputs in main, hp1 and hp2 (a tracking
//                      session with two cue mixes), talkback held
//   studio-8x8-strips  studio-8x8's session with issue 16's channel strips: low cut, 4-band EQ
//                      (every band moved) and compressor on all 8 analog inputs, an 8-band room
//                      EQ on main, the ear-protection limiter on hp1 and hp2
//   studio-8x8-fx      studio-8x8-strips with a reverb on hp1's and hp2's mixes, every analog
//                      input sent to both (issue 16's speed target)
//   stress-64          default routing (each playback pair to its line output)
//   stress-64-full     every one of the 128 × 32 crosspoints active
#include <benchmark/benchmark.h>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"

namespace {

using phantom::engine::Interface;

struct Load {
    const char* name;
    const char* device;
    void (*configure)(Interface&);
};

void desktop(Interface& i) {
    i.set_text("/monitor/direct", "stereo");
}
void studio(Interface& i) {
    for (int n = 1; n <= 8; ++n)
        for (const char* bus : {"main", "hp1", "hp2"})
            i.set_text("/mix/" + std::string(bus) + "/in" + std::to_string(n) + "/gain", "-6");
    i.set_text("/monitor/talkback", "on");
}
void strips(Interface& i) {
    studio(i);
    for (int n = 1; n <= 8; ++n) {
        const std::string in = "/input/in" + std::to_string(n);
        for (const char* on : {"/lowcut/on", "/eq/on", "/comp/on"})
            i.set_text(in + on, "on");
        for (const char* band : {"low", "mid1", "mid2", "high"})
            i.set_text(in + "/eq/" + band + "/gain", "3");
        i.set_text(in + "/comp/threshold", "-30");
    }
    i.set_text("/output/main/eq/on", "on");
    for (int band = 1; band <= 8; ++band) {
        const std::string b = "/output/main/eq/" + std::to_string(band);
        i.set_text(b + "/on", "on");
        i.set_text(b + "/gain", "-2");
    }
    for (const char* hp : {"hp1", "hp2"})
        i.set_text("/output/" + std::string(hp) + "/limiter/on", "on");
}
// Issue 16's speed target: the strips' session with a reverb on both headphone mixes, every
// analog input sent to it at -12 dB (post fader).
void fx(Interface& i) {
    strips(i);
    for (const char* hp : {"hp1", "hp2"}) {
        i.set_text("/output/" + std::string(hp) + "/reverb_return", "0");
        for (int n = 1; n <= 8; ++n)
            i.set_text("/mix/" + std::string(hp) + "/in" + std::to_string(n) + "/reverb", "-12");
    }
}
void nothing(Interface&) {}
void full(Interface& i) {
    std::vector<phantom::params::ParamChange> changes;
    const auto& p = i.layout();
    for (const auto& x : p.crosspoints)
        changes.push_back({x.gain, -20.0});
    i.apply(changes);
}

const Load kLoads[] = {
    {"desktop-2x2", "desktop-2x2", desktop},     {"studio-8x8", "studio-8x8", studio},
    {"studio-8x8-strips", "studio-8x8", strips}, {"studio-8x8-fx", "studio-8x8", fx},
    {"stress-64", "stress-64", nothing},         {"stress-64-full", "stress-64", full},
};

// One interface with a load applied, and a block of noise on every input, as JACK hands it over.
struct LoadedInterface {
    Interface iface;
    std::vector<std::vector<float>> hw, pb, out, cap;
    std::vector<const float*> hw_ptr, pb_ptr;
    std::vector<float*> out_ptr, cap_ptr;
    phantom::engine::BlockIo io{};

    LoadedInterface(const Load& load, int frames, std::uint32_t rate, int max_frames = 0)
        : iface(phantom::device::load_device(load.device), rate,
                max_frames > 0 ? max_frames : frames) {
        load.configure(iface);
        std::mt19937 rng(1);
        std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
        auto make = [&](size_t n, auto& ptrs) {
            std::vector<std::vector<float>> b(n, std::vector<float>(static_cast<size_t>(frames)));
            for (auto& ch : b) {
                for (auto& v : ch)
                    v = noise(rng);
                ptrs.push_back(ch.data());
            }
            return b;
        };
        hw = make(iface.hardware_input_count(), hw_ptr);
        pb = make(iface.playback_channel_count(), pb_ptr);
        out = make(iface.output_channel_count(), out_ptr);
        cap = make(iface.capture_channel_count(), cap_ptr);
        io = {frames, hw_ptr.data(), pb_ptr.data(), cap_ptr.data(), out_ptr.data()};
        iface.start();
    }
};

void report_worst(benchmark::State& state, std::vector<float>& block_s, double budget_s) {
    if (block_s.empty()) return;
    std::sort(block_s.begin(), block_s.end());
    const size_t p999 = std::min(block_s.size() - 1, block_s.size() * 999 / 1000);
    state.counters["p999_pct"] = 100.0 * block_s[p999] / budget_s;
    state.counters["max_pct"] = 100.0 * block_s.back() / budget_s;
}

void BM_Process(benchmark::State& state, const Load& load) {
    const int frames = static_cast<int>(state.range(0));
    const std::uint32_t rate = 48000;
    LoadedInterface rig(load, frames, rate);
    using Clock = std::chrono::steady_clock;
    std::vector<float> block_s;  // every call's own time, for the worst case
    block_s.reserve(1 << 22);
    const auto t0 = Clock::now();
    for (auto _ : state) {
        const auto b0 = Clock::now();
        rig.iface.process(rig.io);
        benchmark::ClobberMemory();
        if (block_s.size() < block_s.capacity())
            block_s.push_back(std::chrono::duration<float>(Clock::now() - b0).count());
    }
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double budget_s = static_cast<double>(frames) / rate;
    state.counters["budget_pct"] =
        100.0 * elapsed_s / (static_cast<double>(state.iterations()) * budget_s);
    report_worst(state, block_s, budget_s);
    state.counters["routes"] = static_cast<double>(rig.iface.live_route_count());
}

// BM_Paced/<load>/<frames>: the worst case as an audio thread meets it. One call per block
// period, the thread sleeping in between (as under JACK), with SCHED_FIFO when the system grants
// it (rt = 1), for PHANTOM_PACED_SECONDS (10). Back-to-back calls in BM_Process use up the
// scheduler's time slice and get preempted; a paced thread rarely does.
void BM_Paced(benchmark::State& state, const Load& load) {
    const int frames = static_cast<int>(state.range(0));
    const std::uint32_t rate = 48000;
    LoadedInterface rig(load, frames, rate);
    const char* env = std::getenv("PHANTOM_PACED_SECONDS");
    const double seconds = env ? std::atof(env) : 10.0;
    sched_param fifo{};
    fifo.sched_priority = 70;
    const bool rt = pthread_setschedparam(pthread_self(), SCHED_FIFO, &fifo) == 0;
    const double budget_s = static_cast<double>(frames) / rate;
    const auto period = std::chrono::nanoseconds(static_cast<long long>(budget_s * 1e9));
    const auto calls = static_cast<size_t>(seconds / budget_s);
    std::vector<float> block_s;
    block_s.reserve(calls);
    using Clock = std::chrono::steady_clock;
    for (auto _ : state) {
        auto next = Clock::now();
        for (size_t k = 0; k < calls; ++k) {
            next += period;
            std::this_thread::sleep_until(next);
            const auto b0 = Clock::now();
            rig.iface.process(rig.io);
            benchmark::ClobberMemory();
            block_s.push_back(std::chrono::duration<float>(Clock::now() - b0).count());
        }
    }
    if (rt) {
        sched_param normal{};
        pthread_setschedparam(pthread_self(), SCHED_OTHER, &normal);
    }
    report_worst(state, block_s, budget_s);
    state.counters["calls"] = static_cast<double>(block_s.size());
    state.counters["rt"] = rt ? 1 : 0;
}

// BM_Cold/<load>/<frames>/<max_frames>: one call after the machine did other work, as on a
// shared host between two JACK cycles: before each call a walk over 64 MiB, one touch per cache
// line, evicts the caches and the TLB. The interface is built for max_frames, as the JACK
// backend builds it (max(block, 1024)), so that its buffers lie in memory as they do live.
void BM_Cold(benchmark::State& state, const Load& load) {
    const int frames = static_cast<int>(state.range(0));
    const std::uint32_t rate = 48000;
    LoadedInterface rig(load, frames, rate, static_cast<int>(state.range(1)));
    std::vector<char> other_work(64u << 20, 1);
    using Clock = std::chrono::steady_clock;
    std::vector<float> block_s;
    double total_s = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (size_t k = 0; k < other_work.size(); k += 64)
            other_work[k] = static_cast<char>(other_work[k] + 1);
        benchmark::ClobberMemory();
        state.ResumeTiming();
        const auto b0 = Clock::now();
        rig.iface.process(rig.io);
        benchmark::ClobberMemory();
        block_s.push_back(std::chrono::duration<float>(Clock::now() - b0).count());
        total_s += static_cast<double>(block_s.back());
    }
    const double budget_s = static_cast<double>(frames) / rate;
    state.counters["budget_pct"] =
        100.0 * total_s / (static_cast<double>(block_s.size()) * budget_s);
    report_worst(state, block_s, budget_s);
    const auto& layout = rig.iface.engine().layout();
    state.counters["channels"] = static_cast<double>(layout.sources + layout.bus_channel_count() +
                                                     layout.output_channel_count());
}

int register_all() {
    for (const auto& load : kLoads)
        benchmark::RegisterBenchmark((std::string("BM_Process/") + load.name).c_str(), BM_Process,
                                     load)
            ->Arg(32)
            ->Arg(64)
            ->Arg(256);
    for (const auto& load : kLoads)
        if (std::string(load.name) != "stress-64-full")
            benchmark::RegisterBenchmark((std::string("BM_Cold/") + load.name).c_str(), BM_Cold,
                                         load)
                ->Args({64, 64})
                ->Args({64, 1024})
                ->Iterations(2000);
    for (const auto& load : kLoads)
        if (std::string(load.device) == "stress-64")
            benchmark::RegisterBenchmark((std::string("BM_Paced/") + load.name).c_str(), BM_Paced,
                                         load)
                ->Arg(64)
                ->Iterations(1)
                ->Unit(benchmark::kMillisecond);
    return 0;
}
const int kRegistered = register_all();

}  // namespace

BENCHMARK_MAIN();
