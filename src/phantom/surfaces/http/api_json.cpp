#include "phantom/surfaces/http/api_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "phantom/params/taper.hpp"
#include "phantom/surfaces/http/spec_sheet_json.hpp"

namespace phantom::http {

using control::ErrorKind;
using nlohmann::json;

namespace {

json number(double v) {
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    return v;
}

}  // namespace

control::Value value_from_json(const json& j, const std::string& path) {
    if (j.is_boolean()) return j.get<bool>();
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) return j.get<std::string>();
    throw control::CommandError(
        ErrorKind::WrongType,
        fmt::format("{}: {} is not a value (a number, true/false or a string)", path,
                    j.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 200)),
        path);
}

json to_json(const control::Value& v) {
    if (const double* d = std::get_if<double>(&v)) return number(*d);
    if (const bool* b = std::get_if<bool>(&v)) return *b;
    return std::get<std::string>(v);
}

json to_json(const control::ParamInfo& p) {
    const params::ParamSchema& sc = *p.schema;
    json j = {{"path", sc.path},
              {"type", params::to_string(sc.type)},
              {"description", sc.description},
              {"value", to_json(p.value)}};
    if (sc.type == params::ParamType::Float) {
        j["min"] = number(sc.min);
        j["max"] = sc.max;
        j["unit"] = sc.unit;
        j["default"] = number(sc.default_value);
        j["taper"] = params::to_string(params::taper_of(sc));
        j["decimals"] = params::display_decimals(sc);
    } else if (sc.type == params::ParamType::Choice) {
        j["choices"] = sc.choices;
        j["default"] = sc.choices[static_cast<size_t>(sc.default_value)];
    } else if (sc.type == params::ParamType::String) {
        j["default"] = sc.default_text;
        j["max_chars"] = sc.max_chars;
    } else {
        j["default"] = sc.default_value != 0.0;
    }
    j["allowed"] = params::allowed_values(sc);
    if (sc.analog_only) {
        j["analog_only"] = true;
        j["available"] = p.available;
    }
    return j;
}

json to_json(const std::vector<control::ParamInfo>& list) {
    json out = json::array();
    for (const auto& p : list)
        out.push_back(to_json(p));
    return out;
}

json to_json(const std::vector<control::Change>& changes) {
    json out = json::array();
    for (const auto& c : changes)
        out.push_back({{"path", c.path}, {"value", to_json(c.value)}});
    return out;
}

json to_json(const control::ApplyResult& r) {
    return {{"changed", to_json(r.changed)}, {"gliding", r.gliding}};
}

json to_json(const control::RecallResult& r) {
    return {{"recalled", r.recalled},
            {"changed", to_json(r.changed)},
            {"held_phantom", r.held_phantom},
            {"gliding", r.gliding}};
}

json to_json(const control::MeterSnapshot& m) {
    auto channels = [](const std::vector<control::MeterChannel>& list) {
        json out = json::array();
        for (const auto& c : list) {
            json one = {{"id", c.id},
                        {"peak_dbfs", c.peak_dbfs},
                        {"rms_dbfs", c.rms_dbfs},
                        {"hold_dbfs", c.hold_dbfs},
                        {"clip", c.clip}};
            // Only where the section is on: the panel draws a gain-reduction meter there.
            if (c.comp_gr_db >= 0) one["comp_gr_db"] = c.comp_gr_db;
            if (c.gate_gr_db >= 0) one["gate_gr_db"] = c.gate_gr_db;
            if (c.limiter_gr_db >= 0) one["limiter_gr_db"] = c.limiter_gr_db;
            out.push_back(std::move(one));
        }
        return out;
    };
    return {{"inputs", channels(m.inputs)}, {"outputs", channels(m.outputs)}};
}

static json clock_json(const engine::ClockLock& c) {
    json j = {{"source", c.source},
              {"state", engine::to_string(c.state)},
              {"locked", c.locked()},
              {"digital_inputs_muted", c.digital_inputs_muted()},
              {"message", c.message()}};
    if (c.input_rate_hz) j["input_rate_hz"] = c.input_rate_hz;
    if (c.drift_ppm != 0.0) j["drift_ppm"] = c.drift_ppm;
    return j;
}

// Milliseconds to two decimals, as latency_ms.
static double frames_ms(double frames, double rate_hz) {
    return rate_hz > 0 ? std::round(frames / rate_hz * 1e5) / 100.0 : 0.0;
}

// Per path: the backend's two halves (driver and converters: the card's, or the JACK graph's
// beyond Phantom's hardware ports), what Phantom's own processing adds on each input and each
// output, what latency compensation adds on each source to align it with the slowest, and the
// round trip from an input's connector to each output's (the direct monitoring path: capture +
// the slowest input's way into the mixes + the output's own + playback).
static json latency_json(const control::Status& s) {
    const auto& b = s.backend;
    const double rate = s.rate_hz;
    int slowest_input = 0, into_mixes = 0;
    int earliest = std::numeric_limits<int>::max();  // the first source into the mixes
    // A source's own latency and its compensation, as one entry.
    auto path = [&](int frames, int compensation) {
        into_mixes = std::max(into_mixes, frames + compensation);
        earliest = std::min(earliest, frames + compensation);
        return json{{"frames", frames},
                    {"ms", frames_ms(frames, rate)},
                    {"compensation_frames", compensation},
                    {"compensation_ms", frames_ms(compensation, rate)}};
    };
    json inputs = json::object();
    for (size_t k = 0; k < s.input_latency_frames.size(); ++k) {
        const auto& [id, frames] = s.input_latency_frames[k];
        const int added =
            k < s.input_compensation_frames.size() ? s.input_compensation_frames[k] : 0;
        inputs[id] = path(frames, added);
        slowest_input = std::max(slowest_input, frames + added);
    }
    json playback = json::object();
    for (size_t k = 0; k < s.playback_latency_frames.size(); ++k) {
        const auto& [id, frames] = s.playback_latency_frames[k];
        playback[id] =
            path(frames,
                 k < s.playback_compensation_frames.size() ? s.playback_compensation_frames[k] : 0);
    }
    const int through = b.capture_latency_frames + slowest_input + b.playback_latency_frames;
    int round_trip = through;
    json outputs = json::object();
    for (const auto& [id, frames] : s.output_latency_frames) {
        outputs[id] = {{"frames", frames},
                       {"ms", frames_ms(frames, rate)},
                       {"round_trip_frames", through + frames},
                       {"round_trip_ms", frames_ms(through + frames, rate)}};
        round_trip = std::max(round_trip, through + frames);
    }
    return {{"block_frames", b.frames},
            {"capture_frames", b.capture_latency_frames},
            {"capture_ms", frames_ms(b.capture_latency_frames, rate)},
            {"playback_frames", b.playback_latency_frames},
            {"playback_ms", frames_ms(b.playback_latency_frames, rate)},
            {"compensate", s.latency_compensate},
            {"mixes_frames", into_mixes},
            {"mixes_ms", frames_ms(into_mixes, rate)},
            // Every source arrives at once: false when a path is later than compensation can
            // hold the others back (kMaxDelayFrames), or with compensation off.
            {"aligned", earliest == std::numeric_limits<int>::max() || earliest == into_mixes},
            {"inputs", std::move(inputs)},
            {"playback", std::move(playback)},
            {"outputs", std::move(outputs)},
            {"round_trip_frames", round_trip},
            {"round_trip_ms", frames_ms(round_trip, rate)}};
}

json to_json(const control::Status& s) {
    const auto& b = s.backend;
    json j = {{"backend", b.backend},
              {"state", b.state},
              {"message", b.message},
              {"device", s.device},
              {"rate_hz", std::lround(s.rate_hz)},  // a whole number, as /api/rate
              {"frames", b.frames},
              {"latency_frames", b.latency_frames},
              {"latency_ms", frames_ms(b.latency_frames, s.rate_hz)},
              {"dsp_load_percent", std::round(b.dsp_load * 1e4) / 100.0},
              {"xruns", b.xruns},
              {"record_overruns", b.record_overruns},
              {"source_starved_frames", b.source_starved_frames},
              {"clips", s.clips},
              {"held_phantom", s.held_phantom},
              {"events", s.events},
              {"state_notice", s.state_notice},
              {"save_error", s.save_error},
              {"uptime_s", s.uptime_s},
              {"connections_waiting", b.waiting},
              {"clock", clock_json(s.clock)}};
    json strip_latency = json::object();
    for (const auto& [id, frames] : s.output_latency_frames)
        strip_latency[id] = frames;
    j["output_strip_latency_frames"] = std::move(strip_latency);  // as latency.outputs.*.frames
    j["latency"] = latency_json(s);
    json surfaces = json::array();
    for (const auto& f : s.surfaces)
        surfaces.push_back({{"name", f.name},
                            {"address", f.address},
                            {"notice", f.notice},
                            {"received", f.received},
                            {"malformed", f.malformed},
                            {"not_allowed", f.not_allowed},
                            {"refused", f.refused},
                            {"subscribers", f.subscribers}});
    j["surfaces"] = surfaces;
    return j;
}

json to_json(const control::DeviceInfo& d) {
    json j = spec_sheet_json(*d.spec);
    j["sample_rate_hz"] = d.sample_rate_hz;
    j["capture_channels"] = d.capture_channels;
    j["output_channels"] = d.output_channels;
    json sources = json::array();
    for (const auto& s : d.sources)
        sources.push_back(
            {{"id", s.channel}, {"source", s.text}, {"passive_ribbon", s.passive_ribbon}});
    j["sources"] = sources;
    return j;
}

json to_json(const control::Snapshot& s) {
    json params = json::object();
    for (const auto& [path, value] : s.params)
        params[path] = to_json(value);
    return {{"name", s.name}, {"params", params}};
}

int http_status(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Malformed:
            return 400;
        case ErrorKind::UnknownPath:
            return 404;
        case ErrorKind::NotAvailable:
        case ErrorKind::Conflict:
            return 409;
        case ErrorKind::WrongType:
        case ErrorKind::OutOfRange:
            return 422;
        case ErrorKind::Stopping:
            return 503;
    }
    return 400;
}

json to_json(const control::CommandError& e) {
    json j = {{"error", e.what()}, {"kind", control::to_string(e.kind())}};
    if (!e.path().empty()) j["path"] = e.path();
    if (e.value()) j["value"] = to_json(*e.value());
    if (!e.allowed().empty()) j["allowed"] = e.allowed();
    return j;
}

}  // namespace phantom::http
