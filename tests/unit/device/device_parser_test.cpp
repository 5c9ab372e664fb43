#include <gtest/gtest.h>

#include "phantom/device/description_error.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/device/device_parser.hpp"

namespace phantom::device {
namespace {

// A small valid description; each mistake below changes one thing in it.
const char* kValid = R"([device]
id = "test-box"
sample_rates = [44100, 48000, 96000]

[[input]]
id = "in1"
kind = "combo"
gain_db = [0, 60]
phantom = true

[[input]]
id = "in2"
kind = "line"

[[digital]]
id = "adat"
format = "adat"
channels = { single = 8, double = 4, quad = 2 }

[[output]]
id = "main"
role = "monitor"

[[output]]
id = "hp1"
role = "headphone"
mirror = "main"

[host]
capture = 10
playback = 4
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return text.replace(pos, from.size(), to);
}

struct Mistake {
    const char* name;
    std::string text;
    int line;
    const char* field;
    const char* says;
};

void expect_refused(const Mistake& m) {
    try {
        parse_device_text(m.text, "box.toml");
        FAIL() << m.name << ": accepted";
    } catch (const DescriptionError& e) {
        EXPECT_EQ(e.file(), "box.toml") << m.name;
        EXPECT_EQ(e.line(), m.line) << m.name << ": " << e.what();
        EXPECT_GT(e.column(), 0) << m.name;
        EXPECT_EQ(e.field(), m.field) << m.name << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(m.says), std::string::npos)
            << m.name << ": " << e.what();
        EXPECT_EQ(std::string(e.what()).rfind("box.toml:", 0), 0u) << e.what();
    }
}

TEST(DeviceParser, AcceptsTheValidDescription) {
    DeviceSpec spec = parse_device_text(kValid, "box.toml");
    EXPECT_EQ(spec.id, "test-box");
    ASSERT_EQ(spec.analog_inputs.size(), 2u);
    EXPECT_EQ(spec.analog_inputs[0].gain_max_db, 60);
    // 2 analog outputs + 4 ADAT pairs generated from the port.
    ASSERT_EQ(spec.outputs.size(), 6u);
    EXPECT_EQ(spec.outputs[2].id, "adat1-2");
    EXPECT_EQ(spec.digital_ports[0].channels_at(96000), 4);
    EXPECT_EQ(spec.digital_ports[0].channels_at(192000), 2);
}

TEST(DeviceParser, RefusesEachMistakeWithFileLineColumnAndField) {
    const Mistake mistakes[] = {
        {"unknown key", replace(kValid, "phantom = true", "phantom = true\ngian_db = 3"), 10,
         "input[in1].gian_db", "unknown key"},
        {"wrong type", replace(kValid, "phantom = true", "phantom = \"yes\""), 9,
         "input[in1].phantom", "expected true or false"},
        {"gain range inverted", replace(kValid, "gain_db = [0, 60]", "gain_db = [60, 0]"), 8,
         "input[in1].gain_db", "inverted"},
        {"duplicate id", replace(kValid, "id = \"in2\"", "id = \"in1\""), 12, "input[2].id",
         "duplicate id 'in1'"},
        {"phantom on a line-only input",
         replace(kValid, "kind = \"line\"", "kind = \"line\"\nphantom = true"), 14,
         "input[in2].phantom", "line-only input"},
        {"ADAT count off the rate table", replace(kValid, "double = 4", "double = 8"), 18,
         "digital[adat].channels.double", "carries 4 channels at 88.2/96 kHz"},
        {"unknown output role", replace(kValid, "role = \"headphone\"", "role = \"phones\""), 26,
         "output[hp1].role", "unknown output role 'phones'"},
        {"missing required field", replace(kValid, "id = \"main\"\n", ""), 20, "output[1].id",
         "required field is missing"},
        {"mirror pointing nowhere", replace(kValid, "mirror = \"main\"", "mirror = \"mains\""), 27,
         "output[hp1].mirror", "'mains', which is not an output"},
        {"empty file", "", 1, "", "the file is empty"},
        {"TOML syntax error", replace(kValid, "capture = 10", "capture = = 10"), 30, "", ""},
        {"unsupported sample rate", replace(kValid, "44100, 48000", "44100, 22050"), 3,
         "device.sample_rates", "22050 Hz is not a supported rate"},
        {"mirror-only without mirror", replace(kValid, "mirror = \"main\"", "mirror_only = true"),
         27, "output[hp1].mirror_only", "needs mirror"},
        {"talkback on a missing input",
         std::string(kValid) + "\n[monitor]\ntalkback_input = \"in9\"\n", 34,
         "monitor.talkback_input", "'in9' is not an analog input"},
        {"capture beyond the inputs", replace(kValid, "capture = 10", "capture = 11"), 30,
         "host.capture", "expected 0..10"},
    };
    for (const auto& m : mistakes)
        expect_refused(m);
}

TEST(DeviceParser, ShippedDevicesAreValid) {
    auto ids = list_device_ids();
    ASSERT_EQ(ids, (std::vector<std::string>{"desktop-2x2", "stress-64", "studio-8x8"}));
    for (const auto& id : ids)
        EXPECT_NO_THROW(load_device(id)) << id;
}

TEST(DeviceParser, StudioHasTheIssuedShape) {
    DeviceSpec s = load_device("studio-8x8");
    ASSERT_EQ(s.analog_inputs.size(), 8u);
    for (int i = 0; i < 4; ++i) {
        const auto& in = s.analog_inputs[static_cast<size_t>(i)];
        EXPECT_EQ(in.gain_max_db, 60);
        EXPECT_EQ(in.pad_db, 20);
        EXPECT_TRUE(in.phantom);
        EXPECT_EQ(in.hiz_ohm > 0, i < 2) << in.id;
    }
    for (int i = 4; i < 8; ++i)
        EXPECT_TRUE(s.analog_inputs[static_cast<size_t>(i)].level_switch);
    EXPECT_EQ(s.output("main")->speaker_set, SpeakerSet::A);
    EXPECT_EQ(s.output("alt")->speaker_set, SpeakerSet::B);
    EXPECT_EQ(s.output("line3")->channels, 1);
    EXPECT_TRUE(s.output("hp2")->own_mix);
    EXPECT_EQ(s.monitor.talkback_input, "in4");
    EXPECT_EQ(s.clock_sources.size(), 4u);
    EXPECT_EQ(s.midi_inputs, 1);
    EXPECT_EQ(s.sample_rates.back(), 192000u);
}

TEST(DeviceParser, DesktopHeadphonesOnlyMirrorMain) {
    DeviceSpec s = load_device("desktop-2x2");
    EXPECT_FALSE(s.output("hp1")->own_mix);
    EXPECT_EQ(s.output("hp1")->default_mirror, "main");
    EXPECT_EQ(s.analog_inputs[0].phantom_group, s.analog_inputs[1].phantom_group);
    EXPECT_TRUE(s.monitor.direct_monitor);
    EXPECT_EQ(s.host.loopback, 2);
}

TEST(DeviceCatalog, UnknownDeviceNamesTheKnownOnes) {
    try {
        load_device("studio-9x9");
        FAIL();
    } catch (const DescriptionError& e) {
        EXPECT_NE(std::string(e.what()).find("desktop-2x2, stress-64, studio-8x8"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace phantom::device
