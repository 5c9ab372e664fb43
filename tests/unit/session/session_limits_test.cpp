// Session and state files: whatever their bytes, a SessionError naming the file (and the line
// and column where there is one), never a crash; the CLI exits 2 for each.
#include <gtest/gtest.h>

#include <fstream>

#include "phantom/session/json_depth.hpp"
#include "phantom/session/session.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"

namespace phantom::session {
namespace {

std::string nested(int levels) {
    return "{\"phantom_session\": 1, \"device\": \"studio-8x8\", \"params\": "
           "{\"/monitor/volume\": " +
           std::string(static_cast<size_t>(levels), '[') +
           std::string(static_cast<size_t>(levels), ']') + "}}\n";
}

std::string refusal(const std::string& text) {
    try {
        parse_session_text(text, "s.json");
    } catch (const SessionError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(SessionLimits, AValueNested60000LevelsDeepIsRefusedWhereItGoesTooDeep) {
    const std::string e = refusal(nested(60000));
    // The 33rd level: the root object, "params", then 31 brackets; column of that bracket.
    const std::string prefix =
        "{\"phantom_session\": 1, \"device\": \"studio-8x8\", \"params\": {\"/monitor/volume\": ";
    EXPECT_NE(e.find("s.json:1:" + std::to_string(prefix.size() + 31) + ": nested more than 32"),
              std::string::npos)
        << e;
    EXPECT_EQ(refusal(nested(30)).find("nested"), std::string::npos);  // 32 levels: parsed
}

TEST(SessionLimits, NestingIsCountedOutsideStringsOnly) {
    EXPECT_FALSE(find_nesting_beyond(R"({"a": "[[[[[[", "b": "\"[[[[["})", 1));
    EXPECT_EQ(find_nesting_beyond(R"({"a": [1]})", 1), 6u);
    EXPECT_EQ(find_nesting_beyond("[[[", 2), 2u);
    EXPECT_FALSE(find_nesting_beyond("]]]][[", 2));  // not JSON: left to the parser
}

TEST(SessionLimits, NumbersBeyondDoubleAndOtherBadValuesAreSessionErrors) {
    const std::string e = refusal(
        R"({"phantom_session": 1, "device": "studio-8x8", "params": {"/monitor/volume": 1e400}})");
    EXPECT_NE(e.find("s.json: not valid JSON"), std::string::npos) << e;
    EXPECT_NE(e.find("1e400"), std::string::npos) << e;
    EXPECT_NE(refusal(R"({"phantom_session": 18446744073709551615, "device": "x"})")
                  .find("phantom_session: expected 1"),
              std::string::npos);
    EXPECT_NE(refusal("{\"device\": \"\xff\"}").find("not valid JSON"), std::string::npos);
    EXPECT_NE(refusal("").find("not valid JSON"), std::string::npos);
}

TEST(SessionLimits, AFileThatNeverEndsIsReadOnlyUpToTheLimit) {
    // /dev/zero: read up to the limit and refused, not read for ever.
    try {
        read_session("/dev/zero");
        FAIL() << "accepted";
    } catch (const SessionError& e) {
        EXPECT_NE(std::string(e.what()).find("more than 256 MiB"), std::string::npos) << e.what();
    }
}

struct CliCase {
    const char* name;
    std::string text;
    const char* says;
};

TEST(SessionLimits, RenderExitsTwoForEveryBadSession) {
    const std::string dir = test::temp_dir("session-limits-cli");
    const CliCase cases[] = {
        {"overflow",
         R"({"phantom_session": 1, "device": "studio-8x8", "params": {"/monitor/volume": 1e400}})",
         "not valid JSON"},
        {"long-device", "{\"phantom_session\": 1, \"device\": \"" + std::string(10000, 'x') + "\"}",
         "unknown device"},
        {"deep", nested(60000), "nested more than 32"},
        {"nan-source",
         R"({"phantom_session": 1, "device": "studio-8x8", "sources": {"in2": "sine:1k:nandBu"}})",
         "in2: 'sine:1k:nandBu'"},
        {"bad-version", R"({"phantom_session": 4294967297, "device": "studio-8x8"})",
         "phantom_session: expected 1"},
    };
    for (const auto& c : cases) {
        const std::string file = dir + c.name + ".json";
        std::ofstream(file, std::ios::binary) << c.text;
        const auto r = test::run_command(
            test::phantom_command("render --quiet --duration 10ms --session " + file));
        EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << c.name << ": " << r.err;
        EXPECT_LT(r.err.size(), 1000u) << c.name;  // a 10 000-byte name is not echoed whole
    }
}

TEST(SessionLimits, RenderExitsTwoForABadSourceOrDevice) {
    const auto nan = test::run_command(
        test::phantom_command("render --quiet --duration 10ms --source in1=sine:1k:nandBu"));
    EXPECT_EQ(nan.exit_code, 2) << nan.err;
    EXPECT_NE(nan.err.find("in1: 'sine:1k:nandBu': 'nandBu' is not a level"), std::string::npos)
        << nan.err;
    const auto device = test::run_command(test::phantom_command(
        "render --quiet --duration 10ms --device " + std::string(10000, 'y')));
    EXPECT_EQ(device.exit_code, 2) << device.err;
    EXPECT_NE(device.err.find("unknown device"), std::string::npos) << device.err;
}

}  // namespace
}  // namespace phantom::session
