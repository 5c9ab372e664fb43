// The FX buses (engine/fx_bus.hpp) through the real Interface: an impulse through a submix's
// echo arrives exactly its time later at exactly its send level (the level computed here from
// the dB, the time from the rate); a post-fader send follows the fader and the mute, a
// pre-fader send neither; the reverb's RT60 measured from the output by Schroeder
// integration; an FX nobody hears costs nothing (bit for bit the render without FX); an FX
// added on hp2 leaves hp1's samples alone; a settings change is no plan; a NaN into a source
// never reaches an FX.
#include <gtest/gtest.h>

#include <cmath>

#include "rig.hpp"
#include "schroeder.hpp"

namespace phantom::test {
namespace {

double db(double x) {
    return std::pow(10.0, x / 20.0);
}

// studio-8x8 with its inputs as on JACK: the test writes in1's samples block by block, in
// blocks of `block` frames (0: random sizes up to 256).
class FxRig {
  public:
    FxRig(std::uint32_t rate, int block) : rig("studio-8x8", rate, 256), block_(block) {
        rig.host_ports();
    }
    void play(const std::vector<float>& x, std::uint32_t seed = 3) {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<int> size(1, 256);
        for (size_t at = 0; at < x.size();) {
            const auto want = static_cast<size_t>(block_ > 0 ? block_ : size(rng));
            const size_t n = std::min(want, x.size() - at);
            std::copy(x.begin() + static_cast<long>(at), x.begin() + static_cast<long>(at + n),
                      rig.hw_in(0).begin());
            rig.block(static_cast<int>(n));
            at += n;
        }
    }
    Rig rig;

  private:
    int block_;
};

constexpr float kClick = 0.5f;  // below the converter's clip

std::vector<float> click(size_t frames, size_t at = 0) {
    std::vector<float> x(frames, 0.0f);
    x[at] = kClick;
    return x;
}

class FxEcho : public testing::TestWithParam<Setup> {};

// Feedback 0, high cut off: one repeat, an exact copy. in1 hard left into hp1 at 0 dB, send
// -6 dB, return 0 dB: the dry click at frame 100 on the left, the echo exactly
// round(time × rate) frames later at 10^(-6/20) of it, and nothing else anywhere.
TEST_P(FxEcho, AClickComesBackExactlyItsTimeLaterAtItsSendLevel) {
    const auto [rate, block] = GetParam();
    FxRig r(rate, block);
    r.rig.set("/mix/hp1/in1/gain", "0");
    r.rig.set("/mix/hp1/in1/pan", "-1");
    r.rig.set("/mix/hp1/in1/echo", "-6");
    r.rig.set("/output/hp1/echo_return", "0");
    r.rig.set("/fx/echo/time", "123.4");
    r.rig.set("/fx/echo/feedback", "0");
    r.rig.set("/fx/echo/highcut_on", "off");
    r.rig.start();
    const auto delay = static_cast<size_t>(std::lround(0.1234 * rate));
    r.play(click(delay + 2000, 100));
    const auto& left = r.rig.out("hp1.L");
    const auto& right = r.rig.out("hp1.R");
    const auto echo = static_cast<float>(kClick * db(-6.0));
    for (size_t i = 0; i < left.size(); ++i) {
        const float want = i == 100 ? kClick : i == 100 + delay ? echo : 0.0f;
        ASSERT_NEAR(left[i], want, 1e-7f * kClick) << "frame " << i << " at " << rate << " Hz";
        ASSERT_EQ(right[i], 0.0f) << "frame " << i;
    }
    EXPECT_NE(r.rig.iface().fx().echo[static_cast<size_t>(r.rig.iface().layout().bus_index("hp1"))],
              nullptr);
}

INSTANTIATE_TEST_SUITE_P(Setups, FxEcho,
                         testing::Values(Setup{48000, 256}, Setup{44100, 64}, Setup{48000, 0},
                                         Setup{96000, 253}),
                         setup_name);

// The echo's level at its repeat, for one crosspoint setting.
float echo_level(const std::vector<std::pair<std::string, std::string>>& settings) {
    FxRig r(48000, 256);
    r.rig.set("/mix/hp1/in1/pan", "-1");
    r.rig.set("/mix/hp1/in1/echo", "0");
    r.rig.set("/output/hp1/echo_return", "0");
    r.rig.set("/fx/echo/time", "10");  // 480 frames
    r.rig.set("/fx/echo/feedback", "0");
    r.rig.set("/fx/echo/highcut_on", "off");
    for (const auto& [path, value] : settings)
        r.rig.set(path, value);
    r.rig.start();
    r.play(click(2048));
    return r.rig.out("hp1.L")[480];
}

TEST(FxSends, PostFollowsTheFaderAndTheMutePreNeither) {
    const auto post_0 = echo_level({{"/mix/hp1/in1/gain", "0"}});
    EXPECT_FLOAT_EQ(post_0, kClick);
    const auto post_10 = echo_level({{"/mix/hp1/in1/gain", "-10"}});
    EXPECT_NEAR(post_10, kClick * db(-10.0), 1e-7);
    const auto post_muted = echo_level({{"/mix/hp1/in1/gain", "0"}, {"/mix/hp1/in1/mute", "on"}});
    EXPECT_EQ(post_muted, 0.0f);
    const auto pre_10 = echo_level({{"/mix/hp1/in1/gain", "-10"}, {"/output/hp1/echo_pre", "on"}});
    EXPECT_FLOAT_EQ(pre_10, kClick);
    const auto pre_off = echo_level({{"/output/hp1/echo_pre", "on"}});  // fader at -inf
    EXPECT_FLOAT_EQ(pre_off, kClick);
    const auto pre_muted = echo_level(
        {{"/mix/hp1/in1/gain", "0"}, {"/mix/hp1/in1/mute", "on"}, {"/output/hp1/echo_pre", "on"}});
    EXPECT_FLOAT_EQ(pre_muted, kClick);
    // The send and the return multiply: -3 dB and -4.5 dB make -7.5 dB.
    const auto both = echo_level({{"/mix/hp1/in1/gain", "0"},
                                  {"/mix/hp1/in1/echo", "-3"},
                                  {"/output/hp1/echo_return", "-4.5"}});
    EXPECT_NEAR(both, kClick * db(-7.5), 1e-7);
}

// A click into hp2's reverb through a pre-fader send (the dry fader at -inf, so the output
// holds the reverb alone): the decay measured at the output is the one set.
TEST(FxReverb, TheDecayMeasuredAtTheOutputIsTheOneSet) {
    for (const double decay : {0.8, 2.0}) {
        FxRig r(48000, 128);
        r.rig.set("/mix/hp2/in1/reverb", "0");
        r.rig.set("/output/hp2/reverb_pre", "on");
        r.rig.set("/output/hp2/reverb_return", "0");
        r.rig.set("/fx/reverb/decay", std::to_string(decay));
        r.rig.set("/fx/reverb/damping", "0");
        r.rig.start();
        r.play(click(static_cast<size_t>((1.5 * decay + 0.5) * 48000)));
        const auto& l = r.rig.out("hp2.L");
        const auto& rr = r.rig.out("hp2.R");
        std::vector<double> e(l.size());
        for (size_t i = 0; i < l.size(); ++i)
            e[i] = static_cast<double>(l[i]) * l[i] + static_cast<double>(rr[i]) * rr[i];
        EXPECT_NEAR(schroeder_rt60_s(e, 48000), decay, 0.15 * decay) << "decay " << decay;
        EXPECT_EQ(peak(r.rig.out("hp1.L")), 0.0f);  // hp1's mix has no reverb
    }
}

// Sends up but the return at -inf, or the return up but every send at -inf: bit for bit the
// render without any FX. No FX is made for a return at -inf.
TEST(FxCost, AnFxNobodyHearsCostsNothing) {
    auto render = [](int variant) {
        Rig r("studio-8x8", 48000, 256);
        r.source("in1", "pink:-10dBFS");
        r.source("in2", "sine:1k:-10dBFS");
        r.set("/mix/main/in1/gain", "0");
        r.set("/mix/hp1/in2/gain", "-3");
        if (variant == 1) {
            r.set("/mix/main/in1/reverb", "0");
            r.set("/mix/hp1/in2/echo", "-6");
            r.set("/output/hp1/reverb_pre", "on");
            r.set("/mix/hp1/in1/reverb", "0");
            r.set("/fx/reverb/decay", "5");
        }
        if (variant == 2) {
            r.set("/output/main/reverb_return", "0");
            r.set("/output/hp1/echo_return", "0");
        }
        r.start();
        r.run(24000, 256);
        if (variant == 1) {
            for (const auto& fx : r.iface().fx().reverb)
                EXPECT_EQ(fx, nullptr);
        }
        std::vector<std::vector<float>> out{r.out("main.L"), r.out("main.R"), r.out("hp1.L"),
                                            r.out("hp1.R"), r.out("hp2.L")};
        // The sends of a mix whose return is at -inf are no crosspoints in the plan.
        out.push_back({static_cast<float>(r.iface().live_route_count())});
        return out;
    };
    const auto plain = render(0);
    EXPECT_EQ(render(1), plain);
    auto heard = render(2);
    heard.back() = plain.back();  // the return's FX has nothing to send: the same routes
    EXPECT_EQ(heard, plain);
}

// in1 into hp1 with hp1's reverb and echo; halfway hp2 gets its own reverb (a new FX, a new
// bank, a new plan). hp1's samples are bit for bit those of the render without it: hp1's FX
// kept their tails across the plan swap.
TEST(FxState, AnFxAddedOnHp2DoesNotChangeHp1) {
    auto render = [](bool add_hp2) {
        Rig r("studio-8x8", 48000, 256);
        r.source("in1", "pink:-10dBFS");
        r.set("/mix/hp1/in1/gain", "0");
        r.set("/mix/hp1/in1/reverb", "-6");
        r.set("/mix/hp1/in1/echo", "-10");
        r.set("/output/hp1/reverb_return", "0");
        r.set("/output/hp1/echo_return", "-3");
        r.set("/mix/hp2/in1/gain", "0");
        r.start();
        r.run(24000, 256);
        const std::uint64_t plan = r.iface().engine().plans().current()->id;
        if (add_hp2) {
            r.set("/mix/hp2/in1/reverb", "0");
            r.set("/output/hp2/reverb_return", "0");
            EXPECT_NE(r.iface().engine().plans().current()->id, plan) << "a new plan";
        }
        r.run(24000, 256);
        return std::make_pair(r.out("hp1.L"), r.out("hp2.L"));
    };
    const auto without = render(false);
    const auto with = render(true);
    EXPECT_EQ(with.first, without.first);
    EXPECT_NE(with.second, without.second);  // hp2's reverb is heard
}

// A change of the FX sound is no plan and no route generation, and keeps the FX object; a
// return at -inf drops the FX once it has ramped out, and a return up again makes a new one.
TEST(FxState, TheSoundTravelsWithoutAPlanAndAnUnusedFxIsDropped) {
    Rig r("studio-8x8", 48000, 256);
    r.source("in1", "pink:-10dBFS");
    r.set("/mix/hp1/in1/reverb", "0");
    r.set("/output/hp1/reverb_return", "0");
    r.start();
    r.run(4800, 256);
    const size_t hp1 = static_cast<size_t>(r.iface().layout().bus_index("hp1"));
    const auto fx = r.iface().fx().reverb[hp1];
    ASSERT_NE(fx, nullptr);
    const std::uint64_t plan = r.iface().engine().plans().current()->id;
    const std::uint64_t generation =
        r.iface().engine().targets().route_generation.load(std::memory_order_acquire);
    r.set("/fx/reverb/decay", "4");
    r.set("/fx/reverb/damping", "0.8");
    r.set("/fx/echo/time", "250");
    r.run(4800, 256);
    EXPECT_EQ(r.iface().engine().plans().current()->id, plan);
    EXPECT_EQ(r.iface().engine().targets().route_generation.load(std::memory_order_acquire),
              generation);
    EXPECT_EQ(r.iface().fx().reverb[hp1], fx);
    r.set("/output/hp1/reverb_return", "-inf");
    r.run(4800, 256);
    EXPECT_EQ(r.iface().fx().reverb[hp1], nullptr);
    r.clear_recordings();
    r.run(2400, 256);
    EXPECT_EQ(peak(r.out("hp1.L")), 0.0f);  // the dry fader is at -inf: nothing plays
    r.set("/output/hp1/reverb_return", "0");
    EXPECT_NE(r.iface().fx().reverb[hp1], nullptr);
    EXPECT_NE(r.iface().fx().reverb[hp1], fx);
}

// A return raised while a source plays, and the reverb's decay moved: no step larger than
// the signal's own steepest.
TEST(FxClicks, ReturnAndSendGlide) {
    FxRig r(48000, 64);
    r.rig.set("/mix/hp1/in1/pan", "-1");
    r.rig.set("/mix/hp1/in1/echo", "0");
    r.rig.set("/output/hp1/echo_pre", "on");
    r.rig.set("/fx/echo/time", "1");
    r.rig.set("/fx/echo/feedback", "0");
    r.rig.set("/fx/echo/highcut_on", "off");
    r.rig.start();
    std::vector<float> x(4800);
    for (size_t n = 0; n < x.size(); ++n)
        x[n] = static_cast<float>(0.5 * std::sin(2 * M_PI * 100.0 * n / 48000.0));
    r.play(x);
    r.rig.set("/output/hp1/echo_return", "0");  // from -inf: ramped in
    r.play(x);
    r.rig.set("/mix/hp1/in1/echo", "-20");  // a send step of 20 dB: ramped
    r.play(x);
    const auto& y = r.rig.out("hp1.L");
    // The sine's own steepest step, plus what two 5 ms glides of its full level (the send's
    // and the return's, which run together as the return comes up) add per frame; a return or
    // a send that stepped would jump by up to the sine's level (0.5).
    const double steepest = 0.5 * 2 * M_PI * 100.0 / 48000.0 + 2 * 0.5 / 240.0;
    for (size_t i = 1; i < y.size(); ++i)
        ASSERT_LE(std::abs(y[i] - y[i - 1]), 1.05 * steepest) << "frame " << i;
    EXPECT_GT(peak(y, 4800 + 480), 0.4f);
}

// A NaN and an Inf into in1 while it feeds hp1's reverb and echo: nothing but finite samples
// leave hp1, and the FX play on once the input is finite again.
TEST(FxSafety, ANanIntoASourceWithSendsNeverReachesTheFx) {
    FxRig r(48000, 64);
    r.rig.set("/mix/hp1/in1/gain", "0");
    for (const char* fx : {"reverb", "echo"}) {
        r.rig.set(std::string("/mix/hp1/in1/") + fx, "0");
        r.rig.set(std::string("/output/hp1/") + fx + "_return", "0");
    }
    r.rig.start();
    std::vector<float> x(48000);
    for (size_t n = 0; n < x.size(); ++n)
        x[n] = static_cast<float>(0.3 * std::sin(2 * M_PI * 440.0 * n / 48000.0));
    x[6000] = std::nanf("");
    x[12000] = INFINITY;
    r.play(x);
    for (const char* ch : {"hp1.L", "hp1.R"}) {
        const auto& y = r.rig.out(ch);
        for (size_t i = 0; i < y.size(); ++i)
            ASSERT_TRUE(std::isfinite(y[i])) << ch << " frame " << i;
        EXPECT_GT(peak(y, y.size() - 4800), 0.1f) << ch << ": plays on after the faults";
    }
    EXPECT_GT(r.rig.iface().fault_count(), 0u);  // in1's, caught at the input
    for (const auto& w : r.rig.iface().warnings())
        EXPECT_NE(w.rfind("hp1:", 0), 0u) << "no output fault: the FX never saw the NaN: " << w;
}

}  // namespace
}  // namespace phantom::test
