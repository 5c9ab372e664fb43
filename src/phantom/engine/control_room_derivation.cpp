// The control room's targets. [control-thread]
//
// Solo never changes a mix: the control room has a stereo solo bus of its own, whose
// crosspoints are derived here from the solos, and while anything is soloed the solo output
// (the monitors, or the output /monitor/solo_output names) plays that bus instead of what it
// played. Every performer's mix keeps its targets, so its samples stay exactly what they were.
//
//   PFL of a source:  the source after trim, at unity; a linked pair keeps its sides (left
//                     source left, right source right), a single source is on both sides.
//   AFL of a source:  its targets in the mix the monitors listen to (level, pan, mute).
//   PFL of an output: its mix before its volume; AFL: after its volume and mute.
//
// /monitor/source picks the bus the monitors play when nothing is soloed: the main mix, another
// output's mix (mirrors resolved), or a pair of sources through the room bus (hard left and
// right at unity).
#include "phantom/engine/interface.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::engine {

namespace {
bool on(const std::vector<double>& v, params::ParamIndex i) {
    return i >= 0 && v[static_cast<size_t>(i)] != 0.0;
}
const params::RoomSourceChoice* room_choice(const params::ControlRoomParamIds& room,
                                            const std::vector<double>& v) {
    if (room.source < 0) return nullptr;
    return &room.source_choice[static_cast<size_t>(v[static_cast<size_t>(room.source)])];
}
}  // namespace

bool Interface::any_solo(const std::vector<double>& v) const {
    const auto& room = params_.room;
    for (auto i : room.source_solo)
        if (on(v, i)) return true;
    for (auto i : room.output_solo)
        if (on(v, i)) return true;
    return false;
}

int Interface::solo_output(const std::vector<double>& v) const {
    const auto& room = params_.room;
    if (room.solo_output < 0) return -1;
    return room.solo_output_choice[static_cast<size_t>(v[static_cast<size_t>(room.solo_output)])];
}

int Interface::room_play_bus(const std::vector<double>& v) const {
    const auto* choice = room_choice(params_.room, v);
    if (!choice) return -1;
    if (choice->output >= 0) return params_.resolved_bus(choice->output, v);
    if (choice->first_source >= 0) return engine_->layout().room_bus;
    return params_.monitor.bus;
}

int Interface::room_listen_bus(const std::vector<double>& v) const {
    const auto* choice = room_choice(params_.room, v);
    if (choice && choice->output >= 0) return params_.resolved_bus(choice->output, v);
    return params_.monitor.bus;
}

void Interface::derive_room_routes(const std::vector<double>& v, std::int64_t now) {
    const auto& room = params_.room;
    const EngineLayout& layout = engine_->layout();
    if (layout.solo_bus < 0) return;
    const RtTargets& t = engine_->targets();
    const size_t n = params_.sources.size();
    const auto solo_base = static_cast<size_t>(layout.solo_bus) * n;
    const auto room_base = static_cast<size_t>(layout.room_bus) * n;
    const bool afl =
        v[static_cast<size_t>(room.solo_mode)] == static_cast<double>(params::SoloMode::Afl);
    const int listen = room_listen_bus(v);
    const bool listen_stereo = listen >= 0 && layout.bus_channels[static_cast<size_t>(listen)] == 2;
    const auto* choice = room_choice(room, v);
    const int pair = choice ? choice->first_source : -1;
    for (size_t s = 0; s < n; ++s) {
        double left = 0.0, right = 0.0;
        if (on(v, room.source_solo[s])) {
            if (afl && listen >= 0) {
                const size_t xi = static_cast<size_t>(listen) * n + s;
                left = t.route_left.load(xi);
                right = listen_stereo ? t.route_right.load(xi) : left;
            } else if (!afl) {
                const bool left_of_pair = on(v, params_.source_links[s]);
                const bool right_of_pair = s > 0 && on(v, params_.source_links[s - 1]);
                left = right_of_pair ? 0.0 : 1.0;
                right = left_of_pair ? 0.0 : 1.0;
            }
        }
        store_route(solo_base + s, left, right, now);
        const bool in_pair =
            pair >= 0 && (s == static_cast<size_t>(pair) || s == static_cast<size_t>(pair) + 1);
        store_route(room_base + s, in_pair && s == static_cast<size_t>(pair) ? 1.0 : 0.0,
                    in_pair && s != static_cast<size_t>(pair) ? 1.0 : 0.0, now);
    }
}

void Interface::derive_output_solos(const std::vector<double>& v) {
    const auto& room = params_.room;
    RtTargets& t = engine_->targets();
    const bool afl = room.solo_mode >= 0 && v[static_cast<size_t>(room.solo_mode)] ==
                                                static_cast<double>(params::SoloMode::Afl);
    for (size_t o = 0; o < spec_.outputs.size(); ++o) {
        double gain = 0.0;
        if (!room.output_solo.empty() && on(v, room.output_solo[o])) {
            const auto& ids = params_.outputs[o];
            if (!afl)
                gain = 1.0;
            else if (!on(v, ids.mute))
                gain =
                    ids.volume >= 0 ? units::db_to_gain(v[static_cast<size_t>(ids.volume)]) : 1.0;
        }
        t.output_solo.store(o, static_cast<float>(gain));
        // Kept while the gain ramps down, so an unsolo fades out instead of stopping.
        t.output_solo_bus.store(o, params_.resolved_bus(static_cast<int>(o), v));
    }
}

}  // namespace phantom::engine
