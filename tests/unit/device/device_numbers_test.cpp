// Every number of a description is finite and range-checked before it narrows; the output
// count costs linear memory in the parser and is bounded (docs/devices.md, "Limits").
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <tuple>

#include "phantom/device/description_error.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/device/device_parser.hpp"
#include "phantom/engine/interface.hpp"
#include "test_signals.hpp"

namespace phantom::device {
namespace {

// Every numeric field with a value, one a line, so a test can name the line it breaks.
const char* kFull = R"([device]
id = "test-box"
sample_rates = [44100, 48000]
default_rate = 48000

[midi]
inputs = 1
outputs = 1

[[input]]
id = "in1"
kind = "combo"
gain_db = [0, 60]
pad_db = 20
phantom = true
hiz_ohm = 1000000
mic_impedance_ohm = 3000
line_impedance_ohm = 10000
full_scale_dbu = 18

[[output]]
id = "main"
role = "monitor"
channels = 2
full_scale_dbu = 17

[[output]]
id = "hp1"
role = "headphone"
full_scale_dbu = 16
amp = { output_impedance_ohm = 10, max_level_dbu = 17 }

[host]
capture = 1
playback = 2
loopback = 2

[monitor]
dim_db = -20
)";

// Each numeric line of kFull (unique in it) and the field an error names.
const std::pair<const char*, const char*> kNumbers[] = {
    {"pad_db = 20", "input[in1].pad_db"},
    {"hiz_ohm = 1000000", "input[in1].hiz_ohm"},
    {"mic_impedance_ohm = 3000", "input[in1].mic_impedance_ohm"},
    {"line_impedance_ohm = 10000", "input[in1].line_impedance_ohm"},
    {"full_scale_dbu = 18", "input[in1].full_scale_dbu"},
    {"full_scale_dbu = 17", "output[main].full_scale_dbu"},
    {"full_scale_dbu = 16", "output[hp1].full_scale_dbu"},
    {"dim_db = -20", "monitor.dim_db"},
};

std::string with(const std::string& from, const std::string& to) {
    std::string text = kFull;
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return text.replace(pos, from.size(), to);
}

int line_of(const std::string& what) {
    const std::string text = kFull;
    const auto pos = text.find(what);
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

std::string refusal(const std::string& text) {
    try {
        parse_device_text(text, "box.toml");
    } catch (const DescriptionError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(DeviceNumbers, TheFullDescriptionIsValid) {
    EXPECT_EQ(refusal(kFull), "accepted");
}

TEST(DeviceNumbers, NanAndInfAreRefusedInEveryNumericFieldWithFileLineColumnAndField) {
    for (const char* bad : {"nan", "+nan", "-nan", "inf", "+inf", "-inf"}) {
        for (const auto& [line, field] : kNumbers) {
            const std::string key = std::string(line).substr(0, std::string(line).find(" = "));
            const std::string e = refusal(with(line, key + " = " + bad));
            EXPECT_NE(e.find("box.toml:" + std::to_string(line_of(line)) + ":"), std::string::npos)
                << bad << " in " << field << ": " << e;
            EXPECT_NE(e.find(field), std::string::npos) << e;
            EXPECT_NE(e.find("expected a finite number"), std::string::npos) << e;
        }
    }
    // The arrays and the inline table too.
    const std::tuple<const char*, const char*, const char*> more[] = {
        {"gain_db = [0, 60]", "gain_db = [0, nan]", "input[in1].gain_db"},
        {"gain_db = [0, 60]", "gain_db = [-inf, 60]", "input[in1].gain_db"},
        {"output_impedance_ohm = 10", "output_impedance_ohm = nan",
         "output[hp1].amp.output_impedance_ohm"},
        {"max_level_dbu = 17", "max_level_dbu = inf", "output[hp1].amp.max_level_dbu"}};
    for (const auto& [from, to, field] : more) {
        const std::string e = refusal(with(from, to));
        EXPECT_NE(e.find(field), std::string::npos) << to << ": " << e;
        EXPECT_NE(e.find("expected a finite number"), std::string::npos) << e;
    }
}

TEST(DeviceNumbers, NumbersOutOfTheirRangeAreRefusedSayingTheRange) {
    const std::tuple<const char*, const char*, const char*> cases[] = {
        {"mic_impedance_ohm = 3000", "mic_impedance_ohm = 1e300",
         "input[in1].mic_impedance_ohm: expected 50..1e+06 Ω, got 1e+300"},
        {"line_impedance_ohm = 10000", "line_impedance_ohm = 0",
         "input[in1].line_impedance_ohm: expected 100..1e+08 Ω, got 0"},
        {"hiz_ohm = 1000000", "hiz_ohm = 1e12", "100000..100000000 Ω"},
        {"output_impedance_ohm = 10", "output_impedance_ohm = 1e9",
         "expected 0..1000 Ω, got 1e+09"},
        {"max_level_dbu = 17", "max_level_dbu = 300", "expected -10..30 dBu, got 300"},
        {"full_scale_dbu = 17", "full_scale_dbu = 1e300", "expected -10..30 dBu, got 1e+300"},
        {"pad_db = 20", "pad_db = 41", "input[in1].pad_db: expected 0..40 dB, got 41"},
    };
    for (const auto& [from, to, says] : cases) {
        const std::string e = refusal(with(from, to));
        EXPECT_NE(e.find(says), std::string::npos) << to << ": " << e;
    }
}

TEST(DeviceNumbers, IntegersAreCheckedBeforeTheyNarrow) {
    // 4294967298 = 2^32 + 2 would become 2 as an int; 4295015296 = 2^32 + 48000 a valid rate.
    const std::tuple<const char*, const char*, const char*> cases[] = {
        {"channels = 2", "channels = 4294967298",
         "output[main].channels: expected 1..2 (1 mono, 2 a stereo pair), got 4294967298"},
        {"playback = 2", "playback = 4294967298",
         "host.playback: expected 0..256 channels, got 4294967298"},
        {"capture = 1", "capture = 4294967297", "host.capture: expected 0..1"},
        {"loopback = 2", "loopback = 4294967298", "host.loopback: expected 0..2, got 4294967298"},
        {"inputs = 1", "inputs = 4294967297",
         "midi.inputs: expected 0..16 MIDI ports, got 4294967297"},
        {"default_rate = 48000", "default_rate = 4295015296", "got 4295015296"},
        {"sample_rates = [44100, 48000]", "sample_rates = [44100, 4295015296]",
         "4295015296 Hz is not a supported rate"},
        {"channels = 2", "channels = -9223372036854775808", "output[main].channels"},
    };
    for (const auto& [from, to, says] : cases) {
        const std::string e = refusal(with(from, to));
        EXPECT_NE(e.find(says), std::string::npos) << to << ": " << e;
    }
}

std::string outputs_description(int outputs) {
    std::string text = R"([device]
id = "wide"
sample_rates = [48000]

[[input]]
id = "in1"
kind = "line"
)";
    for (int o = 1; o <= outputs; ++o)
        text += "\n[[output]]\nid = \"o" + std::to_string(o) + "\"\nrole = \"line\"\n";
    text += "\n[host]\ncapture = 1\nplayback = 2\n";
    return text;
}

size_t heap_in_use() {
    return mallinfo2().uordblks;
}

TEST(DeviceLimits, OutputsCostLinearMemoryInTheParser) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "the sanitizer's allocator does not report to mallinfo2";
#endif
    // Each output used to hold the list of every other output (5 000 outputs took 817 MB).
    auto cost = [](int outputs) {
        const std::string text = outputs_description(outputs);
        const size_t before = heap_in_use();
        DeviceSpec spec = parse_device_text(text, "wide.toml");
        const size_t after = heap_in_use();
        EXPECT_EQ(spec.outputs.size(), static_cast<size_t>(outputs));
        return static_cast<double>(after - before);
    };
    const double small = cost(64), large = cost(256);
    // Linear: 4 times the outputs, about 4 times the bytes (quadratic would be 16 times).
    EXPECT_LT(large / small, 5.0) << small << " bytes for 64 outputs, " << large << " for 256";
}

TEST(DeviceLimits, TooManyOutputsAreRefusedAtTheFirstOneTooMany) {
    const std::string e = refusal(outputs_description(kMaxOutputs + 1));
    // Each output takes 4 lines after the 8 lines of [device] and [[input]].
    EXPECT_NE(e.find("box.toml:" + std::to_string(9 + 4 * kMaxOutputs) + ":1: output: more"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("more than 256 [[output]]"), std::string::npos) << e;
    EXPECT_NE(refusal(outputs_description(5000)).find("more than 256 [[output]]"),
              std::string::npos);
}

TEST(DeviceLimits, TheMostOutputsAllowedBuildAWorkingInterface) {
    DeviceSpec spec = parse_device_text(outputs_description(kMaxOutputs), "wide.toml");
    engine::Interface iface(std::move(spec), 48000, 64);
    EXPECT_EQ(iface.output_channel_count(), 2u * kMaxOutputs);
    // Each output may mirror every other one: the choices are all there.
    const auto& tree = iface.params();
    const auto& mirror = tree.schema(tree.require("/output/o1/mirror"));
    EXPECT_EQ(mirror.choices.size(), static_cast<size_t>(kMaxOutputs));  // "none" + 255 others
}

TEST(DeviceLimits, StringsFilesAndInputsAreBounded) {
    std::string e = refusal(with(
        "id = \"in1\"", "id = \"in1\"\nlabel = \"" + std::string(kMaxStringBytes + 1, 'x') + "\""));
    EXPECT_NE(e.find("input[in1].label: a string of 257 bytes (at most 256)"), std::string::npos)
        << e;
    std::string big = kFull;
    big += "# " + std::string(kMaxDescriptionBytes, 'x') + "\n";
    e = refusal(big);
    EXPECT_NE(e.find("a description is at most 1048576 bytes"), std::string::npos) << e;
    std::string inputs = R"([device]
id = "many"
sample_rates = [48000]
)";
    for (int i = 1; i <= kMaxAnalogInputs + 1; ++i)
        inputs += "[[input]]\nid = \"i" + std::to_string(i) + "\"\nkind = \"line\"\n";
    e = refusal(inputs);
    EXPECT_NE(e.find("more than 256 [[input]]"), std::string::npos) << e;
}

TEST(DeviceCatalog, ANameThatCannotBeADeviceIsUnknownNotAFilesystemError) {
    for (const std::string& name :
         {std::string(10000, 'x'), std::string("Bad Name"), std::string(300, 'a') + ".toml"}) {
        try {
            load_device(name);
            FAIL() << "accepted";
        } catch (const DescriptionError& e) {
            const std::string what = e.what();
            EXPECT_LT(what.size(), 400u) << what;
        }
    }
}

TEST(DeviceCatalog, AFileThatNeverEndsIsReadOnlyUpToTheLimit) {
    try {
        parse_device_file("/dev/zero");
        FAIL() << "accepted";
    } catch (const DescriptionError& e) {
        EXPECT_NE(std::string(e.what()).find("at most 1048576 bytes"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace phantom::device
