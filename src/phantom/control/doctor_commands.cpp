// The Controller's studio doctor and virtual faults (controller.hpp): the doctor examines the
// interface under the controller's lock, as the live loop's maintain() runs; faults change the
// virtual world, never the parameter tree or the session.
#include <fmt/format.h>

#include "phantom/control/controller.hpp"
#include "phantom/doctor/doctor.hpp"

namespace phantom::control {

void Controller::run_doctor(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (!doctor_) doctor_ = std::make_shared<doctor::Doctor>();
    findings_ = doctor_->examine(iface_, backend_, analog_available_, now);
}

std::vector<doctor::Finding> Controller::findings() const {
    std::lock_guard lock(mutex_);
    return findings_;
}

std::vector<std::string> Controller::faults() const {
    std::lock_guard lock(mutex_);
    return iface_.fault_texts();
}

void Controller::add_fault(const std::string& text) {
    std::lock_guard lock(mutex_);
    if (!analog_available_)
        throw CommandError(ErrorKind::NotAvailable,
                           fmt::format("'{}': faults are the virtual hardware's; on this "
                                       "hardware the cables are real",
                                       text),
                           "/api/faults");
    try {
        iface_.add_fault(text);
    } catch (const engine::SourceError& e) {
        throw CommandError(ErrorKind::OutOfRange, e.what(), "/api/faults", Value(text));
    }
}

void Controller::clear_faults(const std::string& where) {
    std::lock_guard lock(mutex_);
    try {
        iface_.clear_faults(where);
    } catch (const engine::SourceError& e) {
        throw CommandError(ErrorKind::UnknownPath, e.what(), "/api/faults/" + where);
    }
}

}  // namespace phantom::control
