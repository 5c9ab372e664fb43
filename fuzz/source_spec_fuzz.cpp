// Fuzz target: a source text (`--source CH=TEXT`, a session's "sources") → parse_source_spec.
// Anything is either refused with SourceSpecError or gives a spec whose numbers are finite and
// in range, and whose generator renders finite samples (what reaches the engine after the
// input's fault guard must never be a NaN or an Inf).
#include <cmath>
#include <cstdint>
#include <string>

#include "phantom/analog/input_front_end.hpp"
#include "phantom/analog/signal_source.hpp"
#include "phantom/analog/source_spec.hpp"

namespace {

using namespace phantom::analog;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    SourceSpec s;
    try {
        s = parse_source_spec(text);
    } catch (const SourceSpecError&) {
        return 0;
    }
    require(std::isfinite(s.level) && std::isfinite(s.frequency_hz) &&
            std::isfinite(s.frequency2_hz) && std::isfinite(s.period_s));
    require(s.level >= -200 && s.level <= 160);
    require(s.file_channel >= -1 && s.file_channel < kMaxFileChannels);
    if (s.signal == SignalKind::File) {
        require(!s.path.empty());
        return 0;  // opening files is the audio file reader's business, not this parser's
    }
    require(s.frequency_hz >= kMinFrequencyHz && s.frequency_hz <= kMaxFrequencyHz);
    require(s.frequency2_hz >= kMinFrequencyHz && s.frequency2_hz <= kMaxFrequencyHz);
    try {
        require(std::isfinite(digital_source_gain(s, "adat1")));
    } catch (const std::invalid_argument&) {  // an analog level: refused on a digital channel
    }
    SignalSource source(s, 48000);
    float block[256];
    for (int k = 0; k < 4; ++k) {
        source.render(block, 256);
        for (float x : block)
            require(std::isfinite(x));
    }
    return 0;
}
