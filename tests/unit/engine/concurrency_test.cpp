// reliability.md §8 test 3: the audio thread renders while the control thread changes
// parameters, swaps plans and frees old ones, as it will live. Run under ThreadSanitizer with
// -DPHANTOM_SANITIZE=thread to check the hand-offs (the FX buses' banks and mailboxes among
// them); in every build it checks that nothing crashes, every output stays finite and old
// plans are freed (on the control thread).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <thread>

#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::test {
namespace {

TEST(Concurrency, AudioThreadRendersWhileTheControlThreadChangesEverything) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 64);
    iface.set_source("in1", "sine:1k:-10dBu");
    iface.set_source("pb1", "pink:-20dBFS");
    iface.start();
    std::atomic<bool> stop{false};
    std::atomic<bool> finite{true};
    std::atomic<long> blocks{0};
    std::thread audio([&] {
        std::vector<std::vector<float>> out(iface.output_channel_count(), std::vector<float>(64));
        std::vector<float*> ptr;
        for (auto& b : out)
            ptr.push_back(b.data());
        engine::BlockIo io{64, nullptr, nullptr, nullptr, ptr.data()};
        while (!stop.load(std::memory_order_acquire)) {
            iface.process(io);
            for (const auto& ch : out)
                for (float v : ch)
                    if (!std::isfinite(v)) finite.store(false);
            blocks.fetch_add(1, std::memory_order_relaxed);
        }
    });
    std::mt19937 rng(7);
    // The FX buses too: a return made and dropped (a new FX in the bank), sends coming alive,
    // and the sound posted to a running FX.
    const char* paths[] = {
        "/mix/main/in1/gain", "/mix/hp1/in1/gain", "/mix/main/pb1/pan", "/monitor/dim",
        "/output/hp1/mirror", "/monitor/speakers", "/input/in1/trim", "/mix/line3/pb1/gain",
        "/output/hp1/reverb_return", "/mix/hp1/in1/reverb", "/fx/reverb/decay",
        "/output/main/echo_return", "/mix/main/pb1/echo", "/fx/echo/time",
        // LV2 plugins loaded, replaced, bypassed and unloaded on an input and an output (a new
        // slot in the bank, the old processor crossfaded out and freed with its plan).
        "/input/in1/insert/1/plugin", "/input/in1/insert/1/bypass", "/output/main/insert/1/plugin",
        // ...and on the FX buses, whose built-in reverb is switched out and back meanwhile.
        "/output/hp1/reverb/insert/1/plugin", "/output/hp1/reverb_builtin",
        "/output/main/echo/insert/2/plugin"};
    const char* values[][3] = {
        {"-inf", "-6", "0"},
        {"-inf", "-12", "3"},
        {"-1", "0", "1"},
        {"on", "off", "on"},
        {"none", "main", "hp2"},
        {"A", "B", "AB"},
        {"-6", "0", "6"},
        {"-inf", "0", "-20"},
        {"-inf", "0", "-6"},
        {"-inf", "-6", "0"},
        {"0.5", "2", "8"},
        {"-inf", "-3", "0"},
        {"-inf", "-10", "0"},
        {"10", "250", "1000"},
        {"", "http://lv2plug.in/plugins/eg-amp", "http://gareus.org/oss/lv2/nodelay"},
        {"on", "off", "on"},
        {"", "http://lv2plug.in/plugins/eg-amp", ""},
        {"", "http://lv2plug.in/plugins/eg-amp", "http://gareus.org/oss/lv2/nodelay"},
        {"on", "off", "on"},
        {"", "http://gareus.org/oss/lv2/nodelay", ""}};
    constexpr size_t kPaths = std::size(paths);
    static_assert(std::size(values) == kPaths);
    for (int k = 0; k < 3000; ++k) {
        const size_t p = rng() % kPaths;
        iface.set_text(paths[p], values[p][rng() % 3]);
        iface.maintain();
        if (k % 500 == 0) std::this_thread::yield();
    }
    // Let the audio thread pass a few more blocks so every retired plan can be collected.
    const long seen = blocks.load();
    while (blocks.load() < seen + 10)
        std::this_thread::yield();
    stop.store(true, std::memory_order_release);
    audio.join();
    iface.maintain();
    EXPECT_TRUE(finite.load());
    EXPECT_GT(blocks.load(), 0);
    EXPECT_GT(iface.engine().plans().freed_total(), 0u);
    EXPECT_LE(iface.engine().plans().retired(), 1u);
}

}  // namespace
}  // namespace phantom::test
