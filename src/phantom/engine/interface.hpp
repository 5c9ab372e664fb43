// Interface: the control-thread half of the engine. It owns the device spec, the parameter
// tree, the sources of the virtual hardware and the Engine, and keeps the engine in step:
//
//   1. a command changes the tree (all-or-nothing, params/param_tree);
//   2. derive() turns the whole tree into linear RT targets (engine/rt_targets);
//   3. if something structural changed (a route came alive, a source or a pickup filter
//      changed) a new Plan is built and published; the audio thread takes it at the next block;
//   4. maintain() frees retired plans, drops routes that have ramped to silence, and turns
//      engine events into messages.
//
// Scenario (the same on every surface): `phantom render --set /mix/main/in1/gain=-6`, a session
// file holding it, and later `PUT /api/params/mix/main/in1/gain` all end in apply() with one
// ParamChange; before start() it is in force from the first sample, after start() it ramps.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "phantom/analog/fault_spec.hpp"
#include "phantom/analog/host_echo.hpp"
#include "phantom/analog/input_front_end.hpp"
#include "phantom/analog/source_spec.hpp"
#include "phantom/device/device_spec.hpp"
#include "phantom/engine/clock_lock.hpp"
#include "phantom/engine/engine.hpp"
#include "phantom/io/audio_file.hpp"
#include "phantom/io/feed.hpp"
#include "phantom/params/interface_params.hpp"
#include "phantom/params/rate_presence.hpp"
#include "phantom/processors/lv2/lv2_processor.hpp"

namespace phantom::engine {

class SourceError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class AbsentChannel { Refuse, Keep };

class Interface {
  public:
    // [control-thread] Throws std::invalid_argument if the device does not run at this rate.
    Interface(device::DeviceSpec spec, std::uint32_t sample_rate_hz, int max_frames);

    const device::DeviceSpec& spec() const { return spec_; }
    const params::InterfaceParams& layout() const { return params_; }
    const params::ParamTree& params() const { return params_.tree; }
    std::uint32_t sample_rate_hz() const { return sample_rate_hz_; }
    Engine& engine() { return *engine_; }
    const Engine& engine() const { return *engine_; }

    // [control-thread] Parameter commands; throw params::ParamError, change nothing on error.
    std::vector<params::ParamIndex> apply(const std::vector<params::ParamChange>& changes);
    std::vector<params::ParamIndex> set_text(const std::string& path, const std::string& text);

    // [control-thread] What plays into a channel of the virtual hardware ("in1", "adat3",
    // "pb1"). Throws SourceError naming the channel and the reason; changes nothing on error.
    // A channel the sample rate does not carry (adat7 at 96 kHz) is refused, naming the
    // reason, unless `absent` is Keep (a session's state): then the source is kept, silent,
    // for when the rate brings the channel back.
    void set_source(const std::string& channel_id, const std::string& source_text,
                    AbsentChannel absent = AbsentChannel::Refuse);
    // The same for a list (channel, source text), all or nothing: one bad entry changes none.
    void set_sources(const std::vector<std::pair<std::string, std::string>>& sources,
                     AbsentChannel absent = AbsentChannel::Refuse);
    void set_loop_sources(bool loop) { loop_sources_ = loop; }
    // [control-thread] Top up the rings of streamed file sources before each block, offline.
    // Live, the I/O thread does it through source_feeds() instead, never under a lock the
    // control plane holds (io/butler.hpp); both at once are harmless.
    void refill_sources();
    // The streamed file sources, for the I/O thread; replaced whenever a source changes.
    const io::FeedList& source_feeds() const { return source_feeds_; }
    // [control-thread] Frames of silence played because a file source's reader fell behind,
    // over the whole run (sources since replaced included).
    std::uint64_t source_starved_frames() const;
    const std::optional<analog::SourceSpec>& source(size_t source_index) const {
        return source_specs_[source_index];
    }
    size_t longest_file_frames() const;

    // [control-thread] Faults of the virtual world, to troubleshoot against
    // (analog/fault_spec.hpp; engine/interface_faults.cpp): added one at a time, cleared by
    // channel ("in1"), "machine" (the overload), a clock ("clock", "wordclock") or "" (all). A
    // fault on an input with no source rides on silence; a clock's fault replaces the one
    // before on the same clock. Throws SourceError naming the fault and the reason; changes
    // nothing then.
    void add_fault(const std::string& text);
    void clear_faults(const std::string& where);
    std::vector<std::string> fault_texts() const;
    // The virtual host's echoes (PB=echo-loopback): loopback channel k (0 = L) plays back into
    // playback channel p (0 = pb1), one block later. What the doctor reads as it reads JACK's
    // connections from a loopback port to a playback port.
    struct LoopbackEcho {
        int loopback = 0;
        int playback = 0;
    };
    std::vector<LoopbackEcho> loopback_echoes() const;
    // [any-thread] The overloaded machine's extra time in every cycle (the virtual driver).
    double overload_s() const { return overload_s_.load(std::memory_order_relaxed); }

    // [control-thread, engine idle] Run at another rate (a JACK server that came back at 44.1 kHz,
    // say): the engine is rebuilt with the same parameters and sources; call start() or
    // start_live() after. Throws std::invalid_argument, changing nothing, if the device cannot.
    void change_sample_rate(std::uint32_t sample_rate_hz);

    // [control-thread, engine idle] Everything set so far is in force from the first sample.
    void start();
    // [control-thread, engine idle] start(), then power-on: outputs silent for the first block,
    // then rising to their restored volumes over kPowerOnRampS. For live backends.
    void start_live();
    static constexpr double kPowerOnRampS = 0.6;
    // [audio-thread] One block. With a host echo (PB=echo-loopback) the loopback channels are
    // kept for the playback channels that play them in the next block (interface_echo.cpp).
    void process(const BlockIo& io);
    // [control-thread] Call between blocks or periodically. Also reports, once per source, a
    // file that ended early or a reader that fell behind (warnings()).
    void maintain();

    // Messages for the user: 48 V on a ribbon, a condenser without 48 V, faults, clips.
    const std::vector<std::string>& warnings() const { return warnings_; }
    // [control-thread] A message of the control layer for the same list (a session that held
    // a parameter that is gone, say).
    void note(std::string text) { warnings_.push_back(std::move(text)); }
    std::uint64_t fault_count() const { return fault_count_; }

    // The analog front end's settings of analog source `source` under parameter values `v`.
    analog::FrontEndSettings front_end_settings(size_t source, const std::vector<double>& v) const;

    // Names of channels, in engine order.
    std::vector<std::string> output_channel_names() const;
    std::vector<std::string> capture_channel_names() const;
    size_t output_channel_count() const { return engine_->layout().output_channel_count(); }
    size_t capture_channel_count() const;
    size_t playback_channel_count() const { return static_cast<size_t>(spec_.host.playback); }
    size_t hardware_input_count() const { return engine_->layout().first_playback; }

    // Which channels and parameters exist at the current rate (S/MUX: adat5–8 not at 96 kHz).
    // The engine keeps the device's largest layout; absent channels are silent, unwritten and
    // hidden from every surface, their parameters kept for when the rate brings them back.
    const params::RatePresence& presence() const { return presence_; }
    // Capture channel k (host capture then loopback) / output channel k (engine order) exists.
    bool capture_present(size_t k) const;
    bool output_channel_present(size_t k) const;
    // The names above, only the channels the rate carries (what the host and the user see).
    std::vector<std::string> present_output_channel_names() const;
    std::vector<std::string> present_capture_channel_names() const;

    // The sample clock (engine/clock_lock.hpp): /clock/source and what the external clock
    // inputs carry. Without lock the digital inputs (ADAT, S/PDIF) are muted.
    const ClockLock& clock() const { return clock_; }
    // [control-thread] Virtual hardware: what an external clock input carries, 0 = no signal.
    // Unset, an ADAT or S/PDIF input carries the interface's rate while any of its channels
    // has a source, and word clock nothing. Throws std::invalid_argument for an input the
    // device does not have.
    void set_clock_input(const std::string& input, std::uint32_t rate_hz);
    // [control-thread] On JACK the sound card owns the clock: never "not locked" here.
    void set_host_owns_clock(bool host);

    // The processor slots (strip_derivation.cpp). The latency output `o`'s processing adds,
    // in frames: its plugins' reports (those not bypassed) and its limiter's lookahead while
    // the limiter is on.
    int output_latency_frames(size_t o) const;
    // The latency source `s`'s processing adds on its way into the mix, in frames: what its
    // LV2 plugins report (those not bypassed) plus its hardware insert's loop delay while the
    // insert is on (the dry path is delayed to match); every built-in input processor works
    // sample by sample and adds none.
    int input_latency_frames(size_t s) const;
    // Its two parts: the plugin slots' reported latencies (those not bypassed; a linked pair's
    // second input counts its first input's slots, which run on it), the insert's.
    int plugin_latency_frames(size_t s) const;
    int output_plugin_latency_frames(size_t o) const;
    int insert_latency_frames(size_t s) const;

    // Latency compensation (compensation_derivation.cpp). What is added to source `s`'s path
    // into the mixes so that it arrives with the slowest (/latency/compensate on: the longest
    // input_latency_frames of any source, minus its own; off, or no latency anywhere: 0). Its
    // path into the mixes then takes input_latency_frames(s) + input_compensation_frames(s).
    int input_compensation_frames(size_t s) const {
        return s < compensation_frames_.size() ? compensation_frames_[s] : 0;
    }
    bool latency_compensation_on() const;
    // The latency of host capture channel `k` (source k's own capture): its input's
    // input_latency_frames while /input/ID/rec_fx records the processed channel, else 0 (the
    // dry converter signal). Never compensated: the host aligns takes by these figures.
    int capture_latency_frames(size_t k) const;

    // The hardware insert slots (insert_derivation.cpp). A measurement of source `s`'s loop:
    // arm it with `sequence` (played once out of the send; the return recorded for the
    // sequence and `insert_max_lag_frames()` more), wait until insert_measurement_done(s) as
    // the audio runs, then take the recording. Throws std::invalid_argument naming the reason
    // (no insert on that channel, no send or return, a measurement already under way).
    void begin_insert_measurement(size_t s, const std::vector<float>& sequence);
    bool insert_measurement_done(size_t s) const;
    std::vector<float> take_insert_recording(size_t s);
    // Give up a measurement (the caller stopped waiting); the slot plays on as before.
    void cancel_insert_measurement(size_t s);
    static int insert_max_lag_frames() { return params::kMaxInsertDelayFrames; }
    const StripBank& strips() const { return *strips_; }

    // The LV2 plugin slots (plugin_derivation.cpp). A batch that loads a plugin may set its
    // controls in the same breath: stage_plugins() makes each plugin the batch loads
    // (described, instantiated, prepared, off the audio thread) and its controls' nodes in the
    // tree, so the rest of the batch can name them; apply() takes the staged plugins in (and
    // stages by itself a slot it is given no stage for); unstage_plugins() undoes the stage of
    // a batch refused after it. Throws params::ParamError naming the slot's path and why (not
    // installed, not hostable, failed to instantiate); nothing changed then.
    struct PluginLoad {
        size_t slot;  // source * kPluginSlots + n, the outputs', the FX buses' (plugin_params.hpp)
        std::string uri;
    };
    void stage_plugins(const std::vector<PluginLoad>& loads);
    void unstage_plugins();
    // Why `uri` cannot load into `slot` (the error stage_plugins would give), or "".
    std::string plugin_problem(size_t slot, const std::string& uri) const;
    // The slot whose /plugin parameter is i, or -1.
    int plugin_slot_of(params::ParamIndex i) const;
    // The processor loaded in a slot (null: none), for status and tests.
    const processors::lv2::Lv2Processor* plugin(size_t slot) const {
        return plugins_[slot].proc.get();
    }
    // The submixes' FX (fx_derivation.cpp): by mix bus, null where its return is off.
    const FxBank& fx() const { return *fx_; }

    // Routes in the current plan (for tests of the pruning).
    size_t live_route_count() const;

  private:
    void derive();
    io::FileSignal make_signal(const analog::SourceSpec& spec, const std::string& channel_id) const;
    // An outboard loop from an output channel into input `channel_id` (analog/outboard_loop.hpp).
    std::shared_ptr<analog::SignalSource> make_outboard(const analog::SourceSpec& spec,
                                                        const std::string& channel_id) const;
    int loop_output_channel(const analog::SourceSpec& spec) const;  // -1: none
    // The faults of source `s` in the units of `spec` (volts at the connector converted).
    analog::SourceFaults source_faults(size_t s, const analog::SourceSpec& spec) const;
    // Source `s` made again from its spec (or silence) with its faults, and published.
    void rebuild_signal(size_t s);
    void derive_sources(const std::vector<double>& v);
    void derive_routes(const std::vector<double>& v);
    void derive_outputs(const std::vector<double>& v);
    // One crosspoint's targets, keeping the plan's live routes in step (a route comes alive
    // when its target leaves zero and leaves the plan once it has ramped to silence).
    void store_route(size_t crosspoint, double left, double right, std::int64_t now);
    // The control room (control_room_derivation.cpp): the solo bus's and the room bus's
    // crosspoints, what each output gives the solo bus, and which bus the monitors play.
    void derive_room_routes(const std::vector<double>& v, std::int64_t now);
    void derive_output_solos(const std::vector<double>& v);
    bool any_solo(const std::vector<double>& v) const;
    int room_listen_bus(const std::vector<double>& v) const;  // the mix AFL reads
    int room_play_bus(const std::vector<double>& v) const;    // what the monitors play, no solo
    int solo_output(const std::vector<double>& v) const;      // -1: the monitors
    void publish_plan();
    // The channel strips (strip_derivation.cpp): an empty bank (at construction and after a
    // rate change), the coefficients of every strip posted, and every strip in its settings at
    // start without fades.
    void reset_strips();
    void derive_strips(const std::vector<double>& v);
    // The insert slots' settings posted; a slot is made (into `next`, made from strips_ when
    // null) the first time its send and return are both set.
    void derive_inserts(const std::vector<double>& v, std::shared_ptr<StripBank>& next);
    bool only_strip_params(const std::vector<params::ParamIndex>& changed) const;
    // The plugin slots' controls and bypasses posted; the staged plugins taken in (into
    // `next`); a slot whose plugin is gone at this rate made again.
    void derive_plugins(const std::vector<double>& v, std::shared_ptr<StripBank>& next);
    // A slot emptied and faded out leaves the bank.
    void prune_plugins();
    void service_plugins();
    int slots_latency_frames(size_t first_slot) const;
    // 1, or 2 on a stereo output's slot, an FX bus's, and a stereo pair's first input's
    // (whether the pair is linked or not: plugin_slot.hpp).
    int plugin_slot_channels(size_t slot) const;
    // The /link/<id> of the pair whose first input's slot `slot` is, or -1.
    params::ParamIndex pair_link_of_slot(size_t slot) const;
    // The tree's constraint on a linked pair's slots (plugin_derivation.cpp): the second
    // input's slots are empty while linked; the first's takes a stereo plugin only then.
    std::string pair_plugin_problem(const std::vector<double>& v) const;
    void snap_strips();
    // The FX buses (fx_derivation.cpp): an empty bank (at construction and after a rate
    // change); the sends' crosspoints; the returns, the FX made when a return first leaves
    // -inf, and the shared sound posted to every FX; an FX whose return has stayed at -inf
    // dropped; every FX in its settings at start.
    void reset_fx();
    void derive_fx_sends(const std::vector<double>& v, std::int64_t now);
    void derive_fx(const std::vector<double>& v);
    void prune_fx(std::int64_t now, std::int64_t settle);
    void settle_fx();
    // Latency compensation (compensation_derivation.cpp): an empty bank (at construction and
    // after a rate change); each source's delay from every source's latency, a line made the
    // first time a source needs one; every line at its delay at start, without fades.
    void reset_compensation();
    void derive_compensation();
    void snap_compensation();
    void warn_once(std::vector<char>& flags, size_t s, bool condition, const std::string& text);
    // A source's stream replaced (or removed): its count is kept, its warnings start afresh.
    void replace_stream(size_t s, std::shared_ptr<io::FileStream> stream);
    void publish_streams();
    void report_streams();

    device::DeviceSpec spec_;
    params::InterfaceParams params_;
    std::uint32_t sample_rate_hz_;
    std::unique_ptr<Engine> engine_;

    std::vector<std::optional<analog::SourceSpec>> source_specs_;
    std::shared_ptr<const SignalBank> signals_;
    std::vector<std::shared_ptr<io::FileStream>> streams_;  // by source; null unless streamed
    io::FeedList source_feeds_;                             // streams_, for the I/O thread
    std::vector<char> stream_failure_told_, stream_starving_told_;
    std::uint64_t starved_frames_retired_ = 0;
    std::vector<dsp::BiquadCoefficients> filters_;
    std::vector<char> has_filter_;
    bool loop_sources_ = false;

    std::shared_ptr<const StripBank> strips_;
    std::vector<char> strip_param_;  // by parameter: a strip's or the FX sound's (a change
                                     // re-derives only the processors)

    // What each plugin slot holds (by slot), and the stage of the batch under way.
    struct PluginState {
        std::string uri;
        std::vector<params::ParamIndex> controls;  // the processor's info().controls order
        std::shared_ptr<processors::lv2::Lv2Processor> proc;
    };
    std::vector<PluginState> plugins_;
    std::vector<size_t> plugin_slot_order_;  // the present slots, by their /plugin index
    struct StagedPlugin {
        size_t slot = 0;
        PluginState next;
        std::vector<std::pair<params::ParamIndex, double>> retired;  // and their values
    };
    std::vector<StagedPlugin> staged_;
    size_t staged_tree_size_ = 0;
    std::shared_ptr<processors::lv2::Lv2Processor> make_plugin(size_t slot,
                                                               const std::string& uri) const;
    // What `slot` holds once the staged batch is in: its stage, or what it holds now.
    const PluginState& plugin_after_stage(size_t slot) const;

    std::shared_ptr<const FxBank> fx_;
    std::shared_ptr<const CompensationBank> compensation_;
    std::vector<int> compensation_frames_;       // by source, as posted
    std::vector<int> path_latency_frames_;       // by source: scratch of derive_compensation
    std::vector<std::int64_t> fx_silent_since_;  // [bus * kFxKinds + kind]: return at 0 since
    std::vector<double> fx_sound_;               // the FX settings last posted (empty: none)

    std::vector<char> route_live_;                  // crosspoint is in the plan
    std::vector<std::int64_t> route_silent_since_;  // frame its target went to 0, -1 if not
    // The crosspoints maintain() may drop once their ramp to zero is surely over (those that
    // went silent while started; an entry whose route came back is stale and dropped there).
    std::vector<size_t> routes_settling_;
    bool plan_dirty_ = true;
    bool routes_moved_ = true;  // a crosspoint's target changed since the last generation
    std::uint64_t plans_published_ = 0;
    bool started_ = false;

    params::RatePresence presence_;
    void update_clock();
    ClockInputs clock_inputs_;
    bool host_owns_clock_ = false;
    ClockLock clock_;
    std::vector<std::vector<analog::FaultSpec>> faults_;  // by source
    // The host's echo of loopback into playback pairs: the first playback channel of each
    // (source index), in the order given, with its text; the buffers, made at the first echo
    // and kept while the engine may run (the audio thread reads echo_rt_).
    std::vector<std::pair<size_t, std::string>> echo_faults_;
    std::shared_ptr<analog::HostEcho> echo_;
    std::atomic<analog::HostEcho*> echo_rt_{nullptr};
    std::vector<float*> echo_capture_;  // [audio-thread] capture channels: loopback into echo_
    void add_echo_fault(const analog::FaultSpec& fault);
    // The echo fault whose pair holds channel `id` ("pb1" or "pb2" of pb1=echo-loopback), -1.
    int echo_of(const std::string& id) const;
    // The signals of the pair from playback source `first` made again (an echo came or went).
    void rebuild_echo(size_t first);
    // Which loopback channel playback source `s` echoes, or -1.
    int echo_channel_of(size_t s) const;
    // Source `s` has a fault of its own or plays the host's echo: its signal carries them.
    bool has_faults(size_t s) const { return !faults_[s].empty() || echo_channel_of(s) >= 0; }
    // Clock faults by clock: "clock" (whichever input /clock/source follows) or an input id.
    std::map<std::string, analog::FaultSpec> clock_faults_;
    void add_clock_fault(const analog::FaultSpec& fault);
    bool is_clock_name(const std::string& name) const;
    std::atomic<double> overload_s_{0.0};
    std::string overload_text_;

    std::vector<std::string> warnings_;
    std::vector<char> ribbon_warned_, condenser_warned_;
    std::uint64_t fault_count_ = 0;
};

}  // namespace phantom::engine
