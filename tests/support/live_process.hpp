// A `phantom start` child process for integration tests: started with its own state folder
// and a free port (--http 127.0.0.1:0), its URL read from the one line it prints.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "phantom/surfaces/http/http_client.hpp"

namespace phantom::test {

class LiveProcess {
  public:
    // `args` after "start"; `log` receives stdout and stderr.
    LiveProcess(const std::vector<std::string>& args, const std::string& log,
                const std::vector<std::string>& env = {})
        : log_(log) {
        ::unlink(log.c_str());  // never read an earlier run's URL
        pid_ = fork();
        if (pid_ == 0) {
            int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, 1);
            dup2(fd, 2);
            for (const auto& e : env)
                putenv(const_cast<char*>(e.c_str()));
            std::vector<std::string> all = {PHANTOM_BINARY, "start",       "--http", "127.0.0.1:0",
                                            "--osc",        "127.0.0.1:0", "--quiet"};
            all.insert(all.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (auto& a : all)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(PHANTOM_BINARY, argv.data());
            _exit(127);
        }
    }
    ~LiveProcess() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }

    // Wait for the URL line; false if the process ended or 10 s passed.
    bool wait_ready() {
        const std::regex url("http://127\\.0\\.0\\.1:([0-9]+)/");
        for (int k = 0; k < 1000; ++k) {
            std::smatch m;
            const std::string text = log();
            if (std::regex_search(text, m, url)) {
                port_ = std::stoi(m[1]);
                return true;
            }
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                exit_status_ = status;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    std::string log() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    // After wait_ready() returned false because the process ended: its wait status.
    bool exited() const { return exited_; }
    int exit_status() const { return exit_status_; }

    http::HttpResult request(const std::string& method, const std::string& path,
                             const std::string& body = {}) const {
        return http::http_request("127.0.0.1", port_, method, path, body);
    }

    // Send `signal`; wait up to `timeout`; the wait status, or -1 if it did not end.
    int stop(int signal, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
        kill(pid_, signal);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                exit_status_ = status;
                return status;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return -1;
    }

  private:
    std::string log_;
    pid_t pid_ = -1;
    int port_ = 0;
    bool exited_ = false;
    int exit_status_ = 0;
};

}  // namespace phantom::test
