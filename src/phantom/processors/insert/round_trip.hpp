// Measuring a hardware insert's round trip: a maximum-length sequence (MLS) goes out of the
// send, the return is recorded, and the lag where the two correlate best is the loop's delay.
// jack_iodelay measures the same loop with a set of sine tones; an MLS is chosen here because its
// correlation has one peak and nothing else (its autocorrelation is N at lag 0 and −1 at every
// other lag), so a filter, a gain or a polarity flip in the outboard moves the peak's height and
// sign but not its place, and noise of the same level as the signal still leaves a peak about
// 10·log10(N) dB above the floor.
//
// [control-thread] Everything here: the audio thread only plays the sequence and records the
// return (into buffers sized before it starts); the correlation runs afterwards.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace phantom::processors::insert {

// One period of the MLS of order `order` (2^order − 1 samples of ±amplitude), from a Fibonacci
// LFSR with a primitive feedback polynomial. Orders 10 … 16.
std::vector<float> maximum_length_sequence(int order, float amplitude);

struct RoundTrip {
    double delay_frames = 0;  // the peak's place, refined between frames (parabolic)
    int delay_whole_frames = 0;
    double gain_db = 0;           // the return's level against the send's, at the peak
    bool inverted = false;        // the return comes back with its polarity flipped
    double peak_to_floor_db = 0;  // how far the peak stands above the correlation's median
};

// Where `sent` arrives in `returned`: the lag 0 … max_lag_frames (returned[lag + i] answers
// sent[i]) at which the correlation's magnitude peaks. `returned` must hold sent.size() +
// max_lag_frames samples. nullopt, with `why` set, when no peak stands out by at least
// kMinPeakToFloorDb (nothing came back, or only noise): the slot must not be aligned to a guess.
std::optional<RoundTrip> measure_round_trip(const std::vector<float>& sent,
                                            const std::vector<float>& returned, int max_lag_frames,
                                            std::string& why);

// A peak 20 dB over the median of |correlation| is unmistakable for an MLS of 2^13 or more; a
// loop that returns nothing gives about 5 dB (the median of noise against its largest value).
inline constexpr double kMinPeakToFloorDb = 20.0;
// At the peak, the sequence must account for at least 1 % of the return's energy (a
// correlation coefficient of 0.1): a loop with a 8 kHz low-pass and noise as loud as the
// return still gives about 0.3, a partial sequence from a loop longer than the window about
// 1/√N (0.01 for N = 8191).
inline constexpr double kMinCoherence = 0.1;

}  // namespace phantom::processors::insert
