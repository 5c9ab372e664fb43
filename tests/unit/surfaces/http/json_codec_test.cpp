// The JSON codec on its own: UTF-8 checks, percent-decoding, the depth limit and the refusals
// a body gets, with every expected byte written out by hand (RFC 3629's table, RFC 3986's %XX).
#include <gtest/gtest.h>

#include "phantom/surfaces/http/json_codec.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

TEST(JsonCodec, FindsTheFirstByteThatStartsNoUtf8Character) {
    EXPECT_EQ(find_invalid_utf8("plain ascii"), std::string_view::npos);
    EXPECT_EQ(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xA7"),
              std::string_view::npos);
    EXPECT_EQ(find_invalid_utf8("abc\xFF"), 3u);
    EXPECT_EQ(find_invalid_utf8("ab\xC3"), 2u);            // cut: é without its second byte
    EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
    EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1u);     // a UTF-16 surrogate, U+D800
    EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // U+110000, past the last
    EXPECT_EQ(find_invalid_utf8("\xE2\x82"), 0u);          // € cut after two bytes
}

TEST(JsonCodec, ReplacesInvalidBytesAndCutsBetweenCharacters) {
    EXPECT_EQ(replace_invalid_utf8("a\xFF"
                                   "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(replace_invalid_utf8("\xC3"), "\xEF\xBF\xBD");
    EXPECT_EQ(utf8_prefix("a\xC3\xA9", 2), "a");  // é takes bytes 2 and 3: not cut in half
    EXPECT_EQ(utf8_prefix("a\xC3\xA9", 3), "a\xC3\xA9");
    EXPECT_EQ(utf8_prefix("abcdef", 4), "abcd");
}

TEST(JsonCodec, PercentDecodesAndKeepsWhatIsNoEscape) {
    EXPECT_EQ(percent_decode("%2Fmix%2fhp1", false), "/mix/hp1");
    EXPECT_EQ(percent_decode("%ff", false), "\xFF");
    EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4");
    EXPECT_EQ(percent_decode("%", false), "%");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
}

TEST(JsonCodec, QueryItemsAreSplitAndDecodedInOrder) {
    const auto items = query_items("prefix=%2Fmix&&flag&a+b=c+d&prefix=2");
    ASSERT_EQ(items.size(), 4u);
    EXPECT_EQ(items[0].key, "prefix");
    EXPECT_EQ(items[0].value, "/mix");
    EXPECT_EQ(items[1].key, "flag");  // the empty item between && is skipped
    EXPECT_EQ(items[1].value, "");
    EXPECT_EQ(items[2].key, "a b");
    EXPECT_EQ(items[2].value, "c d");
    EXPECT_EQ(items[3].value, "2");  // a key given twice is there twice
    EXPECT_TRUE(query_items("").empty());
}

TEST(JsonCodec, MeasuresNestingOutsideStrings) {
    EXPECT_EQ(json_depth(R"({"a": [1, {"b": 2}]})").depth, 3);
    EXPECT_EQ(json_depth(R"({"a": "[[[[{{{{\"]]]"})").depth, 1);  // brackets in a string
    const std::string deep = std::string(65, '[') + std::string(65, ']');
    EXPECT_EQ(json_depth(deep).over_at, 64u);  // the 65th '[' sits at byte 64
    EXPECT_EQ(json_depth(std::string(64, '[')).over_at, std::string_view::npos);
}

TEST(JsonCodec, RefusesBodiesWithTheRightCodeAndNamesTheProblem) {
    JsonParse good = parse_json_body(R"({"value": -6})", "PUT /x");
    ASSERT_TRUE(good.value);
    EXPECT_EQ((*good.value)["value"], -6);

    JsonParse huge = parse_json_body(R"({"value": 1e400})", "PUT /x");
    EXPECT_EQ(huge.status, 422);
    EXPECT_EQ(huge.error["value"], "1e400");
    EXPECT_NE(huge.error["error"].get<std::string>().find("1e400"), std::string::npos);
    EXPECT_EQ(parse_json_body(R"([-1e400])", "PUT /x").status, 422);
    EXPECT_EQ(parse_json_body("[" + std::string(400, '9') + "]", "PUT /x").status, 422);

    const std::string deep = R"({"value": )" + std::string(430, '[') + std::string(430, ']') + "}";
    JsonParse nested = parse_json_body(deep, "PUT /x");
    EXPECT_EQ(nested.status, 400);
    EXPECT_NE(nested.error["error"].get<std::string>().find("64"), std::string::npos);

    JsonParse latin1 = parse_json_body("{\"value\": \"caf\xE9\"}", "PUT /x");
    EXPECT_EQ(latin1.status, 400);
    EXPECT_NE(latin1.error["error"].get<std::string>().find("byte 14"), std::string::npos);

    // Malformed, with é across the 200th byte of the echo: the echo stops before it.
    const std::string cut = R"({"value": ")" + std::string(188, 'a') + "\xC3\xA9" + "x";
    ASSERT_EQ(cut.size(), 202u);  // é is bytes 199 and 200 (0-based 199, 200)
    JsonParse malformed = parse_json_body(cut, "PUT /x");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(malformed.error["value"], cut.substr(0, 199));
    EXPECT_NO_THROW((void)dump_json(malformed.error));
}

TEST(JsonCodec, SerialisesBytesThatAreNotUtf8AsReplacements) {
    EXPECT_EQ(dump_json(json{{"path", "/\xFF"}}), "{\"path\":\"/\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace phantom::http
