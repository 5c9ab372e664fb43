// What the I/O thread (io::Butler, Ardour's "butler") does for the audio: top up the ring of a
// file source, drain the ring of a recording. The audio thread only reads or writes the rings;
// the disk is touched here, and never under the controller's lock, so a busy control plane
// cannot starve a source or drop frames of a recording.
//
// [io-thread] Feed::service(); [control-thread] FeedList::set(); FeedList::snapshot() from
// either. The FeedList's mutex is shared by these two threads only and held only to swap or
// copy one pointer: never by the audio thread, never while a feed is served.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

namespace phantom::io {

class Feed {
  public:
    virtual ~Feed() = default;
    // Bounded work (at most a ring's worth), returning at once when there is nothing to do.
    // Never throws: a feed that fails keeps its reason for its owner to report.
    virtual void service() noexcept = 0;
};

// The feeds one owner wants served: the Interface's streamed file sources, a driver's
// recordings. The owner replaces the whole list when it changes; the butler walks a snapshot,
// so a feed removed meanwhile is served at most once more, then freed by whoever drops it last.
class FeedList {
  public:
    using Items = std::vector<std::shared_ptr<Feed>>;

    void set(Items feeds) {
        auto next = std::make_shared<const Items>(std::move(feeds));
        std::lock_guard lock(mutex_);
        items_.swap(next);
    }  // the old list is released here, outside the lock
    std::shared_ptr<const Items> snapshot() const {
        std::lock_guard lock(mutex_);
        return items_;
    }

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Items> items_ = std::make_shared<const Items>();
};

}  // namespace phantom::io
