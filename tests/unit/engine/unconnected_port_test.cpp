// A null channel in BlockIo is a JACK port nothing is connected to, which the backend no longer
// asks JACK for: an input must sound exactly like a port of zeros without being read, an output
// must not be written, and every other channel must be unchanged.
#include <gtest/gtest.h>

#include <memory>

#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

constexpr int kBlock = 64;
constexpr int kBlocks = 30;
constexpr size_t kIn5 = 4, kIn6 = 5;  // hardware sources, device order
constexpr size_t kPb1 = 0;            // playback channel

// in5 and pb1 into main, in6 (noise) into line3. `unplugged` takes in5, pb1 and line3's port
// away (null); otherwise in5 and pb1 are ports that carry zeros.
std::unique_ptr<Rig> render(bool unplugged) {
    auto rig = std::make_unique<Rig>("studio-8x8", 48000, kBlock);
    rig->set("/mix/main/in5/gain", "0");
    rig->set("/mix/main/pb1/gain", "0");
    rig->set("/mix/line3/in6/gain", "0");
    rig->host_ports();
    if (unplugged) {
        rig->unplug_hw_in(kIn5);
        rig->unplug_playback(kPb1);
        rig->unplug_out("line3", 7.0f);  // must survive every block
    }
    rig->start();
    const auto in6 = noise(kBlock * kBlocks, 6);
    for (int k = 0; k < kBlocks; ++k) {
        std::copy_n(in6.begin() + k * kBlock, kBlock, rig->hw_in(kIn6).begin());
        rig->block(kBlock);
    }
    return rig;
}

TEST(UnconnectedPort, AnInputWithNothingConnectedSoundsLikeSilence) {
    const auto zeros = render(false);
    const auto unplugged = render(true);
    EXPECT_EQ(unplugged->out("main.L"), zeros->out("main.L"));
    EXPECT_EQ(unplugged->cap("in5"), zeros->cap("in5"));  // its capture channel: zeros
    for (float v : unplugged->cap("in5"))
        ASSERT_EQ(v, 0.0f);
    EXPECT_EQ(unplugged->iface().fault_count(), 0u);
}

TEST(UnconnectedPort, AnOutputWithNothingConnectedIsNotWrittenAndTheOthersAreUnchanged) {
    const auto zeros = render(false);
    const auto unplugged = render(true);
    for (float v : unplugged->out("line3"))
        ASSERT_EQ(v, 7.0f);
    // line3 carries in6 when its port is there: the test would prove nothing otherwise.
    EXPECT_GT(rms(zeros->out("line3")), 0.0);
    for (const auto& name : zeros->output_names()) {
        if (name != "line3") {
            EXPECT_EQ(unplugged->out(name), zeros->out(name)) << "output " << name;
        }
    }
    for (const auto& name : zeros->capture_names())
        EXPECT_EQ(unplugged->cap(name), zeros->cap(name)) << "capture " << name;
}

}  // namespace
}  // namespace phantom::test
