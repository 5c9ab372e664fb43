// The studio doctor: looks at a running interface and says what is wrong, where and how to fix
// it (findings.hpp), from the meters, the parameter tree, the device description, the engine's
// analysis tap (engine/analysis_tap.hpp) and the backend's status. It keeps what the rules need
// over time: a second of each input's decimated signal, the xruns and loads of the last two
// seconds, when each converter last clipped and how far over it went.
//
// [control-thread] examine(), under the controller's lock (every ~100 ms in the live loop);
// never on the audio thread: all it takes from there is the tap's rings and the meter bank.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

#include "phantom/backend/live_backend.hpp"
#include "phantom/doctor/facts.hpp"
#include "phantom/doctor/findings.hpp"
#include "phantom/doctor/signal_analysis.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::doctor {

class Doctor {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr double kWindowS = 1.0;   // signal analysis: 1 Hz resolution at 50/60 Hz
    static constexpr double kHistoryS = 2.0;  // xruns, clips: a fixed problem clears in 2 s

    // `virtual_hardware`: the analog world is ours (false on JACK).
    std::vector<Finding> examine(engine::Interface& iface, const backend::BackendStatus& status,
                                 bool virtual_hardware, Clock::time_point now);
    Facts gather(engine::Interface& iface, const backend::BackendStatus& status,
                 bool virtual_hardware, Clock::time_point now);

  private:
    void drain(engine::Interface& iface);
    void gather_input(engine::Interface& iface, size_t s, const std::vector<double>& v,
                      bool virtual_hardware, Clock::time_point now, InputFacts& in);
    void gather_listen(engine::Interface& iface, const std::vector<double>& v, Facts& facts);
    void gather_system(const backend::BackendStatus& status, Clock::time_point now,
                       SystemFacts& sys);
    void gather_loopback(engine::Interface& iface, const std::vector<double>& v,
                         const backend::BackendStatus& status, LoopbackFacts& lb);

    const engine::AnalysisTap* tap_ = nullptr;  // windows restart when the engine is rebuilt
    std::vector<SampleWindow> windows_;
    std::vector<float> scratch_;
    std::vector<dsp::MeterReading> meters_;
    struct ClipState {
        std::uint32_t clips = 0;
        bool seen = false;
        Clock::time_point last_clip{};
        float over = 0.0f;  // the largest pre-converter peak since last_over
        Clock::time_point last_over{};
        Clock::time_point signal_since{};  // epoch: silent
    };
    std::vector<ClipState> clips_;
    struct Sample {
        Clock::time_point at;
        std::uint64_t xruns;
        double load;
    };
    std::deque<Sample> history_;
};

}  // namespace phantom::doctor
