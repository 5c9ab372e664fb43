// Microphones and guitar pickups of the virtual analog world, with the reference figures they
// are modelled on (shared/reference/physics.md §2 and §4).
#pragma once

namespace phantom::analog {

enum class Transducer {
    Line,        // an electrical source with no source impedance worth modelling
    Dynamic,     // SM58-like
    Condenser,   // AT2020-like, needs 48 V
    Ribbon,      // R-121-like passive ribbon: 48 V is a risk, not a need
    SingleCoil,  // Strat-like pickup
    Humbucker,   // Les Paul-like pickup
};

struct MicModel {
    double sensitivity_v_per_pa;
    double source_impedance_ohm;
    bool needs_phantom;
    bool phantom_is_a_risk;
};

// SM58: 1.85 mV/Pa, 300 Ω actual. AT2020: 14.1 mV/Pa, 100 Ω, P48 required.
// ≈ 2 mV/Pa, 300 Ω; Royer: switch P48 off before patching a ribbon.
inline constexpr MicModel kDynamicMic{1.85e-3, 300.0, false, false};
inline constexpr MicModel kCondenserMic{14.1e-3, 100.0, true, false};
inline constexpr MicModel kRibbonMic{2.0e-3, 300.0, false, true};

// Pickup = EMF in series with R and L, loaded by C (coil + cable) and R_L (pots ∥ input).
struct PickupModel {
    double inductance_h;
    double resistance_ohm;
    double capacitance_f;
    double pot_load_ohm;  // volume and tone pots in parallel
};

// physics.md §4 worked examples: SC 2.5 H, 6 kΩ, 400 pF, 250 k vol+tone (125 k);
// HB 4.7 H, 8.5 kΩ, 450 pF, 500 k pots (250 k).
inline constexpr PickupModel kSingleCoil{2.5, 6000.0, 400e-12, 125e3};
inline constexpr PickupModel kHumbucker{4.7, 8500.0, 450e-12, 250e3};

inline bool is_microphone(Transducer t) {
    return t == Transducer::Dynamic || t == Transducer::Condenser || t == Transducer::Ribbon;
}
inline bool is_pickup(Transducer t) {
    return t == Transducer::SingleCoil || t == Transducer::Humbucker;
}
inline const MicModel& mic_model(Transducer t) {
    return t == Transducer::Condenser ? kCondenserMic
           : t == Transducer::Ribbon  ? kRibbonMic
                                      : kDynamicMic;
}
inline const PickupModel& pickup_model(Transducer t) {
    return t == Transducer::Humbucker ? kHumbucker : kSingleCoil;
}

const char* to_string(Transducer t);

}  // namespace phantom::analog
