#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "phantom/device/device_catalog.hpp"
#include "phantom/params/interface_params.hpp"

namespace phantom::params {
namespace {

InterfaceParams studio() {
    return build_interface_params(device::load_device("studio-8x8"));
}

TEST(ParamTree, StudioHasTheDesignPaths) {
    auto p = studio();
    for (const char* path : {"/input/in1/gain",     "/input/in1/pad",
                             "/input/in1/phantom",  "/input/in1/mode",
                             "/input/in5/level",    "/input/in1/trim",
                             "/input/in1/polarity", "/input/adat3/trim",
                             "/mix/hp1/in1/gain",   "/mix/hp1/in1/pan",
                             "/mix/hp1/pb3/mute",   "/solo/in2",
                             "/output/hp1/volume",  "/output/hp1/mirror",
                             "/monitor/volume",     "/monitor/dim",
                             "/monitor/dim_level",  "/monitor/mono",
                             "/monitor/mute",       "/monitor/speakers",
                             "/monitor/talkback",   "/monitor/talkback_source",
                             "/loopback/source",    "/clock/source",
                             "/output/alt/trim",    "/mix/adat1-2/spdif2/gain"})
        EXPECT_TRUE(p.tree.find(path)) << path;
    // Line inputs have no preamp, no pad, no 48 V; mono outputs have no pan; speaker B shares
    // main's mix.
    for (const char* path :
         {"/input/in5/gain", "/input/in5/pad", "/input/in5/phantom", "/input/in3/mode/inst",
          "/mix/line3/in1/pan", "/mix/alt/in1/gain", "/input/pb1/trim",
          // Solo is the control room's, not a mix's; the monitors are not soloed onto themselves.
          "/mix/hp1/in2/solo", "/solo/main", "/solo/alt"})
        EXPECT_FALSE(p.tree.find(path)) << path;
}

TEST(ParamTree, SchemaCarriesRangeUnitDefault) {
    auto p = studio();
    const auto& gain = p.tree.schema(*p.tree.find("/input/in1/gain"));
    EXPECT_EQ(gain.min, 0);
    EXPECT_EQ(gain.max, 60);
    EXPECT_EQ(gain.unit, "dB");
    EXPECT_TRUE(gain.analog_only);
    const auto& mode = p.tree.schema(*p.tree.find("/input/in1/mode"));
    EXPECT_EQ(mode.choices, (std::vector<std::string>{"mic", "inst", "line"}));
    const auto& mode3 = p.tree.schema(*p.tree.find("/input/in3/mode"));
    EXPECT_EQ(mode3.choices, (std::vector<std::string>{"mic", "line"}));
    EXPECT_EQ(p.tree.value(*p.tree.find("/monitor/dim_level")), -20.0);
}

TEST(ParamTree, DefaultRoutingFeedsPlaybackPairsHardLeftAndRight) {
    auto p = studio();
    auto value = [&](const std::string& path) { return p.tree.value(p.tree.require(path)); };
    EXPECT_EQ(value("/mix/main/pb1/gain"), 0.0);
    EXPECT_EQ(value("/mix/main/pb1/pan"), -1.0);
    EXPECT_EQ(value("/mix/main/pb2/gain"), 0.0);
    EXPECT_EQ(value("/mix/main/pb2/pan"), 1.0);
    EXPECT_EQ(value("/mix/line3/pb3/gain"), 0.0);  // mono outputs take one playback channel each
    EXPECT_EQ(value("/mix/line6/pb6/gain"), 0.0);
    EXPECT_EQ(value("/mix/hp1/pb7/gain"), 0.0);
    EXPECT_EQ(value("/mix/hp1/pb8/pan"), 1.0);
    EXPECT_EQ(value("/mix/spdif/pb20/gain"), 0.0);
    EXPECT_TRUE(std::isinf(value("/mix/main/in1/gain")));  // inputs are in no mix by default
    EXPECT_TRUE(std::isinf(value("/mix/main/pb3/gain")));
}

TEST(ParamTree, RefusesUnknownPathWrongTypeAndOutOfRangeNamingPathValueAndRange) {
    auto p = studio();
    try {
        p.tree.set_text("/input/in1/gian", "3");
        FAIL();
    } catch (const ParamError& e) {
        EXPECT_EQ(e.kind(), ParamErrorKind::UnknownPath);
        EXPECT_STREQ(e.what(), "/input/in1/gian: unknown parameter path");
    }
    try {
        p.tree.set_text("/input/in1/gain", "loud");
        FAIL();
    } catch (const ParamError& e) {
        EXPECT_EQ(e.kind(), ParamErrorKind::WrongType);
        EXPECT_STREQ(
            e.what(),
            "/input/in1/gain: 'loud' is not a valid value (allowed: a number from 0 to 60 dB)");
    }
    try {
        p.tree.set_text("/input/in1/gain", "61");
        FAIL();
    } catch (const ParamError& e) {
        EXPECT_EQ(e.kind(), ParamErrorKind::OutOfRange);
        EXPECT_STREQ(e.what(),
                     "/input/in1/gain: 61 is out of range (allowed: a number from 0 to 60 dB)");
    }
    try {
        p.tree.set_text("/input/in1/mode", "guitar");
        FAIL();
    } catch (const ParamError& e) {
        EXPECT_NE(std::string(e.what()).find("one of: mic, inst, line"), std::string::npos);
    }
    EXPECT_EQ(p.tree.value(p.tree.require("/input/in1/gain")), 0.0);
}

TEST(ParamTree, AcceptsUserUnitsAndWords) {
    auto p = studio();
    p.tree.set_text("/mix/main/in1/gain", "-6dB");
    EXPECT_EQ(p.tree.value(p.tree.require("/mix/main/in1/gain")), -6.0);
    p.tree.set_text("/mix/main/in1/gain", "-inf");
    EXPECT_TRUE(std::isinf(p.tree.value(p.tree.require("/mix/main/in1/gain"))));
    p.tree.set_text("/monitor/dim", "on");
    EXPECT_EQ(p.tree.format(p.tree.require("/monitor/dim")), "on");
    p.tree.set_text("/monitor/speakers", "ab");
    EXPECT_EQ(p.tree.format(p.tree.require("/monitor/speakers")), "AB");
}

// An outside attack set a level to -1e308 dB and found it kept as given. Every fader reads
// -inf below -90 dB (taper.hpp), so a level that reaches -inf is -inf there, however it was
// sent (text, a number in a batch, a linked pair); just above the floor it is kept.
TEST(ParamTree, ALevelBelowTheFadersFloorIsMinusInfinity) {
    auto p = studio();
    const auto gain = p.tree.require("/mix/main/in1/gain");
    for (const char* text : {"-1e308", "-1e308dB", "-100", "-90.001"}) {
        p.tree.set_text("/mix/main/in1/gain", "0");
        p.tree.set_text("/mix/main/in1/gain", text);
        EXPECT_EQ(p.tree.value(gain), -INFINITY) << text;
        EXPECT_EQ(p.tree.format(gain), "-inf") << text;
    }
    p.tree.set_text("/mix/main/in1/gain", "-90");
    EXPECT_EQ(p.tree.value(gain), -90.0);
    p.tree.set_text("/mix/main/in1/gain", "-89.9");
    EXPECT_EQ(p.tree.value(gain), -89.9);
    const auto volume = p.tree.require("/monitor/volume");
    p.tree.apply({{volume, -1e308}, {gain, -std::numeric_limits<double>::max()}});
    EXPECT_EQ(p.tree.value(volume), -INFINITY);
    EXPECT_EQ(p.tree.value(gain), -INFINITY);
    EXPECT_EQ(p.tree.check_value(volume, -1e300), -INFINITY);
    // A level that stops short of -inf keeps its own floor: below it is out of range.
    EXPECT_THROW(p.tree.set_text("/input/in1/trim", "-1e308"), ParamError);
}

TEST(ParamTree, BatchIsAllOrNothing) {
    auto p = studio();
    auto gain = p.tree.require("/mix/main/in1/gain");
    auto trim = p.tree.require("/input/in1/trim");
    EXPECT_THROW(p.tree.apply({{gain, -6.0}, {trim, 99.0}}), ParamError);
    EXPECT_TRUE(std::isinf(p.tree.value(gain)));
    auto changed = p.tree.apply({{gain, -6.0}, {trim, 3.0}});
    EXPECT_EQ(changed.size(), 2u);
}

TEST(ParamTree, MirrorCycleIsRefusedNamingTheCycle) {
    auto p = studio();
    p.tree.set_text("/output/hp1/mirror", "hp2");
    try {
        p.tree.set_text("/output/hp2/mirror", "hp1");
        FAIL();
    } catch (const ParamError& e) {
        EXPECT_EQ(e.kind(), ParamErrorKind::Conflict);
        EXPECT_NE(std::string(e.what()).find("mirror cycle hp1 → hp2 → hp1"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(p.tree.format(p.tree.require("/output/hp2/mirror")), "none");
    // The error names a path of the conflict, the one its text names, not the batch's first
    // (found by an outside test: the body's "path" pointed at an innocent /fx/reverb/decay).
    try {
        p.tree.apply({{p.tree.require("/mix/main/in1/gain"), -6.0},
                      p.tree.change_from_text(p.tree.require("/output/hp2/mirror"), "hp1")});
        FAIL();
    } catch (const ParamError& e) {
        EXPECT_TRUE(e.path() == "/output/hp1/mirror" || e.path() == "/output/hp2/mirror")
            << e.path();
        EXPECT_EQ(std::string(e.what()).rfind(e.path() + ": ", 0), 0u) << e.what();
    }
    // A chain is fine and resolves to the end of it.
    p.tree.set_text("/output/hp2/mirror", "main");
    EXPECT_EQ(p.resolved_bus(p.tree.find("/output/hp1/mirror") ? 6 : -1, p.tree.values()),
              p.bus_index("main"));
}

TEST(ParamTree, SharedPhantomSwitchMovesBothInputs) {
    auto p = build_interface_params(device::load_device("desktop-2x2"));
    p.tree.set_text("/input/in2/phantom", "on");
    EXPECT_EQ(p.tree.value(p.tree.require("/input/in1/phantom")), 1.0);
    EXPECT_FALSE(p.tree.find("/output/hp1/mirror"));  // mirror-only headphones have no choice
    EXPECT_TRUE(p.tree.find("/monitor/direct"));
    EXPECT_FALSE(p.tree.find("/monitor/speakers"));
}

TEST(ParamTree, StressDeviceHasEveryCrosspoint) {
    auto p = build_interface_params(device::load_device("stress-64"));
    EXPECT_EQ(p.sources.size(), 128u);
    EXPECT_EQ(p.buses.size(), 32u);
    EXPECT_EQ(p.crosspoints.size(), 128u * 32u);
    EXPECT_TRUE(p.tree.find("/mix/line32/in64/mute"));
    // No monitor output: no control room, so no solo either.
    EXPECT_FALSE(p.tree.find("/mix/line32/in64/solo"));
    EXPECT_FALSE(p.tree.find("/solo/in64"));
    EXPECT_EQ(p.tree.value(p.tree.require("/mix/line32/pb64/gain")), 0.0);
}

}  // namespace
}  // namespace phantom::params
