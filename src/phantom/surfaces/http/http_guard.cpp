#include "phantom/surfaces/http/http_guard.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/random.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http {

namespace {

// An IP literal cannot be rebound: DNS rebinding needs a name the attacker controls.
bool is_ip_literal(const std::string& name) {
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
        in6_addr a6{};
        return inet_pton(AF_INET6, name.substr(1, name.size() - 2).c_str(), &a6) == 1;
    }
    in_addr a4{};
    return inet_pton(AF_INET, name.c_str(), &a4) == 1;
}

std::string trim(std::string_view s) {
    const size_t first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const size_t last = s.find_last_not_of(" \t");
    return std::string(s.substr(first, last - first + 1));
}

}  // namespace

std::string host_name(const std::string& host) {
    if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
    return host.substr(0, host.find(':'));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool host_allowed(const std::string& host, const std::vector<std::string>& allowed_hosts) {
    if (host.empty()) return false;
    const std::string name = lower(host_name(host));
    if (name == "localhost" || is_ip_literal(name)) return true;
    return std::any_of(allowed_hosts.begin(), allowed_hosts.end(),
                       [&](const std::string& h) { return lower(h) == name; });
}

bool origin_allowed(const std::string& origin, const std::string& host) {
    if (origin.empty()) return true;  // not a browser (curl, the CLI): Host already checked
    if (host.empty()) return false;
    // Same origin: the page was loaded from the very address this request goes to.
    auto with_port = [](const std::string& h) {
        return h.size() > host_name(h).size() ? h : h + ":80";
    };
    const std::string o = lower(origin);
    return o.compare(0, 7, "http://") == 0 && with_port(o.substr(7)) == with_port(lower(host));
}

bool fetch_site_allowed(const std::string& sec_fetch_site) {
    const std::string site = lower(trim(sec_fetch_site));
    return site != "cross-site" && site != "same-site";
}

bool is_json_content_type(std::string_view content_type) {
    const size_t semicolon = content_type.find(';');
    if (lower(trim(content_type.substr(0, semicolon))) != "application/json") return false;
    if (semicolon == std::string_view::npos) return true;
    std::string parameter = lower(trim(content_type.substr(semicolon + 1)));
    parameter.erase(std::remove(parameter.begin(), parameter.end(), ' '), parameter.end());
    return parameter == "charset=utf-8" || parameter == "charset=\"utf-8\"";
}

std::string field_value(const std::string& text, const std::string& name, char separator) {
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(separator, start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        if (item.compare(0, name.size() + 1, name + "=") == 0) return item.substr(name.size() + 1);
        start = end + 1;
    }
    return {};
}

bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;  // no early exit: the time does not tell how much matched
    for (size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

bool plain(const std::string& s, std::string_view extra) {
    return std::all_of(s.begin(), s.end(), [&](unsigned char c) {
        return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
    });
}

Access access(const std::string& token, const std::string& remote_address,
              const std::string& cookie, const std::string& authorization,
              const std::string& raw_query) {
    if (token.empty()) return Access::Granted;
    if (is_loopback_host(remote_address)) return Access::Granted;  // as the loopback default
    if (!cookie.empty() && same_secret(field_value(cookie, kTokenCookie, ';'), token))
        return Access::Granted;
    if (!authorization.empty() && same_secret(authorization, "Bearer " + token))
        return Access::Granted;
    if (same_secret(field_value(raw_query, "token", '&'), token)) return Access::TokenInQuery;
    return Access::Refused;
}

bool is_loopback_host(const std::string& host) {
    const std::string h = lower(host);
    return h == "localhost" || h == "::1" || h == "[::1]" || h.compare(0, 4, "127.") == 0 ||
           h.compare(0, 11, "::ffff:127.") == 0;
}

std::string network_address() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return {};
    std::string found;
    for (ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
        char text[INET_ADDRSTRLEN] = "";
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text,
                  sizeof text);
        if (!is_loopback_host(text)) found = text;
    }
    freeifaddrs(list);
    return found;
}

std::string make_access_token() {
    unsigned char bytes[16];
    size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) throw std::runtime_error("cannot read random bytes for the access token");
        got += static_cast<size_t>(n);
    }
    std::string token;
    for (unsigned char b : bytes)
        token += fmt::format("{:02x}", b);
    return token;
}

}  // namespace phantom::http
