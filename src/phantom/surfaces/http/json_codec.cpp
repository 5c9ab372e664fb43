#include "phantom/surfaces/http/json_codec.hpp"

#include <fmt/format.h>

namespace phantom::http {

using nlohmann::json;

namespace {

constexpr std::size_t kEchoBytes = 200;     // of a body, in an error that quotes it
constexpr std::size_t kMessageBytes = 300;  // of the parser's message (it quotes the token)

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

JsonParse refuse(int status, std::string message, json value) {
    JsonParse p;
    p.status = status;
    p.error = {{"error", std::move(message)}};
    if (!value.is_null()) p.error["value"] = std::move(value);
    return p;
}

// "… number overflow parsing '1e400'" → "1e400".
std::string quoted_token(const std::string& message) {
    const std::size_t open = message.find("parsing '");
    const std::size_t close = message.rfind('\'');
    if (open == std::string::npos || close == std::string::npos || close < open + 9) return {};
    return message.substr(open + 9, close - open - 9);
}

}  // namespace

std::string utf8_prefix(std::string_view text, std::size_t max_bytes) {
    std::size_t end = 0;
    while (end < text.size()) {
        const std::size_t n = std::max<std::size_t>(params::utf8_sequence_length(text, end), 1);
        if (end + n > max_bytes) break;
        end += n;
    }
    return replace_invalid_utf8(text.substr(0, end));
}

std::vector<QueryItem> query_items(std::string_view query) {
    std::vector<QueryItem> items;
    size_t pos = 0;
    while (pos < query.size()) {
        size_t end = query.find('&', pos);
        if (end == std::string_view::npos) end = query.size();
        const std::string_view item = query.substr(pos, end - pos);
        pos = end + 1;
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        items.push_back({percent_decode(item.substr(0, eq), true),
                         eq == std::string_view::npos ? std::string()
                                                      : percent_decode(item.substr(eq + 1), true)});
    }
    return items;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += plus_is_space && c == '+' ? ' ' : c;
    }
    return out;
}

JsonDepth json_depth(std::string_view text, int limit) {
    JsonDepth d;
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            ++depth;
            if (depth > d.depth) d.depth = depth;
            if (depth > limit && d.over_at == std::string_view::npos) d.over_at = i;
        } else if (c == ']' || c == '}') {
            if (depth > 0) --depth;
        }
    }
    return d;
}

JsonParse parse_json_body(std::string_view body, const std::string& what) {
    if (const std::size_t bad = find_invalid_utf8(body); bad != std::string_view::npos)
        return refuse(
            400,
            fmt::format("{}: the body is not valid UTF-8 (byte {} starts no character)", what, bad),
            utf8_prefix(body, kEchoBytes));
    if (const JsonDepth d = json_depth(body); d.over_at != std::string_view::npos)
        return refuse(400,
                      fmt::format("{}: the body nests arrays and objects deeper than {} levels "
                                  "(at byte {})",
                                  what, kMaxJsonDepth, d.over_at),
                      nullptr);
    try {
        JsonParse p;
        p.value = json::parse(body);
        return p;
    } catch (const json::parse_error& e) {
        return refuse(400,
                      fmt::format("{}: malformed JSON at byte {}: {}", what, e.byte,
                                  utf8_prefix(e.what(), kMessageBytes)),
                      utf8_prefix(body, kEchoBytes));
    } catch (const json::out_of_range& e) {  // 406: a number beyond double range
        const std::string number = utf8_prefix(quoted_token(e.what()), kEchoBytes);
        return refuse(422,
                      fmt::format("{}: the number {} is out of range (a JSON number here must "
                                  "fit in a double, at most about 1.8e308 in size)",
                                  what, number),
                      number);
    } catch (const std::exception& e) {
        return refuse(400,
                      fmt::format("{}: the body cannot be read as JSON: {}", what,
                                  utf8_prefix(e.what(), kMessageBytes)),
                      nullptr);
    }
}

std::string dump_json(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace phantom::http
