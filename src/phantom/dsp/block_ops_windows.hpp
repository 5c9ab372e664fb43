// A block kernel of block_ops.cpp (built for AVX2 and the baseline like the others), declared
// apart so that the headers every module includes stay as they were.
// [audio-thread] no allocation.
#pragma once

namespace phantom::dsp {

// Sums of `windows` consecutive windows of `window` samples: sums[k] = x[k·window] + … summed in
// order from 0.0f, exactly as a running sum over each window makes it. Eight windows are summed
// side by side, each in its own lane and in its own order, so the results are those of one
// running sum after another, bit for bit, without one long chain of dependent additions (which
// cost 12 % of a 16-input render's CPU in the analysis tap's decimation).
void window_sums(const float* x, int window, int windows, float* sums);

}  // namespace phantom::dsp
