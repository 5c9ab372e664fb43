// The FX buses' parameters on the surfaces that are not the engine: a session saves and loads
// them, refuses a bad one naming its path and changing nothing, and a snapshot keeps and
// recalls them.
#include <gtest/gtest.h>

#include <fstream>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/session/session.hpp"
#include "test_signals.hpp"

namespace phantom::session {
namespace {

engine::Interface studio() {
    return engine::Interface(device::load_device("studio-8x8"), 48000, 64);
}

const std::vector<std::pair<std::string, std::string>> kFxState = {
    {"/fx/reverb/decay", "3.5"},      {"/fx/reverb/size", "0.8"},
    {"/fx/reverb/predelay", "25"},    {"/fx/reverb/damping", "0.6"},
    {"/fx/reverb/width", "1.5"},      {"/fx/echo/time", "333"},
    {"/fx/echo/sync", "on"},          {"/fx/echo/tempo", "96"},
    {"/fx/echo/note", "1/8t"},        {"/fx/echo/feedback", "0.7"},
    {"/fx/echo/highcut_on", "off"},   {"/fx/echo/highcut", "3000"},
    {"/fx/echo/pingpong", "on"},      {"/mix/hp1/in1/reverb", "-8"},
    {"/mix/hp1/in1/echo", "-14"},     {"/output/hp1/reverb_return", "-2"},
    {"/output/hp1/echo_return", "0"}, {"/output/hp2/reverb_pre", "on"},
    {"/output/main/echo_pre", "on"},  {"/mix/main/pb1/reverb", "-20"},
};

TEST(FxSession, RoundTripsEveryFxParameter) {
    auto dir = test::temp_dir("fx-session");
    auto a = studio();
    for (const auto& [path, value] : kFxState)
        a.set_text(path, value);
    save_session(capture_session(a), dir + "s.json");
    const Session s = read_session(dir + "s.json");
    EXPECT_EQ(s.params.size(), kFxState.size());
    auto b = studio();
    apply_session(s, b, dir + "s.json");
    EXPECT_EQ(b.params().values(), a.params().values());
    const size_t hp1 = static_cast<size_t>(b.layout().bus_index("hp1"));
    EXPECT_NE(b.fx().reverb[hp1], nullptr);  // the loaded returns made hp1's FX
    EXPECT_NE(b.fx().echo[hp1], nullptr);
}

TEST(FxSession, ABadValueIsRefusedWithItsPathAndChangesNothing) {
    auto dir = test::temp_dir("fx-session-refuse");
    struct Case {
        const char* json;
        const char* says;
    };
    const Case cases[] = {
        {R"({"device":"studio-8x8","params":{"/output/hp1/reverb_return":0,"/fx/echo/feedback":2}})",
         "/fx/echo/feedback: 2 is out of range (allowed: a number from 0 to 0.95)"},
        {R"({"device":"studio-8x8","params":{"/fx/reverb/decay":0.1}})",
         "/fx/reverb/decay: 0.1 is out of range (allowed: a number from 0.2 to 20 s)"},
        {R"({"device":"studio-8x8","params":{"/mix/hp1/in1/reverb":12}})",
         "/mix/hp1/in1/reverb: 12 is out of range"},
        {R"({"device":"studio-8x8","params":{"/fx/echo/note":"1/3"}})", "/fx/echo/note"},
        {R"({"device":"studio-8x8","params":{"/output/alt/reverb_return":0}})",
         "/output/alt/reverb_return: unknown parameter path"},
    };
    for (const auto& c : cases) {
        {
            std::ofstream out(dir + "bad.json", std::ios::binary);
            out << c.json;
        }
        auto iface = studio();
        const auto before = iface.params().values();
        try {
            apply_session(read_session(dir + "bad.json"), iface, dir + "bad.json");
            ADD_FAILURE() << "accepted: " << c.json;
        } catch (const SessionError& e) {
            EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
        }
        EXPECT_EQ(iface.params().values(), before) << c.json;
        for (const auto& fx : iface.fx().reverb)
            EXPECT_EQ(fx, nullptr) << c.json;
    }
}

TEST(FxSession, ASnapshotKeepsAndRecallsTheFx) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 256);
    control::Controller controller(iface, true);
    for (const auto& [path, value] : kFxState)
        iface.set_text(path, value);
    const auto wanted = iface.params().values();
    controller.save_snapshot("wet");
    for (const auto& [path, value] : kFxState)  // back to the defaults
        iface.apply({{iface.params().require(path),
                      iface.params().schema(iface.params().require(path)).default_value}});
    controller.recall_snapshot("wet");
    controller.tick(std::chrono::steady_clock::now() + std::chrono::seconds(2));  // glides done
    for (const auto& [path, value] : kFxState) {
        const auto i = iface.params().require(path);
        EXPECT_EQ(iface.params().value(i), wanted[static_cast<size_t>(i)]) << path;
    }
}

}  // namespace
}  // namespace phantom::session
