// The channel strip through the real `phantom` binary: an impulse through in5's low cut and
// EQ, recorded after the strip (rec_fx), has the analog prototypes' magnitudes (computed here);
// a session saved with strips renders the same again; a bad strip value exits 2 and touches
// nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <fstream>

#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

using cd = std::complex<double>;

cd prototype_s(double f, double f0, double fs) {
    return {0.0, std::tan(M_PI * f / fs) / std::tan(M_PI * f0 / fs)};
}

double magnitude_db(const std::vector<float>& h, double f, double fs, double scale) {
    cd sum = 0;
    for (size_t n = 0; n < h.size(); ++n)
        sum += static_cast<double>(h[n]) * std::polar(1.0, -2.0 * M_PI * f * n / fs);
    return 20 * std::log10(std::abs(sum) / scale);
}

class StripRender : public testing::Test {
  protected:
    std::string dir = temp_dir("strip-render");
    CommandResult phantom(const std::string& args) { return run_command(phantom_command(args)); }
};

TEST_F(StripRender, LowCutAndBellThroughPhantomRenderMatchTheirFormulas) {
    std::vector<float> x(24000, 0.0f);
    x[0] = 0.5f;
    wav_file(dir, "impulse", x, 48000);
    auto r = phantom("render --source in5=" + dir +
                     "impulse.wav --set /input/in5/lowcut/on=on --set /input/in5/lowcut/freq=100 "
                     "--set /input/in5/lowcut/slope=24 --set /input/in5/eq/on=on "
                     "--set /input/in5/eq/mid2/freq=3000 --set /input/in5/eq/mid2/gain=-8 "
                     "--set /input/in5/eq/mid2/q=1.5 --set /input/in5/rec_fx=on "
                     "--duration 0.5s --record in5=" +
                     dir + "ir.wav --save-session " + dir + "strip.json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto h = read_wav(dir + "ir.wav").channels[0];
    const double fs = 48000;
    const double a = std::pow(10.0, -8 / 40.0);
    for (double f = 20; f < 20000; f *= 1.5) {
        const cd w = prototype_s(f, 100, fs);
        const double hp = std::pow(std::abs(w), 8) / (1 + std::pow(std::abs(w), 8));  // |H|^2
        const cd s = prototype_s(f, 3000, fs);
        const double bell = std::abs((s * s + s * (a / 1.5) + 1.0) / (s * s + s / (a * 1.5) + 1.0));
        const double want_db = 10 * std::log10(hp) + 20 * std::log10(bell);
        if (want_db < -60) continue;
        EXPECT_NEAR(magnitude_db(h, f, fs, 0.5), want_db, 0.05) << f << " Hz";
    }
    // The session holds the strip and renders the same samples again.
    std::ifstream in(dir + "strip.json");
    const std::string session((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    EXPECT_NE(session.find("\"/input/in5/lowcut/slope\": \"24\""), std::string::npos) << session;
    auto again = phantom("render --session " + dir + "strip.json --source in5=" + dir +
                         "impulse.wav --duration 0.5s --record in5=" + dir + "again.wav");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(read_wav(dir + "again.wav").channels[0], h);
}

TEST_F(StripRender, ABadStripValueExitsTwoNamingTheRange) {
    auto r = phantom("render --set /input/in1/comp/ratio=50 --duration 10ms --record main=" + dir +
                     "never.wav");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/input/in1/comp/ratio: 50 is out of range (allowed: a number from 1 to "
                         "20)"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::ifstream(dir + "never.wav").good());
}

}  // namespace
}  // namespace phantom::test
