#include "phantom/surfaces/http/inserts_route.hpp"

#include <fmt/format.h>

#include "phantom/surfaces/http/json_codec.hpp"

namespace phantom::http {

using control::CommandError;
using control::ErrorKind;
using nlohmann::json;

ApiResponse inserts_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    const std::string suffix = "/measure";
    const bool measure = rest.size() > suffix.size() + 1 && rest[0] == '/' &&
                         rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0;
    const std::string id = measure ? rest.substr(1, rest.size() - suffix.size() - 1) : "";
    if (!measure || id.find('/') != std::string::npos)
        throw CommandError(
            ErrorKind::UnknownPath,
            fmt::format("{}: no such endpoint (POST /api/inserts/<input>/measure)", r.path),
            r.path);
    if (r.method != "POST") return method_not_allowed(r, "POST");
    const control::InsertMeasurement m = c.measure_insert(id);
    return {200,
            {{"input", m.input},
             {"delay_frames", m.delay_frames},
             {"delay_exact_frames", m.delay_exact_frames},
             {"previous_delay_frames", m.previous_delay_frames},
             {"gain_db", m.gain_db},
             {"inverted", m.inverted},
             {"peak_to_floor_db", m.peak_to_floor_db}},
            {}};
}

}  // namespace phantom::http
