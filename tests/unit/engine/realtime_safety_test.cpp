// reliability.md §8 test 1: Engine::process() never allocates or frees, and never locks, sleeps
// or enters the kernel (alloc_guard.hpp), on every device, for block sizes 16 … 4096, with a
// random parameter change before every block and a plan swap (a route coming alive or dying, a
// new source) every 10 blocks, a file streamed from disk among the sources, and every kind of
// processor slot running (input strips, a linked pair, output strips, a hardware insert
// through a virtual outboard loop, measuring, the latency compensation it makes on every other
// source, the mixes' reverbs and echoes, LV2 plugins on an input and on an output).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "alloc_guard.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

struct Buffers {
    std::vector<std::vector<float>> out, cap;
    std::vector<float*> out_ptr, cap_ptr;
    Buffers(size_t outs, size_t caps, int frames)
        : out(outs, std::vector<float>(static_cast<size_t>(frames))),
          cap(caps, std::vector<float>(static_cast<size_t>(frames))) {
        for (auto& b : out)
            out_ptr.push_back(b.data());
        for (auto& b : cap)
            cap_ptr.push_back(b.data());
    }
};

void random_change(engine::Interface& iface, std::mt19937& rng) {
    const auto& tree = iface.params();
    std::uniform_int_distribution<size_t> pick(0, tree.size() - 1);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int attempt = 0; attempt < 10; ++attempt) {
        auto i = static_cast<params::ParamIndex>(pick(rng));
        const auto& s = tree.schema(i);
        double v = 0;
        switch (s.type) {
            case params::ParamType::Float: {
                double lo = std::isinf(s.min) ? -60.0 : s.min;
                v = lo + unit(rng) * (s.max - lo);
                break;
            }
            case params::ParamType::Bool:
                v = unit(rng) < 0.5 ? 0 : 1;
                break;
            case params::ParamType::Choice:
                v = std::floor(unit(rng) * (s.max + 1));
                break;
            case params::ParamType::String:  // a name: the engine never reads it
                break;
        }
        try {
            if (s.type == params::ParamType::String)
                iface.apply({{i, 0.0, "Name " + std::to_string(attempt)}});
            else
                iface.apply({{i, v}});
            return;
        } catch (const params::ParamError&) {  // a mirror cycle: pick another
        }
    }
}

class RealtimeSafety : public testing::TestWithParam<std::string> {};

TEST_P(RealtimeSafety, ProcessNeverAllocates) {
    if (!PHANTOM_ALLOC_GUARD) GTEST_SKIP() << "the allocation guard is off under sanitizers";
    const auto spec = device::load_device(GetParam());
    const std::string file = wav_file(temp_dir("rt-safety"), "noise", noise(96000, 7), 48000);
    for (int frames : {16, 64, 253, 1024, 4096}) {
        engine::Interface iface(spec, spec.default_rate, frames);
        // Sources of every kind, so every path of the input stage runs.
        iface.set_source(iface.layout().sources[0].id, "sine:1k:-20dBu");
        iface.set_source(iface.layout().sources[1].id, "pink:-30dBFS");
        if (spec.analog_inputs[0].hiz_ohm > 0) {
            iface.set_source("in1", "guitar:sweep:80:5k:-20dBV:1");
            iface.set_text("/input/in1/mode", "inst");
        }
        iface.set_source("pb1", "impulse:-6dBFS");
        // A host echoing the loopback into pb1 (and on): the loopback kept every block.
        if (spec.host.loopback > 0 && spec.host.playback >= spec.host.loopback)
            iface.add_fault("pb1=echo-loopback");
        // Streamed from disk (and converted, on a device at another rate than 48 kHz), read
        // from the ring in process().
        iface.set_source(iface.layout().sources.back().id, file);
        // Every processor slot runs: the first pair's whole strips, linked, and every output's.
        for (const char* p : {"lowcut/on", "eq/on", "comp/on", "gate/on", "rec_fx"}) {
            iface.set_text("/input/" + iface.layout().sources[0].id + "/" + p, "on");
            iface.set_text("/input/" + iface.layout().sources[1].id + "/" + p, "on");
        }
        if (iface.layout().source_links[0] >= 0) {
            iface.apply({{iface.layout().source_links[0], 1}});
            const std::string first = "/input/" + iface.layout().sources[0].id;
            if (iface.params().find(first + "/width")) {  // the pair's width and M/S too
                iface.set_text(first + "/width", "0.5");
                iface.set_text(first + "/ms", "on");
            }
        }
        for (const auto& out : spec.outputs) {
            iface.set_text("/output/" + out.id + "/eq/on", "on");
            iface.set_text("/output/" + out.id + "/eq/1/on", "on");
            iface.set_text("/output/" + out.id + "/delay", "3");
            if (iface.params().find("/output/" + out.id + "/limiter/on"))
                iface.set_text("/output/" + out.id + "/limiter/on", "on");
        }
        // A hardware insert on the first input through outboard gear looped from the last
        // output channel into the third input, and a measurement of it under way below.
        const size_t first_playback = iface.hardware_input_count();
        const bool insert = first_playback > 2;
        if (insert) {
            const std::string send = iface.output_channel_names().back();
            const std::string ret = iface.layout().sources[2].id;
            const std::string base = "/input/" + iface.layout().sources[0].id + "/insert/";
            iface.set_source(ret, "outboard:" + send + ":delay=1ms:lp=5000:invert");
            iface.set_text(base + "send", send);
            iface.set_text(base + "return", ret);
            iface.set_text(base + "mix", "50");
            iface.set_text(base + "delay", "100");
            iface.set_text(base + "on", "on");
        }
        // The insert's delay holds every other source back (the random changes switch the
        // insert and /latency/compensate, so the lines fade between delays too).
        if (insert) {
            EXPECT_EQ(iface.input_compensation_frames(1), 100) << GetParam();
        }
        // LV2 plugins in the first input's slots: a compressor, and a delay that reports its
        // latency; below, bypassed and back, replaced and unloaded while the audio runs.
        const std::string slots = "/input/" + iface.layout().sources[0].id + "/insert/";
        const bool plugins = iface.params().find(slots + "1/plugin").has_value();
        const std::string link_path = "/link/" + iface.layout().sources[0].id;
        const std::optional<std::string> pair_link =
            iface.params().find(link_path) ? std::optional<std::string>(link_path) : std::nullopt;
        if (plugins) {
            iface.set_text(slots + "1/plugin", "http://gareus.org/oss/lv2/darc#mono");
            iface.set_text(slots + "2/plugin", "http://gareus.org/oss/lv2/nodelay");
        }
        // And in the first output's slots (mono plugins run once a side of a pair): LSP's
        // compressor, compressing, and nodelay; below, the compressor bypassed and back and
        // nodelay replaced by eg-amp while the audio runs.
        const std::string out_slots = "/output/" + spec.outputs[0].id + "/insert/";
        const bool output_plugins = iface.params().find(out_slots + "1/plugin").has_value();
        EXPECT_TRUE(output_plugins) << GetParam() << ": every output has plugin slots";
        if (output_plugins) {
            iface.set_text(out_slots + "1/plugin",
                           "http://lsp-plug.in/plugins/lv2/compressor_mono");
            iface.set_text(out_slots + "1/al", "0.1");
            iface.set_text(out_slots + "2/plugin", "http://gareus.org/oss/lv2/nodelay");
            iface.set_text(out_slots + "2/delay", "64");
        }
        const std::vector<float> sequence(8191, 0.1f);
        // The FX buses: the first two mixes' reverbs and echoes, fed by the first two sources
        // (one pre-fader, so they sound whatever the random changes do to the faders).
        for (size_t bus = 0; bus < std::min<size_t>(2, iface.layout().buses.size()); ++bus) {
            const std::string id = iface.layout().buses[bus].id;
            for (const char* fx : {"reverb", "echo"}) {
                iface.set_text("/output/" + id + "/" + fx + "_return", "-6");
                iface.set_text("/output/" + id + "/" + fx + "_pre", "on");
                for (size_t s = 0; s < 2; ++s)
                    iface.set_text("/mix/" + id + "/" + iface.layout().sources[s].id + "/" + fx,
                                   "-10");
            }
        }
        Buffers b(iface.output_channel_count(), iface.capture_channel_count(), frames);
        engine::BlockIo io;
        io.frames = frames;
        io.outputs = b.out_ptr.data();
        io.capture = b.cap_ptr.data();
        iface.start();
        std::mt19937 rng(static_cast<std::uint32_t>(frames));
        const int blocks = frames <= 256 ? 1000 : 200;
        const auto first_in = iface.layout().sources[0].id;
        const std::string route = "/mix/" + iface.layout().buses[0].id + "/" + first_in + "/gain";
        AllocationGuard::reset();
        for (int k = 0; k < blocks; ++k) {
            random_change(iface, rng);
            if (k % 10 == 0)
                iface.set_text(route, (k / 10) % 2 ? "-inf" : "-12");  // route born / dies
            if (k % 100 == 50)
                iface.set_source(iface.layout().sources[1].id,
                                 k % 200 == 50 ? "silence" : "pink:-20dBFS");
            if (plugins && k % 100 == 70)
                iface.set_text(slots + "1/bypass", (k / 100) % 2 ? "off" : "on");
            if (plugins && k == 400)
                iface.set_text(slots + "2/plugin", "http://lv2plug.in/plugins/eg-amp");
            if (plugins && k == 600) iface.set_text(slots + "1/plugin", "");
            // The first input's slots are its pair's while linked: the second input fades in
            // and out of their plugins (PluginSlot::run_pair).
            if (plugins && pair_link && k % 100 == 85)
                iface.set_text(*pair_link, (k / 100) % 2 ? "off" : "on");
            if (output_plugins && k % 100 == 30)
                iface.set_text(out_slots + "1/bypass", (k / 100) % 2 ? "off" : "on");
            if (output_plugins && k == 500)
                iface.set_text(out_slots + "2/plugin", "http://lv2plug.in/plugins/eg-amp");
            if (insert && k == 20) {
                try {  // a random change may have taken the send or the return away
                    iface.begin_insert_measurement(0, sequence);
                } catch (const std::invalid_argument&) {
                }
            }
            iface.refill_sources();
            // Every third block without capture channels: the loopback goes to the echo alone.
            io.capture = k % 3 == 0 ? nullptr : b.cap_ptr.data();
            {
                AllocationGuard guard;
                iface.process(io);
            }
            iface.maintain();
        }
        auto counts = AllocationGuard::counts();
        EXPECT_EQ(counts.allocations, 0u) << GetParam() << " at " << frames << " frames";
        EXPECT_EQ(counts.frees, 0u) << GetParam() << " at " << frames << " frames";
        EXPECT_EQ(counts.blocking_calls, 0u)
            << GetParam() << " at " << frames << " frames: " << counts.first_blocking_call;
        EXPECT_GT(iface.engine().plans().freed_total(),
                  0u);  // old plans were freed, off the audio thread
    }
}

TEST(AllocationGuardSelfTest, SeesAllocations) {
    if (!PHANTOM_ALLOC_GUARD) GTEST_SKIP() << "the allocation guard is off under sanitizers";
    AllocationGuard::reset();
    {
        AllocationGuard guard;
        std::vector<int> v(10);
        v[0] = 1;
    }
    EXPECT_EQ(AllocationGuard::counts().allocations, 1u);
    EXPECT_EQ(AllocationGuard::counts().frees, 1u);
}

// The trap fires: a std::mutex locked (never contended), a sleep, a write, each in the guarded
// scope, is counted and named; nothing outside the scope is.
std::mutex g_mutex;
void locks_a_mutex() {
    std::lock_guard lock(g_mutex);
}

TEST(AllocationGuardSelfTest, SeesLocksSleepsAndSystemCalls) {
    if (!PHANTOM_ALLOC_GUARD) GTEST_SKIP() << "the guard is off under sanitizers";
    locks_a_mutex();  // outside: not counted
    AllocationGuard::reset();
    {
        AllocationGuard guard;
        locks_a_mutex();
    }
    EXPECT_EQ(AllocationGuard::counts().blocking_calls, 1u);
    EXPECT_STREQ(AllocationGuard::counts().first_blocking_call, "pthread_mutex_lock");

    AllocationGuard::reset();
    {
        AllocationGuard guard;
        std::this_thread::sleep_for(std::chrono::microseconds(1));
    }
    EXPECT_GE(AllocationGuard::counts().blocking_calls, 1u);  // nanosleep or clock_nanosleep

    AllocationGuard::reset();
    ssize_t wrote = 0;
    {
        AllocationGuard guard;
        const char byte = 0;
        wrote = ::write(-1, &byte, 1);  // a system call even when it fails
    }
    EXPECT_EQ(wrote, -1);
    EXPECT_EQ(AllocationGuard::counts().blocking_calls, 1u);
    EXPECT_STREQ(AllocationGuard::counts().first_blocking_call, "write");

    AllocationGuard::reset();
    {
        AllocationGuard guard;
        if (g_mutex.try_lock()) g_mutex.unlock();  // trying and deferring is allowed
    }
    EXPECT_EQ(AllocationGuard::counts().blocking_calls, 0u);
}

INSTANTIATE_TEST_SUITE_P(Devices, RealtimeSafety,
                         testing::Values("desktop-2x2", "studio-8x8", "stress-64"),
                         [](const auto& param_info) {
                             std::string n = param_info.param;
                             for (auto& c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

}  // namespace
}  // namespace phantom::test
