// A small stand-in for libFuzzer, linked with every fuzz target in the normal build (g++, no
// sanitizer needed): it runs each corpus file, then a bounded number of random mutations of
// them from a fixed seed that it prints, so a ctest run is short and repeatable. An input that
// crashes the target is written to crash-<seed>-<n> in the current folder first.
//
//   <name>_fuzz [--mutations N] [--seed S] [--max-len BYTES] CORPUS_DIR_OR_FILE...
//
// scripts/fuzz.sh links the same targets with libFuzzer under ASan and UBSan instead.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

// What the crash handler writes out: set before each run, read only in the handler.
const std::string* g_current = nullptr;
char g_crash_name[64] = "crash";

extern "C" void on_crash(int signal) {
    if (g_current) {
        const int fd = ::open(g_crash_name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ssize_t unused = ::write(fd, g_current->data(), g_current->size());
            (void)unused;
            ::close(fd);
        }
        const char msg[] = "standalone fuzz driver: the target crashed; input written to ";
        ssize_t unused = ::write(2, msg, sizeof msg - 1);
        unused = ::write(2, g_crash_name, std::strlen(g_crash_name));
        unused = ::write(2, "\n", 1);
        (void)unused;
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

// Tokens the parsers under test treat specially: numbers at the edges of double, brackets,
// quotes, separators, and the words of the formats.
const char* const kTokens[] = {
    "nan",          "inf",         "-inf",  "1e400", "-1e400",     "1e-400", "4294967298",
    "-1",           "0",           "1e308", "[",     "]",          "{",      "}",
    "\"",           "\\",          ":",     "=",     ",",          "#",      "\n",
    "[[output]]\n", "dBu",         "dBFS",  "dBSPL", "k",          "Hz",     "sine:",
    "sweep:",       "\xc3",        "\xff",  "\x00",  "9999999999", "true",   "\"params\"",
    "\"device\"",   "[[input]]\n",
};

std::string mutate(std::string s, std::mt19937_64& rng, size_t max_len) {
    auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
    const int steps = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < steps; ++k) {
        switch (rng() % 7) {
            case 0:  // flip a bit
                if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
                break;
            case 1:  // a random byte
                if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
                break;
            case 2:  // insert a random byte
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)),
                         static_cast<char>(rng()));
                break;
            case 3:  // erase a run
                if (!s.empty()) {
                    const size_t at = pick(s.size());
                    s.erase(at, 1 + pick(std::min<size_t>(16, s.size() - at)));
                }
                break;
            case 4: {  // insert a token
                const char* t = kTokens[pick(std::size(kTokens))];
                s.insert(pick(s.size() + 1), std::string(t, std::max<size_t>(1, std::strlen(t))));
                break;
            }
            case 5:  // duplicate a chunk
                if (!s.empty()) {
                    const size_t at = pick(s.size());
                    const std::string chunk = s.substr(at, 1 + pick(64));
                    s.insert(pick(s.size() + 1), chunk);
                }
                break;
            default:  // replace a digit run's neighbourhood with a token
                if (!s.empty()) {
                    const size_t at = pick(s.size());
                    const char* t = kTokens[pick(8)];
                    s.replace(at, 1 + pick(4), t);
                }
                break;
        }
    }
    if (s.size() > max_len) s.resize(max_len);
    return s;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void run(const std::string& input) {
    g_current = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    g_current = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    std::uint64_t mutations = 2000, seed = 1;
    size_t max_len = 1 << 16;
    std::vector<fs::path> places;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--mutations" || a == "--seed" || a == "--max-len") && i + 1 < argc) {
            const std::uint64_t v = std::strtoull(argv[++i], nullptr, 10);
            if (a == "--mutations") mutations = v;
            if (a == "--seed") seed = v;
            if (a == "--max-len") max_len = static_cast<size_t>(v);
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "usage: %s [--mutations N] [--seed S] [--max-len B] CORPUS...\n",
                         argv[0]);
            return 2;
        } else {
            places.emplace_back(a);
        }
    }
    std::vector<std::string> corpus;
    for (const auto& p : places) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<fs::path> files;
            for (const auto& e : fs::directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
            std::sort(files.begin(), files.end());  // the same order on every machine
            for (const auto& f : files)
                corpus.push_back(slurp(f));
        } else if (fs::is_regular_file(p, ec)) {
            corpus.push_back(slurp(p));
        } else {
            std::fprintf(stderr, "%s: no such corpus file or folder\n", p.c_str());
            return 2;
        }
    }
    for (int s : {SIGSEGV, SIGABRT, SIGFPE, SIGILL, SIGBUS})
        std::signal(s, on_crash);
    std::printf("standalone fuzz driver: %zu corpus inputs, %llu mutations, seed %llu\n",
                corpus.size(), static_cast<unsigned long long>(mutations),
                static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    std::snprintf(g_crash_name, sizeof g_crash_name, "crash-corpus");
    for (const auto& input : corpus)
        run(input);
    if (corpus.empty()) corpus.emplace_back();
    std::mt19937_64 rng(seed);
    for (std::uint64_t n = 0; n < mutations; ++n) {
        const std::string input = mutate(corpus[rng() % corpus.size()], rng, max_len);
        std::snprintf(g_crash_name, sizeof g_crash_name, "crash-%llu-%llu",
                      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(n));
        run(input);
    }
    std::printf("standalone fuzz driver: done, no crash\n");
    return 0;
}
