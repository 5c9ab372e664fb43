// Controller: the JACK connections Phantom keeps (the patchbay), kept apart from the parameter
// commands in controller.cpp.
#include <fmt/format.h>

#include "phantom/control/controller.hpp"

namespace phantom::control {

void Controller::attach_patchbay(backend::Patchbay* patchbay) {
    std::lock_guard lock(mutex_);
    patchbay_ = patchbay;
}

namespace {

[[noreturn]] void rethrow_patchbay(const backend::PatchbayError& e) {
    using Kind = backend::PatchbayError::Kind;
    const ErrorKind kind = e.kind() == Kind::Malformed     ? ErrorKind::Malformed
                           : e.kind() == Kind::UnknownPort ? ErrorKind::UnknownPath
                                                           : ErrorKind::Conflict;
    throw CommandError(kind, e.what());
}

void require_patchbay(const backend::Patchbay* patchbay) {
    if (!patchbay)
        throw CommandError(ErrorKind::NotAvailable,
                           "connections are JACK's: the virtual hardware has no ports to connect "
                           "(start with --backend jack)");
}

}  // namespace

std::vector<backend::PortConnection> Controller::connections() const {
    std::lock_guard lock(mutex_);
    require_patchbay(patchbay_);
    return patchbay_->connections();
}

std::vector<backend::GraphPort> Controller::ports() const {
    std::lock_guard lock(mutex_);
    require_patchbay(patchbay_);
    return patchbay_->ports();
}

backend::PortConnection Controller::connect(const std::string& from, const std::string& to,
                                            bool wait) {
    std::lock_guard lock(mutex_);
    require_patchbay(patchbay_);
    try {
        return patchbay_->connect({from, to}, wait);
    } catch (const backend::PatchbayError& e) {
        rethrow_patchbay(e);
    }
}

void Controller::disconnect(const std::string& from, const std::string& to) {
    std::lock_guard lock(mutex_);
    require_patchbay(patchbay_);
    try {
        patchbay_->disconnect({from, to});
    } catch (const backend::PatchbayError& e) {
        rethrow_patchbay(e);
    }
}

void Controller::set_connections(const std::vector<backend::PortPair>& pairs) {
    std::lock_guard lock(mutex_);
    require_patchbay(patchbay_);
    if (pairs.size() > session::kMaxConnections)
        throw CommandError(ErrorKind::OutOfRange,
                           fmt::format("{} connections: at most {} are kept", pairs.size(),
                                       session::kMaxConnections));
    try {
        patchbay_->replace(pairs);
    } catch (const backend::PatchbayError& e) {
        rethrow_patchbay(e);
    }
}

}  // namespace phantom::control
