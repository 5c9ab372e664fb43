#include "phantom/surfaces/osc/osc_dispatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "phantom/params/plugin_params.hpp"
#include "phantom/params/taper.hpp"

namespace phantom::osc {

using control::CommandError;
using control::ErrorKind;
using control::Value;
using params::ParamType;

namespace {

constexpr std::string_view kRoot = "/phantom";
constexpr std::string_view kNorm = "/phantom/norm";
const std::set<std::string, std::less<>> kCommands = {
    "/phantom/subscribe",     "/phantom/unsubscribe",   "/phantom/snapshot/recall",
    "/phantom/snapshot/save", "/phantom/snapshot/list", "/phantom/clip/clear"};

bool is_number(const OscArg& a) {
    return a.tag == 'i' || a.tag == 'h' || a.tag == 'f' || a.tag == 'd';
}

bool is_text(const OscArg& a) {
    return a.tag == 's' || a.tag == 'S';
}

// The parameter's value as a number in its own terms (a switch 0/1, a choice its index).
double number_of(const params::ParamSchema& s, const Value& v) {
    if (const double* d = std::get_if<double>(&v)) return *d;
    if (const bool* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
    const auto& text = std::get<std::string>(v);
    const auto it = std::find(s.choices.begin(), s.choices.end(), text);
    return it == s.choices.end() ? 0.0 : static_cast<double>(it - s.choices.begin());
}

std::string tag_name(char tag) {
    switch (tag) {
        case 'N':
            return "nil";
        case 'I':
            return "impulse";
        case 'b':
            return "blob";
        case 't':
            return "time tag";
        case 'c':
            return "character";
        case 'r':
            return "colour";
        case 'm':
            return "MIDI message";
        default:
            return fmt::format("'{}'", tag);
    }
}

const std::string& text_arg(const OscMessage& m, const std::string& what) {
    if (m.args.size() != 1 || !is_text(m.args[0]))
        throw CommandError(ErrorKind::Malformed, fmt::format("{}: expected ,s {}", m.address, what),
                           m.address);
    return m.args[0].text;
}

}  // namespace

OscDispatch::OscDispatch(control::Controller& controller) : controller_(controller) {
    for (const auto& p : controller.params(""))
        schemas_.emplace(p.schema->path, p.schema);
}

Datagram OscDispatch::error_reply(const std::string& path, const std::string& reason) {
    return OscWriter().message("/phantom/error").s(path).s(reason).take_message();
}

std::optional<OscDispatch::Target> OscDispatch::parameter(const std::string& address) const {
    Target t;
    std::string_view rest;
    if (address.starts_with(kNorm) && address.size() > kNorm.size() &&
        address[kNorm.size()] == '/') {
        t.norm = true;
        rest = std::string_view(address).substr(kNorm.size());
    } else if (address.starts_with(kRoot) && address.size() > kRoot.size() &&
               address[kRoot.size()] == '/') {
        rest = std::string_view(address).substr(kRoot.size());
    } else {
        return std::nullopt;
    }
    const params::ParamSchema* schema = schema_of(std::string(rest));
    if (!schema) return std::nullopt;
    t.path = std::string(rest);
    t.schema = schema;
    return t;
}

const params::ParamSchema* OscDispatch::schema_of(const std::string& path) const {
    // A plugin's controls come and go with it (engine/plugin_derivation.cpp): asked for now,
    // not from the list taken at start. A schema, once made, lives as long as the tree.
    if (params::is_plugin_control_path(path)) {
        try {
            return controller_.param(path).schema;
        } catch (const CommandError&) {
            return nullptr;
        }
    }
    const auto it = schemas_.find(path);
    return it == schemas_.end() ? nullptr : it->second;
}

// The OSC argument as the value the controller checks: typed by the parameter, so that a
// tablet's 0.0/1.0 button sets a switch and an index picks a choice.
Value OscDispatch::value_for(const Target& t, const OscArg& arg) const {
    const params::ParamSchema& s = *t.schema;
    if (s.type == ParamType::String && (t.norm || !is_text(arg)))
        throw CommandError(ErrorKind::WrongType,
                           fmt::format("{}: a name is set with an OSC string (,s), not a {}",
                                       t.path, t.norm ? "normalised number" : tag_name(arg.tag)),
                           t.path, std::nullopt, params::allowed_values(s));
    if (t.norm) {
        if (!is_number(arg) && arg.tag != 'T' && arg.tag != 'F')
            throw CommandError(ErrorKind::WrongType,
                               fmt::format("{}: a normalised value is a number from 0 to 1, not a "
                                           "{}",
                                           t.path, is_text(arg) ? "string" : tag_name(arg.tag)),
                               t.path, std::nullopt, "0..1");
        if (!std::isfinite(arg.number) || arg.number < 0.0 || arg.number > 1.0)
            throw CommandError(ErrorKind::OutOfRange,
                               fmt::format("{}: {} is not a normalised value (allowed: 0 to 1)",
                                           t.path, arg.number),
                               t.path, arg.number, "0..1");
        return control::typed_value(s, params::from_position(s, arg.number));
    }
    if (is_text(arg)) return arg.text;
    if (arg.tag == 'T' || arg.tag == 'F') return arg.tag == 'T';
    if (!is_number(arg))
        throw CommandError(ErrorKind::WrongType,
                           fmt::format("{}: an OSC {} is not a value (allowed: {})", t.path,
                                       tag_name(arg.tag), params::allowed_values(s)),
                           t.path, std::nullopt, params::allowed_values(s));
    switch (s.type) {
        case ParamType::Float:
            return arg.number;
        case ParamType::Bool:
            if (arg.number == 0.0 || arg.number == 1.0) return arg.number == 1.0;
            return arg.number;  // refused by the controller, with the allowed values
        case ParamType::Choice: {
            const double index = arg.number;
            if (index >= 0 && index == std::floor(index) &&
                index < static_cast<double>(s.choices.size()))
                return s.choices[static_cast<std::size_t>(index)];
            return arg.number;  // refused, with the allowed names
        }
        case ParamType::String:
            break;  // refused above
    }
    return arg.number;
}

Datagram OscDispatch::value_message(const Target& t, const Value& value) const {
    OscWriter w;
    if (t.norm)
        return w.message(std::string(kNorm) + t.path)
            .f(static_cast<float>(params::to_position(*t.schema, number_of(*t.schema, value))))
            .take_message();
    w.message(std::string(kRoot) + t.path);
    if (const double* d = std::get_if<double>(&value)) {
        w.f(static_cast<float>(*d));
    } else if (const bool* b = std::get_if<bool>(&value)) {
        w.boolean(*b);
    } else {
        w.s(std::get<std::string>(value));
    }
    return w.take_message();
}

Outcome OscDispatch::handle(const std::vector<OscMessage>& messages) {
    Outcome outcome;
    outcome.messages = messages.size();
    // Settings first, together: a datagram (a bundle, or one message) is one batch.
    std::vector<control::SetParam> batch;
    std::vector<const std::string*> set_by;  // the address of each setting, for an error
    const OscMessage* current = nullptr;
    try {
        for (const auto& m : messages) {
            current = &m;
            const auto target = parameter(m.address);
            if (!target && !kCommands.contains(m.address))
                throw CommandError(ErrorKind::UnknownPath,
                                   fmt::format("{}: unknown address (a parameter is "
                                               "/phantom/<path>, e.g. /phantom/monitor/volume)",
                                               m.address));
            if (!target || m.args.empty()) continue;
            if (m.args.size() != 1)
                throw CommandError(
                    ErrorKind::Malformed,
                    fmt::format("{}: one value expected, {} given", m.address, m.args.size()));
            batch.push_back({target->path, value_for(*target, m.args[0])});
            set_by.push_back(&m.address);
        }
        current = nullptr;
        if (!batch.empty()) controller_.apply(batch);
    } catch (const CommandError& e) {
        // Nothing of the datagram applies, and its other commands are not run either. The
        // error names the message it is about: the one being read, or the one that set the
        // path the controller refused.
        std::string address = current ? current->address : std::string(kRoot) + e.path();
        for (std::size_t k = 0; !current && k < batch.size(); ++k)
            if (batch[k].path == e.path()) address = *set_by[k];
        outcome.replies.push_back(error_reply(address, e.what()));
        outcome.refused = outcome.messages;
        return outcome;
    }
    for (const auto& m : messages) {
        try {
            if (const auto target = parameter(m.address)) {
                if (!m.args.empty()) continue;  // applied above
                outcome.replies.push_back(
                    value_message(*target, controller_.param(target->path).value));
                continue;
            }
            command(m, outcome);
        } catch (const CommandError& e) {
            outcome.replies.push_back(error_reply(m.address, e.what()));
            ++outcome.refused;
        }
    }
    return outcome;
}

void OscDispatch::command(const OscMessage& m, Outcome& outcome) {
    const std::string& a = m.address;
    if (a == "/phantom/subscribe") {
        if (m.args.size() > 1 ||
            (m.args.size() == 1 && !(is_text(m.args[0]) && m.args[0].text == "norm")))
            throw CommandError(ErrorKind::Malformed,
                               fmt::format("{}: expected no argument, or ,s norm", a), a);
        outcome.subscription = Outcome::Subscription::Subscribe;
        outcome.norm = m.args.size() == 1;
    } else if (a == "/phantom/unsubscribe") {
        outcome.subscription = Outcome::Subscription::Unsubscribe;
    } else if (a == "/phantom/snapshot/recall") {
        std::string name;
        if (m.args.size() == 1 && is_number(m.args[0])) {
            // Buttons on a tablet or a controller send numbers: the n-th snapshot, from 1.
            const auto names = controller_.snapshot_names();
            const double n = m.args[0].number;
            if (!(n >= 1 && n <= static_cast<double>(names.size()) && n == std::floor(n)))
                throw CommandError(
                    ErrorKind::UnknownPath,
                    fmt::format("{}: there is no snapshot {} ({} saved)", a, n, names.size()), a);
            name = names[static_cast<std::size_t>(n) - 1];
        } else {
            name = text_arg(m, "name (or ,i number)");
        }
        controller_.recall_snapshot(name);
    } else if (a == "/phantom/snapshot/save") {
        controller_.save_snapshot(text_arg(m, "name"));
    } else if (a == "/phantom/snapshot/list") {
        // A message per name, not one with every name: a studio may keep hundreds, more than
        // one datagram (or a receiver's argument limit) holds.
        const auto names = controller_.snapshot_names();
        BundlePacker packer(kFeedbackDatagramBytes);
        OscWriter w;
        packer.add(w.message("/phantom/snapshot/count")
                       .i(static_cast<std::int32_t>(names.size()))
                       .take_message(),
                   outcome.replies);
        for (std::size_t k = 0; k < names.size(); ++k)
            packer.add(w.message("/phantom/snapshot/name")
                           .i(static_cast<std::int32_t>(k + 1))
                           .s(names[k])
                           .take_message(),
                       outcome.replies);
        packer.finish(outcome.replies);
    } else if (a == "/phantom/clip/clear") {
        controller_.clear_clips(m.args.empty() ? std::string() : text_arg(m, "channel"));
    }
}

std::vector<Datagram> OscDispatch::changes(const std::vector<control::Change>& changes,
                                           bool norm) const {
    std::vector<Datagram> out;
    BundlePacker packer(kFeedbackDatagramBytes);
    for (const auto& c : changes) {
        const params::ParamSchema* schema = schema_of(c.path);
        if (!schema) continue;
        Target t{c.path, schema, false};
        packer.add(value_message(t, c.value), out);
        t.norm = true;  // a name has no normalised form: its text only
        if (norm && t.schema->type != ParamType::String) packer.add(value_message(t, c.value), out);
    }
    packer.finish(out);
    return out;
}

std::vector<Datagram> OscDispatch::whole_state(bool norm) const {
    std::vector<control::Change> all;
    for (auto& p : controller_.params(""))
        all.push_back({0, p.schema->path, std::move(p.value)});
    return changes(all, norm);
}

std::vector<Datagram> OscDispatch::meters(const control::MeterSnapshot& meters) const {
    std::vector<Datagram> out;
    BundlePacker packer(kFeedbackDatagramBytes);
    OscWriter w;
    for (const auto* list : {&meters.inputs, &meters.outputs})
        for (const auto& c : *list)
            packer.add(w.message("/phantom/meter/" + c.id)
                           .f(static_cast<float>(c.peak_dbfs))
                           .f(static_cast<float>(c.rms_dbfs))
                           .take_message(),
                       out);
    packer.finish(out);
    return out;
}

}  // namespace phantom::osc
