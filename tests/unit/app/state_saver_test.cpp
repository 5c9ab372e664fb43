// The state saver under a full disk: the save fails with a message, the old file stays
// byte-identical, no temp file is left, and the next save (disk free again) succeeds.
#include "phantom/app/state_saver.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "phantom/device/device_catalog.hpp"
#include "test_signals.hpp"

namespace phantom::app {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(StateSaver, AFullDiskFailsTheSaveKeepsTheOldFileAndIsInTheStatusUntilASaveWorks) {
    const std::string dir = test::temp_dir("saver-full");
    const std::string path = dir + "state.json";
    {
        engine::Interface iface(device::load_device("studio-8x8"), 48000, 256);
        Controller controller(iface, true);
        StateSaver saver(controller, path);
        saver.flush(true);
    }
    const std::string old_text = slurp(path);
    ASSERT_FALSE(old_text.empty());
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // ulimit -f below any state file (soft only, so it can be lifted): the write fails with
        // EFBIG, SIGXFSZ being ignored as phantom's main() ignores it.
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{64, RLIM_INFINITY};
        setrlimit(RLIMIT_FSIZE, &limit);
        engine::Interface iface(device::load_device("studio-8x8"), 48000, 256);
        Controller controller(iface, true);
        StateSaver saver(controller, path);
        controller.set("/monitor/dim", true);
        try {
            saver.flush();
            _exit(4);
        } catch (const std::exception& e) {
            const bool named = std::string(e.what()).find(path) != std::string::npos &&
                               saver.last_error() == e.what();
            if (!named) _exit(5);
        }
        // The failure is in the status until a save succeeds.
        const std::string error = controller.status().save_error;
        if (error.find(path) == std::string::npos ||
            error.find("File too large") == std::string::npos)
            _exit(6);
        if (slurp(path) != old_text) _exit(7);  // the old file is intact
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().string() != path) _exit(8);  // no temp file left behind
        rlimit big{RLIM_INFINITY, RLIM_INFINITY};
        setrlimit(RLIMIT_FSIZE, &big);
        saver.flush();  // the disk allows again
        _exit(controller.status().save_error.empty() ? 3 : 9);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 3) << "4: saved past the limit, 5: error not named, 6: not "
                                         "in the status, 7: old file changed, 8: temp file left, "
                                         "9: status not cleared";
}

TEST(StateSaver, ReadingAStateFileRemovesStaleTempFilesAndSetsCorruptOnesAside) {
    const std::string dir = test::temp_dir("saver-read");
    const std::string path = dir + "state.json";
    std::ofstream(dir + ".state.partial-abc123.json") << "half a sav";
    std::ofstream(path) << "not json";
    StateFile f = read_state_file(path);
    EXPECT_FALSE(f.session);
    EXPECT_NE(f.message.find("moved aside"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir + ".state.partial-abc123.json"));
    EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace phantom::app
