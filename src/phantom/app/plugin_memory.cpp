#include "phantom/app/plugin_memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>

#include "phantom/processors/lv2/lv2_processor.hpp"

namespace phantom::app {

bool keep_large_blocks_mapped() {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, static_cast<int>(kOwnMappingBytes)) == 1;
#else
    return false;
#endif
}

PluginMemoryTrim::PluginMemoryTrim(std::chrono::milliseconds min_interval)
    : min_interval_(min_interval),
      seen_destroyed_(processors::lv2::Lv2Processor::destroyed_count()) {}

bool PluginMemoryTrim::poll(Clock::time_point now) {
    const std::uint64_t destroyed = processors::lv2::Lv2Processor::destroyed_count();
    if (destroyed == seen_destroyed_) return false;
    if (trimmed_once_ && now - last_trim_ < min_interval_) return false;
    seen_destroyed_ = destroyed;
    const auto start = Clock::now();
    trim_free_memory();
    longest_ = std::max(longest_, Clock::now() - start);
    last_trim_ = now;
    trimmed_once_ = true;
    ++trims_;
    return true;
}

void trim_free_memory() {
#if defined(__GLIBC__)
    (void)malloc_trim(0);
#endif
}

}  // namespace phantom::app
