#ifndef BREVIS_SERVER_API_METRICS_ENDPOINT_H_
#define BREVIS_SERVER_API_METRICS_ENDPOINT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace brevis::api {

// A minimal HTTP/1.1 endpoint that answers GET /metrics with the text
// `render` returns, for a Prometheus scraper. One thread, one request at a
// time, each bounded by a 2 s read timeout; loopback addresses only, since
// it has no authentication. Thread-safe to stop from any thread.
class MetricsEndpoint {
 public:
  // Listens on `address` (host:port, port 0 for a free one).
  // FAILED_PRECONDITION for a non-loopback address, UNAVAILABLE when the
  // port cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& address, std::function<std::string()> render);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  MetricsEndpoint() = default;
  void Run();
  void Serve(int client);

  std::function<std::string()> render_;
  int listener_ = -1;
  int wake_[2] = {-1, -1};  // a pipe that ends Run's poll
  int port_ = 0;
  std::thread thread_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_METRICS_ENDPOINT_H_
