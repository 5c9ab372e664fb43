// The live run's audio feed does not wait for the control plane: with the controller's lock
// held longer than a file source's ring lasts, a recording of that source still equals an
// offline render sample for sample (the I/O thread refills and drains without that lock); a
// looping source file truncated while live ends early, is reported once, and leaves the
// control plane answering and the run loop stoppable.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include "phantom/app/live_instance.hpp"
#include "phantom/device/device_catalog.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

using namespace std::chrono_literals;

app::LiveOptions live_options(const std::string& dir, const std::string& source_file) {
    app::LiveOptions o;
    o.device = "studio-8x8";
    o.rate_hz = 48000;
    o.frames = 256;
    o.state_path = dir + "state.json";
    o.http.host = "127.0.0.1";
    o.http.port = 0;
    o.sources = {{"pb1", source_file}};
    return o;
}

// The same setup rendered block by block on this thread: a live start (power-on ramp),
// looping sources, main recorded.
std::vector<std::vector<float>> offline_main(const std::string& source_file, size_t frames) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 256);
    iface.set_loop_sources(true);
    iface.set_source("pb1", source_file);
    std::vector<std::vector<float>> out(iface.output_channel_count(), std::vector<float>(256));
    std::vector<float*> ptrs;
    for (auto& b : out)
        ptrs.push_back(b.data());
    const auto main_first =
        static_cast<size_t>(iface.engine().layout().output_first_channel[static_cast<size_t>(
            iface.spec().output_index("main"))]);
    engine::BlockIo io;
    io.frames = 256;
    io.outputs = ptrs.data();
    iface.start_live();
    std::vector<std::vector<float>> main(2);
    for (size_t done = 0; done < frames; done += 256) {
        iface.refill_sources();
        iface.process(io);
        for (size_t c = 0; c < 2; ++c)
            main[c].insert(main[c].end(), out[main_first + c].begin(), out[main_first + c].end());
        iface.maintain();
    }
    for (auto& ch : main)
        ch.resize(frames);
    return main;
}

// Ends the test binary if the control plane stops answering: a hang is the failure.
class Watchdog {
  public:
    explicit Watchdog(std::chrono::seconds limit) {
        thread_ = std::thread([this, limit] {
            if (done_.get_future().wait_for(limit) == std::future_status::ready) return;
            std::fprintf(stderr, "watchdog: the live run stopped answering for %lld s\n",
                         static_cast<long long>(limit.count()));
            std::_Exit(1);
        });
    }
    ~Watchdog() {
        done_.set_value();
        thread_.join();
    }

  private:
    std::promise<void> done_;
    std::thread thread_;
};

TEST(LiveFeed, HoldingTheControllersLockLeavesNoGapInARecording) {
    const std::string dir = temp_dir("live-feed-held");
    const std::string source = wav_file(dir, "noise", noise(3 * 48000, 11), 48000);
    auto options = live_options(dir, source);
    options.records = {{"main", dir + "live.wav"}};
    std::vector<std::string> files;
    {
        app::LiveInstance live(options);
        std::atomic<bool> stop{false};
        std::thread loop([&] { live.run(stop, {}); });
        std::this_thread::sleep_for(200ms);
        // Longer than a file source's ring (one second): before the I/O thread, the refill
        // waited here and the source played silence.
        live.controller().with_interface(
            [](engine::Interface&) { std::this_thread::sleep_for(1500ms); });
        std::this_thread::sleep_for(300ms);
        stop = true;
        loop.join();
        files = live.shutdown();
    }
    ASSERT_EQ(files.size(), 1u);
    const Wav rec = read_wav(files[0]);
    ASSERT_EQ(rec.channels.size(), 2u);
    const size_t frames = rec.channels[0].size();
    ASSERT_GT(frames, static_cast<size_t>(1.8 * 48000)) << "the run was about two seconds";
    const auto ref = offline_main(source, frames);
    size_t first_difference = frames;
    for (size_t f = 0; f < frames && first_difference == frames; ++f)
        if (rec.channels[0][f] != ref[0][f] || rec.channels[1][f] != ref[1][f])
            first_difference = f;
    EXPECT_EQ(first_difference, frames) << "the recording departs from the offline render at "
                                        << first_difference / 48000.0 << " s";
    EXPECT_GT(*std::max_element(rec.channels[0].begin(), rec.channels[0].end()), 0.01f);
}

TEST(LiveFeed, ASourceFileTruncatedWhileLiveEndsEarlyIsReportedOnceAndNothingHangs) {
    const std::string dir = temp_dir("live-feed-truncated");
    const std::string source = wav_file(dir, "noise", noise(2 * 48000, 12), 48000);
    app::LiveInstance live(live_options(dir, source));
    std::atomic<bool> stop{false};
    std::thread loop([&] { live.run(stop, {}); });
    // The events the status shows are the interface's warnings; read them as every control
    // call does, under the controller's lock.
    auto ended_early_events = [&] {
        return live.controller().with_interface([](engine::Interface& iface) {
            return std::count_if(
                iface.warnings().begin(), iface.warnings().end(), [](const std::string& w) {
                    return w.find("pb1: source file ended early; silence") != std::string::npos;
                });
        });
    };
    {
        Watchdog watchdog(20s);
        std::this_thread::sleep_for(300ms);
        std::filesystem::resize_file(source, 0);
        // Before the fix, the refill looped for ever under the controller's lock: this call
        // never returned (and neither did the run loop, so SIGTERM was ignored).
        while (ended_early_events() == 0)
            std::this_thread::sleep_for(20ms);
        std::this_thread::sleep_for(500ms);  // many more control-loop passes
        EXPECT_EQ(ended_early_events(), 1);
        stop = true;
        loop.join();  // the run loop ends, as on SIGTERM
    }
    live.shutdown();
}

}  // namespace
}  // namespace phantom::test
