#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "phantom/device/device_catalog.hpp"
#include "phantom/io/atomic_file.hpp"
#include "phantom/session/session.hpp"
#include "test_signals.hpp"

namespace phantom::session {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

size_t temp_files_in(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        n += e.path().filename().string().find(".partial-") != std::string::npos;
    return n;
}

engine::Interface studio() {
    return engine::Interface(device::load_device("studio-8x8"), 48000, 64);
}

TEST(Session, RoundTripsEveryNonDefaultParameterAndSource) {
    auto dir = test::temp_dir("session-roundtrip");
    auto a = studio();
    a.set_text("/mix/main/in1/gain", "-6");
    a.set_text("/monitor/dim", "on");
    a.set_text("/output/hp1/mirror", "main");
    a.set_text("/mix/hp2/pb9/gain", "-inf");  // a default route switched off
    a.set_source("in2", "dynamic:sine:1k:94dBSPL");
    save_session(capture_session(a), dir + "s.json");
    EXPECT_EQ(temp_files_in(dir), 0u);
    Session s = read_session(dir + "s.json");
    EXPECT_EQ(s.device, "studio-8x8");
    EXPECT_EQ(s.params.size(), 4u);  // only what differs from the defaults
    auto b = studio();
    apply_session(s, b, dir + "s.json");
    EXPECT_EQ(b.params().values(), a.params().values());
    EXPECT_EQ(b.source(1)->text, "dynamic:sine:1k:94dBSPL");
}

TEST(Session, RefusesBadValuesWithFileAndPathAndChangesNothing) {
    auto dir = test::temp_dir("session-refuse");
    struct Case {
        const char* json;
        const char* says;
    };
    const Case cases[] = {
        {R"({"device":"studio-8x8","params":{"/mix/main/in1/gain":-6,"/input/in1/gain":99}})",
         "/input/in1/gain: 99 is out of range (allowed: a number from 0 to 60 dB)"},
        {R"({"device":"studio-8x8","params":{"/input/in9/gain":3}})",
         "/input/in9/gain: unknown parameter path"},
        {R"({"device":"studio-8x8","params":{"/monitor/dim":"maybe"}})",
         "/monitor/dim: \"maybe\" has the wrong type"},
        {R"({"device":"studio-8x8","params":{"/output/hp1/mirror":"hp2","/output/hp2/mirror":"hp1"}})",
         "mirror cycle"},
        {R"({"device":"desktop-2x2","params":{}})",
         "the session is for device 'desktop-2x2', not 'studio-8x8'"},
        {R"({"device":"studio-8x8","sources":{"in1":"sine:440"}})",
         "sources: in1: 'sine:440': expected"},
        {R"({"device":"studio-8x8","sources":{"in1":"missing.wav"}})",
         "missing.wav: cannot read audio file"},
    };
    for (const auto& c : cases) {
        spit(dir + "bad.json", c.json);
        auto iface = studio();
        const auto before = iface.params().values();
        try {
            apply_session(read_session(dir + "bad.json"), iface, dir + "bad.json");
            ADD_FAILURE() << "accepted: " << c.json;
        } catch (const SessionError& e) {
            EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).rfind(dir + "bad.json", 0), 0u) << e.what();
        }
        EXPECT_EQ(iface.params().values(), before) << c.json;
        EXPECT_FALSE(iface.source(0).has_value());
    }
}

TEST(Session, MalformedJsonNamesLineAndColumn) {
    auto dir = test::temp_dir("session-json");
    spit(dir + "broken.json", "{\n  \"device\": \"studio-8x8\",\n  \"params\": {,}\n}\n");
    try {
        read_session(dir + "broken.json");
        FAIL();
    } catch (const SessionError& e) {
        EXPECT_NE(std::string(e.what()).find("broken.json:3:14: not valid JSON"), std::string::npos)
            << e.what();
    }
    spit(dir + "shape.json", R"({"device":"studio-8x8","parms":{}})");
    EXPECT_THROW(read_session(dir + "shape.json"), SessionError);
}

TEST(AtomicFile, ReplacesWholeOrNotAtAllWhenTheDiskIsFull) {
    auto dir = test::temp_dir("atomic-full");
    const std::string path = dir + "state.json";
    const std::string old_text = "{\"old\": true}\n";
    spit(path, old_text);
    // A child process with a 4 KiB file-size limit (ulimit -f) tries to save 1 MiB.
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
        rlimit limit{4096, 4096};
        setrlimit(RLIMIT_FSIZE, &limit);
        try {
            io::write_file_atomically(path, std::string(1 << 20, 'x'));
            _exit(0);
        } catch (const std::runtime_error& e) {
            const bool says_unchanged =
                std::string(e.what()).find("the old file is unchanged") != std::string::npos;
            _exit(says_unchanged ? 3 : 4);
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 3) << "the save must fail with a message";
    EXPECT_EQ(slurp(path), old_text);  // byte-identical
    EXPECT_EQ(temp_files_in(dir), 0u);
    io::write_file_atomically(path, "{\"new\": true}\n");
    EXPECT_EQ(slurp(path), "{\"new\": true}\n");
}

TEST(AtomicFile, KilledWriterNeverLeavesAMixedFile) {
    // SIGKILL a child at a random moment of a save loop, many times: the file is always the old
    // or the new content.
    auto dir = test::temp_dir("atomic-kill");
    const std::string path = dir + "state.json";
    const std::string a(200000, 'a'), b(200000, 'b');
    spit(path, a);
    for (int round = 0; round < 40; ++round) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            for (int k = 0;; ++k)
                io::write_file_atomically(path, k % 2 ? a : b);
        }
        usleep(static_cast<useconds_t>(200 + (round * 397) % 3000));
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        const std::string now = slurp(path);
        ASSERT_TRUE(now == a || now == b) << "round " << round << ": " << now.size() << " bytes";
    }
    // A killed writer can leave its temp file; it never replaces the target.
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path() != path) fs::remove(e.path());
}

}  // namespace
}  // namespace phantom::session
