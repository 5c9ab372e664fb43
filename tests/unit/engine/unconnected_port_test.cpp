// A null channel in BlockIo is a JACK port nothing is connected to, which the backend no longer
// asks JACK for: an input must sound exactly like a port of zeros without being read, an output
// must not be written, and every other channel must be unchanged.
#include <gtest/gtest.h>

#include <cmath>

#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

constexpr int kBlock = 64;
constexpr int kBlocks = 30;
constexpr size_t kIn5 = 4, kIn6 = 5;      // hardware sources, device order
constexpr size_t kPb1 = 0;                // playback channel
constexpr size_t kMainL = 0, kLine3 = 4;  // output channels, device order

struct Rendered {
    std::vector<std::vector<float>> outputs, capture;
    std::uint64_t faults = 0;
};

// in5 and pb1 into main, in6 into line3. `unplugged` takes in5, pb1 and line3's port away
// (null); otherwise in5 and pb1 are ports that carry zeros.
Rendered render(bool unplugged) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, kBlock);
    iface.set_text("/mix/main/in5/gain", "0");
    iface.set_text("/mix/main/pb1/gain", "0");
    iface.set_text("/mix/line3/in6/gain", "0");
    const auto in6 = noise(kBlock * kBlocks, 6);
    std::vector<std::vector<float>> hw(iface.hardware_input_count(), std::vector<float>(kBlock));
    std::vector<std::vector<float>> pb(iface.playback_channel_count(), std::vector<float>(kBlock));
    std::vector<std::vector<float>> out(iface.output_channel_count(), std::vector<float>(kBlock));
    std::vector<std::vector<float>> cap(iface.capture_channel_count(), std::vector<float>(kBlock));
    std::vector<const float*> hw_ptr, pb_ptr;
    std::vector<float*> out_ptr, cap_ptr;
    for (auto& b : hw)
        hw_ptr.push_back(b.data());
    for (auto& b : pb)
        pb_ptr.push_back(b.data());
    for (auto& b : out)
        out_ptr.push_back(b.data());
    for (auto& b : cap)
        cap_ptr.push_back(b.data());
    if (unplugged) {
        hw_ptr[kIn5] = nullptr;
        pb_ptr[kPb1] = nullptr;
        out_ptr[kLine3] = nullptr;
    }
    engine::BlockIo io{kBlock, hw_ptr.data(), pb_ptr.data(), cap_ptr.data(), out_ptr.data()};
    iface.start();
    Rendered run;
    run.outputs.resize(out.size());
    run.capture.resize(cap.size());
    for (int k = 0; k < kBlocks; ++k) {
        std::copy_n(in6.begin() + k * kBlock, kBlock, hw[kIn6].begin());
        std::fill(out[kLine3].begin(), out[kLine3].end(), 7.0f);  // must survive if unplugged
        iface.process(io);
        iface.maintain();
        for (size_t c = 0; c < out.size(); ++c)
            run.outputs[c].insert(run.outputs[c].end(), out[c].begin(), out[c].end());
        for (size_t c = 0; c < cap.size(); ++c)
            run.capture[c].insert(run.capture[c].end(), cap[c].begin(), cap[c].end());
    }
    run.faults = iface.fault_count();
    return run;
}

TEST(UnconnectedPort, AnInputWithNothingConnectedSoundsLikeSilence) {
    const Rendered zeros = render(false);
    const Rendered unplugged = render(true);
    EXPECT_EQ(unplugged.outputs[kMainL], zeros.outputs[kMainL]);
    EXPECT_EQ(unplugged.capture[kIn5], zeros.capture[kIn5]);  // its capture channel: zeros
    for (float v : unplugged.capture[kIn5])
        ASSERT_EQ(v, 0.0f);
    EXPECT_EQ(unplugged.faults, 0u);
}

TEST(UnconnectedPort, AnOutputWithNothingConnectedIsNotWrittenAndTheOthersAreUnchanged) {
    const Rendered zeros = render(false);
    const Rendered unplugged = render(true);
    for (float v : unplugged.outputs[kLine3])
        ASSERT_EQ(v, 7.0f);
    // line3 carries in6 when its port is there: the test would prove nothing otherwise.
    double energy = 0;
    for (float v : zeros.outputs[kLine3])
        energy += static_cast<double>(v) * v;
    EXPECT_GT(energy, 0.0);
    for (size_t c = 0; c < zeros.outputs.size(); ++c) {
        if (c != kLine3) {
            EXPECT_EQ(unplugged.outputs[c], zeros.outputs[c]) << "output " << c;
        }
    }
    EXPECT_EQ(unplugged.capture, zeros.capture);
}

}  // namespace
}  // namespace phantom::test
