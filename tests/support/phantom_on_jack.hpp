// A test with Phantom on a private JACK server: the server (`jackd -d dummy`, the one test name
// so JACK's registry of servers never fills up: a killed server's name is taken over by its
// restart), `phantom start --backend jack` on it, and an activated libjack observer client.
// Members are destroyed in reverse: the observer (TearDown), Phantom, the server, then the
// lock that keeps JACK tests one at a time.
#pragma once

#include <gtest/gtest.h>
#include <jack/jack.h>

#include <string>

#include "jack_server.hpp"
#include "jack_test_lock.hpp"
#include "live_process.hpp"
#include "test_signals.hpp"

namespace phantom::test {

class PhantomOnJack : public ::testing::Test {
  protected:
    JackTestLock lock;
    JackServer server{"phantom-test"};
    std::string dir = temp_dir(std::string("jack-") +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    LiveProcess phantom{
        {"--backend", "jack", "--jack-server", server.name(), "--session", dir + "state.json"},
        dir + "log"};
    jack_client_t* observer = nullptr;

    void SetUp() override {
        ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
        observer = open_client("observer", server.name());
        ASSERT_NE(observer, nullptr);
        ASSERT_EQ(jack_activate(observer), 0);
    }
    void TearDown() override {
        if (observer) jack_client_close(observer);
    }
};

}  // namespace phantom::test
