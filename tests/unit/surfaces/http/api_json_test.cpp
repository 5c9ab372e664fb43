// The JSON form of the controller's typed values: what a body's JSON means as a Value, how a
// value, an error and a parameter are written, and which HTTP status each error kind takes.
#include "phantom/surfaces/http/api_json.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace phantom::http {
namespace {

using control::CommandError;
using control::ErrorKind;
using control::Value;
using nlohmann::json;

TEST(ApiJson, JsonTypesBecomeTypedValuesAndOtherShapesAreAWrongType) {
    EXPECT_EQ(value_from_json(json(true), "/monitor/dim"), Value(true));
    EXPECT_EQ(value_from_json(json(-6), "/x"), Value(-6.0));
    EXPECT_EQ(value_from_json(json("-inf"), "/x"), Value(std::string("-inf")));
    for (const json& bad : {json(nullptr), json::object(), json::array({1})}) {
        try {
            value_from_json(bad, "/mix/main/in1/gain");
            ADD_FAILURE() << bad.dump() << " accepted";
        } catch (const CommandError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::WrongType);
            EXPECT_EQ(e.path(), "/mix/main/in1/gain");
        }
    }
}

TEST(ApiJson, InfiniteLevelsAreWrittenAsText) {
    EXPECT_EQ(to_json(Value(-INFINITY)), json("-inf"));
    EXPECT_EQ(to_json(Value(-6.5)), json(-6.5));
    EXPECT_EQ(to_json(Value(false)), json(false));
}

TEST(ApiJson, EveryErrorKindHasItsStatusAndTheBodyNamesWhatWasWrong) {
    EXPECT_EQ(http_status(ErrorKind::Malformed), 400);
    EXPECT_EQ(http_status(ErrorKind::UnknownPath), 404);
    EXPECT_EQ(http_status(ErrorKind::NotAvailable), 409);
    EXPECT_EQ(http_status(ErrorKind::Conflict), 409);
    EXPECT_EQ(http_status(ErrorKind::WrongType), 422);
    EXPECT_EQ(http_status(ErrorKind::OutOfRange), 422);
    const json body = to_json(CommandError(ErrorKind::OutOfRange, "too loud", "/monitor/volume",
                                           Value(40.0), "a number from -inf to 6 dB"));
    EXPECT_EQ(body, json({{"error", "too loud"},
                          {"kind", "out of range"},
                          {"path", "/monitor/volume"},
                          {"value", 40.0},
                          {"allowed", "a number from -inf to 6 dB"}}));
    EXPECT_EQ(to_json(CommandError(ErrorKind::Malformed, "the batch is empty")),
              json({{"error", "the batch is empty"}, {"kind", "malformed"}}));
}

}  // namespace
}  // namespace phantom::http
