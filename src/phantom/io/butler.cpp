#include "phantom/io/butler.hpp"

#include <stdexcept>

namespace phantom::io {

Butler::~Butler() {
    stop();
}

void Butler::watch(const FeedList& list) {
    if (running()) throw std::logic_error("Butler::watch: the thread is running");
    lists_.push_back(&list);
}

void Butler::start() {
    if (running()) return;
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = false;
    }
    thread_ = std::thread([this] { loop(); });
}

void Butler::stop() {
    if (!running()) return;
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void Butler::loop() {
    for (;;) {
        for (const FeedList* list : lists_) {
            const auto feeds = list->snapshot();
            for (const auto& feed : *feeds)
                feed->service();
        }
        passes_.fetch_add(1, std::memory_order_release);
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, kPeriod, [this] { return stop_requested_; })) return;
    }
}

}  // namespace phantom::io
