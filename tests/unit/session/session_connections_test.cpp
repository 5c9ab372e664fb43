// The "connections" of a state file: read and written back as they were; a bad one refused with
// the item and the reason, never half-read.
#include <gtest/gtest.h>

#include "phantom/session/session.hpp"

namespace phantom::session {
namespace {

std::string with(const std::string& connections) {
    return R"({"phantom_session": 1, "device": "studio-8x8", "connections": )" + connections + "}";
}

std::string refusal(const std::string& text) {
    try {
        parse_session_text(text, "s.json");
    } catch (const SessionError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(SessionConnections, AbsentMeansNeverSetAndAnEmptyListIsKeptAsSuch) {
    EXPECT_FALSE(parse_session_text(R"({"phantom_session": 1, "device": "studio-8x8"})", "s")
                     .connections.has_value());
    const Session empty = parse_session_text(with("[]"), "s");
    ASSERT_TRUE(empty.connections.has_value());
    EXPECT_TRUE(empty.connections->empty());
    // Written back: still present, so that the next start does not connect automatically.
    EXPECT_NE(session_to_json(empty).find("\"connections\": []"), std::string::npos);
}

TEST(SessionConnections, ARoundTripKeepsTheOrder) {
    const Session s =
        parse_session_text(with(R"([{"from": "system:capture_2", "to": "phantom:hw_in_in1"},
                 {"from": "phantom:hw_out_main.L", "to": "liveroom:to_slave_1"}])"),
                           "s");
    const Session again = parse_session_text(session_to_json(s), "s");
    ASSERT_TRUE(again.connections.has_value());
    ASSERT_EQ(again.connections->size(), 2u);
    EXPECT_EQ((*again.connections)[0].first, "system:capture_2");
    EXPECT_EQ((*again.connections)[1].second, "liveroom:to_slave_1");
}

TEST(SessionConnections, BadShapesAreRefusedNamingTheItem) {
    EXPECT_NE(refusal(with("{}")).find("connections: expected an array"), std::string::npos);
    EXPECT_NE(refusal(with(R"([{"from": "a:b"}])")).find("connections[0]"), std::string::npos);
    EXPECT_NE(refusal(with(R"([{"from": "a:b", "to": 3}])")).find("connections[0]"),
              std::string::npos);
    EXPECT_NE(refusal(with(R"([{"from": "a:b", "to": "c:d"}, {"from": "nocolon", "to": "c:d"}])"))
                  .find("connections[1].from: 'nocolon' is not a port name"),
              std::string::npos);
    EXPECT_NE(refusal(with(R"([{"from": ":b", "to": "c:d"}])")).find("not a port name"),
              std::string::npos);
    EXPECT_NE(refusal(with(R"([{"from": "a:b", "to": "c:d", "x": 1}])")).find("only"),
              std::string::npos);
    const std::string long_name = "a:" + std::string(400, 'x');
    EXPECT_NE(refusal(with(R"([{"from": ")" + long_name + R"(", "to": "c:d"}])"))
                  .find("at most 320 bytes"),
              std::string::npos);
    std::string many = "[";
    for (size_t k = 0; k <= kMaxConnections; ++k)
        many += std::string(k ? "," : "") + R"({"from": "a:b", "to": "c:d"})";
    EXPECT_NE(refusal(with(many + "]")).find("at most 4096"), std::string::npos);
}

}  // namespace
}  // namespace phantom::session
