// What the HTTP surface makes of the bytes a client sent, and the JSON it answers with. Nothing
// here throws on client bytes: every function either returns a result or an error to answer.
//
//  - Bodies: valid UTF-8 (else 400 naming the byte), nested at most kMaxJsonDepth deep (else
//    400 naming the limit), numbers within double range (else 422 naming the number), then
//    nlohmann's parser. A bounded depth also bounds the recursion when a value is echoed back.
//  - Paths and query values: %XX decoded, a stray `%` kept as it is (`%ff`, `%zz`, `%` at the
//    end are no error); whether the result is UTF-8 is the caller's question.
//  - Answers: serialised with invalid UTF-8 replaced by U+FFFD (a name or a path a client sent
//    may be echoed), so no answer can fail to serialise.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "phantom/params/utf8.hpp"

namespace phantom::http {

// Deeper than any body the API takes ({"value": …} or a flat batch), shallow enough that
// every recursive walk of a parsed value (serialisation, copies) stays far from the stack's end.
inline constexpr int kMaxJsonDepth = 64;

// Below every surface, so that the controller checks the text clients choose (params/utf8.hpp).
using params::find_invalid_utf8;
using params::replace_invalid_utf8;
// At most `max_bytes` of `text`, cut before a character, never inside one; invalid bytes
// replaced. For echoing the start of a body in an error.
std::string utf8_prefix(std::string_view text, std::size_t max_bytes);

// %XX → the byte XX; anything else as it is, and `+` → space when `plus_is_space` (query
// values, as HTML forms send them).
std::string percent_decode(std::string_view text, bool plus_is_space);

// A query's items, "a=1&b=%2Fx&c" → {a, 1}, {b, /x}, {c, ""}: keys and values percent-decoded
// (`+` a space), empty items skipped, in order (a key given twice is there twice).
struct QueryItem {
    std::string key, value;
};
std::vector<QueryItem> query_items(std::string_view query);

// The deepest nesting of arrays and objects in a JSON text (strings skipped), with the byte
// where it first passes `limit` (npos when it does not).
struct JsonDepth {
    int depth = 0;
    std::size_t over_at = std::string_view::npos;
};
JsonDepth json_depth(std::string_view text, int limit = kMaxJsonDepth);

// A parsed body, or the answer that refuses it: `status` 400 (malformed, not UTF-8, too deep)
// or 422 (a number beyond double range) with `error` as the JSON body of that answer.
struct JsonParse {
    std::optional<nlohmann::json> value;
    int status = 0;
    nlohmann::json error;
};
// `what` names the request in messages ("PUT /api/params/monitor/dim").
JsonParse parse_json_body(std::string_view body, const std::string& what);

// One line of JSON; invalid UTF-8 in strings becomes U+FFFD. Never throws on content.
std::string dump_json(const nlohmann::json& value);

}  // namespace phantom::http
