#include "phantom/surfaces/http/strip_response_route.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "phantom/dsp/biquad_chain.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/engine/strip_coefficients.hpp"
#include "phantom/surfaces/http/json_codec.hpp"

namespace phantom::http {

using control::CommandError;
using control::ErrorKind;
using nlohmann::json;

namespace {

constexpr double kLowHz = 20.0, kHighHz = 20000.0;
// A response of exactly zero (a low-pass band at Nyquist) is drawn at the meters' silence, not
// sent as -inf (which JSON has no number for).
constexpr double kFloorDb = -150.0;

[[noreturn]] void malformed(const std::string& message, const std::string& path) {
    throw CommandError(ErrorKind::Malformed, message, path);
}

// The query's `points` (the only key it takes besides the access token), or the default.
int points_from(const std::string& query, const std::string& where, const std::string& path) {
    std::optional<int> points;
    for (const auto& [key, text] : query_items(query)) {
        if (key == "token") continue;  // the access token (http_guard), checked before this
        if (key != "points")
            malformed(fmt::format("{}: unknown query parameter '{}' (the only one is points)",
                                  where, replace_invalid_utf8(key)),
                      path);
        int n = 0;
        const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (points || ec != std::errc() || p != text.data() + text.size() ||
            n < kStripResponseMinPoints || n > kStripResponseMaxPoints)
            malformed(fmt::format("{}: points must be given once, a whole number from {} to {} "
                                  "(got '{}')",
                                  where, kStripResponseMinPoints, kStripResponseMaxPoints,
                                  replace_invalid_utf8(text)),
                      path);
        points = n;
    }
    return points.value_or(kStripResponseDefaultPoints);
}

// What one strip needs to be designed, copied out under the controller's lock.
struct StripCopy {
    bool input = false;
    params::InputStripIds input_ids;
    params::OutputStripIds output_ids;
    std::vector<double> values;
    double rate_hz = 0;
    std::uint32_t rate_hz_int = 0;
};

StripCopy find_strip(control::Controller& c, const std::string& id, const std::string& where,
                     const std::string& path) {
    return c.with_interface([&](engine::Interface& iface) {
        StripCopy copy;
        const auto& layout = iface.layout();
        const std::string absent = iface.presence().why_absent(id);
        auto refuse_absent = [&] {
            if (!absent.empty())
                throw CommandError(ErrorKind::NotAvailable, fmt::format("{}: {}", where, absent),
                                   path);
        };
        bool found = false;
        for (size_t s = 0; s < layout.sources.size() && !found; ++s) {
            if (layout.sources[s].id != id) continue;
            if (!layout.input_strips[s].present())
                throw CommandError(ErrorKind::UnknownPath,
                                   fmt::format("{}: {} has no channel strip (playback channels "
                                               "have none; hardware inputs and outputs do)",
                                               where, id),
                                   path);
            refuse_absent();
            copy.input = true;
            copy.input_ids = layout.input_strips[s];
            found = true;
        }
        const auto& outputs = iface.spec().outputs;
        for (size_t o = 0; o < outputs.size() && !found; ++o) {
            if (outputs[o].id != id) continue;
            refuse_absent();
            copy.output_ids = layout.output_strips[o];
            found = true;
        }
        if (!found)
            throw CommandError(ErrorKind::UnknownPath,
                               fmt::format("{}: no channel strip '{}' (a hardware input such as "
                                           "in1, or an output such as main)",
                                           where, replace_invalid_utf8(id)),
                               replace_invalid_utf8(path));
        copy.values = iface.params().values();
        copy.rate_hz_int = iface.sample_rate_hz();
        copy.rate_hz = copy.rate_hz_int;
        return copy;
    });
}

double rounded(double x) {
    return std::round(x * 1e4) / 1e4;
}

// The chain's response on `freq_hz`; an empty chain (off) is 0 dB everywhere.
std::vector<double> curve(const dsp::BiquadChainCoefficients* chain,
                          const std::vector<double>& freq_hz, double rate_hz) {
    std::vector<double> db(freq_hz.size(), 0.0);
    if (!chain) return db;
    for (size_t k = 0; k < freq_hz.size(); ++k) {
        const double v = dsp::chain_magnitude_db(*chain, freq_hz[k], rate_hz);
        db[k] = v > kFloorDb ? v : kFloorDb;  // -inf and NaN too
    }
    return db;
}

json rounded_json(const std::vector<double>& v) {
    json out = json::array();
    for (double x : v)
        out.push_back(rounded(x));
    return out;
}

}  // namespace

ApiResponse strip_response_route(control::Controller& c, const ApiRequest& r,
                                 const std::string& rest) {
    // "/in1/response" → "in1"
    const std::string suffix = "/response";
    const bool shaped = rest.size() > suffix.size() + 1 && rest[0] == '/' &&
                        rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                        rest.find('/', 1) == rest.size() - suffix.size();
    if (!shaped)
        throw CommandError(ErrorKind::UnknownPath,
                           fmt::format("{}: no such endpoint (a strip's response is GET "
                                       "/api/strips/<id>/response?points=N)",
                                       replace_invalid_utf8(r.path)),
                           replace_invalid_utf8(r.path));
    if (r.method != "GET") return method_not_allowed(r, "GET");
    const std::string id = rest.substr(1, rest.size() - 1 - suffix.size());
    const std::string where = "GET " + r.path;
    const int points = points_from(r.query, where, r.path);
    const StripCopy strip = find_strip(c, id, where, r.path);

    std::vector<double> freq_hz(static_cast<size_t>(points));
    for (int k = 0; k < points; ++k)  // log-spaced, both ends exact
        freq_hz[static_cast<size_t>(k)] =
            k == points - 1 ? kHighHz
                            : kLowHz * std::pow(kHighHz / kLowHz, double(k) / (points - 1));

    json body = {{"id", id}, {"rate_hz", strip.rate_hz_int}, {"points", points}};
    std::vector<double> total(freq_hz.size(), 0.0);
    auto add = [&](const std::vector<double>& part) {
        for (size_t k = 0; k < total.size(); ++k)
            total[k] = std::max(total[k] + part[k], kFloorDb);
    };
    if (strip.input) {
        const engine::InputStripCoefficients k =
            engine::input_coefficients(strip.input_ids, strip.values, strip.rate_hz);
        const auto lowcut = curve(k.low_cut_on ? &k.low_cut : nullptr, freq_hz, strip.rate_hz);
        const auto eq = curve(k.eq_on ? &k.eq : nullptr, freq_hz, strip.rate_hz);
        add(lowcut);
        add(eq);
        body["kind"] = "input";
        body["lowcut_on"] = k.low_cut_on;
        body["eq_on"] = k.eq_on;
        body["lowcut_db"] = rounded_json(lowcut);
        body["eq_db"] = rounded_json(eq);
    } else {
        const engine::OutputStripCoefficients k =
            engine::output_coefficients(strip.output_ids, strip.values, strip.rate_hz);
        const auto eq = curve(k.eq_on ? &k.eq : nullptr, freq_hz, strip.rate_hz);
        add(eq);
        body["kind"] = "output";
        body["eq_on"] = k.eq_on;
        body["eq_db"] = rounded_json(eq);
    }
    json freqs = json::array();
    for (double f : freq_hz)
        freqs.push_back(std::round(f * 100) / 100);
    body["freq_hz"] = std::move(freqs);
    body["total_db"] = rounded_json(total);
    return {200, std::move(body), {}};
}

}  // namespace phantom::http
