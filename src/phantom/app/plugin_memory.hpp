// Memory an LV2 plugin takes from the C library, given back to the kernel when the plugin goes
// (docs/decisions.md, "LV2 plugins": "A plugin's memory goes back to the kernel").
//
// A plugin's buffers are large blocks (x42 nodelay: 1 MiB an instance, two instances made a
// load). glibc maps a block of 128 KiB or more on its own until the first such block is freed;
// it then raises that threshold to the freed block's size (up to 32 MiB) and serves later ones
// from its arenas, among small blocks that live long. A plugin unloaded leaves holes there that
// are reused but never handed back, and each HTTP thread has an arena of its own: under loads
// and unloads from one or four clients `phantom start` held 96-111 MB instead of 79 with every
// slot empty and peaked at 112-129 MB (bench/plugin_churn_memory.py); a test process with four
// client threads kept up to 352 MB (tests/unit/app/plugin_memory_test.cpp). Two rules:
//  - keep_large_blocks_mapped(): blocks of 1 MiB or more always get a mapping of their own,
//    unmapped at free(). 1 MiB is above every block Phantom itself makes per parameter change
//    (the tree's copy of its texts, 32 bytes a parameter: 128 KiB on studio-8x8, about
//    830 KB on stress-64), so a change never pays for a mapping; at glibc's 128 KiB the churn
//    ran 1.7 times slower.
//  - PluginMemoryTrim: smaller plugin blocks can still leave holes; after a plugin processor
//    is destroyed, the live loop trims every arena (malloc_trim), at most once a second.
// Both run on control threads only: the audio thread never allocates or frees, so it neither
// pays for a mapping nor waits on an arena the trim locks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace phantom::app {

// Blocks of at least this size get a mapping of their own.
inline constexpr std::size_t kOwnMappingBytes = std::size_t{1} << 20;

// [main thread, at start, before plugins load] Fixes glibc's mmap threshold at
// kOwnMappingBytes (which also ends its raising of the trim threshold); false where the C
// library is not glibc or refused.
bool keep_large_blocks_mapped();

class PluginMemoryTrim {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kMinInterval{1000};

    explicit PluginMemoryTrim(std::chrono::milliseconds min_interval = kMinInterval);

    // [control-thread] Trims when a plugin processor was destroyed since the last trim and the
    // last one is at least the interval ago; true when it did.
    bool poll(Clock::time_point now);
    std::uint64_t trims() const { return trims_; }
    // The longest trim so far (its cost to the live loop; measured, never assumed).
    Clock::duration longest_trim() const { return longest_; }

  private:
    std::chrono::milliseconds min_interval_;
    std::uint64_t seen_destroyed_;
    Clock::time_point last_trim_{};
    bool trimmed_once_ = false;
    std::uint64_t trims_ = 0;
    Clock::duration longest_{};
};

// Every arena's free pages back to the kernel (glibc's malloc_trim; nothing elsewhere).
void trim_free_memory();

}  // namespace phantom::app
