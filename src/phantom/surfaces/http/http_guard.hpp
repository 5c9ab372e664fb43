// The transport rules every request passes before a route sees it (http_server.hpp says which
// attack each one stops), as plain functions of the header values, free of any network code.
// "" stands for a header that is absent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phantom::http {

// "localhost:7480" → "localhost"; "[::1]:7480" → "[::1]".
std::string host_name(const std::string& host);
std::string lower(std::string s);

// DNS rebinding: the Host must be localhost, an IP literal (which cannot be rebound), or a
// name allowed explicitly (any case).
bool host_allowed(const std::string& host, const std::vector<std::string>& allowed_hosts);

// A browser's request that changes state (or opens the WebSocket) must come from the very
// address it was sent to; a request without Origin is not from a page (curl, the CLI).
bool origin_allowed(const std::string& origin, const std::string& host);

// Fetch metadata: "cross-site" and "same-site" come from a page of another origin (same-site
// includes another port of this machine); "same-origin" and "none" (typed, a bookmark) do not.
bool fetch_site_allowed(const std::string& sec_fetch_site);

// The media type `application/json`, alone or with `charset=utf-8` (any case, spaces around
// the `;`); anything else, and no type at all, is not JSON.
bool is_json_content_type(std::string_view content_type);

// The value of `name` in a query string or cookie header ("a=1&token=x", "a=1; token=x").
std::string field_value(const std::string& text, const std::string& name, char separator);

// Compares in time independent of where the strings differ.
bool same_secret(const std::string& a, const std::string& b);

// Only letters, digits and the `extra` characters: safe to put back into a header.
bool plain(const std::string& s, std::string_view extra);

inline constexpr const char* kTokenCookie = "phantom_token";

enum class Access { Granted, TokenInQuery, Refused };
// With a token, a client not on this machine must bring it (cookie, Bearer or ?token=).
Access access(const std::string& token, const std::string& remote_address,
              const std::string& cookie, const std::string& authorization,
              const std::string& raw_query);

}  // namespace phantom::http
