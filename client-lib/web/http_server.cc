#include "client-lib/web/http_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "client-lib/web/cat.h"
#include "client-lib/web/config.h"
#include "client-lib/web/urlencoded.h"

namespace brevis::web {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

void ParseCookies(std::string_view header,
                  std::map<std::string, std::string>& out) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(start, end - start);
    start = end + 1;
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(part.substr(0, eq)),
                std::string(part.substr(eq + 1)));
  }
}

HttpRequest ToRequest(const http::request<http::string_body>& raw, bool tls) {
  HttpRequest request;
  request.method = std::string(raw.method_string());
  request.target = std::string(raw.target());
  request.tls = tls;
  std::string_view target(raw.target().data(), raw.target().size());
  if (!DecodeTarget(target, request.path, request.query)) {
    request.well_formed = false;
    request.path = "/";
  }
  auto content_type = raw.find(http::field::content_type);
  if (content_type != raw.end() &&
      content_type->value().starts_with("application/x-www-form-urlencoded")) {
    if (!DecodeUrlencoded(raw.body(), request.form)) {
      request.well_formed = false;
    }
  }
  for (auto it = raw.find(http::field::cookie); it != raw.end();) {
    if (it->name() != http::field::cookie) break;
    ParseCookies(it->value(), request.cookies);
    ++it;
  }
  return request;
}

http::response<http::string_body> ToBeast(HttpResponse response,
                                          unsigned version, bool keep_alive) {
  AddSecurityHeaders(response);
  http::response<http::string_body> out{
      static_cast<http::status>(response.status), version};
  out.set(http::field::server, "brevis-web");
  out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) {
    out.insert(name, value);
  }
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

}  // namespace

std::string HttpRequest::Param(const std::string& name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return Form(name);
}

std::string HttpRequest::Form(const std::string& name) const {
  for (const auto& [key, value] : form) {
    if (key == name) return value;
  }
  return "";
}

std::vector<std::string> HttpRequest::FormAll(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : form) {
    if (key == name) out.push_back(value);
  }
  return out;
}

std::string HttpRequest::Cookie(const std::string& name) const {
  auto it = cookies.find(name);
  return it == cookies.end() ? "" : it->second;
}

std::string ContentSecurityPolicy(std::string_view form_origin) {
  std::string policy =
      "default-src 'self'; frame-ancestors 'none'; form-action 'self'";
  if (!form_origin.empty()) policy.append(" ").append(form_origin);
  return policy + "; base-uri 'none'";
}

void AddSecurityHeaders(HttpResponse& response) {
  auto has = [&](std::string_view name) {
    for (const auto& header : response.headers) {
      if (header.first == name) return true;
    }
    return false;
  };
  if (!has("Content-Security-Policy")) {
    response.headers.emplace_back("Content-Security-Policy",
                                  ContentSecurityPolicy());
  }
  if (!has("X-Frame-Options")) {
    response.headers.emplace_back("X-Frame-Options", "DENY");
  }
  if (!has("Cache-Control")) {
    response.headers.emplace_back("Cache-Control", "no-store");
  }
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

// ----- Connections.

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Closes the connection if it waits for a request; one in flight
  // finishes and then closes.
  virtual void StopIfIdle() = 0;
};

class HttpServer::Impl {
 public:
  HttpServerOptions options;
  Handler handler;
  ErrorPage error_page;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable done;
  int running = 0;
  std::vector<std::weak_ptr<ConnectionBase>> connections;

  void Register(const std::shared_ptr<ConnectionBase>& connection) {
    std::lock_guard lock(mutex);
    std::erase_if(connections, [](const auto& w) { return w.expired(); });
    connections.push_back(connection);
  }
  void DoAccept();
};

namespace {

template <class Stream>
class Connection : public ConnectionBase,
                   public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(HttpServer::Impl* server, Stream stream)
      : server_(server), stream_(std::move(stream)) {}

  void Start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(
          server_->options.read_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return;  // nothing to answer over a failed handshake
            self->Read();
          });
    } else {
      Read();
    }
  }

  void StopIfIdle() override {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  static constexpr bool kTls =
      std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>;

  void Read() {
    if (server_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    idle_ = true;
    beast::get_lowest_layer(stream_).expires_after(
        server_->options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](
                         beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    idle_ = false;
    if (ec == http::error::end_of_stream ||
        ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::eof) {
      return Close();
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      return Write(server_->error_page(413), 11, false);
    }
    if (ec && ec.category() ==
                  http::make_error_code(http::error::bad_target).category()) {
      return Write(server_->error_page(400), 11, false);
    }
    if (ec) return Close();
    const auto& raw = parser_->get();
    HttpResponse response;
    HttpRequest request = ToRequest(raw, kTls);
    if (!request.well_formed) {
      response = server_->error_page(400);
    } else {
      response = server_->handler(request);
    }
    Write(std::move(response), raw.version(),
          raw.keep_alive() && !server_->stopping);
  }

  void Write(HttpResponse response, unsigned version, bool keep_alive) {
    auto message = std::make_shared<http::response<http::string_body>>(
        ToBeast(std::move(response), version, keep_alive));
    beast::get_lowest_layer(stream_).expires_after(
        server_->options.read_timeout);
    http::async_write(stream_, *message,
                      [self = this->shared_from_this(), message](
                          beast::error_code ec, size_t) {
                        if (ec || !message->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  HttpServer::Impl* server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool idle_ = false;
};

}  // namespace

void HttpServer::Impl::DoAccept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec,
                                                       tcp::socket socket) {
    if (stopping || !acceptor->is_open()) return;
    if (!ec) {
      std::shared_ptr<ConnectionBase> connection;
      if (tls) {
        auto c =
            std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
                this, beast::ssl_stream<beast::tcp_stream>(
                          beast::tcp_stream(std::move(socket)), *tls));
        connection = c;
        Register(connection);
        c->Start();
      } else {
        auto c = std::make_shared<Connection<beast::tcp_stream>>(
            this, beast::tcp_stream(std::move(socket)));
        connection = c;
        Register(connection);
        c->Start();
      }
    }
    DoAccept();
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Shutdown();
  Wait(std::chrono::milliseconds(0));
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, Handler handler, ErrorPage error_page) {
  auto split = SplitHostPort(options.listen);
  if (!split.ok()) return split.status();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  impl->error_page = std::move(error_page);
  if (!options.tls_cert.empty()) {
    impl->tls.emplace(ssl::context::tls_server);
    impl->tls->set_options(ssl::context::default_workarounds |
                           ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    impl->tls->use_certificate_chain_file(options.tls_cert, ec);
    if (!ec)
      impl->tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec) {
      return absl::InvalidArgumentError(
          Cat("tls_cert/tls_key: cannot use ", options.tls_cert, " and ",
              options.tls_key, ": ", ec.message()));
    }
  }
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(
      split->first == "localhost" ? "127.0.0.1" : split->first, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        Cat("listen: '", split->first, "' is not an IP address or localhost"));
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(split->second));
  impl->acceptor.emplace(net::make_strand(impl->ioc));
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec)
    impl->acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        Cat("cannot listen on ", options.listen, ": ", ec.message()));
  }
  impl->DoAccept();
  Impl* raw = impl.get();
  raw->running = std::max(1, options.threads);
  for (int i = 0; i < raw->running; ++i) {
    raw->threads.emplace_back([raw] {
      raw->ioc.run();
      std::lock_guard lock(raw->mutex);
      --raw->running;
      raw->done.notify_all();
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor->local_endpoint(ec).port();
}

void HttpServer::Shutdown() {
  if (impl_->stopping.exchange(true)) return;
  net::dispatch(impl_->acceptor->get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
  });
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    std::lock_guard lock(impl_->mutex);
    for (const auto& weak : impl_->connections) {
      if (auto c = weak.lock()) live.push_back(c);
    }
  }
  for (const auto& c : live) c->StopIfIdle();
}

bool HttpServer::Wait(std::chrono::milliseconds timeout) {
  bool in_time;
  {
    std::unique_lock lock(impl_->mutex);
    in_time = impl_->done.wait_for(lock, timeout,
                                   [this] { return impl_->running == 0; });
  }
  if (!in_time) impl_->ioc.stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  return in_time;
}

}  // namespace brevis::web
