// S/MUX through the command layer: at 96 kHz adat5–8 (and their outputs and playback
// channels) are not there for any surface, and their state waits for the rate to return.
#include <gtest/gtest.h>

#include <optional>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/session/session.hpp"

namespace phantom::control {
namespace {

bool names_adat5_to_8(const std::string& s) {
    for (const char* id : {"adat5", "adat6", "adat7", "adat8"})
        if (s.find(id) != std::string::npos) return true;
    return false;
}

std::optional<CommandError> refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const CommandError& e) {
        return e;
    }
    return std::nullopt;
}

TEST(Smux, At96kTheParameterListHasOnlyAdat1To4) {
    engine::Interface iface{device::load_device("studio-8x8"), 96000, 256};
    Controller c{iface, true};
    int adat_inputs = 0;
    for (const auto& p : c.params("/")) {
        EXPECT_FALSE(names_adat5_to_8(p.schema->path)) << p.schema->path;
        for (const char* pb : {"/pb15/", "/pb16/", "/pb17/", "/pb18/"})
            EXPECT_EQ(p.schema->path.find(pb), std::string::npos) << p.schema->path;
        if (p.schema->path.starts_with("/input/adat") && p.schema->path.ends_with("/trim"))
            ++adat_inputs;
    }
    EXPECT_EQ(adat_inputs, 4);
    EXPECT_THROW(c.params("/input/adat7"), CommandError);  // nothing has this prefix now
}

TEST(Smux, At96kSettingAnAbsentChannelIsRefusedWithTheReason) {
    engine::Interface iface{device::load_device("studio-8x8"), 96000, 256};
    Controller c{iface, true};
    for (const char* path : {"/input/adat7/trim", "/mix/main/adat5/gain", "/mix/adat7-8/in1/gain",
                             "/output/adat5-6/volume", "/mix/main/pb17/gain"}) {
        SCOPED_TRACE(path);
        auto e = refusal([&] { c.set(path, Value(-6.0)); });
        ASSERT_TRUE(e);
        EXPECT_EQ(e->kind(), ErrorKind::NotAvailable);
        EXPECT_NE(std::string(e->what()).find("does not exist at 96000 Hz"), std::string::npos)
            << e->what();
        EXPECT_NE(std::string(e->what()).find("S/MUX"), std::string::npos) << e->what();
        EXPECT_TRUE(refusal([&] { (void)c.param(path); }));
    }
    // A choice naming an absent output is refused too; the batch changes nothing.
    auto e = refusal([&] {
        c.apply({{"/mix/main/in1/gain", Value(-3.0)}, {"/loopback/source", Value("adat7-8")}});
    });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind(), ErrorKind::NotAvailable);
    EXPECT_EQ(iface.params().value(iface.params().require("/mix/main/in1/gain")), -INFINITY);
    EXPECT_NO_THROW(c.set("/loopback/source", Value("adat3-4")));
    EXPECT_NO_THROW(c.set("/input/adat4/trim", Value(3.0)));
}

TEST(Smux, MetersAndChannelListsLeaveOutWhatTheRateDoesNotCarry) {
    engine::Interface iface{device::load_device("studio-8x8"), 96000, 256};
    Controller c{iface, true};
    const auto m = c.meters();
    EXPECT_EQ(m.inputs.size(), 8u + 4 + 2 + 16);  // analog, adat1-4, spdif, pb (20 - 4)
    EXPECT_EQ(m.outputs.size(), 12u + 4 + 2);
    for (const auto& ch : m.inputs)
        EXPECT_FALSE(names_adat5_to_8(ch.id)) << ch.id;
    for (const auto& ch : m.outputs)
        EXPECT_FALSE(names_adat5_to_8(ch.id)) << ch.id;
    const auto d = c.device();
    EXPECT_EQ(d.capture_channels.size(), 14u + 2);  // + loopback
    EXPECT_EQ(d.output_channels.size(), 18u);
    EXPECT_TRUE(refusal([&] { c.clear_clips("adat7"); }));
}

TEST(Smux, SettingASourceOnAnAbsentChannelIsRefusedWithTheReason) {
    engine::Interface iface{device::load_device("studio-8x8"), 96000, 256};
    try {
        iface.set_source("adat7", "sine:1k:-20dBFS");
        FAIL() << "adat7 accepted at 96 kHz";
    } catch (const engine::SourceError& e) {
        EXPECT_STREQ(e.what(),
                     "adat7 does not exist at 96000 Hz: ADAT carries 4 channels at 88.2/96 kHz "
                     "(S/MUX)");
    }
    EXPECT_NO_THROW(iface.set_source("adat4", "sine:1k:-20dBFS"));
}

TEST(Smux, ARateChangeKeepsTheStateOfChannelsThatLeaveForWhenTheyReturn) {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    Controller c{iface, true};
    c.set("/input/adat7/trim", Value(5.0));
    c.set("/mix/hp1/adat7/gain", Value(-4.0));
    c.set("/input/adat2/trim", Value(-2.0));
    iface.set_source("adat7", "sine:1k:-20dBFS");
    c.with_interface([](engine::Interface& i) { i.change_sample_rate(96000); });
    EXPECT_TRUE(refusal([&] { (void)c.param("/input/adat7/trim"); }));
    EXPECT_EQ(std::get<double>(c.param("/input/adat2/trim").value), -2.0);
    c.set("/input/adat2/trim", Value(-1.0));  // a channel that stays is controlled as ever
    c.with_interface([](engine::Interface& i) { i.change_sample_rate(48000); });
    EXPECT_EQ(std::get<double>(c.param("/input/adat7/trim").value), 5.0);
    EXPECT_EQ(std::get<double>(c.param("/mix/hp1/adat7/gain").value), -4.0);
    EXPECT_EQ(std::get<double>(c.param("/input/adat2/trim").value), -1.0);
    ASSERT_TRUE(iface.source(static_cast<size_t>(iface.layout().source_index("adat7"))));
}

TEST(Smux, ASessionFrom48kRunAt96kStillHoldsItsAdat7SettingsWhenSavedAgain) {
    session::Session at48;
    {
        engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
        Controller c{iface, true};
        c.set("/input/adat7/trim", Value(5.0));
        iface.set_source("adat7", "sine:1k:-20dBFS");
        at48 = c.capture();
    }
    session::Session at96;
    {
        engine::Interface iface{device::load_device("studio-8x8"), 96000, 256};
        Controller c{iface, true};
        c.load(at48, "at48.json");  // kept, not refused
        EXPECT_TRUE(refusal([&] { (void)c.param("/input/adat7/trim"); }));
        at96 = c.capture();
    }
    EXPECT_EQ(at96.params.at("/input/adat7/trim"), 5.0);
    EXPECT_EQ(at96.sources.at("adat7"), "sine:1k:-20dBFS");
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    Controller c{iface, true};
    c.load(at96, "at96.json");
    EXPECT_EQ(std::get<double>(c.param("/input/adat7/trim").value), 5.0);
}

}  // namespace
}  // namespace phantom::control
