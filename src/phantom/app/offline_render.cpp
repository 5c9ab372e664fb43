#include "phantom/app/offline_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "phantom/app/record_request.hpp"
#include "phantom/io/file_recorder.hpp"
#include "phantom/io/file_stream.hpp"

namespace phantom::app {

using io::FileRecorder;

namespace {

struct Tap {
    std::unique_ptr<FileRecorder> recorder;
    std::vector<size_t> rows;  // the recorded channels it takes, as rows of a write-behind slot
};

// Read-ahead on the second core: the file sources are read, decoded and converted on this
// thread while the render thread mixes and writes. Each source's ring (a second of audio)
// bounds how far ahead it runs. The render thread never plays a late source as silence: there
// is no clock to miss offline, so before each block it waits for every ring to hold the block,
// refilling it itself when the helper is not at it (FileStream::refill takes turns, never both).
class ReadAhead {
  public:
    explicit ReadAhead(const io::FeedList& feeds) {
        for (const auto& feed : *feeds.snapshot())
            if (auto stream = std::dynamic_pointer_cast<io::FileStream>(feed))
                streams_.push_back(std::move(stream));
        if (!streams_.empty()) thread_ = std::thread([this] { loop(); });
    }
    ~ReadAhead() {
        if (!thread_.joinable()) return;
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // [render-thread] Every source holds `frames` (or has ended); the helper is woken when a
    // ring is half empty, so it reads while this thread mixes.
    void before_block(size_t frames) {
        bool wake = false;
        for (const auto& stream : streams_) {
            const rt::SpscFloatRing& ring = stream->samples()->ring;
            while (!stream->ended() && ring.readable() < frames) {
                const std::uint64_t seen = passes();
                stream->refill();
                // Still short: the helper holds this stream. Sleep until its pass ends rather
                // than spin against it for a core the machine may be sharing.
                if (ring.readable() < frames) wait_for_pass(seen);
            }
            wake = wake || ring.readable() <= ring.capacity() / 2;
        }
        if (wake) {
            {
                std::lock_guard lock(mutex_);
                kicked_ = true;
            }
            wake_.notify_one();
        }
    }

  private:
    std::uint64_t passes() {
        std::lock_guard lock(mutex_);
        return passes_;
    }
    void wait_for_pass(std::uint64_t seen) {
        std::unique_lock lock(mutex_);
        // Bounded: a pass that ended between the refill and this wait is not waited for long.
        pass_done_.wait_for(lock, std::chrono::milliseconds(1), [&] { return passes_ != seen; });
    }

    void loop() {
        for (;;) {
            for (const auto& stream : streams_)
                stream->refill();
            std::unique_lock lock(mutex_);
            ++passes_;
            pass_done_.notify_all();
            wake_.wait(lock, [this] { return kicked_ || stop_; });
            if (stop_) return;
            kicked_ = false;
        }
    }

    std::vector<std::shared_ptr<io::FileStream>> streams_;
    std::thread thread_;
    std::mutex mutex_;  // the wake-ups only
    std::condition_variable wake_, pass_done_;
    bool kicked_ = false, stop_ = false;
    std::uint64_t passes_ = 0;
};

// Write-behind on the second core: the engine renders each block's recorded channels straight
// into a slot of a bounded queue (kSlots blocks: about 0.7 s of audio at 1024 frames), one row
// per recorded channel, and the render thread goes on mixing; this thread interleaves, encodes
// and writes the files. No copy between the engine and the queue: the slot is the engine's
// output buffer for that block. A full queue makes the render thread wait: the disk sets the
// pace, memory stays bounded. The writer is woken once kWakeSlots blocks wait, not for every
// block: a wake-up is a system call on the render thread and a context switch on the writer's,
// and a block is only tens of microseconds of mixing. A failure is kept and thrown on the render
// thread at its next block or at the end, so the render fails as it did when it wrote itself
// (temp files removed, no partial output).
class WriteBehind {
  public:
    static constexpr size_t kSlots = 32;
    static constexpr size_t kWakeSlots = 8;

    WriteBehind(std::vector<Tap>& taps, size_t rows, int block_frames)
        : taps_(taps), rows_(rows), block_(block_frames) {
        if (rows_ == 0) return;
        for (auto& slot : slots_)
            slot.samples.resize(rows_ * static_cast<size_t>(block_));
        thread_ = std::thread([this] { loop(); });
    }
    ~WriteBehind() { stop(); }
    WriteBehind(const WriteBehind&) = delete;
    WriteBehind& operator=(const WriteBehind&) = delete;

    // [render-thread] The next slot to render into (row r at r × block frames), waiting while
    // the queue is full; null when nothing is recorded.
    float* acquire() {
        if (rows_ == 0) return nullptr;
        std::unique_lock lock(mutex_);
        space_.wait(lock, [this] { return queued_ < kSlots || error_; });
        if (error_) std::rethrow_exception(error_);
        // The writer never touches a slot it has not been given.
        return slots_[(head_ + queued_) % kSlots].samples.data();
    }
    // [render-thread] The acquired slot now holds `frames`: hand it to the writer.
    void publish(int frames) {
        if (rows_ == 0) return;
        std::unique_lock lock(mutex_);
        slots_[(head_ + queued_) % kSlots].frames = frames;
        const bool wake = ++queued_ == kWakeSlots && writer_asleep_;
        lock.unlock();
        if (wake) filled_.notify_one();
    }
    // [render-thread] Everything queued is written and every recording committed (closed and
    // renamed into place); throws the first error, if any. The writer commits the first half of
    // the recordings while this thread commits the rest: closing a file and renaming it over an
    // old one (which frees the old one's pages) is a few milliseconds each, on the critical path.
    void finish_and_commit() {
        if (rows_ == 0) {
            for (auto& t : taps_)
                t.recorder->commit();
            return;
        }
        bool failed = false;
        {
            std::unique_lock lock(mutex_);
            stop_ = true;
            commit_on_writer_ = taps_.size() / 2;
            filled_.notify_one();
            drained_.wait(lock, [this] { return drained_flag_ || error_; });
            failed = error_ != nullptr;
        }
        std::exception_ptr mine;
        if (!failed) try {
                for (size_t k = commit_on_writer_; k < taps_.size(); ++k)
                    taps_[k].recorder->commit();
            } catch (...) {
                mine = std::current_exception();
            }
        thread_.join();  // after it, error_ is this thread's to read
        if (error_) std::rethrow_exception(error_);
        if (mine) std::rethrow_exception(mine);
    }

  private:
    struct Slot {
        std::vector<float> samples;  // channel after channel, block_ apart
        int frames = 0;
    };

    void stop() {
        if (!thread_.joinable()) return;
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        filled_.notify_one();
        thread_.join();
    }

    void loop() {
        std::vector<const float*> pointers;
        for (;;) {
            std::unique_lock lock(mutex_);
            // Drains everything queued before it sleeps again.
            if (queued_ == 0 && !stop_) {
                writer_asleep_ = true;
                filled_.wait(lock, [this] { return queued_ >= kWakeSlots || stop_; });
                writer_asleep_ = false;
            }
            if (queued_ == 0) {  // stopped and drained
                drained_flag_ = true;
                const size_t commits = commit_on_writer_;
                lock.unlock();
                drained_.notify_one();
                try {
                    for (size_t k = 0; k < commits; ++k)
                        taps_[k].recorder->commit();
                } catch (...) {
                    lock.lock();
                    error_ = std::current_exception();
                }
                return;
            }
            Slot& slot = slots_[head_];
            lock.unlock();
            try {
                for (auto& t : taps_) {
                    pointers.clear();
                    for (size_t row : t.rows)
                        pointers.push_back(slot.samples.data() + row * static_cast<size_t>(block_));
                    t.recorder->write(pointers.data(), slot.frames);
                }
            } catch (...) {
                lock.lock();
                error_ = std::current_exception();
                lock.unlock();
                space_.notify_one();
                drained_.notify_one();
                return;
            }
            lock.lock();
            head_ = (head_ + 1) % kSlots;
            --queued_;
            lock.unlock();
            space_.notify_one();
        }
    }

    std::vector<Tap>& taps_;
    const size_t rows_;
    const int block_;
    std::array<Slot, kSlots> slots_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable space_, filled_, drained_;
    size_t head_ = 0, queued_ = 0;
    size_t commit_on_writer_ = 0;  // recordings [0, this) are committed by the writer
    bool stop_ = false, drained_flag_ = false;
    bool writer_asleep_ = false;
    std::exception_ptr error_;
};

}  // namespace

RenderSummary render_offline(engine::Interface& iface, const RenderOptions& opt) {
    const int block = std::clamp(opt.block_frames, 1, iface.engine().max_frames());
    const auto out_names = iface.output_channel_names();
    const auto cap_names = iface.capture_channel_names();
    const auto rate = static_cast<int>(iface.sample_rate_hz());

    // Resolve every request before creating any file. Each channel someone records is one row
    // of the write-behind's slots, however many files take it; the rest stay null (the engine
    // does not write them).
    struct Row {
        bool capture;
        size_t channel;
    };
    std::vector<Row> rows;
    struct Planned {
        std::string path;
        std::vector<size_t> rows;
    };
    std::vector<Planned> planned;
    for (const auto& p : plan_recordings(iface, opt.records)) {
        Planned plan{p.path, {}};
        for (size_t c : p.channels) {
            size_t r = 0;
            while (r < rows.size() && !(rows[r].capture == p.capture && rows[r].channel == c))
                ++r;
            if (r == rows.size()) rows.push_back({p.capture, c});
            plan.rows.push_back(r);
        }
        planned.push_back(std::move(plan));
    }
    std::vector<float*> out_io(out_names.size(), nullptr), cap_io(cap_names.size(), nullptr);
    std::vector<Tap> taps;
    for (auto& p : planned) {
        Tap t;
        t.recorder =
            std::make_unique<FileRecorder>(p.path, static_cast<int>(p.rows.size()), rate, opt.bits);
        t.rows = std::move(p.rows);
        taps.push_back(std::move(t));
    }

    engine::BlockIo io;
    io.capture = cap_io.data();
    io.outputs = out_io.data();
    iface.start();
    const auto t0 = std::chrono::steady_clock::now();
    ReadAhead read_ahead(iface.source_feeds());
    WriteBehind write_behind(taps, rows.size(), block);
    auto last_progress = t0;
    const std::uint64_t maintain_every = static_cast<std::uint64_t>(rate) / 20;  // 50 ms of audio
    std::uint64_t since_maintain = 0;
    for (std::uint64_t done = 0; done < opt.frames;) {
        const int n = static_cast<int>(
            std::min<std::uint64_t>(static_cast<std::uint64_t>(block), opt.frames - done));
        io.frames = n;
        read_ahead.before_block(static_cast<size_t>(n));
        if (float* slot = write_behind.acquire())
            for (size_t r = 0; r < rows.size(); ++r)
                (rows[r].capture ? cap_io : out_io)[rows[r].channel] =
                    slot + r * static_cast<size_t>(block);
        iface.process(io);
        write_behind.publish(n);
        done += static_cast<std::uint64_t>(n);
        since_maintain += static_cast<std::uint64_t>(n);
        if (since_maintain >= maintain_every) {
            iface.maintain();
            since_maintain = 0;
        }
        if (opt.progress) {
            auto now = std::chrono::steady_clock::now();
            if (now - last_progress > std::chrono::milliseconds(100)) {
                opt.progress(static_cast<double>(done) / static_cast<double>(opt.frames));
                last_progress = now;
            }
        }
    }
    write_behind.finish_and_commit();
    iface.maintain();
    if (opt.progress) opt.progress(1.0);
    RenderSummary summary;
    summary.frames = opt.frames;
    summary.seconds = static_cast<double>(opt.frames) / rate;
    for (auto& t : taps)
        summary.files.push_back(t.recorder->path());
    const auto began = opt.started.value_or(t0);
    summary.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    summary.setup_seconds = std::chrono::duration<double>(t0 - began).count();
    std::vector<dsp::MeterReading> meters;
    iface.engine().read_meters(meters);
    const size_t n_sources = iface.layout().sources.size();
    for (size_t c = 0; c < out_names.size(); ++c)
        if (iface.output_channel_present(c))
            summary.outputs.push_back(
                {out_names[c], meters[n_sources + c].peak_max, meters[n_sources + c].clips});
    for (size_t s = 0; s < n_sources; ++s)
        if (iface.source(s))
            summary.inputs.push_back(
                {iface.layout().sources[s].id, meters[s].peak_max, meters[s].clips});
    summary.warnings = iface.warnings();
    return summary;
}

}  // namespace phantom::app
