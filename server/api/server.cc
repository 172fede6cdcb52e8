#include "server/api/server.h"

#include <arpa/inet.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "server/api/audit_service.h"
#include "server/api/directory_service.h"
#include "server/api/parse_error_interceptor.h"
#include "server/domain/str_cat.h"
#include "server/store/create_request_log.h"

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
    absl::StatusOr<std::string> stored =
        store::ServerKeyRepository(connection)
            .GetOrCreate("page_token", auth::RandomBytes(kPageTokenKeyBytes));
    if (!stored.ok()) return stored.status();
    key = std::move(*stored);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return key;
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
  if (!IsLoopbackAddress(options.listen_address)) {
    return absl::FailedPreconditionError(brevis::StrCat(
        "refusing to listen on ", options.listen_address,
        ": brevis has no authentication or TLS yet, so it serves only "
        "loopback addresses (127.0.0.1, [::1], localhost)"));
  }
  absl::StatusOr<std::string> key = LoadPageTokenKey(*db);
  if (!key.ok()) return key.status();

  std::unique_ptr<ApiServer> server(new ApiServer());
  server->page_tokens_ =
      std::make_unique<auth::PageTokenCodec>(std::move(*key));
  ServiceDeps deps{db, clock, server->page_tokens_.get()};
  server->directory_ = std::make_unique<DirectoryService>(deps);
  server->audits_ = std::make_unique<AuditService>(deps);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(server->directory_.get());
  builder.RegisterService(server->audits_.get());
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
  interceptors.push_back(std::make_unique<ParseErrorInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        brevis::StrCat("cannot listen on ", options.listen_address,
                       " (is the port in use, or the address not local?)"));
  }
  return server;
}

ApiServer::~ApiServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
}

void ApiServer::Shutdown(absl::Duration drain) {
  server_->Shutdown(absl::ToChronoTime(absl::Now() + drain));
}

void ApiServer::Wait() { server_->Wait(); }

}  // namespace brevis::api
