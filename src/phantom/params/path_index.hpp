// The parameter tree's lookup from a path to its index: an open-addressed table of indices and
// hashes that reads the paths from the tree's own schemas, so a path is stored once. A map from
// std::string kept a second copy of every path and cost two allocations a parameter; on
// stress-64 (25,000 paths) building and freeing the tree was most of a short render's start-up.
//
// [control-thread] like the tree.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace phantom::params {

class PathIndex {
  public:
    // `path_of(i)` gives the path stored for index i. The first index added under a path is
    // the one found.
    template <class PathOf>
    void insert(int index, std::string_view path, const PathOf& path_of) {
        if ((count_ + 1) * 2 > slots_.size()) grow(std::max<size_t>(16, slots_.size() * 2));
        const std::uint32_t hash = hash_of(path);
        for (size_t k = hash & mask();; k = (k + 1) & mask()) {
            Slot& slot = slots_[k];
            if (slot.index < 0) {
                slot = {hash, index};
                ++count_;
                return;
            }
            if (slot.hash == hash && path_of(slot.index) == path) return;
        }
    }

    template <class PathOf>
    std::optional<int> find(std::string_view path, const PathOf& path_of) const {
        if (slots_.empty()) return std::nullopt;
        const std::uint32_t hash = hash_of(path);
        for (size_t k = hash & mask();; k = (k + 1) & mask()) {
            const Slot& slot = slots_[k];
            if (slot.index < 0) return std::nullopt;
            if (slot.hash == hash && path_of(slot.index) == path) return slot.index;
        }
    }

    // The entry of `path` made to give `index` (a node that takes the path over from a retired
    // one: ParamTree::add_node).
    template <class PathOf>
    void repoint(int index, std::string_view path, const PathOf& path_of) {
        const std::uint32_t hash = hash_of(path);
        for (size_t k = hash & mask(); slots_[k].index >= 0; k = (k + 1) & mask())
            if (slots_[k].hash == hash && path_of(slots_[k].index) == path) {
                slots_[k].index = index;
                return;
            }
    }

    // Removes the entry of `path` (linear probing's backward shift: every entry after it in
    // its run that could sit in the gap moves up, so no lookup stops short).
    template <class PathOf>
    void erase(std::string_view path, const PathOf& path_of) {
        if (slots_.empty()) return;
        const std::uint32_t hash = hash_of(path);
        size_t gap = hash & mask();
        for (;; gap = (gap + 1) & mask()) {
            if (slots_[gap].index < 0) return;
            if (slots_[gap].hash == hash && path_of(slots_[gap].index) == path) break;
        }
        slots_[gap].index = -1;
        --count_;
        for (size_t k = (gap + 1) & mask(); slots_[k].index >= 0; k = (k + 1) & mask()) {
            const size_t home = slots_[k].hash & mask();
            // The entry at k may stay if its home lies cyclically in (gap, k].
            const bool stays = gap <= k ? (gap < home && home <= k) : (gap < home || home <= k);
            if (stays) continue;
            slots_[gap] = slots_[k];
            slots_[k].index = -1;
            gap = k;
        }
    }

    void reserve(size_t count) {
        size_t size = 16;
        while (size < count * 2)
            size *= 2;
        if (size > slots_.size()) grow(size);
    }

  private:
    struct Slot {
        std::uint32_t hash = 0;
        int index = -1;  // -1: empty
    };

    static std::uint32_t hash_of(std::string_view path) {
        return static_cast<std::uint32_t>(std::hash<std::string_view>{}(path));
    }
    size_t mask() const { return slots_.size() - 1; }

    // `size` is a power of two holding every entry at most half full; the stored hashes place
    // them without reading a path.
    void grow(size_t size) {
        std::vector<Slot> old(size);
        old.swap(slots_);
        for (const Slot& slot : old) {
            if (slot.index < 0) continue;
            size_t k = slot.hash & mask();
            while (slots_[k].index >= 0)
                k = (k + 1) & mask();
            slots_[k] = slot;
        }
    }

    std::vector<Slot> slots_;  // a power of two in size, or empty
    size_t count_ = 0;
};

}  // namespace phantom::params
