// The channel strips in the engine (engine/channel_strip.hpp), through the real Interface:
// responses measured from impulse responses against the analog prototypes of the RBJ and
// Butterworth forms (computed here, not with the design functions), the compressor's static
// gain against its formula, state kept across plan swaps, settings changes without a plan,
// bit-identical sound with every strip off, and the NaN guard.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>

#include "rig.hpp"

namespace phantom::test {
namespace {

using cd = std::complex<double>;

// The bilinear transform prewarped at f0 maps the digital frequency f to the analog prototype's
// normalised frequency tan(pi f / fs) / tan(pi f0 / fs): the RBJ cookbook forms and the
// Butterworth sections are exactly their prototypes there.
cd s_at(double f, double f0, double fs) {
    return {0.0, std::tan(M_PI * f / fs) / std::tan(M_PI * f0 / fs)};
}
double peaking(double f, double f0, double q, double gain_db, double fs) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const cd s = s_at(f, f0, fs);
    return std::abs((s * s + s * (a / q) + 1.0) / (s * s + s / (a * q) + 1.0));
}
double low_shelf(double f, double f0, double q, double gain_db, double fs) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const cd s = s_at(f, f0, fs);
    return std::abs(a * (s * s + s * (std::sqrt(a) / q) + a) /
                    (a * s * s + s * (std::sqrt(a) / q) + 1.0));
}
double high_shelf(double f, double f0, double q, double gain_db, double fs) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const cd s = s_at(f, f0, fs);
    return std::abs(a * (a * s * s + s * (std::sqrt(a) / q) + 1.0) /
                    (s * s + s * (std::sqrt(a) / q) + a));
}
// Butterworth high-pass of order n: |H|^2 = W^2n / (1 + W^2n).
double butterworth_highpass(double f, double fc, int order, double fs) {
    const double w = std::abs(s_at(f, fc, fs));
    const double w2n = std::pow(w, 2 * order);
    return std::sqrt(w2n / (1.0 + w2n));
}

// |DFT of h at f| (h is an impulse response of amplitude `scale`).
double measured(const std::vector<float>& h, double f, double fs, double scale) {
    cd sum = 0;
    for (size_t n = 0; n < h.size(); ++n)
        sum += static_cast<double>(h[n]) * std::polar(1.0, -2.0 * M_PI * f * n / fs);
    return std::abs(sum) / scale;
}

std::vector<double> log_frequencies(double from, double to, int count) {
    std::vector<double> f;
    for (int k = 0; k < count; ++k)
        f.push_back(from * std::pow(to / from, k / (count - 1.0)));
    return f;
}

// Hardware input `id` as on JACK: the test writes its samples block by block.
class HostRig {
  public:
    HostRig(std::uint32_t rate, int block) : rig(std::make_unique<Rig>("studio-8x8", rate, block)) {
        rig->host_ports();
        block_ = block;
    }
    void play(const std::string& id, const std::vector<float>& x) {
        const auto s = static_cast<size_t>(rig->iface().layout().source_index(id));
        for (size_t at = 0; at < x.size(); at += static_cast<size_t>(block_)) {
            const size_t n = std::min(static_cast<size_t>(block_), x.size() - at);
            std::copy(x.begin() + static_cast<long>(at), x.begin() + static_cast<long>(at + n),
                      rig->hw_in(s).begin());
            rig->block(static_cast<int>(n));
        }
    }
    std::unique_ptr<Rig> rig;

  private:
    int block_;
};

constexpr double kImpulse = 0.5;  // below the converter's clip

std::vector<float> impulse_response(HostRig& r, const std::string& id, size_t frames) {
    std::vector<float> x(frames, 0.0f);
    x[0] = static_cast<float>(kImpulse);
    r.play(id, x);
    return r.rig->cap(id);  // rec_fx: the capture carries the strip's output
}

class StripResponse : public testing::TestWithParam<std::uint32_t> {};

TEST_P(StripResponse, LowCutMatchesTheButterworthMagnitude) {
    const double fs = GetParam();
    struct Case {
        const char* slope;
        int order;
        double fc;
    };
    for (const Case c : {Case{"12", 2, 80.0}, Case{"18", 3, 120.0}, Case{"24", 4, 500.0}}) {
        HostRig r(GetParam(), 256);
        r.rig->set("/input/in5/lowcut/on", "on");
        r.rig->set("/input/in5/lowcut/freq", std::to_string(c.fc));
        r.rig->set("/input/in5/lowcut/slope", c.slope);
        r.rig->set("/input/in5/rec_fx", "on");
        r.rig->start();
        const auto h = impulse_response(r, "in5", 1 << 15);
        for (double f : log_frequencies(20.0, 20000.0, 31)) {
            const double want = butterworth_highpass(f, c.fc, c.order, fs);
            if (want < 1e-3) continue;  // below -60 dB a 0.05 dB tolerance means nothing
            EXPECT_NEAR(20 * std::log10(measured(h, f, fs, kImpulse)), 20 * std::log10(want), 0.05)
                << c.slope << " dB/oct at " << c.fc << " Hz, " << f << " Hz, " << fs << " Hz";
        }
    }
}

TEST_P(StripResponse, ParametricEqMatchesTheRbjMagnitudes) {
    const double fs = GetParam();
    HostRig r(GetParam(), 256);
    for (const auto& [path, value] :
         std::vector<std::pair<std::string, std::string>>{{"eq/on", "on"},
                                                          {"eq/low/freq", "100"},
                                                          {"eq/low/gain", "6"},
                                                          {"eq/low/q", "0.7071"},
                                                          {"eq/mid1/freq", "400"},
                                                          {"eq/mid1/gain", "-4.5"},
                                                          {"eq/mid1/q", "2"},
                                                          {"eq/mid2/freq", "2500"},
                                                          {"eq/mid2/gain", "3"},
                                                          {"eq/mid2/q", "1"},
                                                          {"eq/high/type", "bell"},
                                                          {"eq/high/freq", "8000"},
                                                          {"eq/high/gain", "-6"},
                                                          {"eq/high/q", "4"},
                                                          {"rec_fx", "on"}})
        r.rig->set("/input/in5/" + path, value);
    r.rig->start();
    // The three bells and the low shelf, with the high band a bell or a shelf.
    auto expect_response = [&](bool high_shelf_band, int points) {
        const auto h = impulse_response(r, "in5", 1 << 15);
        for (double f : log_frequencies(20.0, 20000.0, points)) {
            const double high =
                high_shelf_band ? high_shelf(f, 8000, 4, -6, fs) : peaking(f, 8000, 4, -6, fs);
            const double want = low_shelf(f, 100, 0.7071, 6, fs) * peaking(f, 400, 2, -4.5, fs) *
                                peaking(f, 2500, 1, 3, fs) * high;
            EXPECT_NEAR(20 * std::log10(measured(h, f, fs, kImpulse)), 20 * std::log10(want), 0.05)
                << f << " Hz at " << fs << " Hz, high band a "
                << (high_shelf_band ? "shelf" : "bell");
        }
    };
    expect_response(false, 41);
    // The high band back to a shelf: a coefficient change, the same strip.
    r.rig->set("/input/in5/eq/high/type", "shelf");
    r.play("in5", std::vector<float>(48000, 0.0f));  // let the old response ring out
    r.rig->clear_recordings();
    expect_response(true, 21);
}

INSTANTIATE_TEST_SUITE_P(Rates, StripResponse, testing::Values(44100u, 48000u, 96000u));

// Threshold -20 dBFS, ratio 4, hard knee, make-up 3 dB; a 1 kHz sine of 0.5 peak (-6.02 dBFS):
// the static curve gives -20 + (-6.02 + 20) / 4 = -16.505 dBFS, a gain of -10.485 dB, and
// -7.485 dB with the make-up. A fast attack and a slow release hold the gain at the peaks'.
TEST(StripDynamics, CompressorStaticGainOnASteadySineMatchesTheFormula) {
    HostRig r(48000, 64);
    for (const auto& [path, value] :
         std::vector<std::pair<std::string, std::string>>{{"comp/on", "on"},
                                                          {"comp/threshold", "-20"},
                                                          {"comp/ratio", "4"},
                                                          {"comp/knee", "0"},
                                                          {"comp/attack", "0.1"},
                                                          {"comp/release", "3000"},
                                                          {"comp/makeup", "3"},
                                                          {"rec_fx", "on"}})
        r.rig->set("/input/in5/" + path, value);
    r.rig->start();
    std::vector<float> x(48000);
    for (size_t n = 0; n < x.size(); ++n)
        x[n] = static_cast<float>(0.5 * std::sin(2 * M_PI * 1000.0 * n / 48000.0));
    r.play("in5", x);
    const double level_db = 20 * std::log10(0.5);
    const double static_gain_db = (-20 + (level_db + 20) / 4) - level_db;  // -10.485
    const auto& y = r.rig->cap("in5");
    const double out_peak = peak(y, y.size() - 4800);
    EXPECT_NEAR(20 * std::log10(out_peak / 0.5), static_gain_db + 3.0, 0.1);
    // The gain reduction the meters show (/api/meters: comp_gr_db).
    const size_t s = static_cast<size_t>(r.rig->iface().layout().source_index("in5"));
    EXPECT_NEAR(r.rig->iface().engine().compressor_gain_reduction_db(s), -static_gain_db, 0.1);
    // The dry capture (rec_fx off) is the input itself.
    r.rig->set("/input/in5/rec_fx", "off");
    r.rig->clear_recordings();
    r.play("in5", x);
    EXPECT_EQ(r.rig->cap("in5"), x);
}

// A file on in1 through low cut, EQ and compressor into main; in3 gets a strip of its own
// halfway (a new strip: a new bank, a new plan). in1's samples are bit for bit those of the
// same render without in3's strip: in1's filters and envelope were not touched by the swap.
TEST(StripState, AStripAddedOnIn3DoesNotChangeIn1) {
    auto render = [](bool add_in3) {
        Rig r("studio-8x8", 48000, 256);
        r.source("in1", "pink:-10dBFS");
        r.source("in3", "sine:300:-10dBFS");
        r.set("/mix/main/in1/gain", "0");
        r.set("/mix/hp1/in3/gain", "0");
        for (const auto& [path, value] :
             std::vector<std::pair<std::string, std::string>>{{"lowcut/on", "on"},
                                                              {"lowcut/freq", "150"},
                                                              {"eq/on", "on"},
                                                              {"eq/mid1/gain", "6"},
                                                              {"comp/on", "on"},
                                                              {"comp/threshold", "-30"}})
            r.set("/input/in1/" + path, value);
        r.start();
        r.run(24000, 256);
        const std::uint64_t plan_before = r.iface().engine().plans().current()->id;
        if (add_in3) {
            r.set("/input/in3/eq/on", "on");
            r.set("/input/in3/eq/low/gain", "9");
            EXPECT_NE(r.iface().engine().plans().current()->id, plan_before) << "a new plan";
            EXPECT_NE(r.iface().strips().inputs[2], nullptr);
        }
        r.run(24000, 256);
        return std::make_pair(r.out("main.L"), r.out("hp1.L"));
    };
    const auto without = render(false);
    const auto with = render(true);
    EXPECT_EQ(with.first, without.first);
    EXPECT_GT(peak(with.first), 0.01f);
    EXPECT_NE(with.second, without.second);  // in3's strip is heard on hp1
}

// A setting moved on a strip that exists: no plan, no route generation, the same strip.
TEST(StripState, ASettingsChangeIsNoPlanAndNoRouteGeneration) {
    Rig r("studio-8x8", 48000, 256);
    r.source("in1", "sine:1k:-10dBFS");
    r.set("/mix/main/in1/gain", "0");
    r.set("/input/in1/comp/on", "on");
    r.start();
    r.run(4800, 256);
    const auto strip = r.iface().strips().inputs[0];
    const std::uint64_t plan = r.iface().engine().plans().current()->id;
    const std::uint64_t generation =
        r.iface().engine().targets().route_generation.load(std::memory_order_acquire);
    r.set("/input/in1/comp/threshold", "-40");
    r.set("/input/in1/comp/on", "off");
    r.set("/input/in1/eq/on", "on");
    r.run(4800, 256);
    EXPECT_EQ(r.iface().engine().plans().current()->id, plan);
    EXPECT_EQ(r.iface().engine().targets().route_generation.load(std::memory_order_acquire),
              generation);
    EXPECT_EQ(r.iface().strips().inputs[0], strip);
}

// Every strip parameter away from its default but every section off: no strip is made and the
// render is bit for bit the one without them. A strip switched on and off again leaves the
// sound as it was once its fade is over.
TEST(StripState, StripsOffSoundBitIdenticalToNoStrips) {
    auto render = [](int variant) {
        Rig r("studio-8x8", 48000, 256);
        r.source("in1", "pink:-10dBFS");
        r.source("in2", "sine:1k:-10dBFS");
        r.set("/mix/main/in1/gain", "0");
        r.set("/mix/hp1/in2/gain", "-3");
        if (variant >= 1) {
            r.set("/input/in1/lowcut/freq", "300");
            r.set("/input/in1/eq/mid1/gain", "12");
            r.set("/input/in1/comp/threshold", "-50");
            r.set("/input/in1/rec_fx", "on");
            r.set("/output/main/eq/1/gain", "12");
            r.set("/output/hp1/limiter/ceiling", "-20");
        }
        if (variant == 2) {
            r.set("/input/in1/comp/on", "on");
            r.set("/output/hp1/limiter/on", "on");
            r.set("/output/main/delay", "12");
        }
        r.start();
        r.run(9600, 256);
        if (variant == 2) {
            r.set("/input/in1/comp/on", "off");
            r.set("/output/hp1/limiter/on", "off");
            r.set("/output/main/delay", "0");
        }
        r.run(9600, 256);
        if (variant == 1) {
            const auto& strips = r.iface().strips();
            for (const auto& s : strips.inputs)
                EXPECT_EQ(s, nullptr);
            for (const auto& s : strips.outputs)
                EXPECT_EQ(s, nullptr);
        }
        return std::vector<std::vector<float>>{r.out("main.L"), r.out("main.R"), r.out("hp1.L"),
                                               r.cap("in1")};
    };
    const auto plain = render(0);
    EXPECT_EQ(render(1), plain);
    const auto switched = render(2);
    // After the switch-off at 9600 and its fade (10 ms) and the delay's tail (12 ms).
    const size_t from = 9600 + 2400;
    for (size_t c = 0; c < plain.size(); ++c)
        for (size_t i = from; i < plain[c].size(); ++i)
            ASSERT_EQ(switched[c][i], plain[c][i]) << "channel " << c << " frame " << i;
    EXPECT_NE(switched[0], plain[0]);  // the compressor and the delay were heard meanwhile
}

// A NaN and an Inf into in5 with its whole strip on: the buses never see them, and the strip
// plays on once the input is finite again.
TEST(StripSafety, ANanIntoAnActiveStripNeverReachesABus) {
    HostRig r(48000, 64);
    r.rig->set("/mix/main/in5/gain", "0");
    r.rig->set("/mix/hp1/in5/gain", "0");
    for (const char* section : {"lowcut", "eq", "comp", "gate"})
        r.rig->set(std::string("/input/in5/") + section + "/on", "on");
    r.rig->set("/input/in5/eq/mid1/gain", "6");
    r.rig->set("/output/hp1/limiter/on", "on");
    r.rig->set("/output/main/eq/on", "on");
    r.rig->set("/output/main/eq/3/on", "on");
    r.rig->set("/output/main/eq/3/gain", "6");
    r.rig->start();
    std::vector<float> x(24000);
    for (size_t n = 0; n < x.size(); ++n)
        x[n] = static_cast<float>(0.3 * std::sin(2 * M_PI * 440.0 * n / 48000.0));
    x[6000] = std::nanf("");
    x[12000] = INFINITY;
    r.play("in5", x);
    for (const char* ch : {"main.L", "main.R", "hp1.L", "hp1.R"}) {
        const auto& y = r.rig->out(ch);
        for (size_t i = 0; i < y.size(); ++i)
            ASSERT_TRUE(std::isfinite(y[i])) << ch << " frame " << i;
        EXPECT_GT(peak(y, y.size() - 4800), 0.05f) << ch << ": plays on after the faults";
    }
}

}  // namespace
}  // namespace phantom::test
