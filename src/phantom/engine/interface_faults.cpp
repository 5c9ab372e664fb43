// The Interface's faults of the virtual world (interface.hpp, analog/fault_spec.hpp): the
// signal of a faulted input is made again with its faults, in the source's own units.
#include <fmt/format.h>

#include <algorithm>

#include "phantom/engine/interface.hpp"
#include "phantom/io/file_stream.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::engine {

namespace u = phantom::units;
using analog::FaultKind;

analog::SourceFaults Interface::source_faults(size_t s, const analog::SourceSpec& spec) const {
    analog::SourceFaults f;
    const auto& info = params_.sources[s];
    if (info.kind != params::SourceKind::Analog) {  // a playback channel: the host's echo only
        f.echo_channel = echo_channel_of(s);
        if (f.echo_channel >= 0) {
            f.echo = echo_.get();
            // The echo is in dBFS; the signal is scaled by the source's own level after.
            f.echo_scale = static_cast<float>(1.0 / analog::digital_source_gain(spec, info.id));
        } else {
            f.echo_channel = 0;
        }
        return f;
    }
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
            case FaultKind::ClockVanish:
            case FaultKind::ClockDrift:
            case FaultKind::EchoLoopback:
                break;  // the machine's, a clock's, the host's: not on an input's cable
        }
    }
    return f;
}

void Interface::rebuild_signal(size_t s) {
    auto bank = std::make_shared<SignalBank>(*signals_);
    std::shared_ptr<io::FileStream> stream;
    if (!source_specs_[s] && !has_faults(s)) {
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
    if (analog::is_clock_fault(fault.kind) || is_clock_name(fault.channel)) {
        add_clock_fault(fault);
        return;
    }
    if (fault.kind == FaultKind::EchoLoopback) {
        add_echo_fault(fault);
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

// "clock" (the external clock, whichever /clock/source follows) or a clock input's id.
bool Interface::is_clock_name(const std::string& name) const {
    if (name == "clock") return true;
    return name != "internal" && std::find(spec_.clock_sources.begin(), spec_.clock_sources.end(),
                                           name) != spec_.clock_sources.end();
}

void Interface::add_clock_fault(const analog::FaultSpec& fault) {
    std::string inputs;
    for (const auto& c : spec_.clock_sources)
        if (c != "internal") inputs += ", " + c;
    if (!is_clock_name(fault.channel))
        throw SourceError(fmt::format(
            "'{}': {} is not a clock of {}; a clock fault names clock (the one /clock/source "
            "follows){}",
            fault.text, fault.channel, spec_.id, inputs));
    if (!analog::is_clock_fault(fault.kind))
        throw SourceError(
            fmt::format("'{}': {} is a clock; its faults are {}=vanish and {}=drift:PPM",
                        fault.text, fault.channel, fault.channel, fault.channel));
    if (inputs.empty())
        throw SourceError(fmt::format("'{}': {} has no external clock input (internal clock only)",
                                      fault.text, spec_.id));
    clock_faults_[fault.channel] = fault;
    update_clock();
    if (plan_dirty_) publish_plan();
}

void Interface::clear_faults(const std::string& where) {
    if (where.empty() || where == "machine") {
        overload_s_.store(0.0, std::memory_order_relaxed);
        overload_text_.clear();
        if (!where.empty()) return;
    }
    if (where.empty() || is_clock_name(where)) {
        if (where.empty())
            clock_faults_.clear();
        else
            clock_faults_.erase(where);
        update_clock();
        if (plan_dirty_) publish_plan();
        if (!where.empty()) return;
    }
    if (where.empty() || echo_of(where) >= 0) {
        if (!where.empty()) {
            const auto e = static_cast<size_t>(echo_of(where));
            const size_t first = echo_faults_[e].first;
            echo_faults_.erase(echo_faults_.begin() + static_cast<std::ptrdiff_t>(e));
            rebuild_echo(first);
            return;
        }
        std::vector<std::pair<size_t, std::string>> echoes;
        echoes.swap(echo_faults_);
        for (const auto& [first, text] : echoes)
            rebuild_echo(first);
    }
    if (!where.empty()) {
        const int s = params_.source_index(where);
        if (s < 0)
            throw SourceError(fmt::format(
                "{}: no such input on {} (or 'machine' for an overload, 'clock' for the clock)",
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
    for (const auto& [first, text] : echo_faults_)
        out.push_back(text);
    for (const auto& [clock, fault] : clock_faults_)
        out.push_back(fault.text);
    return out;
}

}  // namespace phantom::engine
