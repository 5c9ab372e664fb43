#include "phantom/device/device_spec.hpp"

namespace phantom::device {

RateFamily rate_family(std::uint32_t sample_rate_hz) {
    if (sample_rate_hz > 100000) return RateFamily::Quad;
    if (sample_rate_hz > 50000) return RateFamily::Double;
    return RateFamily::Single;
}

std::vector<InputMode> InputSpec::modes() const {
    switch (kind) {
        case InputKind::Mic:
            return {InputMode::Mic};
        case InputKind::Combo:
            if (hiz_ohm > 0) return {InputMode::Mic, InputMode::Inst, InputMode::Line};
            return {InputMode::Mic, InputMode::Line};
        case InputKind::Line:
            break;
    }
    if (hiz_ohm > 0) return {InputMode::Line, InputMode::Inst};
    return {InputMode::Line};
}

int DigitalPortSpec::channels_at(std::uint32_t sample_rate_hz) const {
    return channels[static_cast<int>(rate_family(sample_rate_hz))];
}

bool DeviceSpec::supports_rate(std::uint32_t sample_rate_hz) const {
    for (auto r : sample_rates)
        if (r == sample_rate_hz) return true;
    return false;
}

const InputSpec* DeviceSpec::analog_input(const std::string& input_id) const {
    for (const auto& in : analog_inputs)
        if (in.id == input_id) return &in;
    return nullptr;
}

const OutputSpec* DeviceSpec::output(const std::string& output_id) const {
    int i = output_index(output_id);
    return i < 0 ? nullptr : &outputs[static_cast<size_t>(i)];
}

int DeviceSpec::output_index(const std::string& output_id) const {
    for (size_t i = 0; i < outputs.size(); ++i)
        if (outputs[i].id == output_id) return static_cast<int>(i);
    return -1;
}

std::vector<std::string> DeviceSpec::mirror_targets(size_t index) const {
    std::vector<std::string> targets;
    for (size_t o = 0; o < outputs.size(); ++o)
        if (o != index && outputs[o].own_mix) targets.push_back(outputs[o].id);
    return targets;
}

const char* to_string(InputKind kind) {
    switch (kind) {
        case InputKind::Mic:
            return "mic";
        case InputKind::Combo:
            return "combo";
        case InputKind::Line:
            return "line";
    }
    return "?";
}

const char* to_string(InputMode mode) {
    switch (mode) {
        case InputMode::Mic:
            return "mic";
        case InputMode::Inst:
            return "inst";
        case InputMode::Line:
            return "line";
    }
    return "?";
}

const char* to_string(OutputRole role) {
    switch (role) {
        case OutputRole::Monitor:
            return "monitor";
        case OutputRole::Line:
            return "line";
        case OutputRole::Headphone:
            return "headphone";
    }
    return "?";
}

const char* to_string(DigitalFormat format) {
    return format == DigitalFormat::Adat ? "adat" : "spdif";
}

const char* to_string(SpeakerSet set) {
    switch (set) {
        case SpeakerSet::None:
            return "none";
        case SpeakerSet::A:
            return "A";
        case SpeakerSet::B:
            return "B";
    }
    return "?";
}

}  // namespace phantom::device
