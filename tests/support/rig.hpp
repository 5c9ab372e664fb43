// A test rig around engine::Interface: owns capture/output buffers, runs blocks, and hands out
// channels by name ("main.L", "line3", "in1", "loopback.R"). Recorded signals accumulate so a
// test can look at a whole render. With host_ports(), hardware inputs and playback come in
// through BlockIo as on JACK, and any port can be unplugged (a null channel).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::test {

class Rig {
  public:
    Rig(const std::string& device_id, std::uint32_t rate = 48000, int max_frames = 256)
        : iface_(std::make_unique<engine::Interface>(device::load_device(device_id), rate,
                                                     max_frames)) {
        out_names_ = iface_->output_channel_names();
        cap_names_ = iface_->capture_channel_names();
        out_buf_.assign(out_names_.size(), std::vector<float>(static_cast<size_t>(max_frames)));
        cap_buf_.assign(cap_names_.size(), std::vector<float>(static_cast<size_t>(max_frames)));
        for (auto& b : out_buf_)
            out_ptr_.push_back(b.data());
        for (auto& b : cap_buf_)
            cap_ptr_.push_back(b.data());
        recorded_out_.resize(out_names_.size());
        recorded_cap_.resize(cap_names_.size());
    }

    engine::Interface& iface() { return *iface_; }
    void set(const std::string& path, const std::string& value) { iface_->set_text(path, value); }
    void source(const std::string& channel, const std::string& spec) {
        iface_->set_source(channel, spec);
    }
    void start() { iface_->start(); }

    // Hardware inputs and playback through BlockIo, as on JACK: ports of zeros until written.
    void host_ports() {
        const auto frames = static_cast<size_t>(iface_->engine().max_frames());
        hw_buf_.assign(iface_->hardware_input_count(), std::vector<float>(frames));
        pb_buf_.assign(iface_->playback_channel_count(), std::vector<float>(frames));
        hw_ptr_.clear();
        pb_ptr_.clear();
        for (auto& b : hw_buf_)
            hw_ptr_.push_back(b.data());
        for (auto& b : pb_buf_)
            pb_ptr_.push_back(b.data());
    }
    std::vector<float>& hw_in(size_t source) { return hw_buf_.at(source); }
    void unplug_hw_in(size_t source) { hw_ptr_.at(source) = nullptr; }
    void unplug_playback(size_t channel) { pb_ptr_.at(channel) = nullptr; }
    // The output's buffer holds `left_there` and is no longer handed to the engine, so what is
    // recorded for it is whatever the engine left there.
    void unplug_out(const std::string& name, float left_there) {
        const size_t c = index(out_names_, name);
        std::fill(out_buf_[c].begin(), out_buf_[c].end(), left_there);
        out_ptr_[c] = nullptr;
    }

    // Run `frames` frames in one block (must be <= max_frames), recording everything.
    void block(int frames) {
        engine::BlockIo io;
        io.frames = frames;
        io.outputs = out_ptr_.data();
        io.capture = cap_ptr_.data();
        if (!hw_ptr_.empty()) io.hw_inputs = hw_ptr_.data();
        if (!pb_ptr_.empty()) io.playback = pb_ptr_.data();
        iface_->refill_sources();
        iface_->process(io);
        for (size_t c = 0; c < out_buf_.size(); ++c)
            recorded_out_[c].insert(recorded_out_[c].end(), out_buf_[c].begin(),
                                    out_buf_[c].begin() + frames);
        for (size_t c = 0; c < cap_buf_.size(); ++c)
            recorded_cap_[c].insert(recorded_cap_[c].end(), cap_buf_[c].begin(),
                                    cap_buf_[c].begin() + frames);
        iface_->maintain();
    }

    // Run `total` frames in blocks of `block_frames`, or random sizes when block_frames == 0.
    void run(int total, int block_frames, std::uint32_t seed = 1) {
        std::mt19937 rng(seed);
        const int max = iface_->engine().max_frames();
        std::uniform_int_distribution<int> size(1, max);
        for (int done = 0; done < total;) {
            int n = block_frames > 0 ? block_frames : size(rng);
            n = std::min({n, total - done, max});
            block(n);
            done += n;
        }
    }

    const std::vector<float>& out(const std::string& name) const {
        return recorded_out_[index(out_names_, name)];
    }
    const std::vector<float>& cap(const std::string& name) const {
        return recorded_cap_[index(cap_names_, name)];
    }
    void clear_recordings() {
        for (auto& r : recorded_out_)
            r.clear();
        for (auto& r : recorded_cap_)
            r.clear();
    }
    const std::vector<std::string>& output_names() const { return out_names_; }
    const std::vector<std::string>& capture_names() const { return cap_names_; }

  private:
    static size_t index(const std::vector<std::string>& names, const std::string& name) {
        auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) throw std::out_of_range("no channel " + name);
        return static_cast<size_t>(it - names.begin());
    }

    std::unique_ptr<engine::Interface> iface_;
    std::vector<std::string> out_names_, cap_names_;
    std::vector<std::vector<float>> out_buf_, cap_buf_, hw_buf_, pb_buf_;
    std::vector<float*> out_ptr_, cap_ptr_;
    std::vector<const float*> hw_ptr_, pb_ptr_;
    std::vector<std::vector<float>> recorded_out_, recorded_cap_;
};

inline float peak(const std::vector<float>& x, size_t from = 0) {
    float m = 0;
    for (size_t i = from; i < x.size(); ++i)
        m = std::max(m, std::abs(x[i]));
    return m;
}

inline double rms(const std::vector<float>& x, size_t from = 0) {
    double s = 0;
    for (size_t i = from; i < x.size(); ++i)
        s += static_cast<double>(x[i]) * x[i];
    return x.size() > from ? std::sqrt(s / static_cast<double>(x.size() - from)) : 0.0;
}

// Sample rates × block sizes every engine test runs over; 0 = random sizes.
struct Setup {
    std::uint32_t rate;
    int block;
};
inline std::vector<Setup> engine_setups() {
    return {{44100, 64},  {48000, 256}, {48000, 1}, {48000, 0},
            {96000, 253}, {192000, 0},  {88200, 32}};
}
inline std::string setup_name(const testing::TestParamInfo<Setup>& info) {
    return std::to_string(info.param.rate) + "Hz_" +
           (info.param.block ? std::to_string(info.param.block) + "frames" : std::string("random"));
}

}  // namespace phantom::test
