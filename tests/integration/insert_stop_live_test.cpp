// SIGTERM while a hardware insert's loop is being measured. An outside attack found the new
// delay saved while the HTTP client got no answer at all. The client must be told, and the
// state must be what it was told: here the stop comes while the sequence is still playing, so
// the answer is 503 "not applied" and the saved delay is the one from before.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>

#include "live_process.hpp"
#include "phantom/session/session.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

TEST(LiveInsertStop, SigtermDuringAMeasurementAnswers503AndAppliesNothing) {
    const std::string dir = temp_dir("live-insert-stop");
    const std::string state = dir + "state.json";
    LiveProcess p({"--session", state, "--source", "in5=outboard:line3:delay=2ms"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    ASSERT_EQ(p.request("POST", "/api/params",
                        R"({"/input/in1/insert/send": "line3", "/input/in1/insert/return": "in5",
                            "/input/in1/insert/delay": 7})")
                  .status,
              200);
    http::HttpResult answer;
    std::string failure;
    std::thread client([&] {
        try {
            answer = p.request("POST", "/api/inserts/in1/measure");
        } catch (const std::exception& e) {
            failure = e.what();
        }
    });
    // Under way: the sequence (-20 dBFS, 0.17 s) plays out of the send, line3, which no mix
    // reaches; the window that follows it takes another 0.68 s at 48 kHz, so the stop below
    // comes while the measurement waits.
    bool under_way = false;
    for (int k = 0; k < 1000 && !under_way; ++k) {
        const auto meters = nlohmann::json::parse(p.request("GET", "/api/meters").body);
        for (const auto& m : meters["outputs"])
            if (m["id"] == "line3" && m["peak_dbfs"].get<double>() > -40) under_way = true;
        if (!under_way) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int status = p.stop(SIGTERM);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    client.join();
    ASSERT_TRUE(under_way) << "the sequence never played on line3";
    ASSERT_NE(status, -1) << "did not stop: " << p.log();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << p.log();
    EXPECT_LT(seconds, 1.0);
    EXPECT_EQ(failure, "") << "the client got no answer";
    EXPECT_EQ(answer.status, 503) << answer.body;
    EXPECT_NE(answer.body.find("phantom is stopping; the measurement of in1's insert was not "
                               "applied"),
              std::string::npos)
        << answer.body;
    EXPECT_EQ(nlohmann::json::parse(answer.body, nullptr, false).value("kind", ""), "stopping")
        << answer.body;
    EXPECT_EQ(session::read_session(state).params.at("/input/in1/insert/delay"), 7);
}

}  // namespace
}  // namespace phantom::test
