// The LV2 plugins installed on this machine, found with lilv, and what Phantom gives them.
//
// One world per process: lilv reads every bundle on LV2_PATH (Debian: /usr/lib/lv2) once, and
// a plugin is then described by URI (its ports and parameters) before anything is loaded. A
// plugin that Phantom cannot host is refused here, with the reason, before any of its code
// runs: a feature it requires that the host does not provide (a worker thread, a GUI, …), or
// a port of a kind Phantom does not feed (CV, MIDI events of the old extension).
//
// What Phantom provides: urid:map and urid:unmap, options:options (the block length and the
// sample rate) and buf-size:boundedBlockLength. Atom ports are fed empty sequences (a plugin
// that takes MIDI or patch messages still processes audio, as lv2apply and Ardour do).
//
// [control-thread] everything, except the URID map that a plugin may call from its own run()
// (it locks; plugins map their URIs at instantiate).
#pragma once

#include <lv2/core/lv2.h>
#include <lv2/options/options.h>
#include <lv2/urid/urid.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

typedef struct LilvWorldImpl LilvWorld;    // NOLINT: lilv's own declarations
typedef struct LilvPluginImpl LilvPlugin;  // NOLINT

namespace phantom::processors::lv2 {

// A plugin that is not installed or cannot be hosted, or a setting it refuses: what() says
// which plugin and why. A message quotes what the user typed: every control character in it
// (C0 and DEL) is written as \xNN, so that no escape sequence reaches a terminal.
class Lv2Error : public std::runtime_error {
  public:
    explicit Lv2Error(const std::string& message);
};

// The URI names no installed plugin (a URI, well formed, that lilv does not know).
class Lv2NotInstalled : public Lv2Error {
  public:
    using Lv2Error::Lv2Error;
};

// One control input port: a parameter, with the range, default and kind its TTL declares.
struct Lv2Control {
    std::string symbol, name;
    unsigned port = 0;
    float min = 0.0f, max = 1.0f, default_value = 0.0f;
    bool toggled = false, integer = false, logarithmic = false, enumeration = false;
    std::vector<std::pair<float, std::string>> scale_points;  // an enumeration's choices
};

struct Lv2PluginInfo {
    std::string uri, name;
    std::vector<unsigned> audio_in, audio_out;  // port indexes, in the plugin's order
    std::vector<Lv2Control> controls;
    std::vector<unsigned> control_out, atom_in, atom_out;
    int latency_port = -1;  // the control output that reports latency (lv2:reportsLatency)
    bool in_place_broken = false;
    bool hard_rt_capable = false;
};

class Lv2World {
  public:
    Lv2World();  // loads every installed bundle
    // The process's world, made at the first call (the plugin slots share it).
    static Lv2World& shared();
    ~Lv2World();
    Lv2World(const Lv2World&) = delete;
    Lv2World& operator=(const Lv2World&) = delete;

    // The plugin's description; throws Lv2NotInstalled when it is not installed (naming
    // installed plugins with a similar URI), Lv2Error when `uri` is no URI or the plugin cannot
    // be hosted (naming the feature or port kind).
    Lv2PluginInfo describe(const std::string& uri) const;
    // Why `uri` cannot name any plugin ("" when it can): no scheme, or a character that
    // Turtle's IRIREF forbids (a control character, a space, <>"{}|^`\). A TTL file cannot
    // declare such a plugin, so it is refused without asking lilv, which would print
    // "attempt to map invalid URI" on stderr for one without a scheme.
    static std::string uri_problem(const std::string& uri);
    // Every installed plugin that Phantom can host: URI and name.
    std::vector<std::pair<std::string, std::string>> list() const;

    // nullptr when not installed or no URI (lilv is not asked then).
    const LilvPlugin* plugin(const std::string& uri) const;
    LilvWorld* lilv() const { return world_; }

    // The features given to an instance, for blocks of at most max_block_frames at
    // sample_rate_hz. Lives as long as the instance (the plugin may keep the pointers).
    struct Features {
        LV2_URID_Map map{};
        LV2_URID_Unmap unmap{};
        std::int32_t min_block = 0, max_block = 0, nominal_block = 0;
        float sample_rate = 0.0f;
        LV2_Options_Option options[5]{};
        LV2_Feature map_feature{}, unmap_feature{}, options_feature{}, bounded_feature{};
        const LV2_Feature* list[5]{};
    };
    std::unique_ptr<Features> features(double sample_rate_hz, int max_block_frames);

    LV2_URID map(const char* uri);
    const char* unmap(LV2_URID urid);

  private:
    LilvWorld* world_ = nullptr;
    std::mutex urid_mutex_;
    std::unordered_map<std::string, LV2_URID> urids_;
    std::vector<std::unique_ptr<std::string>> uris_;  // by URID − 1; stable c_str()
};

}  // namespace phantom::processors::lv2
