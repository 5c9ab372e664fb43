#include "phantom/surfaces/http/ws_feed.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "phantom/surfaces/http/api_json.hpp"

namespace phantom::http {

using nlohmann::json;

namespace {

constexpr std::uint64_t kNewest = ~std::uint64_t{0} >> 1;

// Text that came from a client (a snapshot name, a source file name) may hold bytes that are
// not UTF-8: they go out as U+FFFD rather than failing the frame.
std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::uint64_t newest_seq(const control::Controller& c) {
    std::vector<control::Change> none;
    bool lost = false;
    return c.changes_since(kNewest, none, lost);
}

}  // namespace

WsFeed::WsFeed(control::Controller& controller)
    : controller_(controller), seen_(newest_seq(controller)) {}

WsFeed::Hello WsFeed::hello() const {
    Hello h;
    h.seq = newest_seq(controller_);  // before the tree: see the header
    h.text = dump(json{{"type", "hello"}, {"params", to_json(controller_.params(""))}});
    return h;
}

WsFeed::Tick WsFeed::tick() {
    Tick t;
    t.from_seq = seen_;
    std::vector<control::Change> changes;
    bool lost = false;
    seen_ = controller_.changes_since(seen_, changes, lost);
    t.to_seq = seen_;
    if (lost)
        t.changes = hello().text;
    else if (!changes.empty())
        t.changes = dump(json{{"type", "changes"}, {"changes", to_json(changes)}});
    json meters = to_json(controller_.meters());
    meters["type"] = "meters";
    t.meters = dump(meters);
    return t;
}

}  // namespace phantom::http
