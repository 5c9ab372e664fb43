// A JACK server that stops answering while Phantom shuts down. jackd 1.9.21 can wedge a closing
// client for good (under a storm of xrun notifications it blocks writing to the client's
// notification socket, which the closing client no longer reads; CI hung on it for twenty
// minutes). Here the server is frozen with SIGSTOP, the surest way to stop its answers: a
// SIGTERM must still end Phantom, within its 8 s limit, with exit code 0 and its state on disk.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>

#include "jack_server.hpp"
#include "jack_test_lock.hpp"
#include "live_process.hpp"
#include "phantom/session/session.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

TEST(JackWedgedServer, SigtermStillEndsPhantomWithItsStateSaved) {
    JackTestLock lock;
    JackServer server{"phantom-test"};
    const std::string dir = temp_dir("jack-wedged-server");
    const std::string state = dir + "state.json";
    LiveProcess phantom{{"--backend", "jack", "--jack-server", server.name(), "--session", state},
                        dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    ASSERT_EQ(phantom.request("PUT", "/api/params/monitor/dim", R"({"value": true})").status, 200);

    ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);
    const int status = phantom.stop(SIGTERM, std::chrono::seconds(30));
    ::kill(server.pid(), SIGCONT);  // then the server is stopped as every test's is
    ASSERT_NE(status, -1) << "Phantom did not exit on SIGTERM: " << phantom.log();
    EXPECT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << phantom.log();
    EXPECT_NE(phantom.log().find("did not stop within 8 s"), std::string::npos) << phantom.log();
    const session::Session saved = session::read_session(state);
    ASSERT_TRUE(saved.params.count("/monitor/dim")) << "the state was not saved";
    EXPECT_EQ(saved.params.at("/monitor/dim"), true);
}

}  // namespace
}  // namespace phantom::test
