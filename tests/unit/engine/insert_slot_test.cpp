// The hardware insert slot in the engine (engine/insert_slot.hpp), on the virtual hardware
// with outboard gear looped from an output back into an input (analog/outboard_loop.hpp).
// Every expected figure comes from the loop's description, not from a render: the virtual
// converters take one block (max_frames) each way, the gear its own delay
// (delay_ms × rate, rounded), its gain 10^(dB/20), and an inverted loop flips the sign.
#include <gtest/gtest.h>

#include <cmath>

#include "phantom/processors/insert/round_trip.hpp"
#include "rig.hpp"

namespace phantom::test {
namespace {

constexpr int kBlock = 64;
constexpr std::uint32_t kRate = 48000;

// A studio-8x8 rig with in1 as the inserted channel at 0 dB preamp gain, line3 as its send and
// the line input in5 (no preamp: the loop arrives at the level it left) as its return.
struct InsertRig {
    Rig rig{"studio-8x8", kRate, kBlock};
    explicit InsertRig(const std::string& loop) {
        rig.set("/input/in1/gain", "0");
        rig.source("in5", loop);
    }
    void insert(const std::string& mix, int delay_frames) {
        rig.set("/input/in1/insert/send", "line3");
        rig.set("/input/in1/insert/return", "in5");
        rig.set("/input/in1/insert/mix", mix);
        rig.set("/input/in1/insert/delay", std::to_string(delay_frames));
        rig.set("/input/in1/insert/on", "on");
    }
};

double db(double x) {
    return 20.0 * std::log10(std::max(x, 1e-30));
}

TEST(OutboardLoop, ReturnsTheOutputOneBlockPlusTheGearsDelayLaterAtItsGain) {
    // pb3 plays an impulse into line3 (its default route); the gear delays it 2.5625 ms (123
    // frames), takes 3 dB and inverts it.
    Rig rig("studio-8x8", kRate, kBlock);
    rig.source("in5", "outboard:line3:delay=2.5625ms:gain=-3dB:invert");
    rig.source("pb3", "impulse:0dBFS");
    rig.start();
    rig.run(4096, kBlock);
    const auto& sent = rig.out("line3");
    const auto& back = rig.cap("in5");
    size_t at = 0;
    while (at < sent.size() && sent[at] == 0.0f)
        ++at;
    ASSERT_LT(at, sent.size());
    const size_t expected = at + static_cast<size_t>(2 * kBlock + 123);
    size_t peak_at = 0;
    for (size_t k = 0; k < back.size(); ++k)
        if (std::abs(back[k]) > std::abs(back[peak_at])) peak_at = k;
    EXPECT_EQ(peak_at, expected);
    EXPECT_NEAR(back[peak_at], -std::pow(10.0, -3.0 / 20.0) * sent[at], 1e-6);
}

TEST(OutboardLoop, BadLoopsAreRefusedNamingThem) {
    Rig rig("studio-8x8", kRate, kBlock);
    auto refused = [&](const std::string& spec, const std::string& why) {
        try {
            rig.source("in5", spec);
            ADD_FAILURE() << spec << " was taken";
        } catch (const engine::SourceError& e) {
            EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
        }
    };
    refused("outboard:line9", "no output channel line9");
    refused("outboard:line3:delay=900ms", "delay=900ms");
    refused("outboard:line3:wobble", "'wobble' is not an outboard setting");
    refused("outboard", "expected outboard:OUTPUT");
    refused("guitar:outboard:line3", "no transducer");
    // One of two is a typo (found by an outside test: the last one won, silently).
    refused("outboard:line3:delay=2ms:delay=3ms", "'delay' is given twice");
    refused("outboard:line3:invert:invert", "'invert' is given twice");
    try {
        rig.source("pb1", "outboard:line3");
        ADD_FAILURE() << "a playback channel took a loop";
    } catch (const engine::SourceError& e) {
        EXPECT_NE(std::string(e.what()).find("pb1 is a playback channel"), std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(rig.iface().source(rig.iface().layout().source_index("in5")).has_value());
}

TEST(InsertParams, NonsenseIsRefusedAndChangesNothing) {
    Rig rig("studio-8x8", kRate, kBlock);
    const auto before = rig.iface().params().values();
    auto refused = [&](const std::vector<std::pair<std::string, std::string>>& batch,
                       const std::string& why) {
        try {
            std::vector<params::ParamChange> changes;
            changes.reserve(batch.size());
            const auto& tree = rig.iface().params();
            for (const auto& [path, text] : batch)
                changes.push_back(tree.change_from_text(tree.require(path), text));
            rig.iface().apply(changes);
            ADD_FAILURE() << "taken: " << batch.front().first;
        } catch (const params::ParamError& e) {
            EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
        }
        EXPECT_EQ(rig.iface().params().values(), before);
    };
    refused({{"/input/in1/insert/return", "in1"}}, "in1 cannot be its own return");
    refused({{"/input/in1/insert/on", "on"}}, "needs a send and a return");
    refused({{"/input/in1/insert/send", "line3"}, {"/input/in2/insert/send", "line3"}},
            "line3 is already the send of in1's insert");
    refused({{"/input/in1/insert/return", "in5"}, {"/input/in2/insert/return", "in5"}},
            "in5 is already the return of in1's insert");
    refused({{"/input/in1/insert/send", "line3"},
             {"/input/in1/insert/return", "in5"},
             {"/input/in1/insert/on", "on"},
             {"/input/in5/insert/send", "line4"},
             {"/input/in5/insert/return", "in6"},
             {"/input/in5/insert/on", "on"}},
            "in5 has an insert of its own switched on");
    refused({{"/input/in1/insert/mix", "101"}}, "/input/in1/insert/mix");
    refused({{"/input/in1/insert/send", "pb1"}}, "/input/in1/insert/send");
    // Whole frames: a fraction was stored and shown while the engine used it rounded (found by
    // an outside test).
    refused({{"/input/in1/insert/delay", "100.7"}}, "100.7 is not a whole number of frames");
}

TEST(InsertSlot, ASlotSetButOffChangesNoSample) {
    auto render = [](bool slot) {
        InsertRig r("outboard:line3:delay=1ms");
        r.rig.source("in1", "pink:-20dBFS");
        r.rig.set("/mix/main/in1/gain", "0");
        if (slot) {  // made and running (its delay line written), but not in the channel
            r.rig.set("/input/in1/insert/send", "line3");
            r.rig.set("/input/in1/insert/return", "in5");
        }
        r.rig.start();
        r.rig.run(8192, 0);
        return std::make_pair(r.rig.out("main.L"), r.rig.out("line3"));
    };
    const auto without = render(false), with = render(true);
    EXPECT_EQ(without.first, with.first);
    EXPECT_EQ(without.second, with.second);
}

// Dry and return, half each, with the loop inverted at unity: aligned to the frame they
// cancel; one frame off they do not.
TEST(InsertSlot, DryAndAnInvertedReturnCancelWhenAligned) {
    for (int delay : {2 * kBlock + 123, 2 * kBlock + 122}) {
        InsertRig r("outboard:line3:delay=2.5625ms:invert");
        r.rig.source("in1", "pink:-20dBFS");
        r.rig.set("/input/in1/rec_fx", "on");  // the capture carries the insert's output
        r.insert("50", delay);
        r.rig.start();
        r.rig.run(kRate, kBlock);
        const double dry_db = db(rms(r.rig.cap("in5"), kRate / 2));
        const double out_db = db(rms(r.rig.cap("in1"), kRate / 2));
        EXPECT_GT(dry_db, -30.0);  // the loop carries the signal
        if (delay == 2 * kBlock + 123)
            EXPECT_LE(out_db, -80.0) << "aligned";
        else
            EXPECT_GT(out_db, -60.0) << "one frame off";
    }
}

TEST(InsertSlot, TheSendReplacesTheOutputsMixAndTheReturnComesBackAtFullWet) {
    InsertRig r("outboard:line3:gain=-6.0206dB");  // exactly half
    r.rig.source("in1", "sine:1k:-20dBFS");
    r.rig.source("pb3", "pink:-10dBFS");  // line3's own mix, which the send replaces
    r.rig.set("/input/in1/rec_fx", "on");
    r.insert("100", 2 * kBlock);
    r.rig.start();
    r.rig.run(8192, kBlock);
    const auto& line3 = r.rig.out("line3");
    const auto& in1 = r.rig.cap("in1");
    const auto& in5 = r.rig.cap("in5");
    // From the first block on (snapped at start): line3 carries in1's channel at unity, the
    // return is that half as loud two blocks later, and the channel is the return.
    for (size_t k = 1024; k < in1.size(); ++k) {
        ASSERT_NEAR(in5[k], 0.5f * line3[k - static_cast<size_t>(2 * kBlock)], 1e-6f) << k;
        ASSERT_EQ(in1[k], in5[k]) << k;
    }
}

TEST(InsertSlot, ItsDelayIsTheChannelsLatencyWhileOn) {
    InsertRig r("outboard:line3");
    const size_t in1 = static_cast<size_t>(r.rig.iface().layout().source_index("in1"));
    EXPECT_EQ(r.rig.iface().input_latency_frames(in1), 0);
    r.insert("100", 321);
    EXPECT_EQ(r.rig.iface().input_latency_frames(in1), 321);
    r.rig.set("/input/in1/insert/on", "off");
    EXPECT_EQ(r.rig.iface().input_latency_frames(in1), 0);
}

// Switched in and out while a sine plays: no sample-to-sample step beyond the sine's own.
TEST(InsertSlot, SwitchingDoesNotClick) {
    InsertRig r("outboard:line3:delay=3ms:gain=-2dB");
    r.rig.source("in1", "sine:440:-10dBFS");
    r.rig.set("/input/in1/rec_fx", "on");
    r.rig.set("/input/in1/insert/send", "line3");
    r.rig.set("/input/in1/insert/return", "in5");
    r.rig.set("/input/in1/insert/delay", std::to_string(2 * kBlock + 144));
    r.rig.start();
    r.rig.run(4800, kBlock);
    r.rig.set("/input/in1/insert/on", "on");
    r.rig.run(4800, kBlock);
    r.rig.set("/input/in1/insert/mix", "30");
    r.rig.run(4800, kBlock);
    r.rig.set("/input/in1/insert/delay", "400");
    r.rig.run(4800, kBlock);
    r.rig.set("/input/in1/insert/on", "off");
    r.rig.run(4800, kBlock);
    // The steadiest step is the sine's own before anything switched.
    const auto& x = r.rig.cap("in1");
    double sine_step = 0;
    for (size_t k = 1; k < 4800; ++k)
        sine_step = std::max(sine_step, static_cast<double>(std::abs(x[k] - x[k - 1])));
    ASSERT_GT(sine_step, 0.01);
    for (size_t k = 1; k < x.size(); ++k)
        ASSERT_LE(std::abs(x[k] - x[k - 1]), 1.5 * sine_step) << "at " << k;
}

// The measurement through the Interface: the audio thread plays the sequence and records
// the return; the correlation finds the loop's true delay.
TEST(InsertSlot, AMeasurementFindsTheLoopsTrueDelay) {
    InsertRig r("outboard:line3:delay=2.5625ms:gain=-3dB:invert");
    r.rig.source("in1", "pink:-20dBFS");  // playing meanwhile: the send plays the sequence
    r.rig.set("/input/in1/insert/send", "line3");
    r.rig.set("/input/in1/insert/return", "in5");
    r.rig.start();
    auto& iface = r.rig.iface();
    const size_t in1 = static_cast<size_t>(iface.layout().source_index("in1"));
    const auto mls = processors::insert::maximum_length_sequence(13, 0.1f);
    iface.begin_insert_measurement(in1, mls);
    EXPECT_THROW(iface.begin_insert_measurement(in1, mls), std::invalid_argument);
    int blocks = 0;
    while (!iface.insert_measurement_done(in1) && blocks < 2000) {
        r.rig.block(kBlock);
        ++blocks;
    }
    ASSERT_TRUE(iface.insert_measurement_done(in1));
    const auto recording = iface.take_insert_recording(in1);
    std::string why;
    const auto trip = processors::insert::measure_round_trip(
        mls, recording, engine::Interface::insert_max_lag_frames(), why);
    ASSERT_TRUE(trip) << why;
    EXPECT_NEAR(trip->delay_frames, 2 * kBlock + 123, 1.0);
    EXPECT_NEAR(trip->gain_db, -3.0, 0.05);
    EXPECT_TRUE(trip->inverted);
    EXPECT_FALSE(iface.insert_measurement_done(in1));  // taken: idle again
}

// As on JACK: the ports come in through the block. A NaN on the return's port is stopped by
// the return's own input stage; the channel, fully wet, is silent for that block and goes on.
TEST(InsertSlot, ANaNOnTheReturnNeverReachesABus) {
    Rig rig("studio-8x8", kRate, kBlock);
    rig.host_ports();
    const size_t in1 = static_cast<size_t>(rig.iface().layout().source_index("in1"));
    const size_t in5 = static_cast<size_t>(rig.iface().layout().source_index("in5"));
    rig.set("/mix/main/in1/gain", "0");
    rig.set("/input/in1/insert/send", "line3");
    rig.set("/input/in1/insert/return", "in5");
    rig.set("/input/in1/insert/on", "on");
    rig.start();
    std::fill(rig.hw_in(in1).begin(), rig.hw_in(in1).end(), 0.25f);
    std::fill(rig.hw_in(in5).begin(), rig.hw_in(in5).end(), 0.5f);
    rig.run(4 * kBlock, kBlock);
    rig.hw_in(in5)[7] = NAN;
    rig.run(kBlock, kBlock);
    rig.hw_in(in5)[7] = 0.5f;
    rig.run(4 * kBlock, kBlock);
    const auto& main = rig.out("main.L");
    for (float v : main)
        ASSERT_TRUE(std::isfinite(v));
    EXPECT_GT(peak(main, main.size() - kBlock), 0.0f);
}

}  // namespace
}  // namespace phantom::test
