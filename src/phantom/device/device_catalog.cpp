#include "phantom/device/device_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "phantom/device/description_error.hpp"
#include "phantom/device/device_parser.hpp"

namespace phantom::device {

namespace fs = std::filesystem;

std::string devices_dir() {
    if (const char* env = std::getenv("PHANTOM_DEVICES_DIR"); env && *env) return env;
    return PHANTOM_DEVICES_DIR;
}

std::vector<std::string> list_device_ids() {
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(devices_dir(), ec))
        if (entry.path().extension() == ".toml") ids.push_back(entry.path().stem().string());
    std::sort(ids.begin(), ids.end());
    return ids;
}

namespace {

std::string known_devices() {
    std::string known;
    for (const auto& id : list_device_ids())
        known += (known.empty() ? "" : ", ") + id;
    return known;
}

// What may name a shipped description: an id as the descriptions' own (see the parser).
bool is_device_id(const std::string& text) {
    if (text.empty() || text.size() > 32 || !std::islower(static_cast<unsigned char>(text[0])))
        return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

// Names are shortened in messages: a 10 000-character argument is not repeated back whole.
std::string shown(const std::string& text) {
    return text.size() <= 80 ? text : text.substr(0, 60) + fmt::format("… ({} bytes)", text.size());
}

}  // namespace

DeviceSpec load_device(const std::string& id_or_path) {
    bool looks_like_path =
        id_or_path.find('/') != std::string::npos || fs::path(id_or_path).extension() == ".toml";
    std::error_code ec;
    if (looks_like_path) {
        if (!fs::exists(id_or_path, ec))
            throw DescriptionError(shown(id_or_path), 0, 0, "",
                                   ec ? "cannot open: " + ec.message()
                                      : std::string("no such device description file"));
        return parse_device_file(id_or_path);
    }
    if (!is_device_id(id_or_path))
        throw DescriptionError(shown(id_or_path), 0, 0, "",
                               fmt::format("unknown device (known devices: {})", known_devices()));
    fs::path file = fs::path(devices_dir()) / (id_or_path + ".toml");
    if (!fs::exists(file, ec))
        throw DescriptionError(id_or_path, 0, 0, "",
                               fmt::format("unknown device (known devices: {})", known_devices()));
    return parse_device_file(file.string());
}

}  // namespace phantom::device
