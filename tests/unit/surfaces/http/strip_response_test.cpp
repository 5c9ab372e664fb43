// GET /api/strips/<id>/response through a real socket: the response curve of a strip's filters
// as designed at the running rate. The expected values are computed here from the filters'
// math, not by the code under test: an RBJ bell reads its gain at its frequency and an RBJ
// shelf half its gain at its midpoint; a Butterworth high-pass of order n reads
// 10·log10(1 / (1 + (f/fc)^-2n)) (−3.01 dB at fc, −12.30 dB an octave below for n = 2); a
// section that is off reads 0 dB everywhere. A bad request is refused with its reason and
// changes nothing.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>

#include "http_test_support.hpp"
#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

// 31 points from 20 Hz to 20 kHz are 20·10^(k/10): 200 Hz at k = 10, 2 kHz at k = 20.
constexpr int kPoints = 31;
double grid_hz(int k) {
    return 20.0 * std::pow(10.0, k / 10.0);
}
constexpr size_t k200Hz = 10, k2kHz = 20;

double butterworth_high_pass_db(double f_hz, double fc_hz, int order) {
    return 10.0 * std::log10(1.0 / (1.0 + std::pow(f_hz / fc_hz, -2.0 * order)));
}

// The RBJ cookbook's peaking EQ (Bristow-Johnson, "Cookbook formulae for audio EQ biquad
// filter coefficients"), its magnitude at f_hz evaluated on the unit circle.
double rbj_peaking_db(double f_hz, double f0_hz, double q, double gain_db, double rate_hz) {
    const double pi = std::acos(-1.0);
    const double a = std::pow(10.0, gain_db / 40.0), w0 = 2 * pi * f0_hz / rate_hz;
    const double alpha = std::sin(w0) / (2 * q), c = std::cos(w0);
    const std::complex<double> z1 = std::polar(1.0, -2 * pi * f_hz / rate_hz), z2 = z1 * z1;
    const auto num = (1 + alpha * a) - 2 * c * z1 + (1 - alpha * a) * z2;
    const auto den = (1 + alpha / a) - 2 * c * z1 + (1 - alpha / a) * z2;
    return 20 * std::log10(std::abs(num / den));
}

class StripResponse : public test::ServedInterface {
  protected:
    json response(const std::string& id) {
        return ok("GET", "/api/strips/" + id + "/response?points=" + std::to_string(kPoints));
    }
    void set(const std::string& batch) { ok("POST", "/api/params", batch); }
    static std::vector<double> curve(const json& r, const char* key) {
        return r.at(key).get<std::vector<double>>();
    }
};

TEST_F(StripResponse, TheGridIsLogSpacedFrom20HzTo20kHz) {
    const json r = response("in1");
    EXPECT_EQ(r["rate_hz"], 48000);
    EXPECT_EQ(r["kind"], "input");
    EXPECT_EQ(r["points"], kPoints);
    const auto f = curve(r, "freq_hz");
    ASSERT_EQ(f.size(), size_t(kPoints));
    for (int k = 0; k < kPoints; ++k)
        EXPECT_NEAR(f[size_t(k)], grid_hz(k), 0.01) << k;
    // Without ?points the panel's default.
    EXPECT_EQ(ok("GET", "/api/strips/in1/response")["freq_hz"].size(), 256u);
}

TEST_F(StripResponse, EverySectionOffReadsZeroEverywhere) {
    // Gains set, but the sections' switches off: the strip does not touch the signal.
    set(R"({"/input/in1/eq/mid1/gain": 12, "/input/in1/eq/low/gain": -9,
            "/input/in1/lowcut/freq": 300, "/output/main/eq/3/on": true,
            "/output/main/eq/3/gain": 10})");
    for (const char* id : {"in1", "in2", "adat1", "main", "hp1"}) {
        const json r = response(id);
        for (const char* key : {"eq_db", "total_db"})
            for (double db : curve(r, key))
                EXPECT_EQ(db, 0.0) << id << " " << key;
        EXPECT_EQ(r["eq_on"], false) << id;
        if (r["kind"] == "input")
            for (double db : curve(r, "lowcut_db"))
                EXPECT_EQ(db, 0.0) << id;
        else
            EXPECT_FALSE(r.contains("lowcut_db")) << id;  // outputs have no low cut
    }
}

TEST_F(StripResponse, ABellReadsItsGainAtItsFrequency) {
    set(R"({"/input/in1/eq/on": true, "/input/in1/eq/mid1/freq": 2000,
            "/input/in1/eq/mid1/gain": 6, "/input/in1/eq/mid1/q": 1})");
    const json r = response("in1");
    EXPECT_EQ(r["eq_on"], true);
    const auto eq = curve(r, "eq_db"), total = curve(r, "total_db");
    EXPECT_NEAR(eq[k2kHz], 6.0, 0.05);
    for (int k = 0; k < kPoints; ++k)  // the whole curve is the cookbook's bell
        EXPECT_NEAR(eq[size_t(k)], rbj_peaking_db(grid_hz(k), 2000, 1, 6, 48000), 0.05)
            << grid_hz(k) << " Hz";
    // Its peak, nothing at the far end, and the total is the EQ alone (the low cut is off).
    EXPECT_EQ(std::max_element(eq.begin(), eq.end()) - eq.begin(), long(k2kHz));
    EXPECT_NEAR(eq[0], 0.0, 0.05);
    for (size_t k = 0; k < eq.size(); ++k)
        EXPECT_NEAR(total[k], eq[k], 1e-3) << k;
    for (double db : curve(r, "lowcut_db"))
        EXPECT_EQ(db, 0.0);
    // A cut is the mirror image: −6 dB at the centre.
    set(R"({"/input/in1/eq/mid1/gain": -6})");
    EXPECT_NEAR(curve(response("in1"), "eq_db")[k2kHz], -6.0, 0.05);
}

TEST_F(StripResponse, AShelfReadsHalfItsGainAtItsMidpoint) {
    set(R"({"/input/in2/eq/on": true, "/input/in2/eq/low/freq": 200,
            "/input/in2/eq/low/gain": 12})");
    const auto eq = curve(response("in2"), "eq_db");
    EXPECT_NEAR(eq[k200Hz], 6.0, 0.05);
    EXPECT_NEAR(eq[0], 12.0, 0.5);      // well below the corner: the whole shelf
    EXPECT_NEAR(eq.back(), 0.0, 0.05);  // far above it: nothing
    // The low band as a bell instead: the whole gain at its frequency.
    set(R"({"/input/in2/eq/low/type": "bell"})");
    EXPECT_NEAR(curve(response("in2"), "eq_db")[k200Hz], 12.0, 0.05);
}

TEST_F(StripResponse, TheLowCutIsAButterworthHighPassOfItsOrder) {
    const std::pair<const char*, int> slopes[] = {{"12", 2}, {"18", 3}, {"24", 4}};
    for (const auto& [slope, order] : slopes) {
        set(fmt::format(R"({{"/input/in3/lowcut/on": true, "/input/in3/lowcut/freq": 200,
                             "/input/in3/lowcut/slope": "{}"}})",
                        slope));
        const json r = response("in3");
        EXPECT_EQ(r["lowcut_on"], true);
        const auto lowcut = curve(r, "lowcut_db"), total = curve(r, "total_db");
        EXPECT_NEAR(lowcut[k200Hz], -3.0103, 0.05) << slope;
        for (int k = 0; k < kPoints; ++k) {
            EXPECT_NEAR(lowcut[size_t(k)], butterworth_high_pass_db(grid_hz(k), 200, order), 0.05)
                << slope << " dB/oct at " << grid_hz(k) << " Hz";
            EXPECT_NEAR(total[size_t(k)], lowcut[size_t(k)], 1e-3);
        }
    }
    // An octave below a 12 dB/oct corner: 10·log10(1/17) = −12.30 dB. The corner is put at
    // twice grid point 5 (63.2 Hz).
    set(fmt::format(R"({{"/input/in3/lowcut/slope": "12", "/input/in3/lowcut/freq": {}}})",
                    2 * grid_hz(5)));
    EXPECT_NEAR(curve(response("in3"), "lowcut_db")[5], 10 * std::log10(1.0 / 17), 0.05);
}

TEST_F(StripResponse, TheLowCutAndTheEqAddUp) {
    set(R"({"/input/in4/lowcut/on": true, "/input/in4/lowcut/freq": 200,
            "/input/in4/eq/on": true, "/input/in4/eq/mid2/freq": 2000,
            "/input/in4/eq/mid2/gain": 9})");
    const json r = response("in4");
    const auto lowcut = curve(r, "lowcut_db"), eq = curve(r, "eq_db"), total = curve(r, "total_db");
    for (size_t k = 0; k < total.size(); ++k)
        EXPECT_NEAR(total[k], lowcut[k] + eq[k], 1e-3) << k;
    EXPECT_NEAR(total[k2kHz], 9.0 + butterworth_high_pass_db(2000, 200, 2), 0.05);
}

TEST_F(StripResponse, AnOutputsRoomEqBandReadsItsGain) {
    set(R"({"/output/main/eq/on": true, "/output/main/eq/7/on": true,
            "/output/main/eq/7/freq": 2000, "/output/main/eq/7/gain": -9,
            "/output/hp1/eq/on": true, "/output/hp1/eq/2/on": true,
            "/output/hp1/eq/2/type": "low_shelf", "/output/hp1/eq/2/freq": 200,
            "/output/hp1/eq/2/gain": 8})");
    const json main = response("main");
    EXPECT_EQ(main["kind"], "output");
    EXPECT_EQ(main["eq_on"], true);
    EXPECT_NEAR(curve(main, "eq_db")[k2kHz], -9.0, 0.05);
    EXPECT_NEAR(curve(main, "total_db")[k2kHz], -9.0, 0.05);
    EXPECT_NEAR(curve(response("hp1"), "eq_db")[k200Hz], 4.0, 0.05);
    // A band switched off leaves the section flat.
    set(R"({"/output/main/eq/7/on": false})");
    for (double db : curve(response("main"), "eq_db"))
        EXPECT_EQ(db, 0.0);
}

TEST_F(StripResponse, ABadRequestIsRefusedWithItsReasonAndChangesNothing) {
    set(R"({"/input/in1/eq/mid1/gain": 3})");  // a strip parameter set, but no strip made
    const std::vector<double> before = iface.params().values();
    struct Case {
        std::string path;
        int status;
        std::string says;
    };
    const Case cases[] = {
        {"/api/strips/in1/response?points=1", 400, "from 2 to 1024"},
        {"/api/strips/in1/response?points=0", 400, "from 2 to 1024"},
        {"/api/strips/in1/response?points=1025", 400, "from 2 to 1024"},
        {"/api/strips/in1/response?points=-4", 400, "from 2 to 1024"},
        {"/api/strips/in1/response?points=2.5", 400, "whole number"},
        {"/api/strips/in1/response?points=abc", 400, "'abc'"},
        {"/api/strips/in1/response?points=", 400, "whole number"},
        {"/api/strips/in1/response?points=99999999999999999999", 400, "whole number"},
        {"/api/strips/in1/response?points=8&points=9", 400, "given once"},
        {"/api/strips/in1/response?pts=8", 400, "unknown query parameter 'pts'"},
        {"/api/strips/nope/response", 404, "no channel strip 'nope'"},
        {"/api/strips/pb1/response", 404, "pb1 has no channel strip"},
        {"/api/strips/in1", 404, "/api/strips/<id>/response"},
        {"/api/strips/in1/response/x", 404, "/api/strips/<id>/response"},
        {"/api/strips", 404, "/api/strips/<id>/response"},
    };
    for (const auto& c : cases) {
        const HttpResult r = call("GET", c.path);
        EXPECT_EQ(r.status, c.status) << c.path << ": " << r.body;
        const json e = json::parse(r.body);
        EXPECT_NE(e.value("error", "").find(c.says), std::string::npos) << c.path << ": " << r.body;
    }
    const HttpResult post =
        call("POST", "/api/strips/in1/response", "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(post.status, 405) << post.body;
    EXPECT_EQ(iface.params().values(), before);
    for (const auto& strip : iface.strips().inputs)
        EXPECT_EQ(strip, nullptr);  // asking for a curve makes no strip
}

// Straight through the router, at other rates: the response is designed for the running rate.
json route(control::Controller& c, const std::string& path, int expect_status = 200) {
    const auto q = path.find('?');
    ApiRequest r{"GET", path.substr(0, q), q == std::string::npos ? "" : path.substr(q + 1), ""};
    const ApiResponse a = route_api(c, r);
    EXPECT_EQ(a.status, expect_status) << path << ": " << a.body;
    return a.body;
}

TEST(StripResponseRate, TheCurveIsTheFilterAtTheRunningRate) {
    for (std::uint32_t rate : {44100u, 96000u}) {
        engine::Interface iface{device::load_device("studio-8x8"), rate, 256};
        control::Controller c{iface, true};
        c.apply({{"/input/in1/eq/on", true},
                 {"/input/in1/eq/mid2/freq", 20000.0},
                 {"/input/in1/eq/mid2/q", 20.0},
                 {"/input/in1/eq/mid2/gain", 12.0}});
        const json r = route(c, "/api/strips/in1/response?points=31");
        EXPECT_EQ(r["rate_hz"], rate);
        const double at_20k = r["eq_db"].back().get<double>();
        // Below 0.45 × the rate the band is where it was set; above, it acts at 0.45 × the
        // rate (docs/parameters.md): 19845 Hz at 44.1 kHz, and 20 kHz is on its slope.
        const double f0_hz = std::min(20000.0, 0.45 * rate);
        EXPECT_NEAR(at_20k, rbj_peaking_db(20000, f0_hz, 20, 12, rate), 0.05) << rate;
        if (rate == 96000) {
            EXPECT_NEAR(at_20k, 12.0, 0.05);
            // S/MUX: ADAT carries 4 channels at 96 kHz, adat7 is not there.
            const json absent = route(c, "/api/strips/adat7/response", 409);
            EXPECT_NE(absent["error"].get<std::string>().find("adat7 does not exist at 96000 Hz"),
                      std::string::npos)
                << absent;
        } else {
            EXPECT_LT(at_20k, 11.5);
        }
    }
}

}  // namespace
}  // namespace phantom::http
