// The studio doctor on the virtual hardware, offline: each rule's fault is made (a source, a
// virtual fault or a setting; tests/support/doctor_cases.hpp), the interface runs, the doctor
// examines it every 100 ms of audio time, and the one right finding appears within 2 s; the
// fix is applied and the finding goes, leaving no finding at all. The shipped example session
// and an idle interface give none.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "doctor_cases.hpp"
#include "phantom/control/controller.hpp"
#include "phantom/doctor/doctor.hpp"
#include "phantom/session/session.hpp"
#include "rig.hpp"

namespace phantom::doctor {
namespace {

class DoctorRig {
  public:
    DoctorRig() {
        status_.rate_hz = 48000;
        status_.frames = 256;
    }
    engine::Interface& iface() { return rig_.iface(); }
    void set(const std::string& path, const std::string& value) { rig_.set(path, value); }
    void start() { rig_.start(); }
    backend::BackendStatus& status() { return status_; }

    // Run `seconds` of audio, examining every 100 ms.
    void run(double seconds) {
        const int steps = static_cast<int>(seconds * 10 + 0.5);
        for (int k = 0; k < steps; ++k) {
            rig_.run(4800, 256);
            rig_.clear_recordings();
            iface().maintain();
            now_ += std::chrono::milliseconds(100);
            findings_ = doctor_.examine(iface(), status_, true, now_);
        }
    }
    const Finding* find(const std::string& rule) const {
        for (const auto& f : findings_)
            if (f.rule == rule) return &f;
        return nullptr;
    }
    std::string all() const {
        std::string s;
        for (const auto& f : findings_)
            s += fmt::format("\n  [{}] {} {}: {} → {}", to_string(f.severity), f.rule, f.where,
                             f.what, f.fix);
        return s.empty() ? " (none)" : s;
    }

  private:
    test::Rig rig_{"studio-8x8"};
    Doctor doctor_;
    backend::BackendStatus status_;
    Doctor::Clock::time_point now_{std::chrono::seconds(1000)};
    std::vector<Finding> findings_;
};

class DoctorScenario : public testing::TestWithParam<test::DoctorCase> {};

TEST_P(DoctorScenario, DiagnosedWithinTwoSecondsAndGoneOnceFixed) {
    const test::DoctorCase& c = GetParam();
    DoctorRig d;
    for (const auto& [input, rate] : c.clock_inputs)
        d.iface().set_clock_input(input, engine::parse_clock_input_rate(input, rate));
    for (const auto& [channel, text] : c.sources)
        d.iface().set_source(channel, text);
    for (const auto& fault : c.faults)
        d.iface().add_fault(fault);
    for (const auto& [path, value] : c.setup)
        d.set(path, value);
    d.start();
    d.run(2.0);
    const Finding* f = d.find(c.rule);
    ASSERT_NE(f, nullptr) << c.rule << " not found; findings:" << d.all();
    EXPECT_EQ(f->where, c.where) << d.all();
    EXPECT_NE(f->what.find(c.what_contains), std::string::npos) << d.all();
    EXPECT_NE(f->fix.find(c.fix_contains), std::string::npos) << d.all();
    for (const auto& [path, value] : c.fix)
        d.set(path, value);
    if (!c.clear_fault.empty()) d.iface().clear_faults(c.clear_fault);
    d.run(3.0);
    EXPECT_EQ(d.find(c.rule), nullptr) << c.rule << " still there:" << d.all();
    // The fix leaves a healthy studio, except where the scenario plugs nothing but a fault in.
    if (!c.sources.empty()) {
        EXPECT_EQ(d.all(), " (none)");
    }
}

std::vector<test::DoctorCase> offline_cases() {
    std::vector<test::DoctorCase> cases;
    for (auto& c : test::doctor_cases())
        if (!c.live_only) cases.push_back(std::move(c));
    return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryRule, DoctorScenario, testing::ValuesIn(offline_cases()),
                         [](const testing::TestParamInfo<test::DoctorCase>& param_info) {
                             return param_info.param.name;
                         });

TEST(DoctorRules, XrunsGiveTheBufferThatWouldHoldThem) {
    DoctorRig d;
    d.start();
    // 10 xruns a second at 256 frames and a load of 1.5 (an 8 ms cycle in a 5.3 ms period):
    // 1.5 / 0.7 = 2.14 times the period, so 1024 frames (the next power of two above 549).
    d.status().dsp_load = 1.5;
    for (int k = 0; k < 20; ++k) {
        d.status().xruns += 1;
        d.run(0.1);
    }
    const Finding* f = d.find("xruns");
    ASSERT_NE(f, nullptr) << d.all();
    EXPECT_EQ(f->where, "machine");
    EXPECT_NE(f->fix.find("--frames 1024"), std::string::npos) << f->fix;
    d.status().dsp_load = 0.1;
    d.run(3.0);
    EXPECT_EQ(d.all(), " (none)");
}

TEST(DoctorRules, AnOddXrunIsNotAFinding) {
    DoctorRig d;
    d.start();
    d.status().xruns = 1;
    d.run(1.0);
    d.status().xruns = 2;
    d.run(3.0);
    EXPECT_EQ(d.all(), " (none)");
}

TEST(DoctorRules, KeptConnectionsWaitingForAGoneNetworkClient) {
    DoctorRig d;
    d.start();
    // The line the JACK backend gives (backend/waiting_summary.hpp) for a netjack2 slave gone.
    d.status().waiting = {
        "inputs adat1–8: 'liveroom' is not connected (8 kept connections wait for it)"};
    d.run(0.2);
    const Finding* f = d.find("connections-waiting");
    ASSERT_NE(f, nullptr) << d.all();
    EXPECT_EQ(f->where, "inputs adat1–8");
    EXPECT_NE(f->what.find("inputs adat1–8: 'liveroom' is not connected"), std::string::npos)
        << f->what;
    EXPECT_NE(f->fix.find("start 'liveroom' again"), std::string::npos) << f->fix;
    d.status().waiting.clear();
    d.run(0.2);
    EXPECT_EQ(d.all(), " (none)");
}

TEST(DoctorRules, AClockNotLockedIsNamedWithItsCauseAndGoneOnceFixed) {
    DoctorRig d;
    d.start();
    d.set("/clock/source", "wordclock");  // nothing plugged into word clock
    d.run(0.2);
    const Finding* f = d.find("clock");
    ASSERT_NE(f, nullptr) << d.all();
    EXPECT_EQ(f->where, "clock");
    EXPECT_NE(f->what.find("no signal on wordclock"), std::string::npos) << f->what;
    d.iface().set_clock_input("wordclock", 44100);  // a master at the wrong rate
    d.run(0.2);
    f = d.find("clock");
    ASSERT_NE(f, nullptr) << d.all();
    EXPECT_NE(f->what.find("wordclock carries 44100 Hz and the interface runs at 48000 Hz"),
              std::string::npos)
        << f->what;
    d.iface().set_clock_input("wordclock", 48000);  // the fix: the master at the right rate
    d.run(0.2);
    EXPECT_EQ(d.find("clock"), nullptr) << d.all();
    d.iface().set_clock_input("wordclock", 0);
    d.run(0.2);
    ASSERT_NE(d.find("clock"), nullptr);
    d.set("/clock/source", "internal");  // or the other fix: the internal clock
    d.run(0.2);
    EXPECT_EQ(d.find("clock"), nullptr) << d.all();
}

// The graph's side of a feedback loop (JACK): the backend reports Phantom's loopback.L port
// connected straight to its playback_1; it is a loop only while loopback returns a mix that
// holds pb1, unmuted.
TEST(DoctorRules, ALoopbackPortConnectedToOurOwnPlaybackPortIsAFeedbackLoop) {
    DoctorRig d;
    d.start();
    d.status().loopback_returns = {{0, 0, "phantom:capture_19", "phantom:playback_1"}};
    d.run(0.2);
    EXPECT_EQ(d.find("feedback-loop"), nullptr) << "loopback returns nothing yet:" << d.all();
    d.set("/loopback/source", "main");
    d.run(0.2);
    const Finding* f = d.find("feedback-loop");
    ASSERT_NE(f, nullptr) << d.all();
    EXPECT_EQ(f->severity, Severity::Critical);
    EXPECT_EQ(f->where, "main");
    EXPECT_NE(f->what.find("loopback.L → pb1"), std::string::npos) << f->what;
    EXPECT_NE(f->fix.find("/mix/main/pb1/mute on"), std::string::npos) << f->fix;
    EXPECT_NE(f->fix.find("phantom disconnect phantom:capture_19 phantom:playback_1"),
              std::string::npos)
        << f->fix;
    d.set("/mix/main/pb1/mute", "on");  // the loop is broken in the mix
    d.run(0.2);
    EXPECT_EQ(d.find("feedback-loop"), nullptr) << d.all();
    d.set("/mix/main/pb1/mute", "off");
    d.set("/loopback/source", "hp1");  // loopback returns a mix without pb1
    d.run(0.2);
    EXPECT_EQ(d.find("feedback-loop"), nullptr) << d.all();
    d.set("/loopback/source", "main");
    d.status().loopback_returns.clear();  // disconnected
    d.run(0.2);
    EXPECT_EQ(d.all(), " (none)");
}

TEST(DoctorRules, AHostAtARateTheDeviceDoesNotRunAtIsARateMismatch) {
    DoctorRig d;
    d.start();
    // What the JACK backend says when the server's rate is not one of the device's.
    d.status().state = "stopped";
    d.status().message =
        "the JACK server runs at 22050 Hz: studio-8x8 does not run at 22050 Hz (supported: "
        "44100, 48000, 88200, 96000, 176400, 192000)";
    d.run(0.2);
    const Finding* f = d.find("rate-mismatch");
    ASSERT_NE(f, nullptr) << d.all();
    EXPECT_EQ(f->severity, Severity::Critical);
    EXPECT_NE(f->what.find("22050 Hz"), std::string::npos) << f->what;
    EXPECT_NE(f->fix.find("jackd -r"), std::string::npos) << f->fix;
    d.status().state = "running";  // the server restarted at a rate the device runs at
    d.status().message.clear();
    d.run(0.2);
    EXPECT_EQ(d.find("rate-mismatch"), nullptr) << d.all();
}

TEST(DoctorRules, FindingsComeMostSevereFirst) {
    DoctorRig d;
    d.iface().set_source("in1", "condenser:sine:1k:94dBSPL");  // critical: no 48 V
    d.iface().set_source("in5", "sine:1k:+4dBu");
    d.iface().add_fault("in5=hum:50:-40dBu");  // warning
    d.set("/mix/main/in5/gain", "0");
    d.set("/monitor/dim", "on");  // info
    d.start();
    d.run(2.0);
    ASSERT_NE(d.find("dimmed"), nullptr) << d.all();
    ASSERT_NE(d.find("hum"), nullptr) << d.all();
    ASSERT_NE(d.find("no-phantom"), nullptr) << d.all();
    EXPECT_LT(d.find("no-phantom"), d.find("hum"));
    EXPECT_LT(d.find("hum"), d.find("dimmed"));
}

TEST(DoctorClean, TheShippedExampleSessionHasNoFinding) {
    DoctorRig d;
    const std::string path =
        (std::filesystem::path(PHANTOM_TEST_DATA_DIR).parent_path().parent_path() / "examples" /
         "demo-session.json")
            .string();
    control::Controller c(d.iface(), true);
    c.load(session::read_session(path), path);
    d.start();
    d.run(12.0);  // longer than the demo's 10 s sweep
    EXPECT_EQ(d.all(), " (none)");
}

TEST(DoctorClean, AnIdleInterfaceHasNoFinding) {
    DoctorRig d;
    d.start();
    d.run(3.0);
    EXPECT_EQ(d.all(), " (none)");
}

}  // namespace
}  // namespace phantom::doctor
