// The web panel's files (web/), compiled into the binary by cmake/embed_web.cmake, so the
// panel works from any install and offline, with nothing to look up at run time.
#pragma once

#include <span>
#include <string_view>

namespace phantom::http {

struct WebAsset {
    std::string_view path;          // "/index.html", "/js/main.js"
    std::string_view content_type;  // "text/javascript; charset=utf-8"
    std::string_view body;
};

std::span<const WebAsset> web_assets();

}  // namespace phantom::http
