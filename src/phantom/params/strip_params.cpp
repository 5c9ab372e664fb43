#include "phantom/params/strip_params.hpp"

#include <fmt/format.h>

#include "phantom/params/schema_factories.hpp"

namespace phantom::params {

namespace {

struct BandDefault {
    const char* name;
    double freq_hz;
    double q;
    bool shelf_choice;  // the band is a shelf or a bell (low and high)
};
// Where a desk's four bands sit: shelves low and high, two bells between them.
constexpr BandDefault kInputBands[kInputEqBands] = {
    {"low", 100.0, 0.7071, true},
    {"mid1", 400.0, 1.0, false},
    {"mid2", 2500.0, 1.0, false},
    {"high", 8000.0, 0.7071, true},
};
// The room EQ's bands spread over the range in about half-octave steps, all off.
constexpr double kRoomBandHz[kOutputEqBands] = {25,  50,  80,   125,  200,  315,
                                                500, 800, 1250, 2000, 4000, 8000};

constexpr double kEqMinHz = 20.0, kEqMaxHz = 20000.0, kEqRangeDb = 24.0;
constexpr double kQMin = 0.1, kQMax = 20.0;

void add_band_controls(ParamTree& tree, const std::string& base, double freq_hz, double q,
                       EqBandIds& ids) {
    ids.freq = tree.add(float_param(base + "/freq", kEqMinHz, kEqMaxHz, freq_hz, "Hz",
                                    "band frequency (centre, or shelf/pass corner); above 0.45 × "
                                    "the sample rate it acts at 0.45 × the sample rate"));
    ids.gain = tree.add(float_param(base + "/gain", -kEqRangeDb, kEqRangeDb, 0.0, "dB",
                                    "band gain (bells and shelves; 0 dB: the band does nothing)"));
    ids.q = tree.add(float_param(base + "/q", kQMin, kQMax, q, "",
                                 "band Q (bandwidth of a bell, slope of a shelf)"));
}

void add_input_strip(ParamTree& tree, const std::string& id, InputStripIds& ids) {
    const std::string base = "/input/" + id;
    ids.lowcut_on = tree.add(bool_param(base + "/lowcut/on", false, "low cut (high-pass) on"));
    ids.lowcut_freq = tree.add(float_param(base + "/lowcut/freq", 20.0, 500.0, 80.0, "Hz",
                                           "low cut frequency, the -3 dB point"));
    ids.lowcut_slope = tree.add(choice_param(base + "/lowcut/slope", {"12", "18", "24"}, 0,
                                             "low cut slope in dB/octave (Butterworth)"));
    ids.eq_on = tree.add(bool_param(base + "/eq/on", false, "4-band parametric EQ on"));
    for (int b = 0; b < kInputEqBands; ++b) {
        const BandDefault& d = kInputBands[b];
        const std::string band = base + "/eq/" + d.name;
        EqBandIds& bids = ids.eq[static_cast<size_t>(b)];
        if (d.shelf_choice)
            bids.type = tree.add(choice_param(band + "/type", {"shelf", "bell"}, 0,
                                              fmt::format("the {} band's shape", d.name)));
        add_band_controls(tree, band, d.freq_hz, d.q, bids);
    }
    const std::string comp = base + "/comp";
    ids.comp_on = tree.add(bool_param(comp + "/on", false, "compressor on"));
    ids.comp_threshold = tree.add(
        float_param(comp + "/threshold", -60.0, 0.0, -20.0, "dBFS", "compressor threshold"));
    ids.comp_ratio = tree.add(
        float_param(comp + "/ratio", 1.0, 20.0, 4.0, "", "compressor ratio (20: a limiter)"));
    ids.comp_attack = tree.add(
        float_param(comp + "/attack", 0.1, 200.0, 10.0, "ms", "compressor attack time constant"));
    ids.comp_release = tree.add(float_param(comp + "/release", 5.0, 3000.0, 100.0, "ms",
                                            "compressor release time constant"));
    ids.comp_knee =
        tree.add(float_param(comp + "/knee", 0.0, 24.0, 6.0, "dB", "compressor soft knee width"));
    ids.comp_makeup =
        tree.add(float_param(comp + "/makeup", 0.0, 24.0, 0.0, "dB", "compressor make-up gain"));
    const std::string gate = base + "/gate";
    ids.gate_on = tree.add(bool_param(gate + "/on", false, "expander / gate on"));
    ids.gate_threshold =
        tree.add(float_param(gate + "/threshold", -90.0, 0.0, -50.0, "dBFS", "expander threshold"));
    ids.gate_ratio = tree.add(float_param(gate + "/ratio", 1.0, 100.0, 2.0, "",
                                          "expander ratio (from about 20: a gate)"));
    ids.gate_range = tree.add(
        float_param(gate + "/range", 0.0, 90.0, 40.0, "dB", "deepest attenuation of the gate"));
    ids.gate_attack = tree.add(
        float_param(gate + "/attack", 0.05, 100.0, 1.0, "ms", "expander opening time constant"));
    ids.gate_hold = tree.add(float_param(gate + "/hold", 0.0, 2000.0, 50.0, "ms",
                                         "time the gate stays open after the signal falls"));
    ids.gate_release = tree.add(
        float_param(gate + "/release", 5.0, 5000.0, 100.0, "ms", "expander closing time constant"));
    ids.rec_fx = tree.add(
        bool_param(base + "/rec_fx", false,
                   "capture (record) the input after the strip; off: the dry input is recorded"));
}

void add_output_strip(ParamTree& tree, const device::OutputSpec& out, OutputStripIds& ids) {
    const std::string base = "/output/" + out.id;
    ids.eq_on = tree.add(bool_param(base + "/eq/on", false, "room / speaker EQ on"));
    for (int b = 0; b < kOutputEqBands; ++b) {
        const std::string band = fmt::format("{}/eq/{}", base, b + 1);
        EqBandIds& bids = ids.eq[static_cast<size_t>(b)];
        bids.on =
            tree.add(bool_param(band + "/on", false, fmt::format("room EQ band {} on", b + 1)));
        bids.type = tree.add(choice_param(
            band + "/type", {"bell", "low_shelf", "high_shelf", "low_pass", "high_pass"}, 0,
            "the band's shape"));
        add_band_controls(tree, band, kRoomBandHz[b], 1.0, bids);
    }
    ids.delay_ms = tree.add(float_param(base + "/delay", 0.0, 50.0, 0.0, "ms",
                                        "alignment delay (speaker time alignment)"));
    if (out.role != device::OutputRole::Headphone) return;
    ids.limiter_on = tree.add(bool_param(base + "/limiter/on", false,
                                         "ear-protection limiter: no sample above the ceiling "
                                         "(adds 1.5 ms of latency)"));
    ids.limiter_ceiling = tree.add(
        float_param(base + "/limiter/ceiling", -40.0, 0.0, -1.0, "dBFS", "the limiter's ceiling"));
    ids.limiter_release = tree.add(float_param(base + "/limiter/release", 10.0, 2000.0, 80.0, "ms",
                                               "the limiter's release time"));
}

// While a pair is linked, a move of either strip moves the other (the stereo link's rule,
// ParamTree::gang), so the pair sounds as one channel.
void gang_pair(ParamTree& tree, ParamIndex link, const InputStripIds& a, const InputStripIds& b) {
    auto copy = [&](ParamIndex x, ParamIndex y) {
        if (x >= 0 && y >= 0) tree.gang(link, x, y, ParamTree::Gang::Copy);
    };
    const ParamIndex left[] = {a.lowcut_on,      a.lowcut_freq,    a.lowcut_slope, a.eq_on,
                               a.comp_on,        a.comp_threshold, a.comp_ratio,   a.comp_attack,
                               a.comp_release,   a.comp_knee,      a.comp_makeup,  a.gate_on,
                               a.gate_threshold, a.gate_ratio,     a.gate_range,   a.gate_attack,
                               a.gate_hold,      a.gate_release,   a.rec_fx};
    const ParamIndex right[] = {b.lowcut_on,      b.lowcut_freq,    b.lowcut_slope, b.eq_on,
                                b.comp_on,        b.comp_threshold, b.comp_ratio,   b.comp_attack,
                                b.comp_release,   b.comp_knee,      b.comp_makeup,  b.gate_on,
                                b.gate_threshold, b.gate_ratio,     b.gate_range,   b.gate_attack,
                                b.gate_hold,      b.gate_release,   b.rec_fx};
    for (size_t k = 0; k < std::size(left); ++k)
        copy(left[k], right[k]);
    for (size_t band = 0; band < a.eq.size(); ++band) {
        copy(a.eq[band].type, b.eq[band].type);
        copy(a.eq[band].freq, b.eq[band].freq);
        copy(a.eq[band].gain, b.eq[band].gain);
        copy(a.eq[band].q, b.eq[band].q);
    }
}

// TotalMix's Width and MS Proc of a stereo channel, on the pair's first channel (as /link/ID).
void add_pair_controls(ParamTree& tree, const std::string& id, InputStripIds& ids) {
    const std::string base = "/input/" + id;
    ids.width = tree.add(float_param(base + "/width", 0.0, 2.0, 1.0, "",
                                     "stereo width of the linked pair: 0 mono, 1 as it is, 2 "
                                     "twice the side signal"));
    ids.ms = tree.add(bool_param(base + "/ms", false,
                                 "the linked pair carries mid (left) and side (right), as from an "
                                 "M/S microphone pair: decode it to left and right"));
}

}  // namespace

const char* input_eq_band_name(int band) {
    return kInputBands[band].name;
}

void add_strip_params(InterfaceParams& p, const device::DeviceSpec& spec) {
    p.input_strips.assign(p.sources.size(), InputStripIds{});
    for (size_t s = 0; s < p.sources.size(); ++s)
        if (p.sources[s].kind != SourceKind::Playback)
            add_input_strip(p.tree, p.sources[s].id, p.input_strips[s]);
    p.output_strips.assign(spec.outputs.size(), OutputStripIds{});
    for (size_t o = 0; o < spec.outputs.size(); ++o)
        add_output_strip(p.tree, spec.outputs[o], p.output_strips[o]);
    for (size_t s = 0; s + 1 < p.sources.size(); ++s)
        if (p.source_links[s] >= 0 && p.input_strips[s].present() &&
            p.input_strips[s + 1].present()) {
            gang_pair(p.tree, p.source_links[s], p.input_strips[s], p.input_strips[s + 1]);
            add_pair_controls(p.tree, p.sources[s].id, p.input_strips[s]);
        }
}

}  // namespace phantom::params
