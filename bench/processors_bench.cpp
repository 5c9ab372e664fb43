// The built-in processors (src/phantom/dsp/), at 48 kHz and 64 frames, as the share of the
// block's real-time budget (64 / 48000 s = 1.333 ms on one core) they take:
//
// BM_Processor/<name>: one processor; `per_channel_pct` is its cost per channel (a pair's cost
//   halved for the stereo processors), `budget_pct` the whole call.
// BM_Scenario/issue16: issue 16 §5 — low cut (24 dB/oct) + 4-band EQ + compressor on the 8
//   analog inputs of studio-8x8, a reverb on each of the two headphone mixes, a 12-band room EQ
//   on the main pair. Target ≤ 5 %.
// BM_Scenario/everything: the same plus a gate on every input, an echo bus, the alignment
//   delay on main and a limiter on each headphone pair.
//
// Each call copies a fresh block of noise in first (the processors work in place); the copy is
// counted and is a few nanoseconds.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "phantom/dsp/alignment_delay.hpp"
#include "phantom/dsp/compressor.hpp"
#include "phantom/dsp/echo.hpp"
#include "phantom/dsp/equalizer.hpp"
#include "phantom/dsp/expander.hpp"
#include "phantom/dsp/limiter.hpp"
#include "phantom/dsp/low_cut.hpp"
#include "phantom/dsp/reverb.hpp"
#include "phantom/dsp/stereo_width.hpp"
#include "phantom/rt/denormal_guard.hpp"

namespace {

using namespace phantom::dsp;

constexpr double kFs = 48000;
constexpr int kFrames = 64;
constexpr double kBudgetS = kFrames / kFs;

std::unique_ptr<BiquadChain> low_cut() {
    auto p = std::make_unique<BiquadChain>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_low_cut({true, 100.0, LowCutSlope::k24DbPerOctave}, kFs));
    return p;
}
std::unique_ptr<BiquadChain> parametric_eq() {
    ParametricEqSettings s;
    s.enabled = true;
    s.bands[0] = {true, EqBandType::kLowShelf, 120.0, 3.0, 0.7071};
    s.bands[1] = {true, EqBandType::kBell, 400.0, -4.0, 1.5};
    s.bands[2] = {true, EqBandType::kBell, 3000.0, 2.5, 1.0};
    s.bands[3] = {true, EqBandType::kHighShelf, 10000.0, 2.0, 0.7071};
    auto p = std::make_unique<BiquadChain>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_parametric_eq(s, kFs));
    return p;
}
std::unique_ptr<BiquadChain> room_eq() {
    RoomEqSettings s;
    s.enabled = true;
    for (size_t b = 0; b < kRoomEqBands; ++b)
        s.bands[b] = {true, EqBandType::kBell, 30.0 * std::pow(1.8, static_cast<double>(b)),
                      b % 2 ? 2.0 : -3.0, 4.0};
    auto p = std::make_unique<BiquadChain>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_room_eq(s, kFs));
    return p;
}
std::unique_ptr<Compressor> compressor() {
    CompressorSettings s;
    s.enabled = true;
    s.threshold_db = -24;
    auto p = std::make_unique<Compressor>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_compressor(s, kFs));
    return p;
}
std::unique_ptr<Expander> expander() {
    ExpanderSettings s;
    s.enabled = true;
    s.threshold_db = -30;
    auto p = std::make_unique<Expander>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_expander(s, kFs));
    return p;
}
std::unique_ptr<StereoWidth> width() {
    auto p = std::make_unique<StereoWidth>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_stereo_width({false, 1.4, false}));
    return p;
}
std::unique_ptr<AlignmentDelay> alignment() {
    auto p = std::make_unique<AlignmentDelay>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_alignment_delay({3.2}, kFs));
    return p;
}
std::unique_ptr<Limiter> limiter() {
    auto p = std::make_unique<Limiter>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_limiter({true, -3.0, 80.0}, kFs));
    return p;
}
std::unique_ptr<Reverb> reverb() {
    auto p = std::make_unique<Reverb>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_reverb({}, kFs));
    return p;
}
std::unique_ptr<Echo> echo() {
    EchoSettings s;
    s.ping_pong = true;
    auto p = std::make_unique<Echo>();
    p->prepare(kFs, kFrames);
    p->set_coefficients(design_echo(s, kFs));
    return p;
}

// A slot: a processor on one channel or a pair of a bank of channels.
struct Slot {
    std::unique_ptr<Processor> p;
    int first = 0;
    int channels = 1;
};

struct Bank {
    std::vector<std::vector<float>> input, work;
    std::vector<Slot> slots;
    explicit Bank(int channels)
        : input(static_cast<size_t>(channels), std::vector<float>(kFrames)), work(input) {
        std::mt19937 rng(1);
        std::normal_distribution<float> noise(0.0f, 0.2f);
        for (auto& c : input)
            for (auto& v : c)
                v = noise(rng);
    }
    void run() {
        for (size_t c = 0; c < input.size(); ++c)
            std::memcpy(work[c].data(), input[c].data(), sizeof(float) * kFrames);
        for (auto& s : slots) {
            float* ptr[2] = {
                work[static_cast<size_t>(s.first)].data(),
                s.channels > 1 ? work[static_cast<size_t>(s.first + 1)].data() : nullptr};
            s.p->process({ptr, s.channels, kFrames});
        }
    }
};

void measure(benchmark::State& state, Bank& bank, int processed_channels) {
    phantom::rt::DenormalGuard denormals;  // as in Engine::process()
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    for (auto _ : state) {
        bank.run();
        benchmark::ClobberMemory();
    }
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double pct = 100.0 * elapsed_s / (static_cast<double>(state.iterations()) * kBudgetS);
    state.counters["budget_pct"] = pct;
    state.counters["per_channel_pct"] = pct / processed_channels;
}

struct One {
    const char* name;
    std::function<std::unique_ptr<Processor>()> make;
    int channels;
};

const One kOnes[] = {
    {"low_cut_24dB", [] { return low_cut(); }, 1},
    {"parametric_eq_4band", [] { return parametric_eq(); }, 1},
    {"room_eq_12band", [] { return room_eq(); }, 1},
    {"compressor", [] { return compressor(); }, 1},
    {"compressor_linked_pair", [] { return compressor(); }, 2},
    {"expander_gate", [] { return expander(); }, 1},
    {"stereo_width_pair", [] { return width(); }, 2},
    {"alignment_delay", [] { return alignment(); }, 1},
    {"limiter_pair", [] { return limiter(); }, 2},
    {"reverb_pair", [] { return reverb(); }, 2},
    {"echo_pair", [] { return echo(); }, 2},
};

void BM_Processor(benchmark::State& state, const One& one) {
    Bank bank(one.channels);
    bank.slots.push_back({one.make(), 0, one.channels});
    measure(state, bank, one.channels);
}

// Channels 0–7 the analog inputs, 8–9 and 10–11 the two headphone mixes (reverb returns),
// 12–13 main; "everything" adds 14–15 an echo bus.
void BM_Scenario(benchmark::State& state, bool everything) {
    Bank bank(everything ? 16 : 14);
    for (int c = 0; c < 8; ++c) {
        bank.slots.push_back({low_cut(), c, 1});
        bank.slots.push_back({parametric_eq(), c, 1});
        bank.slots.push_back({compressor(), c, 1});
        if (everything) bank.slots.push_back({expander(), c, 1});
    }
    bank.slots.push_back({reverb(), 8, 2});
    bank.slots.push_back({reverb(), 10, 2});
    bank.slots.push_back({room_eq(), 12, 2});
    if (everything) {
        bank.slots.push_back({echo(), 14, 2});
        bank.slots.push_back({alignment(), 12, 2});
        bank.slots.push_back({limiter(), 8, 2});
        bank.slots.push_back({limiter(), 10, 2});
    }
    measure(state, bank, 1);
}

int register_all() {
    for (const auto& one : kOnes)
        benchmark::RegisterBenchmark((std::string("BM_Processor/") + one.name).c_str(),
                                     BM_Processor, one);
    benchmark::RegisterBenchmark("BM_Scenario/issue16", BM_Scenario, false);
    benchmark::RegisterBenchmark("BM_Scenario/everything", BM_Scenario, true);
    return 0;
}
const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
