// Deterministic test signals written to temp WAV files, for sources of the virtual hardware.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "wav.hpp"

namespace phantom::test {

// One folder per test process: ctest runs test processes in parallel. The pid alone is not
// unique: a container starts its pids from the same numbers every run, and a /tmp kept from an
// earlier run would hand a test the files that run left (a test counting the files it made
// found one too many). A random tag drawn once per process makes the folder this run's own.
inline std::string temp_dir(const std::string& name) {
    static const std::string process_tag =
        std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}() & 0xffffffu);
    std::string dir = testing::TempDir() + "phantom-" + process_tag + "-" + name + "/";
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::vector<float> noise(size_t frames, std::uint32_t seed, float amplitude = 0.5f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-amplitude, amplitude);
    std::vector<float> x(frames);
    for (auto& v : x)
        v = d(rng);
    return x;
}

inline std::vector<float> constant(size_t frames, float value) {
    return std::vector<float>(frames, value);
}

// Writes `x` as a mono float WAV at `rate` and returns its path.
inline std::string wav_file(const std::string& dir, const std::string& name,
                            const std::vector<float>& x, int rate) {
    std::string path = dir + name + ".wav";
    write_wav(path, {x}, rate);
    return path;
}

}  // namespace phantom::test
