// One HTTP connection: read a header (within the header deadline), check the transport rules
// (http_guard), serve a panel file, upgrade to the WebSocket, or read the body (within the body
// deadline) and hand the API call to the pool; then write the answer and wait for the next
// request. [io], apart from the route_api call on [api].
#include <fmt/format.h>

#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <optional>

#include "phantom/surfaces/http/api_routes.hpp"
#include "phantom/surfaces/http/http_guard.hpp"
#include "phantom/surfaces/http/json_codec.hpp"
#include "phantom/surfaces/http/server_core.hpp"
#include "phantom/surfaces/http/web_assets.hpp"
#include "phantom/surfaces/http/ws_session.hpp"

namespace phantom::http::detail {

namespace bhttp = beast::http;
using nlohmann::json;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

namespace {

// Browsers send a few kilobytes of header (cookies included); a header longer than this is
// refused with 431 before it is buffered any further.
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
// After an answer that leaves a body unread: how long the unread bytes are drained before
// the socket closes, so that the client reads the answer instead of a reset.
constexpr auto kLinger = std::chrono::seconds(2);

std::string header(const Request& r, bhttp::field f) {
    auto it = r.find(f);
    return it == r.end() ? std::string() : std::string(it->value());
}

Response json_response(int status, std::string text, const std::string& allow = {}) {
    Response res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "application/json");
    res.set(bhttp::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    if (!allow.empty()) res.set(bhttp::field::allow, allow);
    res.body() = std::move(text);
    res.prepare_payload();
    return res;
}

Response json_response(int status, const json& body, const std::string& allow = {}) {
    return json_response(status, dump_json(body) + "\n", allow);
}

// A page of plain text: escaped (a path from the request must never become markup on this
// origin, where a script could drive the API), and allowed to run nothing.
Response html_response(int status, const std::string& text) {
    std::string escaped;
    for (char c : replace_invalid_utf8(text)) {
        switch (c) {
            case '&':
                escaped += "&amp;";
                break;
            case '<':
                escaped += "&lt;";
                break;
            case '>':
                escaped += "&gt;";
                break;
            case '"':
                escaped += "&quot;";
                break;
            case '\'':
                escaped += "&#39;";
                break;
            default:
                escaped += c;
        }
    }
    Response res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "text/html; charset=utf-8");
    res.set(bhttp::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Content-Security-Policy", "default-src 'none'");
    res.body() =
        "<!doctype html><meta charset=utf-8><title>Phantom</title><p>" + escaped + "</p>\n";
    res.prepare_payload();
    return res;
}

json error_body(std::string message) {
    return {{"error", std::move(message)}};
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(ServerCore& core, tcp::socket socket, std::shared_ptr<ConnectionSlot> slot)
        : core_(core), stream_(std::move(socket)), slot_(std::move(slot)) {
        boost::system::error_code ec;
        const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = remote.address().to_string();
    }

    void read_header() {
        parser_.emplace();
        parser_->header_limit(kMaxHeaderBytes);
        // The body's size is checked after the Host and the token (handle_api), and set as
        // the parser's limit before the body is read.
        parser_->body_limit(boost::none);
        stream_.expires_after(core_.limits.header_deadline);
        bhttp::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                self->guarded("reading a request", [&] { self->on_header(ec); });
            });
    }

  private:
    // Every handler runs inside this: a failure answers 500 (when an answer can still go) and
    // is logged once; it never leaves the handler.
    template <typename F>
    void guarded(const char* where, F&& f) {
        try {
            f();
        } catch (const std::exception& e) {
            fail(where, e.what());
        } catch (...) {
            fail(where, "an exception that is not std::exception");
        }
    }
    void fail(const char* where, const std::string& what) {
        core_.log_failure(where, what);
        if (answered_) {
            close();
            return;
        }
        try {
            send(json_response(500, error_body("the server failed inside while " +
                                               std::string(where) + "; it is logged")),
                 false);
        } catch (...) {
            close();
        }
    }

    void on_header(boost::system::error_code ec) {
        answered_ = false;
        if (ec == bhttp::error::header_limit) {
            send(json_response(431, error_body(fmt::format("the request header is larger than "
                                                           "{} bytes",
                                                           kMaxHeaderBytes))),
                 false);
            return;
        }
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::eof || ec == asio::error::connection_reset ||
            ec == asio::error::operation_aborted) {
            close();  // gone, idle, or too slow (slowloris): nobody to answer
            return;
        }
        if (ec) {
            send(json_response(400, error_body("malformed HTTP request: " + ec.message())), false);
            return;
        }
        handle();
    }

    void handle() {
        const Request& req = parser_->get();
        const std::string target(req.target());
        if (target.empty() || target.front() != '/') {
            send(json_response(400, error_body("the request target must be a path")), false);
            return;
        }
        const size_t q = target.find('?');
        path_ = percent_decode(target.substr(0, q), false);
        query_ = q == std::string::npos ? "" : target.substr(q + 1);
        method_ = std::string(req.method_string());
        host_ = req.count(bhttp::field::host) == 1 ? header(req, bhttp::field::host) : "";

        if (!host_allowed(host_, core_.options.allowed_hosts)) {
            send(json_response(421, error_body("the Host header names no address of this "
                                               "Phantom (DNS rebinding guard; see "
                                               "--allow-host)")),
                 false);
            return;
        }
        const bool api = path_ == "/api" || path_.compare(0, 5, "/api/") == 0;
        const Access a = access(core_.options.token, remote_, header(req, bhttp::field::cookie),
                                header(req, bhttp::field::authorization), query_);
        if (a == Access::Refused) {
            const std::string why =
                "this Phantom is reachable from the network and needs its access token: open "
                "the address `phantom start` printed (it ends in ?token=…)";
            send(api ? json_response(401, error_body(why)) : html_response(401, why), keep_alive());
            return;
        }
        if (a == Access::TokenInQuery && !api) {
            // Remember the token in a cookie and drop it from the address bar and history.
            // Only a plain path goes back into a header.
            Response res{bhttp::status::see_other, 11};
            res.set(bhttp::field::location, plain(path_, "/.-_") ? path_ : "/");
            res.set(bhttp::field::set_cookie,
                    fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", kTokenCookie,
                                core_.options.token));
            res.set(bhttp::field::cache_control, "no-store");
            res.prepare_payload();
            send(std::move(res), keep_alive());
            return;
        }
        if (path_ == "/api/ws" && beast::websocket::is_upgrade(req)) {
            upgrade();
            return;
        }
        if (!api) {
            serve_asset();
            return;
        }
        handle_api();
    }

    // Keep the connection for the next request only when this one was read whole.
    bool keep_alive() const { return parser_->get().keep_alive() && parser_->is_done(); }

    void upgrade() {
        const Request& req = parser_->get();
        if (!fetch_site_allowed(header(req, bhttp::field::sec_fetch_site)) ||
            !origin_allowed(header(req, bhttp::field::origin), host_)) {
            send(json_response(403, error_body("a page of another site may not open this "
                                               "Phantom's WebSocket")),
                 false);
            return;
        }
        auto ws = std::make_shared<WsSession>(core_, std::move(stream_), std::move(slot_));
        ws->accept(parser_->release());
    }

    void serve_asset() {
        if (method_ != "GET" && method_ != "HEAD") {
            send(json_response(405, error_body("the panel's files are read with GET"), "GET, HEAD"),
                 false);
            return;
        }
        const std::string wanted = path_ == "/" ? "/index.html" : path_;
        // The WebSocket is named beside 'self' for browsers that do not count ws: as 'self'.
        // The Host was checked already; only a plain one goes back into a header.
        const std::string ws = plain(host_, ".:-[]") && !host_.empty() ? " ws://" + host_ : "";
        for (const WebAsset& a : web_assets()) {
            if (a.path != wanted) continue;
            Response res{bhttp::status::ok, 11};
            res.set(bhttp::field::content_type, a.content_type);
            res.set(bhttp::field::cache_control, "no-cache");
            res.set("X-Content-Type-Options", "nosniff");
            // The panel may not be framed by another site, nor load anything from elsewhere.
            res.set("X-Frame-Options", "DENY");
            res.set("Content-Security-Policy",
                    "default-src 'self'; connect-src 'self'" + ws + "; frame-ancestors 'none'");
            if (method_ == "GET") {
                res.body() = std::string(a.body);
                res.prepare_payload();
            } else {
                res.content_length(a.body.size());
            }
            send(std::move(res), keep_alive());
            return;
        }
        send(html_response(404, "Not found: " + path_), keep_alive());
    }

    void handle_api() {
        const Request& req = parser_->get();
        if (find_invalid_utf8(path_) != std::string::npos) {
            // No path of the tree or of a snapshot holds such bytes: it does not exist.
            const std::string shown = replace_invalid_utf8(path_);
            send(json_response(404, json{{"error", shown + ": no such endpoint or parameter "
                                                           "(the path is not UTF-8)"},
                                         {"path", shown}}),
                 keep_alive());
            return;
        }
        const bool write = is_write_method(method_);
        if (write && !fetch_site_allowed(header(req, bhttp::field::sec_fetch_site))) {
            send(json_response(403, error_body("a page of another site may not change this "
                                               "Phantom (Sec-Fetch-Site: " +
                                               header(req, bhttp::field::sec_fetch_site) + ")")),
                 false);
            return;
        }
        if (write && !origin_allowed(header(req, bhttp::field::origin), host_)) {
            send(json_response(403, error_body("a foreign Origin may not change this Phantom")),
                 false);
            return;
        }
        const auto length = parser_->content_length();
        if (length && *length > static_cast<std::uint64_t>(HttpServer::kMaxBodyBytes)) {
            send(json_response(413, error_body(fmt::format("the body is larger than {} bytes",
                                                           HttpServer::kMaxBodyBytes))),
                 false);
            return;
        }
        if (write && !is_json_content_type(header(req, bhttp::field::content_type))) {
            send(json_response(415, error_body("a request that changes state must say "
                                               "Content-Type: application/json (with or "
                                               "without a body)")),
                 false);
            return;
        }
        if (write && !parser_->is_done()) {
            read_body();
            return;
        }
        call_api();
    }

    void read_body() {
        parser_->body_limit(HttpServer::kMaxBodyBytes);
        stream_.expires_after(core_.limits.body_deadline);  // covers the 100 Continue too
        if (beast::iequals(header(parser_->get(), bhttp::field::expect), "100-continue")) {
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            asio::async_write(
                stream_, asio::buffer(kContinue),
                [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                    if (ec) return self->close();
                    self->read_body_bytes();
                });
            return;
        }
        read_body_bytes();
    }

    void read_body_bytes() {
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              self->guarded("reading a request body", [&] { self->on_body(ec); });
                          });
    }

    void on_body(boost::system::error_code ec) {
        if (ec == bhttp::error::body_limit) {
            send(json_response(413, error_body(fmt::format("the body is larger than {} bytes",
                                                           HttpServer::kMaxBodyBytes))),
                 false);
            return;
        }
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category()) {
            send(json_response(400, error_body("malformed HTTP body: " + ec.message())), false);
            return;
        }
        if (ec) {
            close();  // gone, or not done within the body deadline
            return;
        }
        call_api();
    }

    // Held from a call's start until its answer is written (or cannot be): the server's stop
    // waits for every one (server_core.hpp, answers_pending).
    struct PendingAnswer {
        explicit PendingAnswer(std::atomic<size_t>& count) : count_(count) { count.fetch_add(1); }
        ~PendingAnswer() { count_.fetch_sub(1); }
        PendingAnswer(const PendingAnswer&) = delete;
        PendingAnswer& operator=(const PendingAnswer&) = delete;
        std::atomic<size_t>& count_;
    };

    void call_api() {
        const bool keep = keep_alive();
        if (core_.stopping.load()) {
            send(json_response(503, error_body("phantom is stopping: the request was not carried "
                                               "out")),
                 false);
            return;
        }
        ApiRequest request{method_, path_, query_, std::move(parser_->get().body())};
        answered_ = true;  // from here on, the pool answers
        auto pending = std::make_shared<const PendingAnswer>(core_.answers_pending);
        asio::post(core_.api_pool, [self = shared_from_this(), request = std::move(request), keep,
                                    pending]() mutable {
            int status = 500;
            std::string text, allow;
            try {
                ApiResponse r = route_api(self->core_.controller, request);
                status = r.status;
                allow = std::move(r.allow);
                text = dump_json(r.body) + "\n";
            } catch (const std::exception& e) {
                self->core_.log_failure(request.method + " " + replace_invalid_utf8(request.path),
                                        e.what());
                status = 500;
                text = dump_json(error_body("the server failed inside while answering; it is "
                                            "logged")) +
                       "\n";
            } catch (...) {
                self->core_.log_failure(request.method + " " + replace_invalid_utf8(request.path),
                                        "an exception that is not std::exception");
                status = 500;
                text = "{\"error\":\"the server failed inside while answering; it is logged\"}\n";
            }
            asio::post(self->core_.io, [self, status, text = std::move(text),
                                        allow = std::move(allow), keep, pending]() mutable {
                self->guarded("writing an answer", [&] {
                    self->send(json_response(status, std::move(text), allow), keep,
                               std::move(pending));
                });
            });
        });
    }

    // `hold` lives until the write is done (an API call's PendingAnswer).
    void send(Response res, bool keep, std::shared_ptr<const void> hold = {}) {
        answered_ = true;
        response_ = std::make_shared<Response>(std::move(res));
        response_->keep_alive(keep);
        stream_.expires_after(core_.limits.write_deadline);
        bhttp::async_write(stream_, *response_,
                           [self = shared_from_this(), keep, hold = std::move(hold)](
                               boost::system::error_code ec, std::size_t) {
                               self->response_.reset();
                               if (ec) return self->close();
                               if (!keep) return self->linger();
                               self->read_header();
                           });
    }

    // Half-close, then drain what the client still sends for a moment: closing with unread
    // bytes would reset the connection and could destroy the answer before it is read.
    void linger() {
        boost::system::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(kLinger);
        drain_.resize(4096);
        stream_.async_read_some(
            asio::buffer(drain_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                if (ec) return self->close();
                self->drain_more();
            });
    }
    void drain_more() {
        stream_.async_read_some(
            asio::buffer(drain_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                if (ec) return self->close();
                self->drain_more();
            });
    }

    void close() {
        boost::system::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.socket().close(ignored);
    }

    ServerCore& core_;
    beast::tcp_stream stream_;
    std::shared_ptr<ConnectionSlot> slot_;
    std::string remote_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::shared_ptr<Response> response_;
    std::string method_, path_, query_, host_;
    std::vector<char> drain_;
    bool answered_ = false;
};

}  // namespace

void start_http_session(ServerCore& core, tcp::socket socket,
                        std::shared_ptr<ConnectionSlot> slot) {
    std::make_shared<HttpSession>(core, std::move(socket), std::move(slot))->read_header();
}

}  // namespace phantom::http::detail
