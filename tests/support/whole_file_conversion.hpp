// A file converted whole to another rate, as the reference a streamed conversion must equal
// sample for sample: zita-resampler in one call with FileStream's filter, aligned as its
// documentation says (half a filter of zeros in first with the output discarded, the signal,
// half a filter of zeros to flush the tail), cut at the signal's length at the new rate.
#pragma once

#include <gtest/gtest.h>
#include <zita-resampler/resampler.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "phantom/io/file_stream.hpp"

namespace phantom::test {

inline std::vector<float> whole_file_conversion(const std::vector<float>& x, std::uint32_t from_hz,
                                                std::uint32_t to_hz) {
    Resampler r;
    EXPECT_EQ(r.setup(from_hz, to_hz, 1, io::FileStream::kFilterHalfLength), 0);
    const auto length = static_cast<size_t>(
        std::llround(static_cast<double>(x.size()) * to_hz / static_cast<double>(from_hz)));
    std::vector<float> out(length);
    r.inp_count = static_cast<unsigned>(r.inpsize() / 2 - 1);
    r.inp_data = nullptr;
    r.out_count = 1u << 20;  // nothing comes out while the delay is taken
    r.out_data = nullptr;
    r.process();
    r.inp_count = static_cast<unsigned>(x.size());
    r.inp_data = const_cast<float*>(x.data());  // zita's interface is not const; it only reads
    r.out_count = static_cast<unsigned>(length);
    r.out_data = out.data();
    r.process();
    EXPECT_EQ(r.inp_count, 0u);
    r.inp_count = static_cast<unsigned>(r.inpsize() / 2);
    r.inp_data = nullptr;
    r.process();
    out.resize(length - r.out_count);
    return out;
}

}  // namespace phantom::test
