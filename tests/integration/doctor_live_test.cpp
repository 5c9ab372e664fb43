// The studio doctor live: `phantom start` with a fault (a virtual fault, a source or a
// setting made through the API), GET /api/doctor polled until the one right finding appears
// — within 2 s of running — then the fix applied through the API and the finding gone. A
// clean run (the shipped example session) gives no finding.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "doctor_cases.hpp"
#include "live_process.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

json findings(const LiveProcess& p) {
    auto r = p.request("GET", "/api/doctor");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body)["findings"] : json::array();
}

const json* find(const json& list, const std::string& rule, const std::string& where) {
    for (const auto& f : list)
        if (f["rule"] == rule && f["where"] == where) return &f;
    return nullptr;
}

// A parameter set through the API as a person types it ("on", "-inf", "inst").
void put(const LiveProcess& p, const std::string& path, const std::string& value) {
    auto r = p.request("PUT", "/api/params" + path, json({{"value", value}}).dump());
    ASSERT_EQ(r.status, 200) << path << ": " << r.body;
}

class DoctorLive : public testing::TestWithParam<DoctorCase> {};

TEST_P(DoctorLive, DiagnosedWithinTwoSecondsAndGoneOnceFixed) {
    const DoctorCase& c = GetParam();
    const std::string dir = temp_dir("doctor-" + c.name);
    std::vector<std::string> args = {"--session", dir + "state.json"};
    for (const auto& [channel, text] : c.sources)
        args.insert(args.end(), {"--source", channel + "=" + text});
    for (const auto& fault : c.faults)
        args.insert(args.end(), {"--fault", fault});
    for (const auto& [input, rate] : c.clock_inputs)
        args.insert(args.end(), {"--clock-input", input + "=" + rate});
    LiveProcess p(args, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    for (const auto& [path, value] : c.setup)
        put(p, path, value);
    const auto t0 = Clock::now();
    json list;
    while (!find(list, c.rule, c.where) && Clock::now() - t0 < std::chrono::seconds(2)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        list = findings(p);
    }
    const json* f = find(list, c.rule, c.where);
    ASSERT_NE(f, nullptr) << c.rule << " at " << c.where
                          << " not diagnosed within 2 s: " << list.dump(1);
    EXPECT_NE((*f)["what"].get<std::string>().find(c.what_contains), std::string::npos)
        << f->dump();
    EXPECT_NE((*f)["fix"].get<std::string>().find(c.fix_contains), std::string::npos) << f->dump();
    for (const auto& [path, value] : c.fix)
        put(p, path, value);
    if (!c.clear_fault.empty()) {
        auto r = p.request("DELETE", "/api/faults/" + c.clear_fault);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    const auto t1 = Clock::now();
    while (find(list, c.rule, c.where) && Clock::now() - t1 < std::chrono::seconds(6)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        list = findings(p);
    }
    EXPECT_EQ(find(list, c.rule, c.where), nullptr)
        << c.rule << " still there after the fix: " << list.dump(1);
}

INSTANTIATE_TEST_SUITE_P(EveryRule, DoctorLive, testing::ValuesIn(doctor_cases()),
                         [](const testing::TestParamInfo<DoctorCase>& param_info) {
                             return param_info.param.name;
                         });

// The shipped example session, live: not one finding in any of the answers over 4 s.
void expect_clean_run(std::chrono::seconds length, const std::string& name) {
    const std::string dir = temp_dir(name);
    std::filesystem::copy_file(
        std::filesystem::path(PHANTOM_TEST_DATA_DIR).parent_path().parent_path() / "examples" /
            "demo-session.json",
        dir + "state.json");
    LiveProcess p({"--session", dir + "state.json"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    // An `xruns` finding is no false alarm when the driver really missed its deadlines (the
    // counter in /api/status rose): on a shared two-core machine the scheduler decides that, not
    // the studio. It is printed and let pass; every other finding fails the run.
    const auto xruns = [&] {
        auto r = p.request("GET", "/api/status");
        return r.status == 200 ? json::parse(r.body).value("xruns", std::uint64_t{0}) : 0;
    };
    const std::uint64_t xruns_at_start = xruns();
    std::size_t told_xruns = 0;
    const auto t0 = Clock::now();
    while (Clock::now() - t0 < length) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const json list = findings(p);
        for (const auto& f : list) {
            if (f["rule"] == "xruns" && xruns() > xruns_at_start) {
                if (told_xruns++ == 0)
                    std::printf("true xruns on this machine: %s\n", f.dump().c_str());
                continue;
            }
            ADD_FAILURE() << "a false alarm on a clean session: " << f.dump(1);
            return;
        }
    }
    if (told_xruns > 0)
        std::printf("%zu answers carried the xruns finding, all with real xruns (%llu)\n",
                    told_xruns, static_cast<unsigned long long>(xruns() - xruns_at_start));
}

TEST(DoctorLiveClean, TheExampleSessionRunsWithoutAFinding) {
    expect_clean_run(std::chrono::seconds(4), "doctor-clean");
}

// Ten minutes of the example session: long-running, so only when asked for
// (PHANTOM_LONG_TESTS=1 build/tests/phantom-tests --gtest_filter='DoctorLongRun.*').
TEST(DoctorLongRun, TenMinutesOfTheExampleSessionWithoutAFinding) {
    if (!std::getenv("PHANTOM_LONG_TESTS")) GTEST_SKIP() << "set PHANTOM_LONG_TESTS=1 to run";
    expect_clean_run(std::chrono::seconds(600), "doctor-long");
}

// Faults are refused with the reason, and change nothing.
TEST(DoctorLiveFaults, BadFaultsAreRefusedAndListedFaultsClear) {
    const std::string dir = temp_dir("doctor-faults");
    LiveProcess p({"--session", dir + "state.json", "--fault", "in1=hum:60:-50dBu"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    auto r = p.request("POST", "/api/faults", R"({"fault": "adat1=dead"})");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find("not an analog input"), std::string::npos) << r.body;
    r = p.request("POST", "/api/faults", R"({"fault": "in1=hum:55:-40dBu"})");
    EXPECT_EQ(r.status, 422) << r.body;
    r = p.request("POST", "/api/faults", R"({"nope": 1})");
    EXPECT_EQ(r.status, 400) << r.body;
    r = p.request("DELETE", "/api/faults/in99");
    EXPECT_EQ(r.status, 404) << r.body;
    r = p.request("POST", "/api/faults", R"({"fault": "in2=dead"})");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["faults"], json({"in1=hum:60:-50dBu", "in2=dead"}));
    r = p.request("DELETE", "/api/faults");
    EXPECT_EQ(json::parse(r.body)["faults"], json::array());
    r = p.request("POST", "/api/faults", R"({"fault": "in3=dead"})");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(p.stop(SIGTERM), 0);
    // Faults are not state: the session file holds no trace of them.
    std::ifstream in(dir + "state.json");
    const std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(saved.find("dead"), std::string::npos) << saved;
    EXPECT_EQ(saved.find("silence"), std::string::npos) << saved;
}

TEST(DoctorLiveFaults, ABadFaultOnTheCommandLineIsAnInputError) {
    const std::string dir = temp_dir("doctor-bad-fault");
    LiveProcess p({"--session", dir + "state.json", "--fault", "in1=hum:50"}, dir + "log");
    EXPECT_FALSE(p.wait_ready());
    ASSERT_TRUE(p.exited());
    EXPECT_TRUE(WIFEXITED(p.exit_status()) && WEXITSTATUS(p.exit_status()) == 2) << p.log();
    EXPECT_NE(p.log().find("expected CHANNEL=hum:50|60:LEVEL"), std::string::npos) << p.log();
}

}  // namespace
}  // namespace phantom::test
