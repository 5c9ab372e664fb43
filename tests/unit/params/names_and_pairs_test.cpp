// Names (/name/<id>, String parameters) and stereo pairs (/link/<id>) through every layer they
// cross: the tree (defaults, refusals, all-or-nothing), the controller (typed values, snapshots
// that leave names alone), session files, and the engine (a linked pair moved as one, heard in
// the output; linking itself changes nothing that is heard).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/params/interface_params.hpp"
#include "phantom/session/session.hpp"
#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::params {
namespace {

InterfaceParams studio() {
    return build_interface_params(device::load_device("studio-8x8"));
}

std::string text_of(const InterfaceParams& p, const std::string& path) {
    return p.tree.text(p.tree.require(path));
}
double value_of(const InterfaceParams& p, const std::string& path) {
    return p.tree.value(p.tree.require(path));
}

TEST(Names, EveryInputPlaybackChannelAndOutputHasOneDefaultingToTheDeviceLabel) {
    const auto spec = device::load_device("studio-8x8");
    auto p = build_interface_params(spec);
    EXPECT_EQ(text_of(p, "/name/in1"), spec.analog_inputs[0].label);
    EXPECT_EQ(text_of(p, "/name/in1"), "Mic/Inst 1");
    EXPECT_EQ(text_of(p, "/name/adat3"), "ADAT 3");
    EXPECT_EQ(text_of(p, "/name/pb7"), "Playback 7");
    for (const auto& out : spec.outputs)
        EXPECT_EQ(text_of(p, "/name/" + out.id), out.label) << out.id;
    for (const auto& src : p.sources)
        EXPECT_TRUE(p.tree.find("/name/" + src.id)) << src.id;
    EXPECT_EQ(p.tree.schema(p.tree.require("/name/in1")).type, ParamType::String);
    EXPECT_TRUE(p.tree.is_default(p.tree.require("/name/in1")));
}

TEST(Names, TakesAnyPrintableTextUpToThirtyTwoCharacters) {
    auto p = studio();
    p.tree.set_text("/name/in1", "Kick");
    EXPECT_EQ(text_of(p, "/name/in1"), "Kick");
    p.tree.set_text("/name/hp1", "Singer cue");
    EXPECT_EQ(text_of(p, "/name/hp1"), "Singer cue");
    std::string accents;
    for (int k = 0; k < 32; ++k)
        accents += "é";  // 32 characters, 64 bytes
    p.tree.set_text("/name/in2", accents);
    EXPECT_EQ(text_of(p, "/name/in2"), accents);
    EXPECT_FALSE(p.tree.is_default(p.tree.require("/name/in1")));
}

TEST(Names, RefusesEmptyTooLongControlCharactersAndBrokenUtf8ChangingNothing) {
    auto p = studio();
    const struct {
        std::string text, why;
    } bad[] = {{"", "is empty"},
               {std::string(33, 'x'), "is 33 characters long"},
               {"Kick\tIn", "control character"},
               {"Kick\nIn", "control character"},
               {"Kick\x7f", "control character"},
               {"\xc2\x85", "control character"},  // U+0085, a C1 line break
               {"Kick\xff", "not valid UTF-8"},
               {"\xc0\xaf", "not valid UTF-8"}};  // an overlong '/'
    for (const auto& b : bad) {
        try {
            p.tree.set_text("/name/in1", b.text);
            ADD_FAILURE() << "accepted " << b.why;
        } catch (const ParamError& e) {
            EXPECT_EQ(e.kind(), ParamErrorKind::OutOfRange);
            EXPECT_NE(std::string(e.what()).find("/name/in1"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(b.why), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("1 to 32 characters"), std::string::npos)
                << e.what();
        }
        EXPECT_EQ(text_of(p, "/name/in1"), "Mic/Inst 1");
    }
    // All-or-nothing: a good gain beside a bad name is not applied either.
    const ParamIndex gain = p.tree.require("/mix/main/in1/gain");
    EXPECT_THROW(p.tree.apply({{gain, -6.0}, {p.tree.require("/name/in1"), 0.0, "a\tb"}}),
                 ParamError);
    EXPECT_TRUE(std::isinf(value_of(p, "/mix/main/in1/gain")));
}

TEST(Names, ControllerTakesTextAndRefusesANumberOrASwitch) {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller c{iface, true};
    auto r = c.set("/name/in1", std::string("Kick"));
    ASSERT_EQ(r.changed.size(), 1u);
    EXPECT_EQ(std::get<std::string>(r.changed[0].value), "Kick");
    EXPECT_EQ(std::get<std::string>(c.param("/name/in1").value), "Kick");
    for (const control::Value& v : {control::Value(3.0), control::Value(true)}) {
        try {
            c.set("/name/in1", v);
            ADD_FAILURE() << "accepted a non-text name";
        } catch (const control::CommandError& e) {
            EXPECT_EQ(e.kind(), control::ErrorKind::WrongType);
        }
    }
    EXPECT_EQ(std::get<std::string>(c.param("/name/in1").value), "Kick");
}

TEST(Names, AreSavedWithTheSessionAndLeftAloneByASnapshotRecall) {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller c{iface, true};
    c.set("/name/in1", std::string("Kick"));
    c.set("/mix/main/in1/gain", -6.0);
    c.save_snapshot("verse");
    EXPECT_FALSE(c.snapshot("verse").params.empty());
    for (const auto& [path, value] : c.snapshot("verse").params)
        EXPECT_NE(path.rfind("/name/", 0), 0u) << path << " kept in a snapshot";
    c.set("/name/in1", std::string("Snare"));
    c.set("/mix/main/in1/gain", -20.0);
    c.recall_snapshot("verse");
    EXPECT_EQ(std::get<std::string>(c.param("/name/in1").value), "Snare");
    EXPECT_EQ(std::get<double>(c.param("/mix/main/in1/gain").value), -6.0);

    // Through the session file's text and into a fresh interface.
    const std::string text = session::session_to_json(c.capture());
    EXPECT_NE(text.find("\"/name/in1\": \"Snare\""), std::string::npos) << text;
    engine::Interface fresh{device::load_device("studio-8x8"), 48000, 256};
    session::apply_session(session::parse_session_text(text, "state.json"), fresh, "state.json");
    EXPECT_EQ(fresh.params().text(fresh.params().require("/name/in1")), "Snare");
    // A hand-edited session with a bad name is refused whole, naming the file and the path.
    std::string broken = text;
    broken.replace(broken.find("\"Snare\""), 7, "\"Sn\\tare\"");
    engine::Interface other{device::load_device("studio-8x8"), 48000, 256};
    try {
        session::apply_session(session::parse_session_text(broken, "state.json"), other,
                               "state.json");
        ADD_FAILURE() << "a tab in a name was accepted";
    } catch (const session::SessionError& e) {
        EXPECT_NE(std::string(e.what()).find("/name/in1"), std::string::npos) << e.what();
    }
    EXPECT_EQ(other.params().text(other.params().require("/name/in1")), "Mic/Inst 1");
}

TEST(StereoPairs, OneLinkOnTheFirstChannelOfEachAdjacentPairOfOneKind) {
    auto p = studio();
    for (const char* path : {"/link/in1", "/link/in3", "/link/in7", "/link/adat1", "/link/adat7",
                             "/link/spdif1", "/link/pb1", "/link/pb7"})
        EXPECT_TRUE(p.tree.find(path)) << path;
    for (const char* path : {"/link/in2", "/link/adat2", "/link/pb2", "/link/in8"})
        EXPECT_FALSE(p.tree.find(path)) << path;
    EXPECT_EQ(value_of(p, "/link/in1"), 0.0);
}

TEST(StereoPairs, LinkingChangesNothingElse) {
    auto p = studio();
    p.tree.set_text("/mix/main/in1/gain", "-6");
    p.tree.set_text("/mix/main/in2/gain", "-10");
    const auto values = p.tree.values();
    const auto changed = p.tree.set_text("/link/in1", "on");
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(p.tree.schema(changed[0]).path, "/link/in1");
    for (size_t i = 0; i < values.size(); ++i) {
        if (static_cast<ParamIndex>(i) == changed[0]) continue;
        EXPECT_TRUE(values[i] == p.tree.values()[i] ||
                    (std::isnan(values[i]) && std::isnan(p.tree.values()[i])))
            << p.tree.schema(static_cast<ParamIndex>(i)).path;
    }
}

TEST(StereoPairs, LinkedFadersMoveByTheSameDbAndSwitchesTogetherInEveryMix) {
    auto p = studio();
    p.tree.set_text("/mix/hp1/in1/gain", "-6");
    p.tree.set_text("/mix/hp1/in2/gain", "-10");
    p.tree.set_text("/link/in1", "on");
    p.tree.set_text("/mix/hp1/in1/gain", "-3");
    EXPECT_EQ(value_of(p, "/mix/hp1/in2/gain"), -7.0);  // the 4 dB offset kept
    p.tree.set_text("/mix/hp1/in2/gain", "-12");        // either side moves the pair
    EXPECT_EQ(value_of(p, "/mix/hp1/in1/gain"), -8.0);
    p.tree.set_text("/mix/hp1/in2/mute", "on");
    EXPECT_EQ(value_of(p, "/mix/hp1/in1/mute"), 1.0);
    p.tree.set_text("/solo/in1", "on");  // the control room's solo of the pair
    EXPECT_EQ(value_of(p, "/solo/in2"), 1.0);
    p.tree.set_text("/solo/in2", "off");
    EXPECT_EQ(value_of(p, "/solo/in1"), 0.0);
    p.tree.set_text("/input/in1/trim", "3");
    EXPECT_EQ(value_of(p, "/input/in2/trim"), 3.0);
    // At the fader's top the follower stops at its own top rather than past it.
    p.tree.set_text("/mix/hp1/in2/gain", "6");
    EXPECT_EQ(value_of(p, "/mix/hp1/in1/gain"), 6.0);
    // Down to -inf and back: the pair meets (there is no offset from silence).
    p.tree.set_text("/mix/hp1/in1/gain", "-inf");
    EXPECT_TRUE(std::isinf(value_of(p, "/mix/hp1/in2/gain")));
    p.tree.set_text("/mix/hp1/in1/gain", "-5");
    EXPECT_EQ(value_of(p, "/mix/hp1/in2/gain"), -5.0);
    // Pans stay each side's own: they are the pair's balance and width.
    p.tree.set_text("/mix/hp1/in1/pan", "-1");
    EXPECT_EQ(value_of(p, "/mix/hp1/in2/pan"), 0.0);
}

TEST(StereoPairs, ABatchThatSetsBothSidesIsTakenAsGivenAndUnlinkedSidesAreIndependent) {
    auto p = studio();
    p.tree.set_text("/link/pb1", "on");
    const ParamIndex a = p.tree.require("/mix/main/pb1/gain"),
                     b = p.tree.require("/mix/main/pb2/gain");
    p.tree.apply({{a, -2.0}, {b, -9.0}});  // an undo or a recall says where both go
    EXPECT_EQ(value_of(p, "/mix/main/pb1/gain"), -2.0);
    EXPECT_EQ(value_of(p, "/mix/main/pb2/gain"), -9.0);
    p.tree.set_text("/link/pb1", "off");
    p.tree.set_text("/mix/main/pb1/gain", "-4");
    EXPECT_EQ(value_of(p, "/mix/main/pb2/gain"), -9.0);
}

}  // namespace
}  // namespace phantom::params

namespace phantom::test {
namespace {

// Heard in the output: in1 hard left at -6 dB and in2 hard right at -12 dB into main. Linking
// leaves both sides sample for sample as they were; then the pair's fader 6.0206 dB down halves
// both sides (amplitude 0.5), the offset between them kept.
TEST(StereoPairs, APairMovedAsOneIsHeardAsOneInTheOutput) {
    constexpr int kFrames = 4800;
    const auto x = noise(kFrames, 5), y = noise(kFrames, 6);
    const std::string dir = temp_dir("stereo-pairs");
    auto run = [&](const std::vector<std::pair<std::string, std::string>>& sets) {
        Rig r("studio-8x8", 48000, 256);
        r.source("in5", wav_file(dir, "x", x, 48000));
        r.source("in6", wav_file(dir, "y", y, 48000));
        for (const auto& [path, value] : sets)
            r.set(path, value);
        r.start();
        r.run(kFrames, 256);
        return std::make_pair(r.out("main.L"), r.out("main.R"));
    };
    const std::vector<std::pair<std::string, std::string>> base = {
        {"/mix/main/pb1/gain", "-inf"}, {"/mix/main/pb2/gain", "-inf"},
        {"/mix/main/in5/gain", "-6"},   {"/mix/main/in5/pan", "-1"},
        {"/mix/main/in6/gain", "-12"},  {"/mix/main/in6/pan", "1"}};
    const auto unlinked = run(base);
    auto linked_sets = base;
    linked_sets.push_back({"/link/in5", "on"});
    const auto linked = run(linked_sets);
    EXPECT_EQ(linked.first, unlinked.first);
    EXPECT_EQ(linked.second, unlinked.second);
    linked_sets.push_back({"/mix/main/in6/gain", "-18.0206"});  // the R side's fader, -6.0206
    const auto moved = run(linked_sets);
    ASSERT_EQ(moved.first.size(), unlinked.first.size());
    for (size_t i = 0; i < moved.first.size(); ++i) {
        ASSERT_NEAR(moved.first[i], 0.5 * unlinked.first[i], 1e-5) << "L at " << i;
        ASSERT_NEAR(moved.second[i], 0.5 * unlinked.second[i], 1e-5) << "R at " << i;
    }
    EXPECT_GT(peak(unlinked.first), 0.1f);
    EXPECT_GT(peak(unlinked.second), 0.05f);
}

}  // namespace
}  // namespace phantom::test
