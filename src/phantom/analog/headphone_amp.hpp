// A headphone output driving a load: the voltage divider of the amp's output impedance and the
// headphone's impedance, the power it delivers, and the SPL it makes (physics.md §7):
//   V_load = V_oc·Z_L/(Z_L+Z_out);  P = V²/Z_L;  SPL = S_mW + 10·log10(P / 1 mW).
#pragma once

#include <cmath>

#include "phantom/units/levels.hpp"

namespace phantom::analog {

struct HeadphoneLoad {
    double impedance_ohm;
    double sensitivity_db_spl_per_mw;
};

struct HeadphoneDrive {
    double volts_rms;
    double power_mw;
    double spl_db;
};

inline HeadphoneDrive drive_headphone(double open_circuit_dbu, double output_impedance_ohm,
                                      const HeadphoneLoad& hp) {
    double v_oc = units::dbu_to_volts(open_circuit_dbu);
    double v = v_oc * hp.impedance_ohm / (hp.impedance_ohm + output_impedance_ohm);
    double p_mw = v * v / hp.impedance_ohm * 1000.0;
    return {v, p_mw, hp.sensitivity_db_spl_per_mw + 10.0 * std::log10(p_mw)};
}

}  // namespace phantom::analog
