// Controller: recording and the sample rate while running, kept apart from the parameter
// commands in controller.cpp.
#include <fmt/format.h>

#include <stdexcept>

#include "phantom/control/controller.hpp"

namespace phantom::control {

namespace {

[[noreturn]] void no_recorder() {
    throw CommandError(ErrorKind::NotAvailable,
                       "recording: not available on this hardware (on JACK, record Phantom's "
                       "ports in the DAW or with jack_capture)");
}

}  // namespace

void Controller::attach_rate_changer(std::function<void(std::uint32_t)> changer) {
    std::lock_guard lock(mutex_);
    rate_changer_ = std::move(changer);
}

void Controller::change_rate(std::uint32_t rate_hz) {
    std::lock_guard lock(mutex_);
    if (!rate_changer_)
        throw CommandError(ErrorKind::NotAvailable,
                           "the sample rate: not available on this hardware (on JACK the server "
                           "sets it; Phantom follows)");
    if (rate_hz == iface_.sample_rate_hz()) return;
    if (recorder_ && !recorder_->list().empty())
        throw CommandError(ErrorKind::Conflict,
                           fmt::format("the sample rate: {} recordings are running; stop them "
                                       "first (phantom record stop)",
                                       recorder_->list().size()));
    try {
        rate_changer_(rate_hz);
    } catch (const std::invalid_argument& e) {
        throw CommandError(ErrorKind::OutOfRange, e.what());
    }
    backend_.rate_hz = rate_hz;  // the status says so now, not at the live loop's next report
    ++revision_;
}

void Controller::attach_recorder(Recorder* recorder) {
    std::lock_guard lock(mutex_);
    recorder_ = recorder;
}

std::vector<RecordingInfo> Controller::recordings() const {
    std::lock_guard lock(mutex_);
    if (!recorder_) no_recorder();
    return recorder_->list();
}

std::vector<RecordingInfo> Controller::start_recordings(
    const std::vector<std::pair<std::string, std::string>>& requests) {
    if (requests.empty())
        throw CommandError(ErrorKind::Malformed,
                           "recording: nothing to record (give WHAT=FILE, e.g. main=take.wav)");
    std::lock_guard lock(mutex_);
    if (!recorder_) no_recorder();
    try {
        return recorder_->start(requests);
    } catch (const std::invalid_argument& e) {
        throw CommandError(ErrorKind::OutOfRange, e.what(), requests.front().first);
    } catch (const std::runtime_error& e) {  // the file could not be created
        throw CommandError(ErrorKind::Conflict, e.what(), requests.front().first);
    }
}

RecordingInfo Controller::stop_recording(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    if (!recorder_) no_recorder();
    try {
        return recorder_->stop(id);
    } catch (const std::out_of_range&) {
        throw CommandError(ErrorKind::UnknownPath, fmt::format("no recording {} is running", id),
                           std::to_string(id));
    } catch (const std::runtime_error& e) {
        throw CommandError(ErrorKind::Conflict, e.what(), std::to_string(id));
    }
}

}  // namespace phantom::control
