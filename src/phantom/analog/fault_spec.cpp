#include "phantom/analog/fault_spec.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <vector>

#include "phantom/analog/spec_tokens.hpp"

namespace phantom::analog {

namespace {

constexpr const char* kForms =
    "CHANNEL=hum:50|60:LEVEL, CHANNEL=dc:LEVEL, CHANNEL=polarity, CHANNEL=dead, overload:TIME, "
    "clock=vanish, clock=drift:PPM or PB=echo-loopback";

// Drops a unit suffix (any case) when the token has one.
bool strip_suffix(std::string& s, std::string_view suffix) {
    return ends_with_ci(s, suffix, s);
}

// An electrical level at the connector: dBu or dBV, -200..+40.
void parse_volts_level(const std::string& token, FaultSpec& f) {
    std::string head = token;
    if (strip_suffix(head, "dbu"))
        f.unit = LevelUnit::Dbu;
    else if (strip_suffix(head, "dbv"))
        f.unit = LevelUnit::Dbv;
    else
        throw SourceSpecError(fmt::format(
            "'{}': '{}' is not a level at the connector (expected dBu or dBV, e.g. -40dBu)", f.text,
            token));
    if (!parse_finite(head, f.level) || f.level < -200 || f.level > 40)
        throw SourceSpecError(
            fmt::format("'{}': '{}' is not a level within -200..+40 (e.g. -40dBu)", f.text, token));
}

double parse_time_s(const std::string& token, const std::string& whole) {
    std::string head = token;
    double scale = 1.0;
    if (strip_suffix(head, "ms"))
        scale = 1e-3;
    else if (!strip_suffix(head, "s"))
        throw SourceSpecError(
            fmt::format("'{}': '{}' is not a time (expected e.g. 8ms or 0.01s)", whole, token));
    double t = 0;
    if (!parse_finite(head, t) || t * scale <= 0 || t * scale > kMaxOverloadS)
        throw SourceSpecError(fmt::format("'{}': overload '{}' must be above 0 and at most {:g} s",
                                          whole, token, kMaxOverloadS));
    return t * scale;
}

// A drift in parts per million: "+1500ppm", "-200ppm" or a bare number.
double parse_ppm(const std::string& token, const std::string& whole) {
    std::string head = token;
    strip_suffix(head, "ppm");
    double ppm = 0;
    if (!parse_finite(head, ppm) || std::abs(ppm) > kMaxDriftPpm)
        throw SourceSpecError(
            fmt::format("'{}': '{}' is not a drift within -{:g}..+{:g} ppm (e.g. drift:+1500ppm)",
                        whole, token, kMaxDriftPpm, kMaxDriftPpm));
    return ppm;
}

}  // namespace

bool is_clock_fault(FaultKind kind) {
    return kind == FaultKind::ClockVanish || kind == FaultKind::ClockDrift;
}

FaultSpec parse_fault_spec(const std::string& text) {
    FaultSpec f;
    f.text = text;
    if (text.empty()) throw SourceSpecError(fmt::format("empty fault (expected {})", kForms));
    std::string body = text;
    if (const auto eq = text.find('='); eq != std::string::npos) {
        f.channel = text.substr(0, eq);
        body = text.substr(eq + 1);
        if (f.channel.empty())
            throw SourceSpecError(fmt::format("'{}': the channel before '=' is missing", text));
    }
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
        const size_t pos = body.find(':', start);
        parts.push_back(body.substr(start, pos - start));
        if (pos == std::string::npos) break;
        start = pos + 1;
    }
    const std::string& kind = parts[0];
    auto need = [&](size_t count, const char* form) {
        if (parts.size() != count)
            throw SourceSpecError(fmt::format("'{}': expected {}", text, form));
    };
    if (kind == "overload") {
        need(2, "overload:TIME, e.g. overload:8ms");
        if (!f.channel.empty())
            throw SourceSpecError(fmt::format(
                "'{}': an overload is the machine's, not a channel's (expected overload:TIME)",
                text));
        f.kind = FaultKind::Overload;
        f.overload_s = parse_time_s(parts[1], text);
        return f;
    }
    if (f.channel.empty())
        throw SourceSpecError(fmt::format(
            "'{}': a fault names its input, e.g. in1={} (expected {})", text, body, kForms));
    if (kind == "hum") {
        need(3, "CHANNEL=hum:50|60:LEVEL, e.g. in1=hum:50:-40dBu");
        f.kind = FaultKind::Hum;
        if (parts[1] != "50" && parts[1] != "60")
            throw SourceSpecError(fmt::format(
                "'{}': mains is '{}', expected 50 (Europe, most of Asia) or 60 (the Americas)",
                text, parts[1]));
        f.mains_hz = parts[1] == "50" ? 50.0 : 60.0;
        parse_volts_level(parts[2], f);
    } else if (kind == "dc") {
        need(2, "CHANNEL=dc:LEVEL, e.g. in1=dc:-10dBu");
        f.kind = FaultKind::Dc;
        parse_volts_level(parts[1], f);
    } else if (kind == "polarity") {
        need(1, "CHANNEL=polarity");
        f.kind = FaultKind::Polarity;
    } else if (kind == "dead") {
        need(1, "CHANNEL=dead");
        f.kind = FaultKind::Dead;
    } else if (kind == "vanish") {
        need(1, "CLOCK=vanish, e.g. clock=vanish");
        f.kind = FaultKind::ClockVanish;
    } else if (kind == "drift") {
        need(2, "CLOCK=drift:PPM, e.g. clock=drift:+1500ppm");
        f.kind = FaultKind::ClockDrift;
        f.drift_ppm = parse_ppm(parts[1], text);
    } else if (kind == "echo-loopback") {
        need(1, "PB=echo-loopback, e.g. pb1=echo-loopback");
        f.kind = FaultKind::EchoLoopback;
    } else {
        throw SourceSpecError(
            fmt::format("'{}': '{}' is not a fault (expected {})", text, kind, kForms));
    }
    return f;
}

}  // namespace phantom::analog
