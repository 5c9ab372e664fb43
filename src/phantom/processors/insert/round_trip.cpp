#include "phantom/processors/insert/round_trip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace phantom::processors::insert {

namespace {

// Feedback taps of primitive polynomials (Xilinx XAPP052, table 3), one row per order 10 … 16.
constexpr std::array<std::array<int, 4>, 7> kTaps = {{
    {10, 7, 0, 0},
    {11, 9, 0, 0},
    {12, 6, 4, 1},
    {13, 4, 3, 1},
    {14, 5, 3, 1},
    {15, 14, 0, 0},
    {16, 15, 13, 4},
}};

// Σ a[i]·b[i] in eight independent lanes, so the loop vectorises without -ffast-math.
float dot(const float* a, const float* b, size_t n) {
    std::array<float, 8> lane{};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t k = 0; k < 8; ++k)
            lane[k] += a[i + k] * b[i + k];
    float sum = 0;
    for (; i < n; ++i)
        sum += a[i] * b[i];
    for (float x : lane)
        sum += x;
    return sum;
}

}  // namespace

std::vector<float> maximum_length_sequence(int order, float amplitude) {
    if (order < 10 || order > 16)
        throw std::invalid_argument(
            fmt::format("an MLS of order {} is not offered (10 … 16)", order));
    const auto& taps = kTaps[static_cast<size_t>(order - 10)];
    const std::uint32_t length = (1u << order) - 1u;
    std::uint32_t state = 1;  // any state but all zeros
    std::vector<float> out(length);
    for (std::uint32_t i = 0; i < length; ++i) {
        out[i] = (state & 1u) ? amplitude : -amplitude;
        std::uint32_t bit = 0;
        for (int t : taps)
            if (t > 0) bit ^= state >> (order - t);
        state = (state >> 1) | ((bit & 1u) << (order - 1));
    }
    return out;
}

std::optional<RoundTrip> measure_round_trip(const std::vector<float>& sent,
                                            const std::vector<float>& returned, int max_lag_frames,
                                            std::string& why) {
    if (sent.empty() || max_lag_frames < 0 ||
        returned.size() < sent.size() + static_cast<size_t>(max_lag_frames)) {
        why = fmt::format("the return holds {} frames, the measurement needs {}", returned.size(),
                          sent.size() + static_cast<size_t>(std::max(max_lag_frames, 0)));
        return std::nullopt;
    }
    const auto lags = static_cast<size_t>(max_lag_frames) + 1;
    std::vector<float> magnitude(lags);
    size_t peak = 0;
    for (size_t lag = 0; lag < lags; ++lag) {
        magnitude[lag] = std::fabs(dot(sent.data(), returned.data() + lag, sent.size()));
        if (magnitude[lag] > magnitude[peak]) peak = lag;
    }
    std::vector<float> sorted = magnitude;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(lags / 2),
                     sorted.end());
    const double floor = sorted[lags / 2];
    const double top = magnitude[peak];
    const double peak_to_floor_db =
        top <= 0 ? 0 : (floor <= 0 ? 300.0 : 20.0 * std::log10(top / floor));
    if (top <= 0 || peak_to_floor_db < kMinPeakToFloorDb) {
        why = top <= 0 ? fmt::format(
                             "nothing came back: the return is silent (or the loop is "
                             "longer than the {} frames looked for)",
                             max_lag_frames)
                       : fmt::format(
                             "nothing but noise came back (the best lag stands {:.1f} dB "
                             "over the rest, {:.0f} dB are needed)",
                             peak_to_floor_db, kMinPeakToFloorDb);
        return std::nullopt;
    }

    RoundTrip r;
    r.delay_whole_frames = static_cast<int>(peak);
    r.delay_frames = static_cast<double>(peak);
    if (peak > 0 && peak + 1 < lags) {
        const double a = magnitude[peak - 1], b = magnitude[peak], c = magnitude[peak + 1];
        const double curvature = a - 2 * b + c;
        if (curvature < 0) r.delay_frames += 0.5 * (a - c) / curvature;
    }
    // The gain in double at the peak: for a loop that only delays and scales, exactly its gain.
    double cross = 0, energy = 0;
    for (size_t i = 0; i < sent.size(); ++i) {
        cross += static_cast<double>(sent[i]) * returned[peak + i];
        energy += static_cast<double>(sent[i]) * sent[i];
    }
    // A loop longer than the window brings only part of the sequence back, and the best lag is
    // then a chance alignment of two unrelated stretches: a peak over a floor of silence, but
    // one the sequence explains nothing of.
    double window = 0;
    for (size_t i = 0; i < sent.size(); ++i)
        window += static_cast<double>(returned[peak + i]) * returned[peak + i];
    const double coherence = window > 0 ? std::fabs(cross) / std::sqrt(energy * window) : 0.0;
    if (coherence < kMinCoherence) {
        why = fmt::format(
            "what came back does not match the sequence at any lag up to {} frames (at the best "
            "lag it explains {:.1f} % of the return; {:.0f} % are needed): a loop longer than "
            "that, or gear that changes the signal beyond recognition",
            max_lag_frames, 100.0 * coherence * coherence, 100.0 * kMinCoherence * kMinCoherence);
        return std::nullopt;
    }
    r.inverted = cross < 0;
    r.gain_db = 20.0 * std::log10(std::fabs(cross) / energy);
    r.peak_to_floor_db = peak_to_floor_db;
    return r;
}

}  // namespace phantom::processors::insert
