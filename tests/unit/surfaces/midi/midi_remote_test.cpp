// The MIDI remote against a real controller: the Mackie and knob profiles, soft takeover,
// 14-bit and relative controls, learn (and its saving with the state), held buttons released
// when the port goes or messages are lost, a 10 000-message flood coalesced. The "audio
// thread" is the test itself, feeding bytes into the link as the JACK process callback does.
#include "phantom/surfaces/midi/midi_remote.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "phantom/device/description_error.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/params/taper.hpp"
#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::midi {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Rig {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    MidiLink link;
    bool connected = true;
    std::unique_ptr<MidiRemote> remote;

    explicit Rig(MidiMap map) {
        MidiRemoteOptions o;
        o.port = "test:midi_ctl_in";
        o.input_connected = [this] { return connected; };
        remote = std::make_unique<MidiRemote>(controller, link, std::move(map), o);
        remote->poll();
        drain();  // the LEDs and the fader sent at start
    }
    // One JACK event in, one control-thread round.
    void send(const Bytes& bytes) {
        link.midi_in_rt(bytes.data(), bytes.size());
        remote->poll();
    }
    // Everything queued for midi_ctl_out, as the process callback would write it.
    std::vector<Bytes> drain() {
        std::vector<Bytes> out;
        std::uint8_t b[3];
        while (const std::size_t n = link.midi_out_peek_rt(b)) {
            out.emplace_back(b, b + n);
            link.midi_out_pop_rt();
        }
        return out;
    }
    control::Value value(const std::string& path) { return controller.param(path).value; }
    double number(const std::string& path) { return std::get<double>(value(path)); }
    bool on(const std::string& path) { return std::get<bool>(value(path)); }
    double position(const std::string& path) {
        const auto info = controller.param(path);
        return params::to_position(*info.schema, std::get<double>(info.value));
    }
};

bool contains(const std::vector<Bytes>& out, const Bytes& message) {
    return std::find(out.begin(), out.end(), message) != out.end();
}

TEST(MidiRemote, MackieButtonsDriveTheMonitorSectionWithLeds) {
    Rig r(load_midi_map("mackie"));
    // STOP (note 93 = 0x5D) toggles dim on the press; the release (velocity 0) does nothing.
    r.send({0x90, 0x5D, 0x7F});
    EXPECT_TRUE(r.on("/monitor/dim"));
    EXPECT_TRUE(contains(r.drain(), Bytes{0x90, 0x5D, 0x7F}));  // its LED lit
    r.send({0x90, 0x5D, 0x00});
    EXPECT_TRUE(r.on("/monitor/dim"));
    r.send({0x90, 0x5D, 0x7F});
    EXPECT_FALSE(r.on("/monitor/dim"));
    EXPECT_TRUE(contains(r.drain(), Bytes{0x90, 0x5D, 0x00}));

    // PLAY (0x5E) is talkback while held.
    r.send({0x90, 0x5E, 0x7F});
    EXPECT_TRUE(r.on("/monitor/talkback"));
    EXPECT_TRUE(contains(r.drain(), Bytes{0x90, 0x5E, 0x7F}));
    r.send({0x80, 0x5E, 0x40});  // a real note off releases it too
    EXPECT_FALSE(r.on("/monitor/talkback"));
    EXPECT_TRUE(contains(r.drain(), Bytes{0x90, 0x5E, 0x00}));

    // PAN (0x2A) = mono, FLIP (0x32) = speaker B.
    r.send({0x90, 0x2A, 0x7F, 0x2A, 0x00});
    EXPECT_TRUE(r.on("/monitor/mono"));
    r.send({0x90, 0x32, 0x7F});
    EXPECT_EQ(std::get<std::string>(r.value("/monitor/speakers")), "B");
    auto out = r.drain();
    EXPECT_TRUE(contains(out, Bytes{0x90, 0x2A, 0x7F}));
    EXPECT_TRUE(contains(out, Bytes{0x90, 0x32, 0x7F}));
    r.send({0x90, 0x32, 0x7F});
    EXPECT_EQ(std::get<std::string>(r.value("/monitor/speakers")), "A");
    EXPECT_TRUE(contains(r.drain(), Bytes{0x90, 0x32, 0x00}));

    // A change from another surface lights the LED as well.
    r.controller.set("/monitor/mono", false);
    r.remote->poll();
    EXPECT_TRUE(contains(r.drain(), Bytes{0x90, 0x2A, 0x00}));
}

TEST(MidiRemote, MackieMasterFaderIsTheMonitorVolumeWithMotorFeedback) {
    Rig r(load_midi_map("mackie"));
    // Pitch bend on channel 9 (0xE8), LSB then MSB. The top (16383 = 7F 7F) is the top of the
    // range, +6 dB: from 0 dB a rise of 6 dB is not a large one, so it applies at once.
    r.send({0xE8, 0x7F, 0x7F});
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"), 6.0);
    EXPECT_TRUE(contains(r.drain(), Bytes{0xE8, 0x7F, 0x7F}));  // the motor's answer
    // The panel moves the volume: the motor fader is sent there (pitch bend of its position).
    r.controller.set("/monitor/volume", -20.0);
    r.remote->poll();
    const int v = static_cast<int>(std::lround(r.position("/monitor/volume") * 16383));
    EXPECT_TRUE(contains(r.drain(), Bytes{0xE8, static_cast<std::uint8_t>(v & 0x7F),
                                          static_cast<std::uint8_t>(v >> 7)}));
    // The bottom (0) is -inf.
    r.send({0xE8, 0x00, 0x00});
    EXPECT_TRUE(std::isinf(r.number("/monitor/volume")));
    EXPECT_TRUE(contains(r.drain(), Bytes{0xE8, 0x00, 0x00}));
}

TEST(MidiRemote, MackieFunctionKeysRecallSnapshotsInListOrder) {
    Rig r(load_midi_map("mackie"));
    r.controller.set("/monitor/mono", true);
    r.controller.save_snapshot("a-mono");
    r.controller.set("/monitor/mono", false);
    r.controller.set("/monitor/dim", true);
    r.controller.save_snapshot("b-dim");
    ASSERT_EQ(r.controller.snapshot_names(), (std::vector<std::string>{"a-mono", "b-dim"}));
    r.send({0x90, 0x36, 0x7F});  // F1: the first snapshot
    EXPECT_TRUE(r.on("/monitor/mono"));
    EXPECT_FALSE(r.on("/monitor/dim"));
    r.send({0x90, 0x37, 0x7F});  // F2: the second
    EXPECT_FALSE(r.on("/monitor/mono"));
    EXPECT_TRUE(r.on("/monitor/dim"));
    auto out = r.drain();
    EXPECT_TRUE(contains(out, Bytes{0x90, 0x5D, 0x7F}));  // the recall lit DIM (STOP)
    r.send({0x90, 0x3D, 0x7F});  // F8: no eighth snapshot: refused, nothing changes
    EXPECT_TRUE(r.on("/monitor/dim"));
}

TEST(MidiRemote, SoftTakeoverWaitsForTheKnobToPassTheValue) {
    Rig r(load_midi_map("knob"));
    r.controller.set("/monitor/volume", -30.0);
    r.remote->poll();
    const double p = r.position("/monitor/volume");
    const int below = static_cast<int>(std::floor(p * 127)) - 10;
    ASSERT_GT(below, 0);
    r.send({0xB0, 7, static_cast<std::uint8_t>(below)});
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"), -30.0);  // far away: no jump
    r.send({0xB0, 7, static_cast<std::uint8_t>(below + 5)});
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"), -30.0);
    const int above = static_cast<int>(std::ceil(p * 127)) + 1;
    r.send({0xB0, 7, static_cast<std::uint8_t>(above)});  // passed it: taken
    const auto info = r.controller.param("/monitor/volume");
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"),
                     params::from_position(*info.schema, above / 127.0));
    r.send({0xB0, 7, static_cast<std::uint8_t>(above - 3)});  // now it follows
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"),
                     params::from_position(*info.schema, (above - 3) / 127.0));
    // Another surface moves the volume down: the knob must pick it up again.
    r.controller.set("/monitor/volume", -50.0);
    r.remote->poll();
    r.send({0xB0, 7, static_cast<std::uint8_t>(above - 2)});
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"), -50.0);
}

TEST(MidiRemote, KnobProfileButtons) {
    Rig r(load_midi_map("knob"));
    r.send({0x90, 36, 100});  // dim
    r.send({0x90, 37, 100});  // mute
    r.send({0x90, 38, 100});  // mono
    r.send({0x90, 39, 100});  // A/B
    EXPECT_TRUE(r.on("/monitor/dim"));
    EXPECT_TRUE(r.on("/monitor/mute"));
    EXPECT_TRUE(r.on("/monitor/mono"));
    EXPECT_EQ(std::get<std::string>(r.value("/monitor/speakers")), "B");
    r.send({0x90, 40, 100});
    EXPECT_TRUE(r.on("/monitor/talkback"));
    r.send({0x90, 40, 0});
    EXPECT_FALSE(r.on("/monitor/talkback"));
}

TEST(MidiRemote, HeldTalkbackIsReleasedWhenThePortIsDisconnected) {
    Rig r(load_midi_map("mackie"));
    r.send({0x90, 0x5E, 0x7F});
    ASSERT_TRUE(r.on("/monitor/talkback"));
    r.connected = false;  // the controller is unplugged: its note-off will never come
    std::this_thread::sleep_for(std::chrono::milliseconds(MidiRemote::kProbeMs + 20));
    r.remote->poll();
    EXPECT_FALSE(r.on("/monitor/talkback"));
}

TEST(MidiRemote, HeldTalkbackIsReleasedWhenMessagesWereDropped) {
    Rig r(load_midi_map("mackie"));
    r.send({0x90, 0x5E, 0x7F});
    ASSERT_TRUE(r.on("/monitor/talkback"));
    // More than the in-queue holds before the control thread runs: the note-off among them
    // may be lost, so the remote lets go.
    Bytes flood;
    for (size_t k = 0; k < 4 * MidiLink::kInCapacity; ++k)  // the queue rounds up to 2^n
        flood.insert(flood.end(), {0xB0, 20, static_cast<std::uint8_t>(k & 0x7F)});
    r.link.midi_in_rt(flood.data(), flood.size());
    EXPECT_GT(r.link.in_dropped(), 0u);
    r.remote->poll();
    EXPECT_FALSE(r.on("/monitor/talkback"));
}

TEST(MidiRemote, StopReleasesHeldButtons) {
    Rig r(load_midi_map("knob"));
    r.send({0x90, 40, 100});
    ASSERT_TRUE(r.on("/monitor/talkback"));
    r.remote->stop();
    EXPECT_FALSE(r.on("/monitor/talkback"));
}

TEST(MidiRemote, AFloodOfTenThousandMessagesIsCoalesced) {
    Rig r(load_midi_map("knob"));
    r.controller.set("/monitor/volume", -30.0);
    r.remote->poll();
    const double p = r.position("/monitor/volume");
    const auto start = static_cast<std::uint8_t>(std::lround(p * 127));
    std::vector<control::Change> changes;
    bool lost = false;
    const std::uint64_t seq0 = r.controller.changes_since(0, changes, lost);
    // 10 000 messages in 40 events of 250, a poll every 4 events: 1 000 messages a poll, 20
    // times what a 10 kHz flood brings in the 5 ms between two polls.
    for (int e = 0; e < 40; ++e) {
        Bytes event;
        for (int k = 0; k < 250; ++k)
            event.insert(event.end(), {0xB0, 7, static_cast<std::uint8_t>(start - 1 + (k % 3))});
        r.link.midi_in_rt(event.data(), event.size());
        if (e % 4 == 3) r.remote->poll();
    }
    changes.clear();
    r.controller.changes_since(seq0, changes, lost);
    EXPECT_LE(changes.size(), 10u);  // one command a poll, however many messages
    const auto info = r.controller.param("/monitor/volume");
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"),
                     params::from_position(*info.schema, (start - 1 + (249 % 3)) / 127.0));
    EXPECT_EQ(r.link.in_dropped(), 0u);
}

TEST(MidiRemote, FourteenBitAndRelativeControls) {
    MidiMap map = parse_midi_map_text(R"(
[[binding]]
control = "cc14"
channel = 2
number = 1
path = "/monitor/dim_level"
soft_takeover = false

[[binding]]
control = "cc"
channel = 1
number = 16
path = "/monitor/dim_level"
mode = "relative"
step = 0.0166666666666667

[[binding]]
control = "cc"
channel = 1
number = 17
path = "/monitor/dim_level"
mode = "relative_signed"
step = 0.0166666666666667
)",
                                      "test.toml");
    Rig r(std::move(map));
    // /monitor/dim_level is linear from -60 to 0 dB. MSB 7F + LSB 7F = 16383 = 0 dB.
    r.send({0xB1, 1, 0x7F, 33, 0x7F});
    EXPECT_NEAR(r.number("/monitor/dim_level"), 0.0, 1e-9);
    r.send({0xB1, 1, 0x00, 33, 0x00});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -60.0, 1e-9);
    // Half way: MSB 0x40, LSB 0 = 8192 of 16383 → -60 + 60 * 8192/16383.
    r.send({0xB1, 1, 0x40});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -60.0 + 60.0 * 8192.0 / 16383.0, 1e-9);
    // The ring/fader feedback of the 14-bit control: MSB then LSB.
    r.controller.set("/monitor/dim_level", -30.0);
    r.remote->poll();
    const int v = static_cast<int>(std::lround(0.5 * 16383));  // 8192
    auto out = r.drain();
    EXPECT_TRUE(contains(out, Bytes{0xB1, 1, static_cast<std::uint8_t>(v >> 7)}));
    EXPECT_TRUE(contains(out, Bytes{0xB1, 33, static_cast<std::uint8_t>(v & 0x7F)}));

    // Two's complement encoder, 1 dB a tick: +1 (0x01), -1 (0x7F), -3 (0x7D).
    r.send({0xB0, 16, 0x01});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -29.0, 1e-6);
    r.send({0xB0, 16, 0x7F});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -30.0, 1e-6);
    r.send({0xB0, 16, 0x7D});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -33.0, 1e-6);
    // Sign and magnitude: +3 (0x03), -1 (0x41), -5 (0x45).
    r.send({0xB0, 17, 0x03});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -30.0, 1e-6);
    r.send({0xB0, 17, 0x41});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -31.0, 1e-6);
    r.send({0xB0, 17, 0x45});
    EXPECT_NEAR(r.number("/monitor/dim_level"), -36.0, 1e-6);
}

TEST(MidiRemote, LearnBindsTheNextControlAndIsSavedWithTheState) {
    Rig r(MidiMap{});
    r.remote->learn("/monitor/volume");
    EXPECT_EQ(r.remote->midi_info().learning, "/monitor/volume");
    r.controller.set("/monitor/volume", -40.0);
    r.remote->poll();
    r.send({0xB3, 21, 5});  // CC 21 on channel 4 moves: bound, not applied
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"), -40.0);
    const auto info = r.remote->midi_info();
    EXPECT_TRUE(info.learning.empty());
    ASSERT_EQ(info.bindings.size(), 1u);
    EXPECT_EQ(info.bindings[0].control, "cc 21 ch 4");
    EXPECT_EQ(info.bindings[0].target, "/monitor/volume");
    EXPECT_EQ(info.bindings[0].mode, "absolute");
    EXPECT_TRUE(info.bindings[0].learned);
    // A learned knob has soft takeover too: it passes -40 dB, then drives the volume.
    const double p = r.position("/monitor/volume");
    const auto past = static_cast<std::uint8_t>(std::ceil(p * 127) + 1);
    r.send({0xB3, 21, past});
    const auto schema = r.controller.param("/monitor/volume").schema;
    EXPECT_DOUBLE_EQ(r.number("/monitor/volume"), params::from_position(*schema, past / 127.0));

    // A note learned for a switch is a toggle.
    r.remote->learn("/monitor/mute");
    r.send({0x95, 70, 90});
    r.send({0x95, 70, 0});
    EXPECT_FALSE(r.on("/monitor/mute"));
    r.send({0x95, 70, 90});
    EXPECT_TRUE(r.on("/monitor/mute"));

    // Saved with the state: in capture(), and a remote started from it has both.
    const session::Session saved = r.controller.capture();
    ASSERT_TRUE(saved.midi.is_array());
    EXPECT_EQ(saved.midi.size(), 2u);
    const std::string text = session::session_to_json(saved);
    const session::Session back = session::parse_session_text(text, "state.json");
    Rig again(MidiMap{});
    again.controller.load(back, "state.json");
    MidiLink link;
    MidiRemote second(again.controller, link, MidiMap{}, {});
    EXPECT_EQ(second.midi_info().bindings.size(), 2u);

    // Forget removes what was learned for a path.
    EXPECT_EQ(r.remote->forget("/monitor/volume"), 1u);
    EXPECT_EQ(r.controller.capture().midi.size(), 1u);
    EXPECT_EQ(r.remote->forget("/monitor/mute"), 1u);
    EXPECT_TRUE(r.controller.capture().midi.is_null());
    EXPECT_THROW(r.remote->learn("/no/such/path"), control::CommandError);
}

TEST(MidiRemote, HttpRoutesForLearn) {
    Rig r(load_midi_map("knob"));
    r.controller.attach_midi(r.remote.get());
    auto call = [&](const std::string& method, const std::string& path,
                    const std::string& body = "") {
        return http::route_api(r.controller, {method, path, "", body});
    };
    auto list = call("GET", "/api/midi");
    EXPECT_EQ(list.status, 200);
    EXPECT_EQ(list.body["bindings"].size(), 6u);
    EXPECT_TRUE(list.body["learning"].is_null());
    EXPECT_EQ(call("POST", "/api/midi/learn", R"({"path": "/monitor/dim_level"})").status, 202);
    EXPECT_EQ(call("GET", "/api/midi").body["learning"], "/monitor/dim_level");
    EXPECT_EQ(call("POST", "/api/midi/learn", R"({"path": "/nope"})").status, 404);
    EXPECT_EQ(call("POST", "/api/midi/learn", R"({"no": 1})").status, 400);
    r.send({0xB0, 30, 64});
    EXPECT_EQ(call("GET", "/api/midi").body["bindings"].size(), 7u);
    auto forgot = call("DELETE", "/api/midi/bindings/monitor/dim_level");
    EXPECT_EQ(forgot.body["forgotten"], 1);
    EXPECT_EQ(call("DELETE", "/api/midi/learn").status, 200);
    r.controller.attach_midi(nullptr);
    EXPECT_EQ(call("GET", "/api/midi").status, 409);
}

TEST(MidiMap, ErrorsNameTheFileLineAndField) {
    try {
        parse_midi_map_text(
            "[[binding]]\ncontrol = \"cc\"\nchannel = 17\nnumber = 7\npath = \"/a\"\n", "bad.toml");
        FAIL() << "accepted channel 17";
    } catch (const device::DescriptionError& e) {
        EXPECT_EQ(e.file(), "bad.toml");
        EXPECT_EQ(e.line(), 3);
        EXPECT_EQ(e.field(), "binding[0].channel");
    }
    EXPECT_THROW(parse_midi_map_text("[[binding]]\ncontrol = \"knob\"\nchannel = 1\n", "b.toml"),
                 device::DescriptionError);
    EXPECT_THROW(parse_midi_map_text("[[binding]]\ncontrol = \"cc\"\nchannel = 1\nnumber = 7\n"
                                     "path = \"/a\"\ntypo = 1\n",
                                     "b.toml"),
                 device::DescriptionError);
    EXPECT_THROW(parse_midi_map_text("[[binding]]\ncontrol = \"note\"\nchannel = 1\nnumber = 7\n"
                                     "path = \"/a\"\nmode = \"relative\"\n",
                                     "b.toml"),
                 device::DescriptionError);
    EXPECT_THROW(parse_midi_map_text("[[binding]]\ncontrol = \"cc\"\nchannel = 1\nnumber = 7\n"
                                     "path = \"/a\"\n[[binding]]\ncontrol = \"cc\"\nchannel = 1\n"
                                     "number = 7\npath = \"/b\"\n",
                                     "b.toml"),
                 device::DescriptionError);  // bound twice
    EXPECT_THROW(load_midi_map("no-such-profile"), device::DescriptionError);
    EXPECT_THROW(parse_midi_map_text("[[binding", "b.toml"), device::DescriptionError);
}

TEST(MidiMap, PathsThisDeviceLacksAreLeftOutAndNamed) {
    Rig r(
        parse_midi_map_text("[[binding]]\ncontrol = \"cc\"\nchannel = 1\nnumber = 7\n"
                            "path = \"/monitor/nothing\"\n",
                            "m.toml"));
    EXPECT_NE(r.remote->notice().find("m.toml:1"), std::string::npos);
    EXPECT_NE(r.remote->notice().find("/monitor/nothing"), std::string::npos);
    EXPECT_TRUE(r.remote->midi_info().bindings.empty());
}

TEST(MidiMap, ShippedProfilesParse) {
    for (const auto& name : list_midi_profiles())
        EXPECT_NO_THROW(load_midi_map(name)) << name;
    EXPECT_EQ(load_midi_map("mackie").bindings.size(), 13u);
    EXPECT_EQ(load_midi_map("knob").bindings.size(), 6u);
}

}  // namespace
}  // namespace phantom::midi
