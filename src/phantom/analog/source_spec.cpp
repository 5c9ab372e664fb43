#include "phantom/analog/source_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "phantom/analog/spec_tokens.hpp"

namespace phantom::analog {

const char* to_string(Transducer t) {
    switch (t) {
        case Transducer::Line:
            return "line";
        case Transducer::Dynamic:
            return "dynamic";
        case Transducer::Condenser:
            return "condenser";
        case Transducer::Ribbon:
            return "ribbon";
        case Transducer::SingleCoil:
            return "guitar";
        case Transducer::Humbucker:
            return "humbucker";
    }
    return "?";
}

const char* to_string(LevelUnit unit) {
    switch (unit) {
        case LevelUnit::None:
            return "";
        case LevelUnit::Dbu:
            return "dBu";
        case LevelUnit::Dbv:
            return "dBV";
        case LevelUnit::Dbfs:
            return "dBFS";
        case LevelUnit::DbSpl:
            return "dB SPL";
    }
    return "";
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t pos = s.find(sep, start);
        out.push_back(s.substr(start, pos - start));
        if (pos == std::string::npos) break;
        start = pos + 1;
    }
    return out;
}

bool within(double x, double lo, double hi) {
    return x >= lo && x <= hi;  // false for NaN
}

// "-20dBu" → (-20, Dbu). Returns false if the token is not a level at all.
bool parse_level(const std::string& token, double& level, LevelUnit& unit) {
    std::string head;
    static const std::pair<std::string_view, LevelUnit> kUnits[] = {
        {"dbspl", LevelUnit::DbSpl}, {"dbfs", LevelUnit::Dbfs}, {"dbu", LevelUnit::Dbu},
        {"dbv", LevelUnit::Dbv},     {"db", LevelUnit::DbSpl},
    };
    for (const auto& [suffix, u] : kUnits) {
        if (ends_with_ci(token, suffix, head)) {
            if (!parse_finite(head, level)) return false;
            unit = u;
            return true;
        }
    }
    return false;
}

// "nandBu", "infdBFS", "1e400dBu": meant as a level, but no finite number. A file's last part
// that reads like this is refused rather than taken as part of the path.
bool looks_like_a_level(const std::string& token) {
    std::string head;
    for (std::string_view suffix : {"dbspl", "dbfs", "dbu", "dbv", "db"}) {
        if (!ends_with_ci(token, suffix, head)) continue;
        std::string_view h = head;
        if (!h.empty() && (h.front() == '+' || h.front() == '-')) h.remove_prefix(1);
        if (h.empty()) return false;
        if (std::isdigit(static_cast<unsigned char>(h.front())) || h.front() == '.') return true;
        std::string lower(h);
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return lower == "nan" || lower == "inf" || lower == "infinity" ||
               lower.rfind("nan(", 0) == 0;
    }
    return false;
}

double parse_frequency(const std::string& token, const std::string& whole) {
    std::string head = token;
    double scale = 1.0;
    std::string stripped;
    if (ends_with_ci(head, "hz", stripped)) head = stripped;
    if (ends_with_ci(head, "k", stripped)) {
        head = stripped;
        scale = 1000.0;
    }
    double f = 0;
    if (!parse_finite(head, f))
        throw SourceSpecError(
            fmt::format("'{}': '{}' is not a frequency (expected e.g. 440, 1k, "
                        "1000Hz)",
                        whole, token));
    f *= scale;
    if (!within(f, kMinFrequencyHz, kMaxFrequencyHz))
        throw SourceSpecError(fmt::format(
            "'{}': frequency '{}' is outside {:g} Hz..{:g} kHz (up to the Nyquist frequency of "
            "192 kHz, the highest rate)",
            whole, token, kMinFrequencyHz, kMaxFrequencyHz / 1000));
    return f;
}

void check_level_unit(SourceSpec& s) {
    const std::string& whole = s.text;
    if (s.signal == SignalKind::Silence || s.signal == SignalKind::Outboard) return;  // no level
    if (is_microphone(s.transducer)) {
        if (s.unit != LevelUnit::DbSpl)
            throw SourceSpecError(
                fmt::format("'{}': a {} microphone takes a sound pressure level, e.g. 94dBSPL",
                            whole, to_string(s.transducer)));
        if (!within(s.level, 0, 160))
            throw SourceSpecError(fmt::format("'{}': {} dB SPL is outside 0..160", whole, s.level));
    } else if (is_pickup(s.transducer)) {
        if (s.unit != LevelUnit::Dbv && s.unit != LevelUnit::Dbu)
            throw SourceSpecError(fmt::format(
                "'{}': an instrument pickup takes its level in dBV, e.g. -20dBV", whole));
    } else {
        if (s.unit == LevelUnit::DbSpl)
            throw SourceSpecError(fmt::format(
                "'{}': dB SPL needs a microphone (dynamic:, condenser: or ribbon:); an electrical "
                "source takes dBu, dBV or dBFS",
                whole));
        if (s.unit == LevelUnit::None && s.signal != SignalKind::File)
            throw SourceSpecError(
                fmt::format("'{}': the level is missing (e.g. -20dBu, -10dBV, -6dBFS)", whole));
    }
    if ((is_microphone(s.transducer) || is_pickup(s.transducer)) && s.unit == LevelUnit::None)
        throw SourceSpecError(fmt::format("'{}': the level is missing", whole));
    if (s.unit != LevelUnit::DbSpl && !within(s.level, -200, 40))
        throw SourceSpecError(fmt::format("'{}': level {} is outside -200..+40", whole, s.level));
}

}  // namespace

namespace {

// outboard:OUTPUT[:delay=MS][:gain=DB][:hp=HZ][:lp=HZ][:invert][:reamp]; the ranges are the
// Outboard's own (checked again, against the sample rate, when the loop is made).
void parse_outboard(const std::vector<std::string>& parts, size_t i, SourceSpec& s) {
    const std::string& text = s.text;
    if (s.transducer != Transducer::Line)
        throw SourceSpecError(fmt::format(
            "'{}': outboard gear returns a line signal; no transducer goes before it", text));
    if (parts.size() - i < 2 || parts[i + 1].empty())
        throw SourceSpecError(fmt::format(
            "'{}': expected outboard:OUTPUT[:delay=MS][:gain=DB][:hp=HZ][:lp=HZ][:invert]"
            "[:reamp], e.g. outboard:line3:delay=2ms:gain=-3dB",
            text));
    s.signal = SignalKind::Outboard;
    s.loop_output = parts[i + 1];
    auto number = [&](const std::string& part, const std::string& value, const char* unit,
                      double lo, double hi) {
        std::string head = value;
        std::string bare;
        if (ends_with_ci(value, unit, bare)) head = bare;
        double x = 0;
        if (!parse_finite(head, x) || x < lo || x > hi)
            throw SourceSpecError(fmt::format("'{}': '{}' must be a number from {:g} to {:g} {}",
                                              text, part, lo, hi, unit));
        return x;
    };
    std::vector<std::string> seen;
    for (size_t k = i + 2; k < parts.size(); ++k) {
        const std::string& part = parts[k];
        const auto eq = part.find('=');
        const std::string key = part.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
        // Given twice, one of the two is a typo: say so rather than let the last one win.
        if (std::find(seen.begin(), seen.end(), key) != seen.end())
            throw SourceSpecError(
                fmt::format("'{}': '{}' is given twice; give each setting once", text, key));
        seen.push_back(key);
        if (part == "invert") {
            s.outboard.invert = true;
        } else if (part == "reamp") {
            s.outboard.reamp = true;
        } else if (key == "delay" && eq != std::string::npos) {
            s.outboard.delay_ms = number(part, value, "ms", 0.0, kMaxOutboardDelayMs);
        } else if (key == "gain" && eq != std::string::npos) {
            s.outboard.gain_db = number(part, value, "dB", -60.0, 40.0);
        } else if (key == "hp" && eq != std::string::npos) {
            s.outboard.highpass_hz = number(part, value, "Hz", 1.0, kMaxFrequencyHz);
        } else if (key == "lp" && eq != std::string::npos) {
            s.outboard.lowpass_hz = number(part, value, "Hz", 1.0, kMaxFrequencyHz);
        } else {
            throw SourceSpecError(fmt::format(
                "'{}': '{}' is not an outboard setting (delay=MS, gain=DB, hp=HZ, lp=HZ, "
                "invert, reamp)",
                text, part));
        }
    }
}

}  // namespace

SourceSpec parse_source_spec(const std::string& text) {
    SourceSpec s;
    s.text = text;
    if (text.empty())
        throw SourceSpecError("empty source (expected e.g. sine:440:-20dBu or a.wav)");
    std::vector<std::string> parts = split(text, ':');
    size_t i = 0;
    static const std::pair<std::string_view, Transducer> kTransducers[] = {
        {"dynamic", Transducer::Dynamic},     {"condenser", Transducer::Condenser},
        {"ribbon", Transducer::Ribbon},       {"guitar", Transducer::SingleCoil},
        {"humbucker", Transducer::Humbucker},
    };
    for (const auto& [name, t] : kTransducers)
        if (parts[0] == name) {
            s.transducer = t;
            i = 1;
        }
    if (i >= parts.size())
        throw SourceSpecError(fmt::format("'{}': a signal must follow the transducer", text));
    const std::string& kind = parts[i];
    auto need = [&](size_t count, const char* form) {
        if (parts.size() - i != count)
            throw SourceSpecError(fmt::format("'{}': expected {}", text, form));
    };
    auto level_at = [&](size_t k) {
        if (!parse_level(parts[k], s.level, s.unit))
            throw SourceSpecError(fmt::format(
                "'{}': '{}' is not a level (expected a finite number with dBu, dBV, dBFS or "
                "dBSPL, e.g. -20dBu)",
                text, parts[k]));
    };
    if (kind == "sine") {
        need(3, "sine:FREQ:LEVEL, e.g. sine:440:-20dBu");
        s.signal = SignalKind::Sine;
        s.frequency_hz = parse_frequency(parts[i + 1], text);
        level_at(i + 2);
    } else if (kind == "pink") {
        need(2, "pink:LEVEL, e.g. pink:-30dBu");
        s.signal = SignalKind::Pink;
        level_at(i + 1);
    } else if (kind == "sweep") {
        if (parts.size() - i != 4 && parts.size() - i != 5)
            throw SourceSpecError(fmt::format("'{}': expected sweep:F1:F2:LEVEL[:SECONDS]", text));
        s.signal = SignalKind::Sweep;
        s.frequency_hz = parse_frequency(parts[i + 1], text);
        s.frequency2_hz = parse_frequency(parts[i + 2], text);
        if (s.frequency_hz == s.frequency2_hz)
            throw SourceSpecError(
                fmt::format("'{}': a sweep needs two different frequencies", text));
        level_at(i + 3);
        if (parts.size() - i == 5) {
            std::string secs = parts[i + 4], head;
            if (ends_with_ci(secs, "s", head)) secs = head;
            if (!parse_finite(secs, s.period_s) || !within(s.period_s, 0.01, 3600))
                throw SourceSpecError(fmt::format("'{}': sweep period '{}' must be 0.01..3600 s",
                                                  text, parts[i + 4]));
        }
    } else if (kind == "impulse") {
        need(2, "impulse:LEVEL, e.g. impulse:0dBFS");
        s.signal = SignalKind::Impulse;
        level_at(i + 1);
    } else if (kind == "outboard") {
        parse_outboard(parts, i, s);
    } else if (kind == "silence") {
        need(1, "silence");
        s.signal = SignalKind::Silence;
    } else {
        // A file: the last part is a level if it parses as one; the rest is the path.
        s.signal = SignalKind::File;
        size_t end = parts.size();
        if (end - i >= 2 && parse_level(parts[end - 1], s.level, s.unit))
            --end;
        else if (end - i >= 2 && looks_like_a_level(parts[end - 1]))
            level_at(end - 1);  // throws: not a finite level
        std::string path;
        for (size_t k = i; k < end; ++k)
            path += (k > i ? ":" : "") + parts[k];
        if (auto hash = path.rfind('#'); hash != std::string::npos) {
            double ch = 0;
            // Range before the cast: a double beyond int's range converts to anything.
            if (!parse_finite(std::string_view(path).substr(hash + 1), ch) ||
                !within(ch, 1, kMaxFileChannels) || ch != std::floor(ch))
                throw SourceSpecError(fmt::format(
                    "'{}': '{}' is not a channel number (expected FILE#1, FILE#2 … up to #{})",
                    text, path.substr(hash + 1), kMaxFileChannels));
            s.file_channel = static_cast<int>(ch) - 1;
            path.resize(hash);
        }
        if (path.empty()) throw SourceSpecError(fmt::format("'{}': the file path is empty", text));
        s.path = path;
    }
    check_level_unit(s);
    return s;
}

}  // namespace phantom::analog
