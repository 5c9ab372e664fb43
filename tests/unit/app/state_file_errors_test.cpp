// A state file that cannot be loaded is moved aside to NAME.broken-<time> with the reason; a
// failed save shows in the controller's status until a save succeeds.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "phantom/app/state_saver.hpp"
#include "phantom/device/device_catalog.hpp"
#include "test_signals.hpp"

namespace phantom::app {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> broken_beside(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind("state.json.broken-", 0) == 0)
            names.push_back(e.path().filename().string());
    return names;
}

TEST(StateFileErrors, ADeeplyNestedStateFileIsMovedAsideWithTheReason) {
    const std::string dir = test::temp_dir("state-deep");
    const std::string path = dir + "state.json";
    std::ofstream(path) << "{\"phantom_session\": 1, \"device\": \"studio-8x8\", \"params\": "
                           "{\"/monitor/volume\": "
                        << std::string(60000, '[') << std::string(60000, ']') << "}}";
    const StateFile f = read_state_file(path);
    EXPECT_FALSE(f.session);
    EXPECT_NE(f.message.find("nested more than 32"), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("moved aside to " + path + ".broken-"), std::string::npos)
        << f.message;
    EXPECT_FALSE(fs::exists(path));
    EXPECT_EQ(broken_beside(dir).size(), 1u);
}

TEST(StateFileErrors, TwoFilesSetAsideInOneSecondAreBothKept) {
    const std::string dir = test::temp_dir("state-twice");
    const std::string path = dir + "state.json";
    std::ofstream(path) << "first";
    set_state_file_aside(path, "one");
    std::ofstream(path) << "second";
    set_state_file_aside(path, "two");
    EXPECT_EQ(broken_beside(dir).size(), 2u);
}

TEST(StateFileErrors, TheStartNoticeIsInTheStatus) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 256);
    Controller controller(iface, true);
    EXPECT_EQ(controller.status().state_notice, "");
    EXPECT_EQ(controller.status().save_error, "");
    controller.set_state_notice("moved aside");
    EXPECT_EQ(controller.status().state_notice, "moved aside");
}

}  // namespace
}  // namespace phantom::app
