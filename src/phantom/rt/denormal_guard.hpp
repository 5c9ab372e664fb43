// Scoped FTZ/DAZ: denormals would cost tens of cycles each in decaying filters and ramps.
// MXCSR bit 15 is flush-to-zero, bit 6 is denormals-are-zero (reliability.md §3). The previous
// mode is restored, because the audio thread may belong to a host (libjack, a test).
#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace phantom::rt {

class DenormalGuard {
  public:
    DenormalGuard() {
#if defined(__SSE__) || defined(__x86_64__)
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ | kFtz | kDaz);
#endif
    }
    ~DenormalGuard() {
#if defined(__SSE__) || defined(__x86_64__)
        _mm_setcsr(saved_);
#endif
    }
    DenormalGuard(const DenormalGuard&) = delete;
    DenormalGuard& operator=(const DenormalGuard&) = delete;

  private:
    static constexpr unsigned kFtz = 0x8000;
    static constexpr unsigned kDaz = 0x0040;
    unsigned saved_ = 0;
};

}  // namespace phantom::rt
