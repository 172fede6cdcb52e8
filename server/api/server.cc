#include "server/api/server.h"

#include <arpa/inet.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "server/api/event_service.h"
#include "server/api/rpc_interceptor.h"
#include "server/api/services.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/json_log.h"
#include "server/store/server_key_repository.h"
#include "server/store/sqlite.h"

namespace brevis::api {
namespace {

constexpr size_t kPageTokenKeyBytes = 32;

// The host part of host:port or [host]:port; empty when malformed.
std::string_view HostOf(std::string_view address) {
  if (address.starts_with('[')) {
    size_t close = address.find(']');
    if (close == std::string_view::npos) return {};
    return address.substr(1, close - 1);
  }
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return {};
  return address.substr(0, colon);
}

absl::StatusOr<std::string> LoadPageTokenKey(store::Database& db) {
  std::string key;
  absl::Status status = db.Write([&](store::Connection& connection) {
    BREVIS_ASSIGN_OR_RETURN(
        std::string stored,
        store::ServerKeyRepository(connection)
            .GetOrCreate("page_token", auth::RandomBytes(kPageTokenKeyBytes)));
    key = std::move(stored);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return key;
}

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    std::string_view flag) {
  std::ifstream file(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)),
                   std::istreambuf_iterator<char>());
  if (!file || text.find("-----BEGIN") == std::string::npos) {
    return absl::FailedPreconditionError(
        brevis::StrCat("cannot read ", flag, " ", path, " as a PEM file"));
  }
  return text;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(
    const std::optional<TlsFiles>& tls) {
  if (!tls.has_value()) return grpc::InsecureServerCredentials();
  BREVIS_ASSIGN_OR_RETURN(std::string certificate,
                          ReadPem(tls->certificate, "--tls-cert"));
  BREVIS_ASSIGN_OR_RETURN(std::string key,
                          ReadPem(tls->private_key, "--tls-key"));
  // gRPC's TLS floor is TLS 1.2; older protocol versions are refused.
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({key, certificate});
  if (!tls->client_ca.empty()) {
    BREVIS_ASSIGN_OR_RETURN(std::string ca,
                            ReadPem(tls->client_ca, "--client-ca"));
    options.pem_root_certs = ca;
    // A certificate is optional (people use tokens), but one that is sent
    // must verify against the client CA or the handshake fails.
    options.client_certificate_request =
        GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

// Gauges of the database, read when scraped.
void AddStoreMetrics(store::Database& db, CallTracker& calls,
                     Metrics& metrics) {
  auto file_size = [](std::string path) {
    return [path] {
      std::error_code error;
      auto size = std::filesystem::file_size(path, error);
      return error ? 0.0 : static_cast<double>(size);
    };
  };
  // A PostgreSQL server reports its own sizes (pg_database_size).
  if (db.engine() == store::Engine::kSqlite) {
    metrics.AddGauge("brevis_db_size_bytes", "Size of the database file.",
                     file_size(db.path()));
    metrics.AddGauge("brevis_wal_size_bytes",
                     "Size of the write-ahead log beside the database.",
                     file_size(db.path() + "-wal"));
    metrics.AddCounter(
        "brevis_wal_checkpoints_total",
        "Checkpoints the checkpointer thread ran (the WAL copied into the "
        "database file, off the commit path).",
        [&db] { return static_cast<double>(db.checkpoints()); });
    metrics.AddCounter(
        "brevis_wal_checkpoint_failures_total",
        "Checkpoints that failed (an I/O error); the log has the first of a "
        "run of them, and the next start checks every page.",
        [&db] { return static_cast<double>(db.checkpoint_failures()); });
  }
  metrics.AddGauge("brevis_writer_queue_depth",
                   "Writes waiting for or holding the single writer.",
                   [&db] { return static_cast<double>(db.writers_queued()); });
  metrics.AddCounter(
      "brevis_write_transactions_total",
      "Committed write transactions; concurrent writes share one (group "
      "commit), see brevis_write_requests_total.",
      [&db] { return static_cast<double>(db.write_transactions()); });
  metrics.AddCounter(
      "brevis_write_requests_total",
      "Write requests committed; divided by brevis_write_transactions_total "
      "it is the mean group-commit batch.",
      [&db] { return static_cast<double>(db.write_requests()); });
  metrics.AddGauge("brevis_rpc_in_flight", "Calls in brevis handlers now.",
                   [&calls] { return static_cast<double>(calls.in_flight()); });
}

}  // namespace

bool IsLoopbackAddress(std::string_view address) {
  std::string host(HostOf(address));
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

absl::StatusOr<std::unique_ptr<ApiServer>> ApiServer::Start(
    const ServerOptions& options, store::Database* db,
    const domain::Clock* clock) {
  if (!options.tls.has_value() && !IsLoopbackAddress(options.listen_address)) {
    return absl::FailedPreconditionError(brevis::StrCat(
        "refusing to listen on ", options.listen_address,
        " without TLS: tokens and audit content would cross the network in "
        "clear text. Give --tls-cert and --tls-key, or listen on a loopback "
        "address (127.0.0.1, [::1], localhost)"));
  }
  BREVIS_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                          MakeCredentials(options.tls));
  BREVIS_ASSIGN_OR_RETURN(std::string key, LoadPageTokenKey(*db));

  std::unique_ptr<ApiServer> server(new ApiServer());
  server->page_tokens_ = std::make_unique<auth::PageTokenCodec>(std::move(key));
  server->authenticator_ = std::make_unique<auth::Authenticator>(
      db, clock, options.auth_failures_per_minute);
  // Before anything writes: the feed listens to every commit.
  server->events_ = std::make_unique<EventFeed>(db, options.max_watchers,
                                                options.watch_recheck);
  server->access_ = std::make_unique<app::AccessRecorder>(
      db, clock, options.access_log_retention);
  server->calls_ = std::make_unique<CallTracker>();
  server->executor_ = std::make_unique<CallExecutor>(options.worker_threads,
                                                     options.max_queued_calls);
  server->metrics_ = std::make_unique<Metrics>();
  JsonLog* log = &JsonLog::Global();
  server->observer_ =
      std::make_unique<RpcObserver>(server->metrics_.get(), log);
  AddStoreMetrics(*db, *server->calls_, *server->metrics_);
  server->metrics_->AddCounter(
      "brevis_log_lines_dropped_total",
      "Log lines dropped because stderr's reader fell behind (or closed it); "
      "the log itself reports them in a \"dropped log lines\" line.",
      [log] { return static_cast<double>(log->dropped()); });
  EventFeed* feed = server->events_.get();
  server->metrics_->AddGauge(
      "brevis_event_watchers", "Open WatchEvents streams.",
      [feed] { return static_cast<double>(feed->watchers()); });
  ServiceDeps deps{db,
                   clock,
                   server->page_tokens_.get(),
                   server->authenticator_.get(),
                   server->access_.get(),
                   server->calls_.get(),
                   server->observer_.get(),
                   server->executor_.get()};
  server->use_cases_ = std::make_unique<app::UseCases>(
      deps.ForApp(), options.minimum_group_size);
  app::UseCases* use_cases = server->use_cases_.get();
  server->directory_ = std::make_unique<DirectoryService>(deps, use_cases);
  server->audits_ = std::make_unique<AuditService>(deps, use_cases);
  server->access_log_ = std::make_unique<AccessLogService>(deps, use_cases);
  server->event_service_ =
      std::make_unique<EventService>(deps, use_cases, server->events_.get());
  server->report_service_ = std::make_unique<ReportService>(deps, use_cases);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
  builder.RegisterService(server->directory_.get());
  builder.RegisterService(server->audits_.get());
  builder.RegisterService(server->access_log_.get());
  builder.RegisterService(server->event_service_.get());
  builder.RegisterService(server->report_service_.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  // Keepalive enforcement: a client may ping at most every 10 s without
  // data; abusive pingers are disconnected after two strikes. The server
  // pings idle connections every 2 minutes to find dead peers.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 120000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      std::make_unique<RpcInterceptorFactory>(server->observer_.get()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        brevis::StrCat("cannot listen on ", options.listen_address,
                       " (is the port in use, or the address not local?)"));
  }
  // Damage found by the check a start after a clean shutdown runs in the
  // background: every call already fails with FAILED_PRECONDITION; the
  // operator and the load balancer are told here.
  server->db_ = db;
  grpc::HealthCheckServiceInterface* health =
      server->server_->GetHealthCheckService();
  db->SetDamageListener(
      [health, path = db->path()](const absl::Status& damage) {
        JsonLog::Global().Write(
            JsonLog::Level::kError,
            "database damaged: every call is refused; stop brevisd and restore "
            "the database from a backup",
            {{"database", path}, {"reason", store::DescribeForLog(damage)}});
        if (health != nullptr) health->SetServingStatus(false);
      });
  db->SetCheckpointFailureListener(
      [path = db->path()](const absl::Status& failure) {
        JsonLog::Global().Write(
            JsonLog::Level::kError,
            "database checkpoint failed: the write-ahead log could not be "
            "copied into the database file; commits go on, the log grows "
            "until a checkpoint succeeds; check the disk",
            {{"database", path}, {"reason", store::DescribeForLog(failure)}});
      });
  if (!options.metrics_address.empty()) {
    Metrics* metrics = server->metrics_.get();
    BREVIS_ASSIGN_OR_RETURN(
        auto endpoint,
        MetricsEndpoint::Start(options.metrics_address,
                               [metrics] { return metrics->Render(); }));
    server->metrics_endpoint_ = std::move(endpoint);
  }
  return server;
}

ApiServer::~ApiServer() {
  if (db_ != nullptr) {
    db_->SetDamageListener(nullptr);
    db_->SetCheckpointFailureListener(nullptr);
  }
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
  // The services are gone; what they queued for the access log is written
  // before the recorder stops.
  if (access_ != nullptr) access_->Flush();
}

void ApiServer::Shutdown(absl::Duration drain) {
  absl::Time deadline = absl::Now() + drain;
  // Watches never end by themselves: end them first, with a status that
  // tells the client to resume later.
  events_->Shutdown(
      absl::UnavailableError("brevisd is shutting down; watch again from your "
                             "last resume_after"),
      deadline);
  // gRPC's Shutdown stops new calls at once but then waits out the whole
  // deadline while any client keeps an idle connection open. So it runs on
  // a helper thread, and as soon as our last call is answered the
  // remaining connections are closed, which lets it return.
  std::thread stopper(
      [this, deadline] { server_->Shutdown(absl::ToChronoTime(deadline)); });
  // A call accepted just before the shutdown may not have reached its
  // handler yet; idle must last a short quiet period to count.
  constexpr absl::Duration kQuiet = absl::Milliseconds(50);
  while (calls_->WaitIdle(deadline) && absl::Now() + kQuiet < deadline) {
    absl::SleepFor(kQuiet);
    if (calls_->in_flight() == 0) break;
  }
  grpc_server_cancel_all_calls(server_->c_server());
  stopper.join();
  access_->Flush();
}

void ApiServer::Wait() { server_->Wait(); }

int ApiServer::metrics_port() const {
  return metrics_endpoint_ != nullptr ? metrics_endpoint_->port() : 0;
}

}  // namespace brevis::api
