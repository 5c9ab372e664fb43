// Every built-in processor, the same three checks (issue 16 §5, reliability.md §1 and §3):
// - process() neither allocates nor locks nor enters the kernel, with new coefficients handed
//   over between blocks (alloc_guard.hpp);
// - a block with a NaN or an Inf does not poison the state: the block comes out silent and the
//   blocks after it are finite (and, for the time-invariant processors, equal to what a fresh
//   processor gives);
// - a decaying tail never produces a subnormal sample, on a thread without FTZ/DAZ.
#include <gtest/gtest.h>

#include <cfenv>
#include <functional>
#include <limits>
#include <memory>
#include <random>

#include "alloc_guard.hpp"
#include "phantom/dsp/alignment_delay.hpp"
#include "phantom/dsp/compressor.hpp"
#include "phantom/dsp/echo.hpp"
#include "phantom/dsp/equalizer.hpp"
#include "phantom/dsp/expander.hpp"
#include "phantom/dsp/limiter.hpp"
#include "phantom/dsp/low_cut.hpp"
#include "phantom/dsp/reverb.hpp"
#include "phantom/dsp/stereo_width.hpp"
#include "processor_harness.hpp"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace phantom::test {
namespace {

constexpr double kFs = 48000;
constexpr int kBlock = 64;

struct Case {
    const char* name;
    // Makes a prepared processor; `variant` 0/1 picks one of two settings (to hand over).
    std::function<std::unique_ptr<dsp::Processor>()> make;
    std::function<void(dsp::Processor&, int variant)> configure;
};

template <typename P>
P& as(dsp::Processor& p) {
    return static_cast<P&>(p);
}

std::vector<Case> cases() {
    std::vector<Case> c;
    c.push_back({"low_cut", [] { return std::make_unique<dsp::BiquadChain>(); },
                 [](dsp::Processor& p, int v) {
                     as<dsp::BiquadChain>(p).set_coefficients(dsp::design_low_cut(
                         {true, v ? 300.0 : 80.0, dsp::LowCutSlope::k18DbPerOctave}, kFs));
                 }});
    c.push_back({"parametric_eq", [] { return std::make_unique<dsp::BiquadChain>(); },
                 [](dsp::Processor& p, int v) {
                     dsp::ParametricEqSettings s;
                     s.enabled = true;
                     s.bands[0] = {true, dsp::EqBandType::kBell, 90.0, v ? 6.0 : -3.0, 1.0};
                     s.bands[1] = {true, dsp::EqBandType::kBell, 500.0, 4.0, 2.0};
                     s.bands[2] = {true, dsp::EqBandType::kBell, 3000.0, -5.0, 1.0};
                     s.bands[3] = {true, dsp::EqBandType::kBell, 16000.0, 3.0, 0.7};
                     as<dsp::BiquadChain>(p).set_coefficients(dsp::design_parametric_eq(s, kFs));
                 }});
    c.push_back({"room_eq", [] { return std::make_unique<dsp::BiquadChain>(); },
                 [](dsp::Processor& p, int v) {
                     dsp::RoomEqSettings s;
                     s.enabled = true;
                     for (size_t b = 0; b < dsp::kRoomEqBands; ++b)
                         s.bands[b] = {true, dsp::EqBandType::kBell, 40.0 * std::pow(1.7, b),
                                       v ? 2.0 : -2.0, 3.0};
                     as<dsp::BiquadChain>(p).set_coefficients(dsp::design_room_eq(s, kFs));
                 }});
    c.push_back({"compressor", [] { return std::make_unique<dsp::Compressor>(); },
                 [](dsp::Processor& p, int v) {
                     dsp::CompressorSettings s;
                     s.enabled = true;
                     s.threshold_db = v ? -30 : -18;
                     s.makeup_db = 3;
                     as<dsp::Compressor>(p).set_coefficients(dsp::design_compressor(s, kFs));
                 }});
    c.push_back({"expander", [] { return std::make_unique<dsp::Expander>(); },
                 [](dsp::Processor& p, int v) {
                     dsp::ExpanderSettings s;
                     s.enabled = true;
                     s.threshold_db = v ? -20 : -40;
                     as<dsp::Expander>(p).set_coefficients(dsp::design_expander(s, kFs));
                 }});
    c.push_back({"stereo_width", [] { return std::make_unique<dsp::StereoWidth>(); },
                 [](dsp::Processor& p, int v) {
                     as<dsp::StereoWidth>(p).set_coefficients(
                         dsp::design_stereo_width({v == 1, v ? 1.5 : 0.5, false}));
                 }});
    c.push_back({"alignment_delay", [] { return std::make_unique<dsp::AlignmentDelay>(); },
                 [](dsp::Processor& p, int v) {
                     as<dsp::AlignmentDelay>(p).set_coefficients(
                         dsp::design_alignment_delay({v ? 12.0 : 3.0}, kFs));
                 }});
    c.push_back({"limiter", [] { return std::make_unique<dsp::Limiter>(); },
                 [](dsp::Processor& p, int v) {
                     as<dsp::Limiter>(p).set_coefficients(
                         dsp::design_limiter({true, v ? -6.0 : -1.0, 80.0}, kFs));
                 }});
    c.push_back({"reverb", [] { return std::make_unique<dsp::Reverb>(); },
                 [](dsp::Processor& p, int v) {
                     dsp::ReverbSettings s;
                     s.decay_s = 0.3;
                     s.room_size = v ? 0.8 : 0.3;
                     s.damping = 0.5;
                     as<dsp::Reverb>(p).set_coefficients(dsp::design_reverb(s, kFs));
                 }});
    c.push_back({"echo", [] { return std::make_unique<dsp::Echo>(); },
                 [](dsp::Processor& p, int v) {
                     dsp::EchoSettings s;
                     s.time_ms = v ? 30 : 11;
                     s.feedback = 0.3;
                     s.ping_pong = v == 1;
                     as<dsp::Echo>(p).set_coefficients(dsp::design_echo(s, kFs));
                 }});
    return c;
}

std::unique_ptr<dsp::Processor> prepared(const Case& c, int variant) {
    auto p = c.make();
    p->prepare(kFs, kBlock);
    c.configure(*p, variant);
    p->reset();
    return p;
}

struct Stereo {
    std::vector<Signal> ch;
    explicit Stereo(size_t frames) : ch(2, Signal(frames, 0.0f)) {}
    void noise(std::mt19937& rng, float sigma) {
        std::normal_distribution<float> n(0.0f, sigma);
        for (auto& c : ch)
            for (auto& v : c)
                v = n(rng);
    }
};

void process_block(dsp::Processor& p, std::vector<Signal>& ch, size_t start) {
    float* ptr[2] = {ch[0].data() + start, ch[1].data() + start};
    p.process({ptr, 2, kBlock});
}

TEST(ProcessorSafety, ProcessNeverAllocatesOrBlocks) {
    for (const auto& c : cases()) {
        auto p = prepared(c, 0);
        std::mt19937 rng(1);
        Stereo s(kBlock * 400);
        s.noise(rng, 0.5f);
        AllocationGuard::reset();
        for (size_t b = 0; b < 400; ++b) {
            // Settings change now and then: the coefficient hand-over is on the audio side too.
            if (b % 40 == 20) c.configure(*p, static_cast<int>((b / 40) % 2));
            AllocationGuard guard;
            process_block(*p, s.ch, b * kBlock);
        }
        const auto counts = AllocationGuard::counts();
        if (PHANTOM_ALLOC_GUARD) {
            EXPECT_EQ(counts.allocations, 0u) << c.name;
            EXPECT_EQ(counts.frees, 0u) << c.name;
            EXPECT_EQ(counts.blocking_calls, 0u) << c.name << ": " << counts.first_blocking_call;
        }
    }
}

bool all_finite(const std::vector<Signal>& ch, size_t from, size_t to) {
    for (const auto& c : ch)
        for (size_t i = from; i < to; ++i)
            if (!std::isfinite(c[i])) return false;
    return true;
}

TEST(ProcessorSafety, NanOrInfDoesNotPoisonTheState) {
    for (float bad : {NAN, INFINITY, -INFINITY})
        for (const auto& c : cases()) {
            auto p = prepared(c, 0);
            std::mt19937 rng(2);
            const size_t blocks = 200, hit = 50;
            Stereo s(kBlock * blocks);
            s.noise(rng, 0.5f);
            s.ch[1][hit * kBlock + 17] = bad;
            const std::vector<Signal> input = s.ch;
            for (size_t b = 0; b < blocks; ++b)
                process_block(*p, s.ch, b * kBlock);
            EXPECT_TRUE(all_finite(s.ch, 0, s.ch[0].size())) << c.name;
            for (const auto& ch : s.ch)
                for (size_t i = hit * kBlock; i < (hit + 1) * kBlock; ++i)
                    ASSERT_EQ(ch[i], 0.0f) << c.name << " frame " << i;
            // After the bad block the processor is as new: the rest equals a fresh processor's
            // output on the rest of the input.
            auto fresh = prepared(c, 0);
            std::vector<Signal> rest = input;
            for (size_t b = hit + 1; b < blocks; ++b)
                process_block(*fresh, rest, b * kBlock);
            for (size_t k = 0; k < 2; ++k)
                for (size_t i = (hit + 1) * kBlock; i < blocks * kBlock; ++i)
                    ASSERT_EQ(s.ch[k][i], rest[k][i]) << c.name << " frame " << i;
        }
}

// The block size is the host's business: random blocks of 1 … 256 frames give the same samples,
// to the bit, as blocks of 64 (a settings change handed over at the same frame in both).
TEST(ProcessorSafety, OutputDoesNotDependOnTheBlockSize) {
    const unsigned seed = 20261201;
    for (const auto& c : cases()) {
        std::mt19937 rng(seed);
        Stereo in(48000);
        in.noise(rng, 0.4f);
        auto render = [&](bool random_blocks) {
            auto p = c.make();
            p->prepare(kFs, 256);
            c.configure(*p, 0);
            p->reset();
            std::vector<Signal> ch = in.ch;
            std::mt19937 sizes(seed);
            std::uniform_int_distribution<int> pick(1, 256);
            size_t start = 0;
            bool changed = false;
            while (start < ch[0].size()) {
                int n = random_blocks ? pick(sizes) : kBlock;
                n = std::min(n, static_cast<int>(ch[0].size() - start));
                if (!changed && start + static_cast<size_t>(n) > 24000) {
                    n = static_cast<int>(24000 - start);  // both split at frame 24000
                    if (n == 0) {
                        c.configure(*p, 1);
                        changed = true;
                        continue;
                    }
                }
                float* ptr[2] = {ch[0].data() + start, ch[1].data() + start};
                p->process({ptr, 2, n});
                start += static_cast<size_t>(n);
            }
            return ch;
        };
        const auto a = render(false);
        const auto b = render(true);
        EXPECT_EQ(a, b) << c.name << " (seed " << seed << ")";
    }
}

// A NaN or an Inf in the settings (a bug upstream) must not reach the coefficients: every
// design clamps it to its range, and the processor's output stays finite.
TEST(ProcessorSafety, NonFiniteSettingsGiveFiniteCoefficients) {
    const double bad = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (double v : {bad, inf, -inf}) {
        std::vector<std::unique_ptr<dsp::Processor>> ps;
        auto chain = [&](const dsp::BiquadChainCoefficients& k) {
            auto p = std::make_unique<dsp::BiquadChain>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(k);
            ps.push_back(std::move(p));
        };
        chain(dsp::design_low_cut({true, v, dsp::LowCutSlope::k24DbPerOctave}, kFs));
        dsp::ParametricEqSettings eq;
        eq.enabled = true;
        eq.bands[1] = {true, dsp::EqBandType::kBell, v, v, v};
        chain(dsp::design_parametric_eq(eq, kFs));
        {
            auto p = std::make_unique<dsp::Compressor>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(dsp::design_compressor({true, v, v, v, v, v, v, true}, kFs));
            ps.push_back(std::move(p));
        }
        {
            auto p = std::make_unique<dsp::Expander>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(dsp::design_expander({true, v, v, v, v, v, v, v, true}, kFs));
            ps.push_back(std::move(p));
        }
        {
            auto p = std::make_unique<dsp::StereoWidth>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(dsp::design_stereo_width({false, v, false}));
            ps.push_back(std::move(p));
        }
        {
            auto p = std::make_unique<dsp::AlignmentDelay>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(dsp::design_alignment_delay({v}, kFs));
            ps.push_back(std::move(p));
        }
        {
            auto p = std::make_unique<dsp::Limiter>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(dsp::design_limiter({true, v, v}, kFs));
            ps.push_back(std::move(p));
        }
        {
            auto p = std::make_unique<dsp::Reverb>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(dsp::design_reverb({v, v, v, v, v}, kFs));
            ps.push_back(std::move(p));
        }
        {
            dsp::EchoSettings s{v, true, v, dsp::NoteValue::kQuarter, v, true, v, true};
            auto p = std::make_unique<dsp::Echo>();
            p->prepare(kFs, kBlock);
            p->set_coefficients(dsp::design_echo(s, kFs));
            ps.push_back(std::move(p));
        }
        for (auto& p : ps) {
            std::mt19937 rng(3);
            Stereo s(kBlock * 100);
            s.noise(rng, 0.5f);
            for (size_t b = 0; b < 100; ++b)
                process_block(*p, s.ch, b * kBlock);
            EXPECT_TRUE(all_finite(s.ch, 0, s.ch[0].size())) << "setting " << v;
        }
    }
}

bool subnormal(float x) {
    return std::fpclassify(x) == FP_SUBNORMAL;
}

// An impulse, then 12 s of silence with FTZ/DAZ off: the tails decay through the range where
// float goes subnormal (below 1e-38, −760 dB), and no output sample may be subnormal.
TEST(ProcessorSafety, DecayingTailsNeverGoSubnormal) {
#if defined(__SSE__) || defined(__x86_64__)
    const unsigned saved = _mm_getcsr();
    _mm_setcsr(saved & ~0x8040u);
#endif
    for (const auto& c : cases()) {
        auto p = prepared(c, 0);
        const size_t blocks = static_cast<size_t>(12 * kFs / kBlock);
        std::vector<Signal> ch(2, Signal(kBlock, 0.0f));
        size_t found = 0;
        for (size_t b = 0; b < blocks; ++b) {
            std::fill(ch[0].begin(), ch[0].end(), 0.0f);
            std::fill(ch[1].begin(), ch[1].end(), 0.0f);
            if (b == 0) ch[0][0] = ch[1][0] = 1.0f;
            process_block(*p, ch, 0);
            for (const auto& x : ch)
                for (float v : x)
                    found += subnormal(v);
        }
        EXPECT_EQ(found, 0u) << c.name;
    }
#if defined(__SSE__) || defined(__x86_64__)
    _mm_setcsr(saved);
#endif
}

TEST(ProcessorSafety, LatencyIsReportedAndOnlyTheLimiterHasAny) {
    for (const auto& c : cases()) {
        auto p = prepared(c, 0);
        EXPECT_EQ(p->latency_frames(), std::string(c.name) == "limiter" ? 72 : 0) << c.name;
    }
}

}  // namespace
}  // namespace phantom::test
