#ifndef BREVIS_SERVER_API_SERVER_H_
#define BREVIS_SERVER_API_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/api/call_executor.h"
#include "server/api/call_tracker.h"
#include "server/api/event_feed.h"
#include "server/api/metrics.h"
#include "server/api/metrics_endpoint.h"
#include "server/api/rpc_observer.h"
#include "server/app/access_recorder.h"
#include "server/app/use_cases.h"
#include "server/auth/authenticator.h"
#include "server/auth/page_token.h"
#include "server/domain/clock.h"
#include "server/store/database.h"

namespace brevis::api {

struct TlsFiles {
  std::string certificate;  // PEM server certificate (chain)
  std::string private_key;  // PEM key of the certificate
  // Optional PEM CA: when given, clients may present a certificate it
  // signed, and a verified one maps to the integration principal whose
  // certificate_subject is the certificate's common name.
  std::string client_ca;
};

struct ServerOptions {
  // host:port; port 0 picks a free port (see ApiServer::port).
  std::string listen_address = "127.0.0.1:50051";
  int max_message_bytes = 4 * 1024 * 1024;
  int max_concurrent_streams = 100;
  // Plaintext when unset, which is allowed on loopback addresses only.
  std::optional<TlsFiles> tls;
  // Failed sign-ins from one address within a minute before that address
  // is refused for a minute (RESOURCE_EXHAUSTED).
  int auth_failures_per_minute = 10;
  // host:port for Prometheus metrics (GET /metrics); empty: off. Loopback
  // only.
  std::string metrics_address;
  // How long access-log entries are kept (Swedish health care: at least
  // five years).
  absl::Duration access_log_retention = absl::Hours(24 * 1827);
  // Reports never show how many people of an informant group were heard
  // when they were fewer than this (domain.md: default 5).
  int minimum_group_size = 5;
  // Threads running the handlers (see CallExecutor): enough for the
  // writes of concurrent callers to meet in one group commit.
  int worker_threads = 32;
  // Calls waiting for a worker at most; past it a call is refused at once
  // with RESOURCE_EXHAUSTED, so a flood cannot queue without end.
  int max_queued_calls = 1024;
  // Open WatchEvents streams at most; more get RESOURCE_EXHAUSTED.
  int max_watchers = 256;
  // An idle watch re-authenticates its caller at least this often, so an
  // expired token or one revoked from another process ends it within this
  // bound even when nothing commits.
  absl::Duration watch_recheck = absl::Seconds(2);
};

// True when `address` (host:port, [v6]:port) is on this machine only:
// localhost, 127.0.0.0/8 or ::1.
bool IsLoopbackAddress(std::string_view address);

// The gRPC server with every brevis service, health checking and
// reflection. Thread-safe. Borrows the database and clock, which must
// outlive it.
class ApiServer {
 public:
  // When the database's background check finds damage (the database then
  // refuses every call), logs it and turns the health service NOT_SERVING.
  // Refuses (FAILED_PRECONDITION) a non-loopback address without TLS and
  // TLS files it cannot read. UNAVAILABLE when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<ApiServer>> Start(
      const ServerOptions& options, store::Database* db,
      const domain::Clock* clock);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // The port actually bound.
  int port() const { return port_; }
  // The metrics endpoint's port; 0 when metrics are off.
  int metrics_port() const;

  // Stops taking calls and lets in-flight calls finish for up to `drain`,
  // then cancels what is left, and writes the queued access-log entries.
  // Safe to call from any thread, once.
  void Shutdown(absl::Duration drain);
  // Blocks until the server has shut down.
  void Wait();

 private:
  ApiServer() = default;

  std::unique_ptr<auth::PageTokenCodec> page_tokens_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<EventFeed> events_;
  std::unique_ptr<app::AccessRecorder> access_;
  std::unique_ptr<CallTracker> calls_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<RpcObserver> observer_;
  std::unique_ptr<MetricsEndpoint> metrics_endpoint_;
  std::unique_ptr<app::UseCases> use_cases_;
  std::unique_ptr<grpc::Service> directory_;
  std::unique_ptr<grpc::Service> audits_;
  std::unique_ptr<grpc::Service> access_log_;
  std::unique_ptr<grpc::Service> event_service_;
  std::unique_ptr<grpc::Service> report_service_;
  std::unique_ptr<grpc::Server> server_;
  store::Database* db_ = nullptr;  // borrowed; told to stop calling us
  // Last, so it is the first to go: its threads are joined before anything
  // a handler uses is destroyed.
  std::unique_ptr<CallExecutor> executor_;
  int port_ = 0;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_SERVER_H_
