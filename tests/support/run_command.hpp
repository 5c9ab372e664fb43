// Runs a shell command and captures its exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "test_signals.hpp"

namespace phantom::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline CommandResult run_command(const std::string& command) {
    static int counter = 0;
    const std::string dir = temp_dir("commands");
    const std::string out = dir + std::to_string(++counter) + ".out",
                      err = dir + std::to_string(counter) + ".err";
    const int status = std::system((command + " >" + out + " 2>" + err + " </dev/null").c_str());
    auto slurp = [](const std::string& p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

inline std::string phantom_command(const std::string& args) {
    return std::string(PHANTOM_BINARY) + " " + args;
}

}  // namespace phantom::test
