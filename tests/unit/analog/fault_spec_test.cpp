// The virtual faults' text forms, and their effect on a signal computed independently.
#include "phantom/analog/fault_spec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "phantom/analog/signal_source.hpp"

namespace phantom::analog {
namespace {

TEST(FaultSpec, EveryFormParses) {
    FaultSpec hum = parse_fault_spec("in1=hum:60:-40dBu");
    EXPECT_EQ(hum.channel, "in1");
    EXPECT_EQ(hum.kind, FaultKind::Hum);
    EXPECT_EQ(hum.mains_hz, 60.0);
    EXPECT_EQ(hum.level, -40.0);
    EXPECT_EQ(hum.unit, LevelUnit::Dbu);
    FaultSpec dc = parse_fault_spec("in3=dc:-20dBV");
    EXPECT_EQ(dc.kind, FaultKind::Dc);
    EXPECT_EQ(dc.unit, LevelUnit::Dbv);
    EXPECT_EQ(parse_fault_spec("in2=polarity").kind, FaultKind::Polarity);
    EXPECT_EQ(parse_fault_spec("in2=dead").kind, FaultKind::Dead);
    FaultSpec load = parse_fault_spec("overload:8ms");
    EXPECT_EQ(load.kind, FaultKind::Overload);
    EXPECT_TRUE(load.channel.empty());
    EXPECT_DOUBLE_EQ(load.overload_s, 0.008);
    EXPECT_DOUBLE_EQ(parse_fault_spec("overload:0.02s").overload_s, 0.02);
    FaultSpec vanish = parse_fault_spec("clock=vanish");
    EXPECT_EQ(vanish.channel, "clock");
    EXPECT_EQ(vanish.kind, FaultKind::ClockVanish);
    FaultSpec drift = parse_fault_spec("wordclock=drift:+1500ppm");
    EXPECT_EQ(drift.channel, "wordclock");
    EXPECT_EQ(drift.kind, FaultKind::ClockDrift);
    EXPECT_DOUBLE_EQ(drift.drift_ppm, 1500.0);
    EXPECT_DOUBLE_EQ(parse_fault_spec("clock=drift:-200").drift_ppm, -200.0);
    FaultSpec echo = parse_fault_spec("pb1=echo-loopback");
    EXPECT_EQ(echo.channel, "pb1");
    EXPECT_EQ(echo.kind, FaultKind::EchoLoopback);
}

void expect_refused(const std::string& text, const std::string& part) {
    try {
        parse_fault_spec(text);
        ADD_FAILURE() << text << " was taken";
    } catch (const SourceSpecError& e) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << text << ": " << e.what();
    }
}

TEST(FaultSpec, BadFormsAreRefusedNamingThePart) {
    expect_refused("", "empty fault");
    expect_refused("in1=hum:55:-40dBu", "'55'");
    expect_refused("in1=hum:50:-40dBFS", "'-40dBFS'");
    expect_refused("in1=hum:50:nandBu", "'nandBu'");
    expect_refused("in1=hum:50", "expected CHANNEL=hum");
    expect_refused("in1=dc:+99dBu", "-200..+40");
    expect_refused("in1=crackle", "'crackle' is not a fault");
    expect_refused("dead", "a fault names its input");
    expect_refused("=dead", "channel before '='");
    expect_refused("in1=overload:8ms", "the machine's");
    expect_refused("overload:0ms", "above 0");
    expect_refused("overload:5s", "at most");
    expect_refused("overload:8", "not a time");
    expect_refused("in1=polarity:1", "expected CHANNEL=polarity");
    expect_refused("clock=drift", "expected CLOCK=drift:PPM");
    expect_refused("clock=drift:fast", "'fast' is not a drift");
    expect_refused("clock=drift:+200000ppm", "-100000..+100000 ppm");
    expect_refused("clock=vanish:now", "expected CLOCK=vanish");
    expect_refused("vanish", "a fault names its input");
    expect_refused("pb1=echo-loopback:2", "expected PB=echo-loopback");
}

TEST(SourceFaults, DeadInvertedDcAndHumActOnTheRenderedSignal) {
    const double rate = 48000;
    const SourceSpec spec = parse_source_spec("sine:1k:0dBFS");
    SignalSource clean(spec, rate), faulted(spec, rate);
    SourceFaults f;
    f.inverted = true;
    f.dc = 0.25;
    f.hum_hz = 50.0;
    f.hum_peak[0] = 0.1;  // the fundamental only: harmonics 0
    faulted.set_faults(f);
    std::vector<float> a(4800), b(4800);
    clean.render(a.data(), 4800);
    faulted.render(b.data(), 4800);
    for (size_t i = 0; i < a.size(); i += 97) {
        const double hum = 0.1 * std::sin(2 * M_PI * 50.0 * static_cast<double>(i) / rate);
        EXPECT_NEAR(b[i], -a[i] + 0.25 + hum, 1e-5) << i;
    }
    SourceFaults dead;
    dead.dead = true;
    faulted.set_faults(dead);
    faulted.render(b.data(), 4800);
    for (float v : b)
        ASSERT_EQ(v, 0.0f);
}

}  // namespace
}  // namespace phantom::analog
