#include "phantom/dsp/stereo_width.hpp"

#include <algorithm>
#include <cmath>

namespace phantom::dsp {

namespace {
StereoMatrix multiply(const StereoMatrix& a, const StereoMatrix& b) {  // a · b
    return {a.ll * b.ll + a.lr * b.rl, a.ll * b.lr + a.lr * b.rr, a.rl * b.ll + a.rr * b.rl,
            a.rl * b.lr + a.rr * b.rr};
}
}  // namespace

StereoMatrix design_stereo_width(const StereoWidthSettings& s) {
    const float w = static_cast<float>(clamp_setting(s.width, 0.0, 2.0));
    // M = (L + R)/2, S = (L − R)/2 · w; L' = M + S, R' = M − S.
    StereoMatrix m{(1 + w) / 2, (1 - w) / 2, (1 - w) / 2, (1 + w) / 2};
    // An M/S pair decodes as L = M + S, R = M − S.
    if (s.input_is_mid_side) m = multiply(m, StereoMatrix{1, 1, 1, -1});
    if (s.output_mid_side) m = multiply(StereoMatrix{0.5f, 0.5f, 0.5f, -0.5f}, m);
    return m;
}

void StereoWidth::prepare(double sample_rate_hz, int) {
    ramp_frames_ = std::max(1, static_cast<int>(std::lround(0.005 * sample_rate_hz)));
    reset();
}

void StereoWidth::set_coefficients(const StereoMatrix& m) {
    if (m.ll == target_.ll && m.lr == target_.lr && m.rl == target_.rl && m.rr == target_.rr)
        return;
    target_ = m;
    remaining_ = ramp_frames_;
    const float n = static_cast<float>(ramp_frames_);
    step_ = {(m.ll - current_.ll) / n, (m.lr - current_.lr) / n, (m.rl - current_.rl) / n,
             (m.rr - current_.rr) / n};
}

void StereoWidth::reset() {
    current_ = target_;
    remaining_ = 0;
}

void StereoWidth::process(const AudioBlock& block) {
    if (block.channel_count < 2) return;
    if (!sanitize_block(block)) return;  // stateless: nothing to reset
    float* l = block.channels[0];
    float* r = block.channels[1];
    int i = 0;
    for (; i < block.frames && remaining_ > 0; ++i, --remaining_) {
        if (remaining_ == 1) {
            current_ = target_;  // land exactly, whatever the float steps summed to
        } else {
            current_ = {current_.ll + step_.ll, current_.lr + step_.lr, current_.rl + step_.rl,
                        current_.rr + step_.rr};
        }
        const float a = l[i], b = r[i];
        l[i] = current_.ll * a + current_.lr * b;
        r[i] = current_.rl * a + current_.rr * b;
    }
    const StereoMatrix m = current_;
    for (; i < block.frames; ++i) {
        const float a = l[i], b = r[i];
        l[i] = m.ll * a + m.lr * b;
        r[i] = m.rl * a + m.rr * b;
    }
}

}  // namespace phantom::dsp
