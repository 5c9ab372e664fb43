#include "phantom/surfaces/midi/midi_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "phantom/device/description_error.hpp"
#include "phantom/device/toml_reader.hpp"

namespace phantom::midi {

namespace fs = std::filesystem;
using device::DescriptionError;
using device::TomlReader;

namespace {

constexpr size_t kMaxMapBytes = 1 << 20;
constexpr size_t kMaxBindings = 1024;

struct Named {
    const char* name;
    int value;
};
constexpr Named kKinds[] = {{"cc", static_cast<int>(ControlKind::Cc)},
                            {"cc14", static_cast<int>(ControlKind::Cc14)},
                            {"note", static_cast<int>(ControlKind::Note)},
                            {"pitchbend", static_cast<int>(ControlKind::PitchBend)}};
constexpr Named kModes[] = {{"absolute", static_cast<int>(MapMode::Absolute)},
                            {"relative", static_cast<int>(MapMode::Relative)},
                            {"relative_signed", static_cast<int>(MapMode::RelativeSigned)},
                            {"toggle", static_cast<int>(MapMode::Toggle)},
                            {"momentary", static_cast<int>(MapMode::Momentary)}};

template <size_t N>
int lookup(TomlReader& r, std::string_view key, const std::string& text, const Named (&table)[N]) {
    std::string known;
    for (const auto& n : table) {
        if (text == n.name) return n.value;
        known += (known.empty() ? "" : ", ") + std::string(n.name);
    }
    r.fail(key, fmt::format("'{}': expected one of {}", text, known));
}

// A toggle's on/off value: a string, a boolean or a number, as the parameter takes it.
std::optional<control::Value> value_at(TomlReader& r, const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    r.mark(key);
    if (!n) return std::nullopt;
    if (auto s = n->value<std::string>()) return control::Value{*s};
    if (n->is_boolean()) return control::Value{*n->value<bool>()};
    if (auto d = n->value<double>()) return control::Value{*d};
    r.fail(key, "expected a string, a boolean or a number");
}

Binding parse_binding(const toml::table& t, size_t index, const std::string& file) {
    TomlReader r(t, fmt::format("binding[{}]", index), file);
    Binding b;
    b.where = fmt::format("{}:{}", file, t.source().begin.line);
    b.control.kind =
        static_cast<ControlKind>(lookup(r, "control", r.require_string("control"), kKinds));
    b.control.channel =
        static_cast<std::uint8_t>(r.require_int_in("channel", 1, 16, "a MIDI channel") - 1);
    switch (b.control.kind) {
        case ControlKind::Cc:
        case ControlKind::Note:
            b.control.number =
                static_cast<std::uint8_t>(r.require_int_in("number", 0, 127, "a MIDI number"));
            break;
        case ControlKind::Cc14:
            b.control.number = static_cast<std::uint8_t>(
                r.require_int_in("number", 0, 31, "a 14-bit controller's MSB number"));
            break;
        case ControlKind::PitchBend:
            if (r.has("number")) r.fail("number", "pitch bend has no number");
            break;
    }
    const bool button = b.control.kind == ControlKind::Note;
    b.mode = static_cast<MapMode>(
        lookup(r, "mode", r.get_string("mode", button ? "toggle" : "absolute"), kModes));
    if ((b.mode == MapMode::Relative || b.mode == MapMode::RelativeSigned) &&
        b.control.kind != ControlKind::Cc)
        r.fail("mode", "relative modes are for 7-bit CC encoders (control = \"cc\")");
    if (b.mode == MapMode::Absolute && b.control.kind == ControlKind::Note)
        r.fail("mode", "a note is a button: toggle or momentary");
    if (r.has("path") == r.has("snapshot"))
        r.fail(r.has("path") ? "snapshot" : "path", "give either path or snapshot, not both");
    if (r.has("path")) {
        b.path = r.require_string("path");
        if (b.path.empty() || b.path[0] != '/')
            r.fail("path", "expected a path such as /monitor/dim");
    } else {
        b.snapshot = r.require_int_in("snapshot", 1, 1000, "a snapshot number (1 = the first)");
        if (b.mode == MapMode::Absolute || b.mode == MapMode::Relative ||
            b.mode == MapMode::RelativeSigned)
            b.mode = MapMode::Toggle;  // a recall is a press
    }
    b.soft_takeover = r.get_bool(
        "soft_takeover", b.mode == MapMode::Absolute && b.control.kind != ControlKind::PitchBend);
    b.feedback = r.get_bool("feedback", b.snapshot == 0);
    b.on = value_at(r, t, "on");
    b.off = value_at(r, t, "off");
    b.step = r.get_number_in("step", b.step, 1e-4, 1.0, "of the travel");
    r.finish();
    return b;
}

}  // namespace

const char* to_string(ControlKind kind) {
    for (const auto& n : kKinds)
        if (n.value == static_cast<int>(kind)) return n.name;
    return "?";
}

const char* to_string(MapMode mode) {
    for (const auto& n : kModes)
        if (n.value == static_cast<int>(mode)) return n.name;
    return "?";
}

std::string describe(const MidiControl& c) {
    const int ch = c.channel + 1;
    switch (c.kind) {
        case ControlKind::Cc:
            return fmt::format("cc {} ch {}", c.number, ch);
        case ControlKind::Cc14:
            return fmt::format("cc14 {}/{} ch {}", c.number, c.number + 32, ch);
        case ControlKind::Note:
            return fmt::format("note {} ch {}", c.number, ch);
        case ControlKind::PitchBend:
            return fmt::format("pitchbend ch {}", ch);
    }
    return "?";
}

MidiMap parse_midi_map_text(const std::string& text, const std::string& file) {
    if (text.size() > kMaxMapBytes)
        throw DescriptionError(
            file, 0, 0, "",
            fmt::format("{} bytes: a MIDI map is at most {}", text.size(), kMaxMapBytes));
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw DescriptionError(file, static_cast<int>(where.line), static_cast<int>(where.column),
                               "", std::string(e.description()));
    }
    TomlReader top(root, "", file);
    MidiMap map;
    map.file = file;
    map.name = top.get_string("name", fs::path(file).stem().string());
    if (top.has("binding")) {
        const toml::array* a = root.get("binding")->as_array();
        top.mark("binding");
        if (!a) top.fail("binding", "expected an array of tables ([[binding]])");
        if (a->size() > kMaxBindings)
            top.fail("binding", fmt::format("more than {} bindings", kMaxBindings));
        for (size_t k = 0; k < a->size(); ++k) {
            const toml::table* t = (*a)[k].as_table();
            if (!t) top.fail("binding", "expected a table ([[binding]])");
            map.bindings.push_back(parse_binding(*t, k, file));
        }
    }
    top.finish();
    for (size_t i = 0; i < map.bindings.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (map.bindings[i].control == map.bindings[j].control)
                throw DescriptionError(
                    file, 0, 0, fmt::format("binding[{}]", i),
                    fmt::format("{} is bound twice (also at {})", describe(map.bindings[i].control),
                                map.bindings[j].where));
    return map;
}

MidiMap read_midi_map(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw DescriptionError(file, 0, 0, "", "cannot open the file for reading");
    std::string text(kMaxMapBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) throw DescriptionError(file, 0, 0, "", "cannot read the file");
    text.resize(static_cast<size_t>(in.gcount()));
    return parse_midi_map_text(text, file);
}

std::string midi_maps_dir() {
    if (const char* env = std::getenv("PHANTOM_MIDI_MAPS_DIR"); env && *env) return env;
    return PHANTOM_MIDI_MAPS_DIR;
}

std::vector<std::string> list_midi_profiles() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(midi_maps_dir(), ec))
        if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

MidiMap load_midi_map(const std::string& name_or_path) {
    const bool is_path = name_or_path.find('/') != std::string::npos ||
                         fs::path(name_or_path).extension() == ".toml";
    if (is_path) return read_midi_map(name_or_path);
    const auto known = list_midi_profiles();
    if (std::find(known.begin(), known.end(), name_or_path) == known.end()) {
        std::string list;
        for (const auto& k : known)
            list += (list.empty() ? "" : ", ") + k;
        throw DescriptionError(name_or_path.substr(0, 80), 0, 0, "",
                               fmt::format("no such MIDI profile (shipped: {}; or give a .toml "
                                           "file)",
                                           list.empty() ? "none found" : list));
    }
    return read_midi_map((fs::path(midi_maps_dir()) / (name_or_path + ".toml")).string());
}

}  // namespace phantom::midi
