#include "server/api/metrics_endpoint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "server/api/server.h"
#include "server/domain/str_cat.h"

namespace brevis::api {
namespace {

constexpr int kReadTimeoutMs = 2000;
constexpr size_t kMaxRequestBytes = 8192;

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string Response(std::string_view status, std::string_view type,
                     const std::string& body) {
  return StrCat("HTTP/1.1 ", status, "\r\nContent-Type: ", type,
                "\r\nContent-Length: ", static_cast<int64_t>(body.size()),
                "\r\nConnection: close\r\n\r\n", body);
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& address, std::function<std::string()> render) {
  if (!IsLoopbackAddress(address)) {
    return absl::FailedPreconditionError(
        StrCat("refusing to serve metrics on ", address,
               ": the metrics endpoint has no authentication, so it listens "
               "on loopback addresses only"));
  }
  size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host.size() > 1 && host.front() == '[') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("--metrics-addr: cannot resolve ", address));
  }
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->render_ = std::move(render);
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  bool bound = fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 &&
               listen(fd, 16) == 0;
  freeaddrinfo(found);
  if (!bound) {
    std::string reason = std::strerror(errno);
    if (fd >= 0) close(fd);
    return absl::UnavailableError(
        StrCat("cannot serve metrics on ", address, ": ", reason));
  }
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  endpoint->port_ =
      ntohs(local.ss_family == AF_INET6
                ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  endpoint->listener_ = fd;
  if (pipe2(endpoint->wake_, O_CLOEXEC) != 0) {
    return absl::InternalError("cannot create a pipe");
  }
  endpoint->thread_ = std::thread([raw = endpoint.get()] { raw->Run(); });
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  if (wake_[1] >= 0) {
    char byte = 0;
    (void)!write(wake_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : {listener_, wake_[0], wake_[1]}) {
    if (fd >= 0) close(fd);
  }
}

void MetricsEndpoint::Run() {
  while (true) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        Serve(client);
        close(client);
      }
    }
  }
}

void MetricsEndpoint::Serve(int client) {
  std::string request;
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.size() < kMaxRequestBytes) {
    pollfd fd = {client, POLLIN, 0};
    if (poll(&fd, 1, kReadTimeoutMs) <= 0) return;
    char buffer[1024];
    ssize_t n = recv(client, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    request.append(buffer, static_cast<size_t>(n));
  }
  if (request.starts_with("GET /metrics ") ||
      request.starts_with("GET /metrics?")) {
    WriteAll(client,
             Response("200 OK", "text/plain; version=0.0.4", render_()));
  } else {
    WriteAll(client, Response("404 Not Found", "text/plain",
                              "brevisd serves only GET /metrics here\n"));
  }
}

}  // namespace brevis::api
