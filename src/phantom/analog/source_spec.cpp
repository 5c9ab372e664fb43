#include "phantom/analog/source_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

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

bool parse_double(std::string_view text, double& out) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

bool ends_with_ci(const std::string& s, std::string_view suffix, std::string& head) {
    if (s.size() <= suffix.size()) return false;
    for (size_t i = 0; i < suffix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) !=
            std::tolower(static_cast<unsigned char>(suffix[i])))
            return false;
    head = s.substr(0, s.size() - suffix.size());
    return true;
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
            if (!parse_double(head, level)) return false;
            unit = u;
            return true;
        }
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
    if (!parse_double(head, f) || f <= 0)
        throw SourceSpecError(
            fmt::format("'{}': '{}' is not a frequency (expected e.g. 440, 1k, "
                        "1000Hz)",
                        whole, token));
    return f * scale;
}

void check_level_unit(SourceSpec& s) {
    const std::string& whole = s.text;
    if (s.signal == SignalKind::Silence) return;
    if (is_microphone(s.transducer)) {
        if (s.unit != LevelUnit::DbSpl)
            throw SourceSpecError(
                fmt::format("'{}': a {} microphone takes a sound pressure level, e.g. 94dBSPL",
                            whole, to_string(s.transducer)));
        if (s.level < 0 || s.level > 160)
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
    if (s.unit != LevelUnit::DbSpl && (s.level > 40 || s.level < -200))
        throw SourceSpecError(fmt::format("'{}': level {} is outside -200..+40", whole, s.level));
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
                "'{}': '{}' is not a level (expected a number with dBu, dBV, dBFS or dBSPL)", text,
                parts[k]));
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
        level_at(i + 3);
        if (parts.size() - i == 5) {
            std::string secs = parts[i + 4], head;
            if (ends_with_ci(secs, "s", head)) secs = head;
            if (!parse_double(secs, s.period_s) || s.period_s < 0.01 || s.period_s > 3600)
                throw SourceSpecError(fmt::format("'{}': sweep period '{}' must be 0.01..3600 s",
                                                  text, parts[i + 4]));
        }
    } else if (kind == "impulse") {
        need(2, "impulse:LEVEL, e.g. impulse:0dBFS");
        s.signal = SignalKind::Impulse;
        level_at(i + 1);
    } else if (kind == "silence") {
        need(1, "silence");
        s.signal = SignalKind::Silence;
    } else {
        // A file: the last part is a level if it parses as one; the rest is the path.
        s.signal = SignalKind::File;
        size_t end = parts.size();
        if (end - i >= 2 && parse_level(parts[end - 1], s.level, s.unit)) --end;
        std::string path;
        for (size_t k = i; k < end; ++k)
            path += (k > i ? ":" : "") + parts[k];
        if (auto hash = path.rfind('#'); hash != std::string::npos) {
            double ch = 0;
            if (!parse_double(std::string_view(path).substr(hash + 1), ch) || ch < 1 ||
                ch != static_cast<int>(ch))
                throw SourceSpecError(
                    fmt::format("'{}': '{}' is not a channel number (expected FILE#1, FILE#2 …)",
                                text, path.substr(hash + 1)));
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
