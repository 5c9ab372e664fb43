// phantom meters: the running instance's meters as text. The API gives each channel the peak
// of its last block and the peak held over the last 2 s; polled ten times a second, the block
// peaks alone miss almost every drum hit. So a rise of the held peak counts as a peak that
// happened between two readings, and the shown peak falls back at the panel's 24 dB/s.
// On a terminal the table is redrawn in place, each row with the channel's name (/name/ID);
// piped, each reading is one line of ids, the keys a script can rely on.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "commands.hpp"
#include "phantom/control/results.hpp"
#include "remote_call.hpp"

namespace phantom::cli {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kFloorDbfs = control::kMeterFloorDbfs;
constexpr double kFallDbPerS = 24.0;  // as the panel's bars (web/js/meters.js)
constexpr auto kTick = std::chrono::milliseconds(100);
// --once: a whole window of readings. One second covers the RMS's 300 ms time constant to
// within 0.2 dB, and any peak in it shows as the held peak's rise.
constexpr auto kOnceWindow = std::chrono::milliseconds(1000);
constexpr auto kOncePoll = std::chrono::milliseconds(50);

struct Row {
    std::string id;
    std::string name;  // the user's name for the channel ("Kick"), "" when it is the id
    double shown_dbfs = kFloorDbfs;  // the bar: highest recent peak, falling back
    double hold_dbfs = kFloorDbfs;   // the instance's 2 s hold, as the panel's line
    double rms_dbfs = kFloorDbfs;
    bool clip = false;
    bool seen = false;
};

class MeterTable {
  public:
    // One reading `dt_s` after the previous. `falling` off: the peak of the window is kept.
    void update(const json& meters, double dt_s, bool falling) {
        size_t k = 0;
        for (const char* group : {"inputs", "outputs"}) {
            for (const auto& e : meters[group]) {
                if (k == rows_.size()) {
                    rows_.emplace_back();
                    rows_.back().id = e["id"].get<std::string>();
                }
                Row& row = rows_[k++];
                const double peak = e["peak_dbfs"].get<double>();
                const double hold = e["hold_dbfs"].get<double>();
                // A held peak that changed was reached since the last reading (it only rises,
                // or restarts from the current block's peak when its 2 s are over).
                const double fresh =
                    (!row.seen || hold != row.hold_dbfs) ? std::max(peak, hold) : peak;
                const double fallen =
                    falling ? row.shown_dbfs - kFallDbPerS * dt_s : row.shown_dbfs;
                row.shown_dbfs = std::max({fresh, fallen, kFloorDbfs});
                row.hold_dbfs = hold;
                row.rms_dbfs = e["rms_dbfs"].get<double>();
                row.clip = e["clip"].get<bool>();
                row.seen = true;
            }
        }
    }

    // "main.L" is named after "main"; an instance without names (older) leaves them empty.
    void set_names(const json& params) {
        std::map<std::string, std::string> names;
        if (params.is_array())
            for (const auto& p : params)
                if (p["value"].is_string())
                    names[p["path"].get<std::string>().substr(6)] = p["value"].get<std::string>();
        for (Row& r : rows_) {
            const size_t dot = r.id.find('.');
            const auto it = names.find(r.id.substr(0, dot));
            r.name = it == names.end()
                         ? std::string()
                         : it->second + (dot == std::string::npos ? std::string()
                                                                  : " " + r.id.substr(dot + 1));
        }
    }

    void print_table() const {
        for (const Row& r : rows_)
            std::printf("%-8s %-20.20s %s %s dBFS  hold %s  rms %s%s\n", r.id.c_str(),
                        r.name.c_str(), bar(r.shown_dbfs, r.hold_dbfs).c_str(),
                        level(r.shown_dbfs).c_str(), level(r.hold_dbfs).c_str(),
                        level(r.rms_dbfs).c_str(), r.clip ? "  CLIP" : "");
    }

    // "0.10 in1=-12.3 in2=-inf … main.L=-6.0 clip=in5": one reading per line, for a pipe.
    void print_line(double t_s) const {
        std::string line = fmt::format("{:.2f}", t_s), clips;
        for (const Row& r : rows_) {
            line += fmt::format(" {}={}", r.id, trimmed(level(r.shown_dbfs)));
            if (r.clip) clips += (clips.empty() ? "" : ",") + r.id;
        }
        std::printf("%s%s\n", line.c_str(), clips.empty() ? "" : (" clip=" + clips).c_str());
    }

  private:
    static std::string level(double dbfs) {
        return dbfs <= kFloorDbfs ? std::string(" -inf") : fmt::format("{:5.1f}", dbfs);
    }
    static std::string trimmed(std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        return s;
    }
    // -60 … 0 dBFS over 40 characters; the held peak as '|'.
    static std::string bar(double dbfs, double hold_dbfs) {
        constexpr int kWidth = 40;
        auto cells = [](double db) {
            return static_cast<int>(std::lround(std::clamp((db + 60.0) / 60.0, 0.0, 1.0) * kWidth));
        };
        std::string out(static_cast<size_t>(kWidth), '.');
        std::fill_n(out.begin(), cells(dbfs), '#');
        if (const int h = cells(hold_dbfs); h > 0) out[static_cast<size_t>(h - 1)] = '|';
        return out;
    }

    std::vector<Row> rows_;
};

// The channels' names; none from an instance that has no /name (an older one).
json names_of(const Remote& r) {
    try {
        return call(r, "GET", "/api/params?prefix=%2Fname%2F");
    } catch (const UsageError&) {
        return json::array();
    }
}

}  // namespace

void add_meters_command(CLI::App& app) {
    auto r = std::make_shared<Remote>();
    struct Options {
        bool once = false, plain = false;
        double duration_s = 0;
    };
    auto o = std::make_shared<Options>();
    auto* meters = add_remote_subcommand(
        app, r, "meters",
        "Live meters of the running Phantom: peak (held, falling back at 24 dB/s), the 2 s "
        "peak hold, RMS, clip; redrawn on a terminal, one line per reading when piped");
    meters->add_flag("--once", o->once, "gather one meter window (1 s), print it and exit");
    meters->add_flag("--plain", o->plain,
                     "one line per reading, no screen clearing (the default when piped)");
    meters->add_option("--duration", o->duration_s, "stop after this many seconds")
        ->check(CLI::PositiveNumber);
    meters->callback([r, o] {
        const bool tty = ::isatty(STDOUT_FILENO) != 0;
        const bool plain = o->plain || !tty;
        MeterTable table;
        const auto start = Clock::now();
        auto last = start;
        if (o->once) {
            json a;
            while (true) {
                a = call(*r, "GET", "/api/meters");
                const auto now = Clock::now();
                table.update(a, std::chrono::duration<double>(now - last).count(), false);
                last = now;
                if (now - start >= kOnceWindow) {
                    table.set_names(names_of(*r));
                    break;
                }
                std::this_thread::sleep_for(kOncePoll);
            }
            print_or_json(*r, a, [&] { table.print_table(); });
            return;
        }
        auto next_names = start;
        for (;;) {
            json a = call(*r, "GET", "/api/meters");
            const auto now = Clock::now();
            table.update(a, std::chrono::duration<double>(now - last).count(), true);
            last = now;
            if (!plain && now >= next_names) {  // a rename shows within two seconds
                table.set_names(names_of(*r));
                next_names = now + std::chrono::seconds(2);
            }
            const double t_s = std::chrono::duration<double>(now - start).count();
            print_or_json(*r, a, [&] {
                if (plain) {
                    table.print_line(t_s);
                } else {
                    std::printf("\033[H\033[2J");
                    table.print_table();
                }
            });
            std::fflush(stdout);
            if (o->duration_s > 0 && t_s >= o->duration_s) return;
            std::this_thread::sleep_for(kTick);
        }
    });
}

}  // namespace phantom::cli
