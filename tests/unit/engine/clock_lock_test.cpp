// The sample clock's lock on the virtual hardware: /clock/source with an external input that
// is absent, at the right rate or at a wrong one; the digital inputs muted without lock (and
// only they); on JACK the control refused as the preamp's are.
#include "phantom/engine/clock_lock.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::engine {
namespace {

TEST(ClockLock, StatesFromTheSourceAndWhatItsInputCarries) {
    EXPECT_EQ(clock_lock("internal", 0, 48000, false).state, ClockState::Internal);
    EXPECT_EQ(clock_lock("wordclock", 0, 48000, false).state, ClockState::NoSignal);
    EXPECT_EQ(clock_lock("wordclock", 44100, 48000, false).state, ClockState::WrongRate);
    EXPECT_EQ(clock_lock("wordclock", 48000, 48000, false).state, ClockState::Locked);
    EXPECT_EQ(clock_lock("wordclock", 0, 48000, true).state, ClockState::Host);
    EXPECT_TRUE(clock_lock("wordclock", 0, 48000, false).digital_inputs_muted());
    EXPECT_FALSE(clock_lock("wordclock", 48000, 48000, false).digital_inputs_muted());
    EXPECT_FALSE(clock_lock("wordclock", 0, 48000, true).digital_inputs_muted());
    EXPECT_EQ(clock_lock("wordclock", 44100, 48000, false).message(),
              "not locked: wordclock carries 44100 Hz, the interface runs at 48000 Hz; ADAT and "
              "S/PDIF inputs muted (set the clock master to 48000 Hz, or /clock/source to "
              "internal)");
    EXPECT_EQ(parse_clock_input_rate("adat", "none"), 0u);
    EXPECT_EQ(parse_clock_input_rate("adat", "44100"), 44100u);
    EXPECT_THROW(parse_clock_input_rate("adat", "44.1k"), std::invalid_argument);
    EXPECT_THROW(parse_clock_input_rate("adat", "0"), std::invalid_argument);
}

// Peaks of the captured channels of in1 (analog) and adat1, spdif1 (digital) over 20 blocks.
struct Peaks {
    float in1 = 0, adat1 = 0, spdif1 = 0;
};

Peaks run(Interface& iface) {
    iface.start();
    const auto index = [&](const char* id) {
        return static_cast<size_t>(iface.layout().source_index(id));
    };
    std::vector<std::vector<float>> bufs(3, std::vector<float>(256));
    std::vector<float*> capture(iface.capture_channel_count(), nullptr);
    capture[index("in1")] = bufs[0].data();
    capture[index("adat1")] = bufs[1].data();
    capture[index("spdif1")] = bufs[2].data();
    BlockIo io;
    io.frames = 256;
    io.capture = capture.data();
    Peaks p;
    for (int b = 0; b < 20; ++b) {
        iface.process(io);
        for (size_t k = 0; k < 256; ++k) {
            p.in1 = std::max(p.in1, std::fabs(bufs[0][k]));
            p.adat1 = std::max(p.adat1, std::fabs(bufs[1][k]));
            p.spdif1 = std::max(p.spdif1, std::fabs(bufs[2][k]));
        }
    }
    return p;
}

struct Rig {
    Interface iface{device::load_device("studio-8x8"), 48000, 256};
    Rig() {
        // −20 dBFS sines: a peak of 0.1 where they pass.
        iface.set_source("in1", "sine:1k:-20dBFS");
        iface.set_source("adat1", "sine:1k:-20dBFS");
        iface.set_source("spdif1", "sine:1k:-20dBFS");
    }
};

TEST(ClockLock, InternalClockPassesTheDigitalInputs) {
    Rig r;
    EXPECT_EQ(r.iface.clock().state, ClockState::Internal);
    const Peaks p = run(r.iface);
    EXPECT_NEAR(p.in1, 0.1f, 1e-4);
    EXPECT_NEAR(p.adat1, 0.1f, 1e-4);
    EXPECT_NEAR(p.spdif1, 0.1f, 1e-4);
}

TEST(ClockLock, WordClockWithNoSignalMutesTheDigitalInputsOnlyAndSaysSo) {
    Rig r;
    r.iface.set_text("/clock/source", "wordclock");
    EXPECT_EQ(r.iface.clock().state, ClockState::NoSignal);
    const Peaks p = run(r.iface);
    EXPECT_NEAR(p.in1, 0.1f, 1e-4);  // the analog inputs have their own converters
    EXPECT_EQ(p.adat1, 0.0f);
    EXPECT_EQ(p.spdif1, 0.0f);
    ASSERT_FALSE(r.iface.warnings().empty());
    EXPECT_EQ(r.iface.warnings().back(),
              "clock: not locked: no signal on wordclock; ADAT and S/PDIF inputs muted (connect "
              "the wordclock source, or set /clock/source to internal)");
}

TEST(ClockLock, WordClockAtTheWrongRateMutesAndAtTheRightRateLocks) {
    Rig r;
    r.iface.set_clock_input("wordclock", 44100);
    r.iface.set_text("/clock/source", "wordclock");
    EXPECT_EQ(r.iface.clock().state, ClockState::WrongRate);
    EXPECT_EQ(r.iface.clock().input_rate_hz, 44100u);
    EXPECT_EQ(run(r.iface).adat1, 0.0f);
    r.iface.set_clock_input("wordclock", 48000);
    EXPECT_EQ(r.iface.clock().state, ClockState::Locked);
    EXPECT_EQ(r.iface.clock().message(), "locked to wordclock at 48000 Hz");
    EXPECT_NEAR(run(r.iface).adat1, 0.1f, 1e-4);
    // A rate change that meets the clock's rate locks; away from it, the lock goes.
    r.iface.change_sample_rate(44100);
    EXPECT_EQ(r.iface.clock().state, ClockState::WrongRate);
}

TEST(ClockLock, AnAdatInputWithSomethingPlayingCarriesTheRateUnlessToldOtherwise) {
    Rig r;
    r.iface.set_text("/clock/source", "adat");
    EXPECT_EQ(r.iface.clock().state, ClockState::Locked);
    EXPECT_NEAR(run(r.iface).adat1, 0.1f, 1e-4);
    r.iface.set_clock_input("adat", 0);
    EXPECT_EQ(r.iface.clock().state, ClockState::NoSignal);
    EXPECT_EQ(run(r.iface).spdif1, 0.0f);
}

TEST(ClockLock, AnInputTheDeviceDoesNotHaveIsRefused) {
    Rig r;
    EXPECT_THROW(r.iface.set_clock_input("madi", 48000), std::invalid_argument);
    Interface desktop(device::load_device("desktop-2x2"), 48000, 256);
    try {
        desktop.set_clock_input("wordclock", 48000);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("internal clock only"), std::string::npos);
    }
}

TEST(ClockLock, OnJackTheControlIsNotAvailableAndTheStatusSaysTheHostOwnsIt) {
    Interface iface(device::load_device("studio-8x8"), 48000, 256);
    iface.set_host_owns_clock(true);
    control::Controller c(iface, /*analog_available=*/false);
    try {
        c.set("/clock/source", control::Value("wordclock"));
        FAIL() << "refused on JACK";
    } catch (const control::CommandError& e) {
        EXPECT_EQ(e.kind(), control::ErrorKind::NotAvailable);
        EXPECT_EQ(std::string(e.what()),
                  "/clock/source: not available on this hardware (on JACK the sound card owns the "
                  "sample clock)");
    }
    EXPECT_EQ(c.status().clock.state, ClockState::Host);
    EXPECT_FALSE(c.status().clock.digital_inputs_muted());
}

TEST(ClockLock, TheStatusCarriesTheLock) {
    Interface iface(device::load_device("studio-8x8"), 48000, 256);
    control::Controller c(iface, true);
    c.set("/clock/source", control::Value("spdif"));
    const auto st = c.status();
    EXPECT_EQ(st.clock.source, "spdif");
    EXPECT_EQ(st.clock.state, ClockState::NoSignal);
    EXPECT_TRUE(st.clock.digital_inputs_muted());
}

}  // namespace
}  // namespace phantom::engine
