// Reverberation time from an impulse response, as ISO 3382 measures a room: Schroeder's
// backward integration of the energy, a least-squares line through its decay from −5 to
// −35 dB (T30), extrapolated to 60 dB.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace phantom::test {

// `energy`: the impulse response's energy per frame (L² + R² for a stereo one).
inline double schroeder_rt60_s(const std::vector<double>& energy, double fs) {
    std::vector<double> edc(energy.size());
    double sum = 0;
    for (size_t i = energy.size(); i-- > 0;) {
        sum += energy[i];
        edc[i] = sum;
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (size_t i = 0; i < edc.size(); ++i) {
        const double level = 10.0 * std::log10(edc[i] / edc[0]);
        if (level > -5.0) continue;
        if (level < -35.0) break;
        const double t = static_cast<double>(i) / fs;
        sx += t;
        sy += level;
        sxx += t * t;
        sxy += t * level;
        ++n;
    }
    const double slope_db_per_s = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    return -60.0 / slope_db_per_s;
}

}  // namespace phantom::test
