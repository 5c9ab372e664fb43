// libFuzzer target for the HTTP request path: the bytes are split into method, path, query and
// body (newline-separated, the body taking the rest), and go through what the server does with
// them — percent-decoding, the UTF-8 check of the path, route_api() on a real Controller over a
// real studio-8x8 Interface, and the serialisation of the answer — where nothing may throw,
// crash or serialise invalid UTF-8. The body is also parsed on its own by the JSON codec.
//
// Seeds: fuzz/corpus/http_request/ (the requests that once killed the process, and normal ones).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/surfaces/http/api_routes.hpp"
#include "phantom/surfaces/http/json_codec.hpp"

namespace {

using namespace phantom;

struct World {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    std::unique_ptr<control::Controller> controller;
    std::size_t runs = 0;
    World() { reset(); }
    // Snapshots pile up across inputs: a fresh controller now and then bounds the memory.
    void reset() { controller = std::make_unique<control::Controller>(iface, true); }
};

std::string_view take_line(std::string_view& rest) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return line;
}

void check_answer(const nlohmann::json& body) {
    const std::string text = http::dump_json(body);
    if (http::find_invalid_utf8(text) != std::string_view::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World world;
    if (++world.runs % 4096 == 0) world.reset();
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    http::ApiRequest request;
    request.method = std::string(take_line(rest));
    const std::string raw_path(take_line(rest));
    request.query = std::string(take_line(rest));
    request.body = std::string(rest);
    request.path = http::percent_decode(raw_path, false);

    // As the server: a path that is not UTF-8 exists nowhere, and is answered 404 without
    // reaching the routes.
    if (http::find_invalid_utf8(request.path) != std::string_view::npos) {
        check_answer({{"path", http::replace_invalid_utf8(request.path)}});
    } else if (request.path.rfind("/api", 0) == 0) {
        const http::ApiResponse response = http::route_api(*world.controller, request);
        if (response.status < 200 || response.status > 599) std::abort();
        check_answer(response.body);
    }

    const http::JsonParse parsed = http::parse_json_body(request.body, "fuzz");
    if (parsed.value)
        check_answer(*parsed.value);
    else
        check_answer(parsed.error);
    return 0;
}
