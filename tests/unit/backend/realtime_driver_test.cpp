// The virtual hardware in real time: the same engine driven by its own clock. What it records
// equals an offline render of the same setup sample for sample; it sleeps between blocks
// instead of spinning; recordings reach the disk and file sources are read on the I/O thread;
// the audio thread runs SCHED_FIFO when allowed, and says so when not.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "phantom/app/offline_render.hpp"
#include "phantom/backend/virtual/realtime_driver.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/io/butler.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

std::unique_ptr<engine::Interface> setup(const std::string& noise_file) {
    auto iface = std::make_unique<engine::Interface>(device::load_device("studio-8x8"), 48000, 256);
    iface->set_source("pb1", noise_file);
    iface->set_source("in5", "sine:1k:+4dBu");
    iface->set_text("/mix/main/in5/gain", "-6");
    iface->set_text("/monitor/dim", "on");
    return iface;
}

TEST(RealtimeDriver, RecordsWhatTheOfflineRenderMakesAndSleepsBetweenBlocks) {
    const std::string dir = temp_dir("realtime");
    const std::string noise_file = wav_file(dir, "noise", noise(48000, 3), 48000);

    auto live = setup(noise_file);
    backend::RealtimeVirtualDriver driver(*live, 256);
    driver.add_recording("main", dir + "live.wav");
    io::Butler butler;
    butler.watch(live->source_feeds());
    butler.watch(driver.record_feeds());
    butler.start();
    const double cpu0 = cpu_seconds();
    const auto wall0 = std::chrono::steady_clock::now();
    driver.start();
    while (std::chrono::steady_clock::now() - wall0 < std::chrono::milliseconds(600)) {
        driver.poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    butler.stop();
    driver.stop();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const double cpu = cpu_seconds() - cpu0;
    const auto stats = driver.stats();
    driver.finish();

    // Real time: never more blocks than the wall clock allows (256 frames = 5.33 ms). The lower
    // bound is loose: a shared machine may delay the thread, which then counts xruns.
    const double expected_blocks = wall * 48000 / 256;
    EXPECT_GT(static_cast<double>(stats.blocks), 0.3 * expected_blocks);
    EXPECT_LT(static_cast<double>(stats.blocks), 1.1 * expected_blocks);
    EXPECT_EQ(stats.record_overruns, 0u);
    EXPECT_LT(cpu, 0.5 * wall) << "a steady period, not a busy loop";

    Wav rec = read_wav(dir + "live.wav");
    const auto frames = rec.channels[0].size();
    EXPECT_EQ(frames, stats.blocks * 256);

    auto offline = setup(noise_file);
    app::RenderOptions opt;
    opt.frames = frames;
    opt.block_frames = 256;
    opt.records = {{"main", dir + "offline.wav"}};
    app::render_offline(*offline, opt);
    Wav ref = read_wav(dir + "offline.wav");
    EXPECT_EQ(rec.channels, ref.channels);
}

TEST(RealtimeDriver, RunsSchedFifoAtJackdsPriorityOrSaysWhyNot) {
    engine::Interface iface(device::load_device("desktop-2x2"), 48000, 256);
    backend::RealtimeVirtualDriver driver(iface, 256);
    driver.start();
    // Whether the system grants it depends on the machine (root, rtprio): either the thread is
    // real-time at jackd's default priority, or there is a one-line notice saying why not.
    if (driver.scheduling_notice().empty()) {
        // The driver's thread is private: ask the kernel about this process's threads.
        int realtime_threads = 0;
        for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
            const pid_t tid = std::stoi(entry.path().filename().string());
            sched_param p{};
            if (sched_getscheduler(tid) == SCHED_FIFO && sched_getparam(tid, &p) == 0 &&
                p.sched_priority == backend::RealtimeVirtualDriver::kRealtimePriority)
                ++realtime_threads;
        }
        EXPECT_EQ(realtime_threads, 1);
    } else {
        EXPECT_NE(driver.scheduling_notice().find("normal priority"), std::string::npos);
        EXPECT_EQ(driver.scheduling_notice().find('\n'), std::string::npos) << "one line";
    }
    driver.stop();
}

TEST(RealtimeDriver, RefusesAnUnknownOutput) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 64);
    backend::RealtimeVirtualDriver driver(iface, 64);
    EXPECT_THROW(driver.add_recording("mains", temp_dir("realtime") + "x.wav"),
                 std::invalid_argument);
}

}  // namespace
}  // namespace phantom::test
