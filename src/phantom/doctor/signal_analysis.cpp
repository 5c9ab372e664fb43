#include "phantom/doctor/signal_analysis.hpp"

#include <algorithm>
#include <cmath>

namespace phantom::doctor {

double tone_rms(const float* x, size_t n, double freq_hz, double rate_hz) {
    if (n < 2) return 0.0;
    const double w = 2.0 * M_PI * freq_hz / rate_hz;
    const double coeff = 2.0 * std::cos(w);
    double s1 = 0, s2 = 0, window_sum = 0;
    for (size_t i = 0; i < n; ++i) {
        const double hann =
            0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(n - 1));
        window_sum += hann;
        const double s0 = hann * x[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    // |X| = A·Σw/2 for a sine of amplitude A: the RMS is |X|·√2/Σw.
    return std::sqrt(std::max(power, 0.0)) * std::sqrt(2.0) / window_sum;
}

HumReading find_hum(const float* x, size_t n, double rate_hz) {
    HumReading best;
    for (double mains : {50.0, 60.0}) {
        const double line = tone_rms(x, n, mains, rate_hz);
        if (line < kHumMinRms) continue;
        double around = 0;
        for (double d : {-10.0, -7.0, -5.0, 5.0, 7.0, 10.0})
            around = std::max(around, tone_rms(x, n, mains + d, rate_hz));
        if (line < around * std::pow(10.0, kHumLineDb / 20.0)) continue;
        double power = line * line;
        for (int k : {2, 3, 5}) {
            const double h = tone_rms(x, n, mains * k, rate_hz);
            power += h * h;
        }
        if (line > best.fundamental_rms) {
            best.mains_hz = mains;
            best.fundamental_rms = line;
            best.total_rms = std::sqrt(power);
        }
    }
    return best;
}

DcReading find_dc(const float* x, size_t n) {
    DcReading r;
    if (n < 8) return r;
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
        sum += x[i];
    r.mean = sum / static_cast<double>(n);
    constexpr size_t kParts = 8;
    const size_t part = n / kParts;
    r.steady = r.mean != 0.0;
    for (size_t p = 0; p < kParts && r.steady; ++p) {
        double s = 0;
        for (size_t i = p * part; i < (p + 1) * part; ++i)
            s += x[i];
        const double m = s / static_cast<double>(part);
        r.steady = std::abs(m - r.mean) <= 0.1 * std::abs(r.mean);
    }
    return r;
}

double correlation(const float* a, const float* b, size_t n) {
    if (n == 0) return 0.0;
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= static_cast<double>(n);
    mb /= static_cast<double>(n);
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; ++i) {
        const double da = a[i] - ma, db = b[i] - mb;
        ab += da * db;
        aa += da * da;
        bb += db * db;
    }
    if (aa <= 0 || bb <= 0) return 0.0;
    return ab / std::sqrt(aa * bb);
}

void SampleWindow::push(const float* x, size_t n) {
    if (data_.empty()) return;
    for (size_t i = 0; i < n; ++i) {
        data_[next_] = x[i];
        next_ = (next_ + 1) % data_.size();
    }
    filled_ = std::min(data_.size(), filled_ + n);
}

std::vector<float> SampleWindow::ordered() const {
    std::vector<float> out;
    out.reserve(filled_);
    const size_t start = filled_ < data_.size() ? 0 : next_;
    for (size_t i = 0; i < filled_; ++i)
        out.push_back(data_[(start + i) % data_.size()]);
    return out;
}

}  // namespace phantom::doctor
