// No sound where you listen (rules.hpp): only when something plays, so that an idle session
// says nothing.
#include <fmt/format.h>

#include <cmath>

#include "phantom/doctor/rules.hpp"

namespace phantom::doctor {

namespace {

std::string join(const std::vector<std::string>& ids) {
    std::string s;
    for (const auto& id : ids)
        s += (s.empty() ? "" : ", ") + id;
    return s;
}

}  // namespace

// The monitors play another mix than main (/monitor/source: a cue, an input pair) and it is
// silent while main is not: the engineer hears nothing and thinks the session is dead.
void room_source_silent(const ListenFacts& l, std::vector<Finding>& out) {
    if (l.room_source == "main" || l.room_source_plays || !l.main_mix_plays) return;
    out.push_back({Severity::Warning, "room-source", l.main_id,
                   fmt::format("the monitors play {} (/monitor/source), which has nothing that "
                               "plays in it, while the main mix has signal",
                               l.room_source),
                   "listen to the main mix: /monitor/source main"});
}

// An output that mirrors a mix with nothing in it, while its own mix has something: the
// singer's headphones mirror an empty cue.
void mirror_of_a_silent_mix(const ListenFacts& l, std::vector<Finding>& out) {
    for (const auto& m : l.mirrors) {
        if (m.mirrored_mix_plays || !m.own_mix_plays) continue;
        out.push_back({Severity::Warning, "mirror-silent", m.output,
                       fmt::format("{} mirrors {}'s mix, which has nothing that plays in it; its "
                                   "own mix has",
                                   m.output, m.mirrors),
                       fmt::format("play its own mix: /output/{}/mirror none", m.output)});
    }
}

void listen_rules(const Facts& facts, std::vector<Finding>& out) {
    const ListenFacts& l = facts.listen;
    mirror_of_a_silent_mix(l, out);
    room_source_silent(l, out);
    if (!l.has_monitor || l.playing.empty()) return;
    if (l.heard_in_main.empty()) {
        out.push_back({Severity::Info, "nothing-routed", l.main_id,
                       fmt::format("{} {} but nothing that plays is routed to the monitor mix",
                                   join(l.playing), l.playing.size() == 1 ? "plays" : "play"),
                       fmt::format("raise its fader in the monitor mix: /mix/{}/{}/gain 0",
                                   l.main_id, l.playing.front())});
        return;
    }
    if (l.mute)
        out.push_back(
            {Severity::Critical, "monitors-muted", l.main_id,
             fmt::format("the monitors are muted ({} {} in the mix)", join(l.heard_in_main),
                         l.heard_in_main.size() == 1 ? "plays" : "play"),
             "unmute them: /monitor/mute off"});
    if (std::isinf(l.volume_db) && l.volume_db < 0)
        out.push_back({Severity::Critical, "volume-off", l.main_id,
                       "the monitor volume is at -inf: nothing reaches the speakers",
                       "raise it: /monitor/volume -20 (then to taste)"});
    if (l.has_speakers_b && l.speakers == 1)
        out.push_back({Severity::Warning, "speakers-b", l.main_id,
                       fmt::format("the monitors play on speaker set B ({}) only; set A ({}) is "
                                   "silent",
                                   join(l.outputs_b), join(l.outputs_a)),
                       "if no speakers are on set B: /monitor/speakers A"});
    if (l.dim && !l.mute)
        out.push_back({Severity::Info, "dimmed", l.main_id,
                       fmt::format("the monitors are dimmed by {:g} dB", -l.dim_db),
                       "undim them: /monitor/dim off"});
}

}  // namespace phantom::doctor
