// Fuzz target: a source text (`--source CH=TEXT`, a session's "sources") → parse_source_spec,
// and the same bytes as a virtual fault (`--fault`, POST /api/faults) → parse_fault_spec.
// Anything is either refused with SourceSpecError or gives a spec whose numbers are finite and
// in range, and whose generator renders finite samples (what reaches the engine after the
// input's fault guard must never be a NaN or an Inf).
#include <cmath>
#include <cstdint>
#include <string>

#include "phantom/analog/fault_spec.hpp"
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
    try {
        const FaultSpec f = parse_fault_spec(text);
        require(std::isfinite(f.level) && f.level >= -200 && f.level <= 40);
        require(f.kind != FaultKind::Overload ||
                (f.overload_s > 0 && f.overload_s <= kMaxOverloadS));
        require(f.kind == FaultKind::Overload ? f.channel.empty() : !f.channel.empty());
        require(f.kind != FaultKind::Hum || f.mains_hz == 50.0 || f.mains_hz == 60.0);
    } catch (const SourceSpecError&) {
    }
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
