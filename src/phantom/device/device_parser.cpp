#include "phantom/device/device_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "phantom/device/description_error.hpp"
#include "phantom/device/toml_reader.hpp"

namespace phantom::device {

namespace {

// The ADAT and S/PDIF channel counts are fixed by their standards (physics.md §8): a
// description may state them, but must not contradict them.
constexpr int kAdatChannels[3] = {8, 4, 2};
constexpr int kSpdifChannels[3] = {2, 2, 2};
const std::set<std::uint32_t> kKnownRates = {44100, 48000, 88200, 96000, 176400, 192000};

class Parser {
  public:
    Parser(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

    DeviceSpec run() {
        spec_.source_file = file_;
        if (root_.empty())
            fail_at(file_, root_.source(), "", "the file is empty: expected a [device] table");
        TomlReader top(root_, "", file_);
        parse_device(top);
        parse_midi(top);
        parse_inputs(top);
        parse_digital(top);
        parse_outputs(top);
        parse_host(top);
        parse_monitor(top);
        top.finish();
        return std::move(spec_);
    }

  private:
    const toml::table& table_or_fail(TomlReader& top, std::string_view key, bool required) {
        const toml::table* t = top.get_table(key);
        if (!t) {
            if (required) top.fail(key, fmt::format("required table [{}] is missing", key));
            static const toml::table kEmpty;
            return kEmpty;
        }
        return *t;
    }

    // [[key]] arrays of tables; a single [key] table is a mistake worth naming.
    // At most `limit` of them (docs/devices.md, "Limits").
    std::vector<const toml::table*> table_array(TomlReader& top, std::string_view key, int limit) {
        std::vector<const toml::table*> out;
        if (!top.has(key)) return out;
        top.mark(key);
        const toml::array* a = root_.get(key)->as_array();
        if (!a) top.fail(key, fmt::format("expected an array of tables ([[{}]])", key));
        if (a->size() > static_cast<size_t>(limit))
            fail_at(file_, (*a)[static_cast<size_t>(limit)].source(), std::string(key),
                    fmt::format("more than {} [[{}]] tables (the limit; see docs/devices.md)",
                                limit, key));
        for (const auto& e : *a) {
            if (!e.is_table())
                fail_at(file_, e.source(), std::string(key),
                        fmt::format("expected a table ([[{}]])", key));
            out.push_back(e.as_table());
        }
        return out;
    }

    void parse_device(TomlReader& top) {
        const toml::table& t = table_or_fail(top, "device", true);
        TomlReader r(t, "device", file_);
        spec_.id = r.require_string("id");
        check_id_syntax(r, "id", spec_.id);
        spec_.name = r.get_string("name", spec_.id);
        for (auto rate : r.get_integers("sample_rates")) {
            if (rate < 0 || rate > 192000 ||
                kKnownRates.count(static_cast<std::uint32_t>(rate)) == 0)
                r.fail("sample_rates",
                       fmt::format("{} Hz is not a supported rate (expected 44100, 48000, 88200, "
                                   "96000, 176400 or 192000)",
                                   rate));
            spec_.sample_rates.push_back(static_cast<std::uint32_t>(rate));
        }
        if (spec_.sample_rates.empty())
            r.fail("sample_rates", "required: a non-empty array of sample rates in Hz");
        spec_.default_rate = static_cast<std::uint32_t>(r.get_int_in(
            "default_rate", static_cast<int>(spec_.sample_rates.front()), 1, 192000, "Hz"));
        if (!spec_.supports_rate(spec_.default_rate))
            r.fail("default_rate", fmt::format("{} Hz is not in sample_rates", spec_.default_rate));
        spec_.clock_sources = r.get_strings("clock_sources");
        if (spec_.clock_sources.empty()) spec_.clock_sources = {"internal"};
        static const std::set<std::string> kClocks = {"internal", "adat", "spdif", "wordclock"};
        for (const auto& c : spec_.clock_sources)
            if (kClocks.count(c) == 0)
                r.fail("clock_sources",
                       fmt::format("unknown clock source '{}' (expected internal, adat, spdif or "
                                   "wordclock)",
                                   c));
        r.finish();
    }

    void parse_midi(TomlReader& top) {
        const toml::table& t = table_or_fail(top, "midi", false);
        TomlReader r(t, "midi", file_);
        spec_.midi_inputs = r.get_int_in("inputs", 0, 0, 16, "MIDI ports");
        spec_.midi_outputs = r.get_int_in("outputs", 0, 0, 16, "MIDI ports");
        r.finish();
    }

    void parse_inputs(TomlReader& top) {
        int n = 0;
        for (const toml::table* t : table_array(top, "input", kMaxAnalogInputs)) {
            TomlReader r(*t, fmt::format("input[{}]", ++n), file_);
            InputSpec in;
            in.id = r.require_string("id");
            check_id_syntax(r, "id", in.id);
            remember_id(r, "id", in.id);
            r.set_prefix(fmt::format("input[{}]", in.id));
            in.label = r.get_string("label", in.id);
            std::string kind = r.require_string("kind");
            if (kind == "mic")
                in.kind = InputKind::Mic;
            else if (kind == "combo")
                in.kind = InputKind::Combo;
            else if (kind == "line")
                in.kind = InputKind::Line;
            else
                r.fail("kind",
                       fmt::format("unknown kind '{}' (expected mic, combo or line)", kind));
            in.connector =
                r.get_string("connector", in.kind == InputKind::Line ? "TRS" : "XLR/TRS combo");
            in.has_preamp = in.kind != InputKind::Line;
            if (r.has("gain_db")) {
                if (!in.has_preamp) r.fail("gain_db", "a line-only input has no preamp gain");
                auto range = r.get_numbers("gain_db");
                if (range.size() != 2) r.fail("gain_db", "expected [min, max] in dB");
                if (!(range[0] < range[1]))
                    r.fail("gain_db",
                           fmt::format("range is inverted or empty: [{}, {}] (expected min < max)",
                                       range[0], range[1]));
                if (range[0] < 0 || range[1] > 90)
                    r.fail("gain_db", "expected a preamp gain range within [0, 90] dB");
                in.gain_min_db = range[0];
                in.gain_max_db = range[1];
            } else if (in.has_preamp) {
                r.fail("gain_db", "required field is missing (expected [min, max] in dB)");
            }
            in.pad_db = r.get_number_in("pad_db", 0.0, 0, 40, "dB");
            if (in.pad_db > 0 && !in.has_preamp)
                r.fail("pad_db", "a pad belongs to a mic input, this is a line-only input");
            in.phantom = r.get_bool("phantom", false);
            if (in.phantom && in.kind == InputKind::Line)
                r.fail("phantom", "48 V phantom power on a line-only input (kind = \"line\")");
            in.phantom_group = r.get_string("phantom_group", "");
            if (!in.phantom_group.empty() && !in.phantom)
                r.fail("phantom_group", "set phantom = true to share a 48 V switch");
            in.hiz_ohm = r.get_number("hiz_ohm", 0.0);
            if (in.hiz_ohm != 0 && !(in.hiz_ohm >= 100e3 && in.hiz_ohm <= 100e6))
                r.fail("hiz_ohm",
                       "expected 0 (no Hi-Z mode) or an instrument input impedance of "
                       "100000..100000000 Ω");
            in.mic_impedance_ohm =
                r.get_number_in("mic_impedance_ohm", in.mic_impedance_ohm, 50, 1e6, "Ω");
            in.line_impedance_ohm =
                r.get_number_in("line_impedance_ohm", in.line_impedance_ohm, 100, 100e6, "Ω");
            in.level_switch = r.get_bool("level_switch", false);
            if (in.level_switch && in.has_preamp)
                r.fail("level_switch", "the +4 dBu / -10 dBV switch belongs to line inputs");
            in.full_scale_dbu =
                r.get_number_in("full_scale_dbu", in.full_scale_dbu, -10, 30, "dBu");
            r.finish();
            spec_.analog_inputs.push_back(std::move(in));
        }
        if (spec_.analog_inputs.empty())
            fail_at(file_, root_.source(), "input", "at least one [[input]] is required");
    }

    void parse_digital(TomlReader& top) {
        int n = 0;
        for (const toml::table* t : table_array(top, "digital", kMaxDigitalPorts)) {
            TomlReader r(*t, fmt::format("digital[{}]", ++n), file_);
            DigitalPortSpec port;
            port.id = r.require_string("id");
            check_id_syntax(r, "id", port.id);
            r.set_prefix(fmt::format("digital[{}]", port.id));
            port.label = r.get_string("label", port.id);
            std::string format = r.require_string("format");
            const int* table = nullptr;
            if (format == "adat") {
                port.format = DigitalFormat::Adat;
                table = kAdatChannels;
            } else if (format == "spdif") {
                port.format = DigitalFormat::Spdif;
                table = kSpdifChannels;
            } else {
                r.fail("format",
                       fmt::format("unknown format '{}' (expected adat or spdif)", format));
            }
            std::string direction = r.get_string("direction", "both");
            if (direction == "in")
                port.output = false;
            else if (direction == "out")
                port.input = false;
            else if (direction != "both")
                r.fail("direction",
                       fmt::format("unknown direction '{}' (expected in, out or both)", direction));
            std::copy(table, table + 3, port.channels);
            if (const toml::table* ch = r.get_table("channels")) {
                TomlReader cr(*ch, fmt::format("digital[{}].channels", port.id), file_);
                static const char* const kFamilies[3] = {"single", "double", "quad"};
                static const char* const kRates[3] = {"44.1/48 kHz", "88.2/96 kHz",
                                                      "176.4/192 kHz"};
                for (int f = 0; f < 3; ++f) {
                    auto count = cr.get_integer(kFamilies[f], table[f]);
                    if (count != table[f])
                        cr.fail(kFamilies[f],
                                fmt::format("{} carries {} channels at {} ({}), not {}", format,
                                            table[f], kRates[f],
                                            format == "adat"
                                                ? "S/MUX halves the count per rate doubling"
                                                : "IEC 60958 is always stereo",
                                            count));
                }
                cr.finish();
            }
            r.finish();
            if (port.input)
                for (int c = 1; c <= port.max_channels(); ++c)
                    remember_id(r, "id", fmt::format("{}{}", port.id, c));
            spec_.digital_ports.push_back(std::move(port));
        }
    }

    void parse_outputs(TomlReader& top) {
        int n = 0;
        std::vector<std::pair<size_t, toml::source_region>> mirror_sites;
        for (const toml::table* t : table_array(top, "output", kMaxOutputs)) {
            TomlReader r(*t, fmt::format("output[{}]", ++n), file_);
            OutputSpec out;
            out.id = r.require_string("id");
            check_id_syntax(r, "id", out.id);
            if (out.id == "none") r.fail("id", "'none' is reserved (it means: no mirror)");
            remember_id(r, "id", out.id);
            r.set_prefix(fmt::format("output[{}]", out.id));
            out.label = r.get_string("label", out.id);
            std::string role = r.require_string("role");
            if (role == "monitor")
                out.role = OutputRole::Monitor;
            else if (role == "line")
                out.role = OutputRole::Line;
            else if (role == "headphone")
                out.role = OutputRole::Headphone;
            else
                r.fail("role",
                       fmt::format("unknown output role '{}' (expected monitor, line or headphone)",
                                   role));
            out.channels = r.get_int_in("channels", 2, 1, 2, "(1 mono, 2 a stereo pair)");
            std::string set =
                r.get_string("speaker_set", out.role == OutputRole::Monitor ? "A" : "");
            if (!set.empty() && out.role != OutputRole::Monitor)
                r.fail("speaker_set", "only monitor outputs belong to a speaker set");
            if (set == "A")
                out.speaker_set = SpeakerSet::A;
            else if (set == "B")
                out.speaker_set = SpeakerSet::B;
            else if (!set.empty())
                r.fail("speaker_set",
                       fmt::format("unknown speaker set '{}' (expected A or B)", set));
            if (out.role == OutputRole::Monitor && out.channels != 2)
                r.fail("channels", "a monitor output is a stereo pair (channels = 2)");
            out.full_scale_dbu =
                r.get_number_in("full_scale_dbu", out.full_scale_dbu, -10, 30, "dBu");
            out.own_mix = !r.get_bool("mirror_only", false);
            out.default_mirror = r.get_string("mirror", "");
            if (out.default_mirror == "none") out.default_mirror.clear();
            if (!out.own_mix && out.default_mirror.empty())
                r.fail("mirror_only", "a mirror-only output needs mirror = \"<output id>\"");
            if (r.has("mirror"))
                mirror_sites.emplace_back(spec_.outputs.size(), r_source(*t, "mirror"));
            if (const toml::table* amp = r.get_table("amp")) {
                if (out.role != OutputRole::Headphone)
                    r.fail("amp", "only headphone outputs have a headphone amplifier");
                TomlReader ar(*amp, fmt::format("output[{}].amp", out.id), file_);
                HeadphoneAmpSpec a;
                a.output_impedance_ohm =
                    ar.get_number_in("output_impedance_ohm", a.output_impedance_ohm, 0, 1000, "Ω");
                a.max_level_dbu =
                    ar.get_number_in("max_level_dbu", a.max_level_dbu, -10, 30, "dBu");
                ar.finish();
                out.amp = a;
            } else if (out.role == OutputRole::Headphone) {
                out.amp = HeadphoneAmpSpec{};
            }
            r.finish();
            spec_.outputs.push_back(std::move(out));
        }
        if (spec_.outputs.empty())
            fail_at(file_, root_.source(), "output", "at least one [[output]] is required");
        // Mirrors are checked once every output is known, so order in the file does not matter.
        for (const auto& [index, where] : mirror_sites) {
            OutputSpec& out = spec_.outputs[index];
            if (out.default_mirror.empty()) continue;
            const OutputSpec* target = spec_.output(out.default_mirror);
            if (!target)
                fail_at(file_, where, fmt::format("output[{}].mirror", out.id),
                        fmt::format("mirrors '{}', which is not an output of this device",
                                    out.default_mirror));
            if (target == &out)
                fail_at(file_, where, fmt::format("output[{}].mirror", out.id),
                        "an output cannot mirror itself");
        }
        // Digital outputs: one stereo pair per two channels of each output port.
        for (const auto& port : spec_.digital_ports) {
            if (!port.output) continue;
            for (int c = 0; c < port.max_channels(); c += 2) {
                OutputSpec out;
                out.id = port.max_channels() == 2 ? port.id
                                                  : fmt::format("{}{}-{}", port.id, c + 1, c + 2);
                out.label = fmt::format("{} {}/{}", port.label, c + 1, c + 2);
                out.role = OutputRole::Line;
                out.channels = 2;
                out.digital_port = port.id;
                out.digital_first_channel = c;
                if (!ids_.insert(out.id).second)
                    fail_at(
                        file_, root_.source(), "digital",
                        fmt::format("generated output id '{}' clashes with another id", out.id));
                spec_.outputs.push_back(std::move(out));
            }
        }
    }

    static toml::source_region r_source(const toml::table& t, std::string_view key) {
        const toml::node* n = t.get(key);
        return n ? n->source() : t.source();
    }

    int input_channel_count() const {
        int n = static_cast<int>(spec_.analog_inputs.size());
        for (const auto& p : spec_.digital_ports)
            if (p.input) n += p.max_channels();
        return n;
    }

    void parse_host(TomlReader& top) {
        const toml::table& t = table_or_fail(top, "host", true);
        TomlReader r(t, "host", file_);
        const int inputs = input_channel_count();
        spec_.host.capture =
            r.require_int_in("capture", 0, inputs, "(one capture channel per input channel)");
        spec_.host.playback = r.require_int_in("playback", 0, kMaxPlayback, "channels");
        spec_.host.loopback = r.get_int_in("loopback", 0, 0, 2, "");
        if (spec_.host.loopback != 0 && spec_.host.loopback != 2)
            r.fail("loopback", "expected 0 (none) or 2 (a stereo loopback pair)");
        for (int i = 1; i <= spec_.host.playback; ++i)
            remember_id(r, "playback", fmt::format("pb{}", i));
        r.finish();
    }

    void parse_monitor(TomlReader& top) {
        const toml::table& t = table_or_fail(top, "monitor", false);
        TomlReader r(t, "monitor", file_);
        spec_.monitor.dim_db = r.get_number_in("dim_db", spec_.monitor.dim_db, -60, 0, "dB");
        spec_.monitor.talkback_input = r.get_string("talkback_input", "");
        if (!spec_.monitor.talkback_input.empty() &&
            !spec_.analog_input(spec_.monitor.talkback_input))
            r.fail("talkback_input", fmt::format("'{}' is not an analog input of this device",
                                                 spec_.monitor.talkback_input));
        spec_.monitor.direct_monitor = r.get_bool("direct_monitor", false);
        bool has_monitor =
            std::any_of(spec_.outputs.begin(), spec_.outputs.end(),
                        [](const OutputSpec& o) { return o.role == OutputRole::Monitor; });
        if (spec_.monitor.direct_monitor && !has_monitor)
            r.fail("direct_monitor", "direct monitoring needs a monitor output");
        r.finish();
    }

    void check_id_syntax(TomlReader& r, std::string_view key, const std::string& id) {
        static const std::regex kId("[a-z][a-z0-9_-]{0,31}");
        if (!std::regex_match(id, kId))
            r.fail(key, fmt::format("'{}' is not a valid id (expected lower-case letters, digits, "
                                    "'-' or '_', starting with a letter)",
                                    id));
    }

    void remember_id(TomlReader& r, std::string_view key, const std::string& id) {
        if (!ids_.insert(id).second)
            r.fail(key, fmt::format("duplicate id '{}' (ids must be unique across inputs, "
                                    "digital channels, playback channels and outputs)",
                                    id));
    }

    const toml::table& root_;
    std::string file_;
    DeviceSpec spec_;
    std::set<std::string> ids_;
};

}  // namespace

DeviceSpec parse_device_text(const std::string& text, const std::string& source_name) {
    if (text.size() > kMaxDescriptionBytes)
        throw DescriptionError(source_name, 0, 0, "",
                               fmt::format("{} bytes: a description is at most {} bytes (see "
                                           "docs/devices.md)",
                                           text.size(), kMaxDescriptionBytes));
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw DescriptionError(source_name, static_cast<int>(where.line),
                               static_cast<int>(where.column), "", std::string(e.description()));
    }
    return Parser(root, source_name).run();
}

DeviceSpec parse_device_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DescriptionError(path, 0, 0, "", "cannot open the file for reading");
    // Never more than the limit and one byte: the path may be a pipe or /dev/zero.
    std::string text(kMaxDescriptionBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) throw DescriptionError(path, 0, 0, "", "cannot read the file");
    text.resize(static_cast<size_t>(in.gcount()));
    return parse_device_text(text, path);
}

}  // namespace phantom::device
