// Width and M/S decoding of a linked input pair (TotalMix's Width and MS Proc), checked against
// the matrices written out here: L' = (1+w)/2·L + (1−w)/2·R, R' = (1−w)/2·L + (1+w)/2·R, and an
// M/S pair (M on the left, S on the right) decoded as L = M + S, R = M − S.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "rig.hpp"

namespace phantom::test {
namespace {

constexpr std::uint32_t kRate = 48000;
constexpr int kBlock = 64;
constexpr size_t kFrames = 9600;   // 200 ms
constexpr size_t kSettled = 2400;  // past the 10 ms section fade and the 5 ms glide

std::vector<float> sine(double hz, double amplitude) {
    std::vector<float> x(kFrames);
    for (size_t i = 0; i < kFrames; ++i)
        x[i] = static_cast<float>(amplitude * std::sin(2.0 * M_PI * hz * static_cast<double>(i) /
                                                       static_cast<double>(kRate)));
    return x;
}

using Settings = std::vector<std::pair<std::string, std::string>>;

struct PairRig {
    Rig rig{"studio-8x8", kRate, kBlock};
    explicit PairRig(const Settings& settings) {
        rig.host_ports();
        rig.set("/link/in1", "on");
        rig.set("/input/in1/rec_fx", "on");  // the captures carry the strip's output
        rig.set("/mix/main/in1/gain", "0");
        rig.set("/mix/main/in2/gain", "0");
        for (const auto& [path, value] : settings)
            rig.set(path, value);
        rig.start();
    }
    // in1 and in2 as on JACK; the captures after the strip, and main.
    void play(const std::vector<float>& left, const std::vector<float>& right) {
        const auto a = static_cast<size_t>(rig.iface().layout().source_index("in1"));
        const auto b = static_cast<size_t>(rig.iface().layout().source_index("in2"));
        for (size_t at = 0; at < kFrames; at += kBlock) {
            std::copy(left.begin() + static_cast<long>(at),
                      left.begin() + static_cast<long>(at + kBlock), rig.hw_in(a).begin());
            std::copy(right.begin() + static_cast<long>(at),
                      right.begin() + static_cast<long>(at + kBlock), rig.hw_in(b).begin());
            rig.block(kBlock);
        }
    }
};

void expect_matrix(const std::vector<float>& got_l, const std::vector<float>& got_r,
                   const std::vector<float>& l, const std::vector<float>& r, double ll, double lr,
                   double rl, double rr) {
    for (size_t i = kSettled; i < kFrames; ++i) {
        ASSERT_NEAR(got_l[i], ll * l[i] + lr * r[i], 1e-6) << "left, frame " << i;
        ASSERT_NEAR(got_r[i], rl * l[i] + rr * r[i], 1e-6) << "right, frame " << i;
    }
}

TEST(PairWidth, WidthZeroMakesTheLinkedPairMono) {
    PairRig p(Settings{{"/input/in1/width", "0"}});
    const auto l = sine(440, 0.3), r = sine(1000, 0.2);
    p.play(l, r);
    expect_matrix(p.rig.cap("in1"), p.rig.cap("in2"), l, r, 0.5, 0.5, 0.5, 0.5);
}

TEST(PairWidth, WidthTwoDoublesTheSide) {
    PairRig p(Settings{{"/input/in1/width", "2"}});
    const auto l = sine(440, 0.3), r = sine(1000, 0.2);
    p.play(l, r);
    expect_matrix(p.rig.cap("in1"), p.rig.cap("in2"), l, r, 1.5, -0.5, -0.5, 1.5);
}

TEST(PairWidth, AnMsPairIsDecodedToLeftAndRight) {
    PairRig p(Settings{{"/input/in1/ms", "on"}});
    const auto mid = sine(440, 0.3), side = sine(1000, 0.1);
    p.play(mid, side);
    expect_matrix(p.rig.cap("in1"), p.rig.cap("in2"), mid, side, 1.0, 1.0, 1.0, -1.0);
}

// in2 silent, in1 playing: width 0 puts half of in1 on in2's side, and main's right hears it
// (the silent side must not be skipped by the mixes after the strip has filled it).
TEST(PairWidth, WhatWidthMovesIntoASilentSideReachesTheMix) {
    PairRig p(Settings{{"/input/in1/width", "0"}});
    const auto l = sine(440, 0.3);
    p.play(l, std::vector<float>(kFrames, 0.0f));
    float right_peak = 0;
    for (size_t i = kSettled; i < kFrames; ++i)
        right_peak = std::max(right_peak, std::fabs(p.rig.out("main.R")[i]));
    EXPECT_GT(right_peak, 0.1f);
    expect_matrix(p.rig.cap("in1"), p.rig.cap("in2"), l, std::vector<float>(kFrames, 0.0f), 0.5,
                  0.5, 0.5, 0.5);
}

TEST(PairWidth, AnUnlinkedPairIsLeftAsItIsAndOnlyThePairsFirstChannelHasTheControls) {
    PairRig p(Settings{{"/link/in1", "off"}, {"/input/in1/width", "0"}, {"/input/in1/ms", "on"}});
    const auto l = sine(440, 0.3), r = sine(1000, 0.2);
    p.play(l, r);
    const auto& got = p.rig.cap("in1");
    for (size_t i = 0; i < kFrames; ++i)
        ASSERT_EQ(got[i], l[i]) << "frame " << i;
    EXPECT_ANY_THROW(p.rig.set("/input/in2/width", "0"));
    EXPECT_ANY_THROW(p.rig.set("/input/in1/width", "3"));
}

}  // namespace
}  // namespace phantom::test
