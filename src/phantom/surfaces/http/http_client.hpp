// A small blocking HTTP client (Boost.Beast) for the CLI commands that talk to a running
// Phantom, for the tests and for bench/. Not for the audio thread.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace phantom::http {

// Nobody answers at the address: no Phantom is running there.
class ConnectError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
    int status = 0;
    std::string body;
    HttpHeaders headers;
    // The value of a response header (case-insensitive name), or "".
    std::string header(const std::string& name) const;
};

// One request, Content-Type application/json when there is a body or the method changes state
// (unless `headers` name a Content-Type; a Host in `headers` replaces host:port). Throws
// ConnectError when nothing listens, std::runtime_error when the answer is broken or late
// (timeout_ms, for each of connect, send and receive).
HttpResult http_request(const std::string& host, int port, const std::string& method,
                        const std::string& path, const std::string& body = {},
                        const HttpHeaders& headers = {}, int timeout_ms = 10000);

// "127.0.0.1:7480" → {"127.0.0.1", 7480}; throws std::invalid_argument naming the text.
std::pair<std::string, int> parse_host_port(const std::string& text);

}  // namespace phantom::http
