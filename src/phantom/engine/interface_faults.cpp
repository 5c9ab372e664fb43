// The Interface's faults of the virtual world (interface.hpp, analog/fault_spec.hpp): the
// signal of a faulted input is made again with its faults, in the source's own units.
#include <fmt/format.h>

#include "phantom/engine/interface.hpp"
#include "phantom/io/file_stream.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::engine {

namespace u = phantom::units;
using analog::FaultKind;

analog::SourceFaults Interface::source_faults(size_t s, const analog::SourceSpec& spec) const {
    analog::SourceFaults f;
    const auto& info = params_.sources[s];
    const auto& in = spec_.analog_inputs[static_cast<size_t>(info.analog_index)];
    // One source unit is this many volts (peak) at the connector: the fault's volts over it.
    const double volts_per_unit = analog::source_volts_per_unit(spec, in);
    auto volts = [](const analog::FaultSpec& fault) {
        return fault.unit == analog::LevelUnit::Dbv ? u::dbv_to_volts(fault.level)
                                                    : u::dbu_to_volts(fault.level);
    };
    for (const auto& fault : faults_[s]) {
        switch (fault.kind) {
            case FaultKind::Dead:
                f.dead = true;
                break;
            case FaultKind::Polarity:
                f.inverted = !f.inverted;  // swapped twice is right again
                break;
            case FaultKind::Dc:
                if (volts_per_unit > 0) f.dc += volts(fault) / volts_per_unit;
                break;
            case FaultKind::Hum:
                f.hum_hz = fault.mains_hz;
                for (int k = 0; k < analog::kHumHarmonics; ++k)
                    f.hum_peak[k] = volts_per_unit > 0
                                        ? u::kSqrt2 * volts(fault) * analog::kHumHarmonicGain[k] /
                                              volts_per_unit
                                        : 0.0;
                break;
            case FaultKind::Overload:
                break;
        }
    }
    return f;
}

void Interface::rebuild_signal(size_t s) {
    auto bank = std::make_shared<SignalBank>(*signals_);
    std::shared_ptr<io::FileStream> stream;
    if (!source_specs_[s] && faults_[s].empty()) {
        bank->by_source[s] = nullptr;
    } else {
        const analog::SourceSpec spec =
            source_specs_[s] ? *source_specs_[s] : analog::parse_source_spec("silence");
        io::FileSignal signal = make_signal(spec, params_.sources[s].id);
        signal.signal->set_faults(source_faults(s, spec));
        bank->by_source[s] = std::move(signal.signal);
        stream = std::move(signal.stream);
    }
    signals_ = bank;
    replace_stream(s, std::move(stream));
    publish_streams();
    derive();
    plan_dirty_ = true;
    publish_plan();
}

void Interface::add_fault(const std::string& text) {
    analog::FaultSpec fault;
    try {
        fault = analog::parse_fault_spec(text);
    } catch (const std::invalid_argument& e) {
        throw SourceError(e.what());
    }
    if (fault.kind == FaultKind::Overload) {
        overload_text_ = fault.text;
        overload_s_.store(fault.overload_s, std::memory_order_relaxed);
        return;
    }
    const int s = params_.source_index(fault.channel);
    if (s < 0 || params_.sources[static_cast<size_t>(s)].kind != params::SourceKind::Analog) {
        std::string known;
        for (const auto& src : params_.sources)
            if (src.kind == params::SourceKind::Analog)
                known += (known.empty() ? "" : ", ") + src.id;
        throw SourceError(fmt::format(
            "'{}': {} is not an analog input of {}; faults are the analog world's (inputs: {})",
            text, fault.channel, spec_.id, known));
    }
    faults_[static_cast<size_t>(s)].push_back(fault);
    try {
        rebuild_signal(static_cast<size_t>(s));
    } catch (const SourceError&) {
        faults_[static_cast<size_t>(s)].pop_back();
        throw;
    }
}

void Interface::clear_faults(const std::string& where) {
    if (where.empty() || where == "machine") {
        overload_s_.store(0.0, std::memory_order_relaxed);
        overload_text_.clear();
        if (!where.empty()) return;
    }
    if (!where.empty()) {
        const int s = params_.source_index(where);
        if (s < 0)
            throw SourceError(fmt::format("{}: no such input on {} (or 'machine' for an overload)",
                                          where, spec_.id));
        if (faults_[static_cast<size_t>(s)].empty()) return;
        faults_[static_cast<size_t>(s)].clear();
        rebuild_signal(static_cast<size_t>(s));
        return;
    }
    for (size_t s = 0; s < faults_.size(); ++s) {
        if (faults_[s].empty()) continue;
        faults_[s].clear();
        rebuild_signal(s);
    }
}

std::vector<std::string> Interface::fault_texts() const {
    std::vector<std::string> out;
    for (const auto& list : faults_)
        for (const auto& f : list)
            out.push_back(f.text);
    if (!overload_text_.empty()) out.push_back(overload_text_);
    return out;
}

}  // namespace phantom::engine
