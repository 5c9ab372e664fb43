// The status line for kept connections that wait: Phantom's side named by channel, runs of
// channels folded, the absent client named once with how many connections wait for it.
#include "phantom/backend/waiting_summary.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace phantom::backend {
namespace {

bool ours(const std::string& port) {
    return port.starts_with("phantom:");
}

TEST(WaitingSummary, AGoneSlaveIsNamedWithTheInputsThatWentSilent) {
    std::vector<PortConnection> entries;
    for (int n = 1; n <= 8; ++n)
        entries.push_back({"liveroom:from_slave_" + std::to_string(n),
                           "phantom:hw_in_adat" + std::to_string(n), "waiting"});
    const auto lines = describe_waiting(entries, ours, [](const std::string&) { return false; });
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0],
              "inputs adat1–8: 'liveroom' is not connected (8 kept connections wait "
              "for it)");
}

TEST(WaitingSummary, InputsAndOutputsOfOneClientShareALineAndConnectedOnesAreLeftOut) {
    const std::vector<PortConnection> entries = {
        {"liveroom:from_slave_1", "phantom:hw_in_adat1", "waiting"},
        {"liveroom:from_slave_2", "phantom:hw_in_adat2", "waiting"},
        {"phantom:hw_out_main.L", "liveroom:to_slave_1", "waiting"},
        {"system:capture_1", "phantom:hw_in_in1", "connected"},
        {"phantom:capture_3", "streamer:in_1", "waiting"},
    };
    const auto lines = describe_waiting(entries, ours, [](const std::string&) { return false; });
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0],
              "inputs adat1–2, output main.L: 'liveroom' is not connected (3 kept "
              "connections wait for it)");
    EXPECT_EQ(lines[1],
              "capture channel 3: 'streamer' is not connected (1 kept connection "
              "waits for it)");
}

TEST(WaitingSummary, APresentPortNotConnectedYetAndARefusalAreToldApart) {
    const std::set<std::string> present = {"liveroom:from_slave_1"};
    const std::vector<PortConnection> entries = {
        {"liveroom:from_slave_1", "phantom:hw_in_adat1", "waiting"},
        {"phantom:hw_in_in1", "system:playback_1", "refused"},
    };
    const auto lines = describe_waiting(
        entries, ours, [&](const std::string& port) { return present.contains(port); });
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0],
              "input adat1: 'liveroom:from_slave_1' is there but not connected yet "
              "(its client is not active)");
    EXPECT_EQ(lines[1],
              "refused by the server (direction or type): phantom:hw_in_in1 → "
              "system:playback_1");
}

TEST(WaitingSummary, OnlyConsecutiveNumbersOfOneStemFold) {
    EXPECT_EQ(fold_channel_runs({"adat1", "adat2", "adat3", "adat5", "spdif.L", "in10", "in11"}),
              "adat1–3, adat5, spdif.L, in10–11");
    EXPECT_EQ(fold_channel_runs({"1", "2", "3", "4"}), "1–4");
    EXPECT_EQ(fold_channel_runs({"in2", "in1"}), "in2, in1");
    EXPECT_EQ(fold_channel_runs({}), "");
}

TEST(WaitingSummary, OwnPortsAreLabelledByWhatTheyCarry) {
    EXPECT_EQ(label_own_port("phantom:hw_in_adat1").kind, "input");
    EXPECT_EQ(label_own_port("phantom:hw_out_hp1.R").name, "hp1.R");
    EXPECT_EQ(label_own_port("phantom:playback_12").kind, "playback channel");
    EXPECT_EQ(label_own_port("phantom:playback_12").name, "12");
    EXPECT_EQ(label_own_port("phantom:midi_ctl_in").kind, "MIDI port");
}

}  // namespace
}  // namespace phantom::backend
