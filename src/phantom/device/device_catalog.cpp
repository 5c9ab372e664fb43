#include "phantom/device/device_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
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

DeviceSpec load_device(const std::string& id_or_path) {
    bool looks_like_path =
        id_or_path.find('/') != std::string::npos || fs::path(id_or_path).extension() == ".toml";
    if (looks_like_path) {
        if (!fs::exists(id_or_path))
            throw DescriptionError(id_or_path, 0, 0, "", "no such device description file");
        return parse_device_file(id_or_path);
    }
    fs::path file = fs::path(devices_dir()) / (id_or_path + ".toml");
    if (!fs::exists(file)) {
        std::string known;
        for (const auto& id : list_device_ids())
            known += (known.empty() ? "" : ", ") + id;
        throw DescriptionError(id_or_path, 0, 0, "",
                               fmt::format("unknown device (known devices: {})", known));
    }
    return parse_device_file(file.string());
}

}  // namespace phantom::device
