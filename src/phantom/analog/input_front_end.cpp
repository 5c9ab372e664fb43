#include "phantom/analog/input_front_end.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "phantom/analog/pickup_filter.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::analog {

using device::InputMode;
namespace u = phantom::units;

double input_full_scale_dbu(const device::InputSpec& in, bool consumer_level) {
    if (!consumer_level) return in.full_scale_dbu;
    // The -10 dBV setting makes the input as much more sensitive as -10 dBV is below +4 dBu.
    return in.full_scale_dbu - (u::kProLineDbu - u::dbv_to_dbu(u::kConsumerLineDbv));
}

double input_impedance_ohm(const device::InputSpec& in, InputMode mode) {
    switch (mode) {
        case InputMode::Mic:
            return in.mic_impedance_ohm;
        case InputMode::Inst:
            return in.hiz_ohm > 0 ? in.hiz_ohm : in.line_impedance_ohm;
        case InputMode::Line:
            return in.line_impedance_ohm;
    }
    return in.line_impedance_ohm;
}

double source_volts_per_unit(const SourceSpec& s, const device::InputSpec& in) {
    if (is_microphone(s.transducer))
        return u::kSqrt2 * u::spl_to_pascal(s.level) * mic_model(s.transducer).sensitivity_v_per_pa;
    switch (s.unit) {
        case LevelUnit::Dbu:
            return u::kSqrt2 * u::dbu_to_volts(s.level);
        case LevelUnit::Dbv:
            return u::kSqrt2 * u::dbv_to_volts(s.level);
        case LevelUnit::Dbfs:
            return u::full_scale_peak_volts(in.full_scale_dbu) * u::db_to_gain(s.level);
        case LevelUnit::None:
            return u::full_scale_peak_volts(in.full_scale_dbu);
        case LevelUnit::DbSpl:
            break;
    }
    return 0.0;
}

FrontEnd analog_front_end(const device::InputSpec& in, const FrontEndSettings& st,
                          const SourceSpec& source, double sample_rate_hz) {
    FrontEnd fe;
    const double z_in = input_impedance_ohm(in, st.mode);
    double volts = source_volts_per_unit(source, in);
    if (is_microphone(source.transducer)) {
        const MicModel& mic = mic_model(source.transducer);
        volts *= z_in / (z_in + mic.source_impedance_ohm);
        fe.condenser_without_phantom = mic.needs_phantom && !st.phantom;
        fe.phantom_on_ribbon = mic.phantom_is_a_risk && st.phantom;
        if (fe.condenser_without_phantom) volts = 0.0;
    } else if (is_pickup(source.transducer)) {
        // The loaded pickup carries its own DC loss 1/(1 + R/R_L) inside the filter.
        fe.filter = pickup_filter(pickup_model(source.transducer), z_in, sample_rate_hz);
    }
    const double pad = st.pad ? u::db_to_gain(-in.pad_db) : 1.0;
    const double preamp = in.has_preamp ? u::db_to_gain(st.gain_db) : 1.0;
    const double full_scale = u::full_scale_peak_volts(input_full_scale_dbu(in, st.consumer_level));
    fe.gain = volts * pad * preamp / full_scale;
    return fe;
}

double digital_source_gain(const SourceSpec& s, const std::string& channel_id) {
    if (s.transducer != Transducer::Line ||
        (s.unit != LevelUnit::None && s.unit != LevelUnit::Dbfs))
        throw std::invalid_argument(fmt::format(
            "{}: '{}' is a digital channel; it takes a file or a generator in dBFS, not an analog "
            "level or a transducer",
            channel_id, s.text));
    return s.unit == LevelUnit::Dbfs ? u::db_to_gain(s.level) : 1.0;
}

}  // namespace phantom::analog
