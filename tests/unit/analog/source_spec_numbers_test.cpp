// Every number in a source text is finite and in range: a NaN level became a NaN gain after
// the input's fault guard and silenced the healthy channels of the same output.
#include <gtest/gtest.h>

#include "phantom/analog/source_spec.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::analog {
namespace {

std::string refusal(const std::string& text) {
    try {
        parse_source_spec(text);
    } catch (const SourceSpecError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(SourceSpecNumbers, NanInfAndOverflowAreRefusedInEveryNumber) {
    const char* const bad[] = {
        // levels
        "sine:1k:nandBu", "sine:1k:NaNdBu", "sine:1k:-nandBFS", "sine:1k:infdBu", "sine:1k:-infdBu",
        "sine:1k:infinitydBV", "sine:1k:1e400dBu", "sine:1k:-1e400dBu", "pink:nandBFS",
        "impulse:infdBFS", "condenser:sine:1k:nandBSPL", "dynamic:sine:1k:infdBSPL",
        "guitar:sine:110:nandBV", "sweep:20:20k:nandBu", "a.wav:nandBu", "a.wav#1:infdBFS",
        "a.wav:1e400dBFS", "sine:1k:nan(0x1)dBu",
        // frequencies
        "sine:nan:-20dBu", "sine:inf:-20dBu", "sine:infk:-20dBu", "sine:1e400:-20dBu",
        "sine:1e306k:-20dBu", "sine:nanHz:-20dBu", "sweep:nan:20k:-20dBu", "sweep:20:inf:-20dBu",
        "sine:1e9:-20dBu", "sine:0.001:-20dBu",
        // durations
        "sweep:20:20k:-20dBu:nan", "sweep:20:20k:-20dBu:infs", "sweep:20:20k:-20dBu:1e400s",
        // channel numbers
        "a.wav#nan", "a.wav#inf", "a.wav#1e400", "a.wav#4294967298", "a.wav#1e300", "a.wav#2.5",
        // out of range but finite
        "sine:1k:41dBu", "sine:1k:-201dBFS", "condenser:sine:1k:161dBSPL", "sweep:1k:1k:-20dBu"};
    for (const char* text : bad)
        EXPECT_NE(refusal(text), "accepted") << text;
}

TEST(SourceSpecNumbers, TheMessageNamesTheTextAndWhatIsAllowed) {
    const std::string level = refusal("sine:1k:nandBu");
    EXPECT_NE(level.find("'sine:1k:nandBu'"), std::string::npos) << level;
    EXPECT_NE(level.find("'nandBu' is not a level"), std::string::npos) << level;
    EXPECT_NE(level.find("finite number"), std::string::npos) << level;
    const std::string frequency = refusal("sine:1e9:-20dBu");
    EXPECT_NE(frequency.find("0.01 Hz..96 kHz"), std::string::npos) << frequency;
    const std::string channel = refusal("a.wav#4294967298");
    EXPECT_NE(channel.find("up to #1024"), std::string::npos) << channel;
}

TEST(SourceSpecNumbers, TheLimitsThemselvesAreAccepted) {
    EXPECT_EQ(parse_source_spec("sine:96k:40dBu").frequency_hz, 96000.0);
    EXPECT_EQ(parse_source_spec("sine:0.01:-200dBu").frequency_hz, 0.01);
    EXPECT_EQ(parse_source_spec("condenser:sine:1k:160dBSPL").level, 160.0);
    EXPECT_EQ(parse_source_spec("a.wav#1024").file_channel, 1023);
    EXPECT_EQ(parse_source_spec("sweep:20k:20:-20dBu").frequency2_hz, 20.0);  // downwards
    // A path whose last part only ends like a unit is still a path.
    EXPECT_EQ(parse_source_spec("takes:mydb").path, "takes:mydb");
}

TEST(SourceSpecNumbers, TheInterfaceNamesTheChannelAndChangesNothing) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 64);
    iface.set_source("in1", "sine:1k:-20dBu");
    try {
        iface.set_source("in2", "sine:1k:nandBu");
        FAIL() << "accepted";
    } catch (const engine::SourceError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("in2: 'sine:1k:nandBu'", 0), 0u) << e.what();
    }
    EXPECT_FALSE(iface.source(1).has_value());
    ASSERT_TRUE(iface.source(0).has_value());
    EXPECT_EQ(iface.source(0)->text, "sine:1k:-20dBu");
}

}  // namespace
}  // namespace phantom::analog
