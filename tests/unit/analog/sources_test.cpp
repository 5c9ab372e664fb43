#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "phantom/analog/signal_source.hpp"
#include "phantom/analog/source_spec.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::analog {
namespace {

TEST(SourceSpec, ParsesEveryForm) {
    auto s = parse_source_spec("sine:440:-20dBu");
    EXPECT_EQ(s.signal, SignalKind::Sine);
    EXPECT_EQ(s.frequency_hz, 440);
    EXPECT_EQ(s.unit, LevelUnit::Dbu);
    EXPECT_EQ(s.level, -20);
    s = parse_source_spec("condenser:sine:1k:94dBSPL");
    EXPECT_EQ(s.transducer, Transducer::Condenser);
    EXPECT_EQ(s.frequency_hz, 1000);
    s = parse_source_spec("sweep:20:20k:-10dBV:5s");
    EXPECT_EQ(s.frequency2_hz, 20000);
    EXPECT_EQ(s.period_s, 5);
    s = parse_source_spec("guitar:riff.wav#2:-20dBV");
    EXPECT_EQ(s.transducer, Transducer::SingleCoil);
    EXPECT_EQ(s.path, "riff.wav");
    EXPECT_EQ(s.file_channel, 1);
    s = parse_source_spec("dir/a:b.wav");
    EXPECT_EQ(s.path, "dir/a:b.wav");
    EXPECT_EQ(s.unit, LevelUnit::None);
    EXPECT_EQ(parse_source_spec("silence").signal, SignalKind::Silence);
    EXPECT_EQ(parse_source_spec("impulse:0dBFS").unit, LevelUnit::Dbfs);
}

TEST(SourceSpec, RefusesWithTheFormExpected) {
    auto message = [](const std::string& text) {
        try {
            parse_source_spec(text);
        } catch (const SourceSpecError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("sine:440").find("expected sine:FREQ:LEVEL"), std::string::npos);
    EXPECT_NE(message("sine:fast:-20dBu").find("is not a frequency"), std::string::npos);
    EXPECT_NE(message("sine:440:-20").find("is not a level"), std::string::npos);
    EXPECT_NE(message("dynamic:sine:1k:-20dBu").find("sound pressure level"), std::string::npos);
    EXPECT_NE(message("sine:1k:94dBSPL").find("needs a microphone"), std::string::npos);
    EXPECT_NE(message("guitar:sine:110:94dBSPL").find("in dBV"), std::string::npos);
    EXPECT_NE(message("a.wav#0").find("not a channel number"), std::string::npos);
    EXPECT_NE(message("").find("empty source"), std::string::npos);
}

TEST(SignalSource, SineHasUnitPeakAndTheRightFrequency) {
    SignalSource s(parse_source_spec("sine:1000:0dBFS"), 48000);
    std::vector<float> x(48000);
    for (int k = 0; k < 48; ++k)
        s.render(x.data() + k * 1000, 1000);
    float peak = 0;
    int crossings = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        peak = std::max(peak, std::abs(x[i]));
        double expected = std::sin(2 * M_PI * 1000 * static_cast<double>(i) / 48000);
        ASSERT_NEAR(x[i], expected, 1e-6) << i;
        if (i && (x[i - 1] < 0) != (x[i] < 0)) ++crossings;
    }
    EXPECT_NEAR(peak, 1.0f, 1e-6);
    EXPECT_NEAR(crossings, 2000, 2);
}

TEST(SignalSource, PinkNoiseHasTheRmsOfAUnitSine) {
    SignalSource s(parse_source_spec("pink:0dBFS"), 48000);
    std::vector<float> x(480000);
    s.render(x.data(), static_cast<int>(x.size()));
    double sum = 0;
    for (float v : x)
        sum += static_cast<double>(v) * v;
    EXPECT_NEAR(20 * std::log10(std::sqrt(sum / x.size())), 20 * std::log10(1 / std::sqrt(2.0)),
                0.5);
}

TEST(SignalSource, ImpulseOncePerSecond) {
    SignalSource s(parse_source_spec("impulse:0dBFS"), 1000);
    std::vector<float> x(2500);
    s.render(x.data(), 2500);
    int ones = 0;
    for (size_t i = 0; i < x.size(); ++i)
        if (x[i] == 1.0f) {
            EXPECT_EQ(i % 1000, 0u);
            ++ones;
        }
    EXPECT_EQ(ones, 3);
}

}  // namespace
}  // namespace phantom::analog
