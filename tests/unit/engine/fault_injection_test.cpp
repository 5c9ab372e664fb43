// reliability.md §8 test 9: NaN, Inf, 1e30 and a denormal injected on one input for one block.
// That channel is silent for at most that block and recovers; no NaN, Inf or subnormal reaches
// any output; every other channel is bit-exact against a clean run; the fault is reported once.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

constexpr int kBlock = 64;
constexpr int kBlocks = 40;
constexpr int kFaultBlock = 10;

struct Rendered {
    std::vector<std::vector<float>> outputs;  // per output channel, whole render
    std::vector<std::vector<float>> capture;
    std::uint64_t faults = 0;
    size_t fault_warnings = 0;
};

// Hardware inputs come in through BlockIo::hw_inputs, as on real hardware: in5 carries a sine
// (into main and line3), in6 noise (into line4). The fault, if any, is on in5.
Rendered render(float fault_value, bool inject) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, kBlock);
    iface.set_text("/mix/main/in5/gain", "0");
    iface.set_text("/mix/line3/in5/gain", "-3");
    iface.set_text("/mix/line4/in6/gain", "0");
    const size_t hw = iface.hardware_input_count();
    std::vector<std::vector<float>> in(hw, std::vector<float>(kBlock, 0.0f));
    std::vector<const float*> in_ptr;
    for (auto& b : in)
        in_ptr.push_back(b.data());
    std::vector<std::vector<float>> out(iface.output_channel_count(), std::vector<float>(kBlock));
    std::vector<std::vector<float>> cap(iface.capture_channel_count(), std::vector<float>(kBlock));
    std::vector<float*> out_ptr, cap_ptr;
    for (auto& b : out)
        out_ptr.push_back(b.data());
    for (auto& b : cap)
        cap_ptr.push_back(b.data());
    engine::BlockIo io{kBlock, in_ptr.data(), nullptr, cap_ptr.data(), out_ptr.data()};
    iface.start();
    Rendered run;
    run.outputs.resize(out.size());
    run.capture.resize(cap.size());
    const auto noise_in6 = noise(kBlock * kBlocks, 6);
    for (int k = 0; k < kBlocks; ++k) {
        for (int i = 0; i < kBlock; ++i) {
            const int n = k * kBlock + i;
            in[4][static_cast<size_t>(i)] =
                0.5f * static_cast<float>(std::sin(2 * M_PI * 1000 * n / 48000.0));
            in[5][static_cast<size_t>(i)] = noise_in6[static_cast<size_t>(n)];
        }
        if (inject && k == kFaultBlock) in[4][17] = fault_value;
        iface.process(io);
        iface.maintain();
        for (size_t c = 0; c < out.size(); ++c)
            run.outputs[c].insert(run.outputs[c].end(), out[c].begin(), out[c].end());
        for (size_t c = 0; c < cap.size(); ++c)
            run.capture[c].insert(run.capture[c].end(), cap[c].begin(), cap[c].end());
    }
    run.faults = iface.fault_count();
    for (const auto& w : iface.warnings())
        run.fault_warnings += w.find("NaN, Inf") != std::string::npos;
    return run;
}

class FaultInjection : public testing::TestWithParam<float> {};

TEST_P(FaultInjection, OneBadBlockStaysOnItsChannel) {
    const float bad = GetParam();
    const bool is_fault = !std::isfinite(bad) || std::fabs(bad) > 1e4f;
    Rendered clean = render(0.0f, false);
    Rendered hit = render(bad, true);
    // Outputs: finite, never subnormal.
    for (const auto& ch : hit.outputs)
        for (float v : ch) {
            ASSERT_TRUE(std::isfinite(v));
            ASSERT_TRUE(v == 0.0f || std::fpclassify(v) == FP_NORMAL) << v;
        }
    // main.L is channel 0, line3 channel 4, line4 channel 5 (studio-8x8 output order).
    const size_t fault_from = kFaultBlock * kBlock, fault_to = fault_from + kBlock;
    for (size_t ch : {size_t{0}, size_t{1}, size_t{4}}) {
        for (size_t i = 0; i < clean.outputs[ch].size(); ++i) {
            if (i >= fault_from && i < fault_to) {
                if (is_fault) {
                    ASSERT_EQ(hit.outputs[ch][i], 0.0f) << "silent during the faulty block";
                }
            } else {
                ASSERT_EQ(hit.outputs[ch][i], clean.outputs[ch][i])
                    << "channel " << ch << " frame " << i;
            }
        }
    }
    EXPECT_EQ(hit.outputs[5], clean.outputs[5]);  // line4 from in6: bit-exact throughout
    EXPECT_EQ(hit.capture[5], clean.capture[5]);
    EXPECT_EQ(hit.faults, is_fault ? 1u : 0u);
    EXPECT_EQ(hit.fault_warnings, is_fault ? 1u : 0u);
}

const float kBadValues[] = {std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), 1e30f, 1e-40f};

std::string bad_value_name(const testing::TestParamInfo<float>& p) {
    const char* names[] = {"NaN", "PlusInf", "MinusInf", "Huge", "Denormal"};
    return names[p.index];
}

INSTANTIATE_TEST_SUITE_P(Values, FaultInjection, testing::ValuesIn(kBadValues), bad_value_name);

}  // namespace
}  // namespace phantom::test
