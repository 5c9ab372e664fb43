// The parameter tree: every control of one device as a path with a schema and a value in user
// units. [control-thread] only: the audio thread never sees this object; the engine derives
// its real-time targets from it (engine/rt_targets).
//
// Invariants:
//  - every value is valid for its schema at all times;
//  - a batch of changes is validated as a whole (types, ranges, then constraints such as
//    "no mirror cycle") and applied all-or-nothing;
//  - linked parameters (inputs sharing one 48 V switch) always hold the same value.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "phantom/params/param_error.hpp"
#include "phantom/params/param_schema.hpp"
#include "phantom/params/path_index.hpp"

namespace phantom::params {

using ParamIndex = int;

struct ParamChange {
    ParamIndex index;
    double value;
    std::string text = {};  // String parameters: the new text (`value` is then 0)
};

class ParamTree {
  public:
    // A constraint looks at a complete candidate state and returns an error message, or "".
    using Constraint = std::function<std::string(const std::vector<double>& values)>;

    ParamIndex add(ParamSchema schema);
    void reserve(size_t count);
    // Nodes that come and go after construction: an LV2 plugin's controls, made when a slot
    // loads it. add_node() revives the retired node of the same path and schema (a plugin
    // loaded again into the same slot gets its old indices back) or appends one, at its
    // default; retire() hides a node from find() and from every listing. A node is never
    // changed or freed while the tree lives (drop_nodes_after() aside): a surface that read a
    // schema and let go of the lock (Controller::params) keeps a valid reference.
    ParamIndex add_node(ParamSchema schema);
    void retire(ParamIndex i);
    void revive(ParamIndex i);  // a retired node back, with the value it had
    bool live(ParamIndex i) const { return live_[static_cast<size_t>(i)] != 0; }
    // Removes the nodes appended after the tree had `count` (a refused batch's plugin controls,
    // within the lock that made them, so no reader can hold them).
    void drop_nodes_after(size_t count);
    void add_constraint(Constraint constraint) { constraints_.push_back(std::move(constraint)); }
    void link(const std::vector<ParamIndex>& group) { links_.push_back(group); }
    // While the Bool `link` is on, a change to one of a and b moves the other too, unless the
    // same batch sets it: Copy gives it the same value; RelativeDb moves it by the same dB
    // (a stereo pair's faders keep their offset; from or to -inf they meet).
    enum class Gang { Copy, RelativeDb };
    void gang(ParamIndex link, ParamIndex a, ParamIndex b, Gang how) {
        gangs_.push_back({link, a, b, how});
    }
    // An action is a Bool that does something when set on and always reads off (clear every
    // solo, recall the reference level). `run` gets the values as the batch has them so far and
    // returns the changes the action stands for; a batch holding the action applies those in its
    // place, so every surface (HTTP, OSC, MIDI, CLI, a session) gets the same behaviour.
    using Action = std::function<std::vector<ParamChange>(const std::vector<double>& values)>;
    void add_action(ParamIndex trigger, Action run) {
        actions_.push_back({trigger, std::move(run)});
    }
    // The batch with every action set on replaced by its changes and every action set off
    // dropped; apply() and check() do this themselves. Throws ParamError for a bad value.
    std::vector<ParamChange> expand_actions(const std::vector<ParamChange>& changes) const;

    size_t size() const { return schemas_.size(); }
    const ParamSchema& schema(ParamIndex i) const { return schemas_[static_cast<size_t>(i)]; }
    double value(ParamIndex i) const { return values_[static_cast<size_t>(i)]; }
    const std::vector<double>& values() const { return values_; }
    // String parameters' texts ("" for every other parameter).
    const std::string& text(ParamIndex i) const { return texts_[static_cast<size_t>(i)]; }
    const std::vector<std::string>& texts() const { return texts_; }
    bool is_default(ParamIndex i) const;

    std::optional<ParamIndex> find(const std::string& path) const;
    ParamIndex require(const std::string& path) const;  // throws UnknownPath

    // Validation of one value in user units / from text / from JSON; throws ParamError.
    double check_value(ParamIndex i, double value) const;
    double parse_text(ParamIndex i, const std::string& text) const;
    double parse_json(ParamIndex i, const nlohmann::json& value) const;
    // The change that sets parameter i from text / JSON, for every type (a String keeps its
    // text in the change); throws ParamError.
    ParamChange change_from_text(ParamIndex i, const std::string& text) const;
    ParamChange change_from_json(ParamIndex i, const nlohmann::json& value) const;
    // A String parameter's text checked; throws ParamError (WrongType if i is no String).
    const std::string& check_text(ParamIndex i, const std::string& text) const;
    std::string format(ParamIndex i) const;  // "−6.0", "on", "mic", "-inf"
    std::string format_value(ParamIndex i, double value) const;
    nlohmann::json to_json(ParamIndex i) const;

    // Apply changes all-or-nothing; returns the indices that changed (links included).
    std::vector<ParamIndex> apply(const std::vector<ParamChange>& changes);
    // Throws what apply() would throw, and changes nothing.
    void check(const std::vector<ParamChange>& changes) const { (void)candidate(changes); }
    std::vector<ParamIndex> set(const std::string& path, double value);
    std::vector<ParamIndex> set_text(const std::string& path, const std::string& text);

    // Every parameter back to its default.
    void reset();

  private:
    // Every value after `changes` (links followed), checked against ranges and constraints.
    struct Candidate {
        std::vector<double> values;
        std::vector<std::string> texts;
    };
    Candidate candidate(const std::vector<ParamChange>& changes) const;
    void follow_gangs(const std::vector<ParamChange>& changes, std::vector<double>& values) const;
    auto path_of() const {
        return
            [this](int i) -> const std::string& { return schemas_[static_cast<size_t>(i)].path; };
    }

    struct GangRule {
        ParamIndex link, a, b;
        Gang how;
    };

    std::deque<ParamSchema> schemas_;  // a deque: appending never moves a schema
    std::vector<char> live_;           // 0: retired (add_node / retire)
    // The retired nodes by path: a plugin loaded again finds its own among those of others
    // that share a symbol (two plugins alternating in a slot do not grow the tree).
    std::unordered_multimap<std::string, ParamIndex> retired_;
    void forget_retired(ParamIndex i);
    std::vector<double> values_;
    std::vector<std::string> texts_;
    std::vector<GangRule> gangs_;
    struct ActionRule {
        ParamIndex trigger;
        Action run;
    };
    std::vector<ActionRule> actions_;
    PathIndex by_path_;
    std::vector<Constraint> constraints_;
    std::vector<std::vector<ParamIndex>> links_;
};

}  // namespace phantom::params
