#include "phantom/app/offline_session.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

#include "phantom/device/device_catalog.hpp"
#include "phantom/session/session.hpp"

namespace phantom::app {

OfflineSession::OfflineSession(const OfflineSetup& setup) {
    std::optional<session::Session> sess;
    if (!setup.session_path.empty()) sess = session::read_session(setup.session_path);
    std::string device_id = setup.device;
    if (device_id.empty()) device_id = sess ? sess->device : device::kDefaultDeviceId;
    auto spec = device::load_device(device_id);
    const std::uint32_t rate = setup.rate_hz ? setup.rate_hz : spec.default_rate;
    iface_ = std::make_unique<engine::Interface>(std::move(spec), rate, setup.block_frames);
    // Offline, the analog stages are always the virtual hardware's.
    for (const auto& [input, text] : setup.clock_inputs)
        iface_->set_clock_input(input, engine::parse_clock_input_rate(input, text));
    controller_ = std::make_unique<control::Controller>(*iface_, /*analog_available=*/true);
    if (sess) controller_->load(*sess, setup.session_path);
    if (!setup.sources.empty())
        controller_->with_interface([&](engine::Interface& i) { i.set_sources(setup.sources); });
    for (const auto& fault : setup.faults) {
        if (fault.rfind("overload", 0) == 0)
            throw std::invalid_argument(fmt::format(
                "--fault {}: an overloaded machine needs a live run (phantom start); offline, "
                "nothing has a deadline",
                fault));
        iface_->add_fault(fault);
    }
    std::vector<control::SetParam> batch;
    for (const auto& [path, text] : setup.sets)
        batch.push_back({path, text});
    if (!batch.empty()) controller_->apply_initial(batch);
}

}  // namespace phantom::app
