#ifndef BREVIS_CLIENT_SRC_CLIENT_CORE_H_
#define BREVIS_CLIENT_SRC_CLIENT_CORE_H_

// The shared, immutable state behind every copy of a Client: the channel,
// one stub per service, the settings. Thread-safe: nothing in it changes
// after Create, and gRPC channels and stubs are thread-safe.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <tuple>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "brevis/client/options.h"
#include "brevis/v1/access_log_service.grpc.pb.h"
#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "brevis/v1/event_service.grpc.pb.h"
#include "brevis/v1/report_service.grpc.pb.h"

namespace brevis::client {

namespace v1 = ::brevis::v1;

// Whether a call may be sent again after UNAVAILABLE.
enum class Retry { kNever, kSafe };

// The gRPC status as an absl::Status (the codes are the same numbers).
absl::Status FromGrpc(const grpc::Status& status);

// The wait before retry number `retry` (1 = the first retry), with jitter.
absl::Duration Backoff(const RetryOptions& options, int retry);

class ClientCore {
 public:
  // See Client::Create.
  static absl::StatusOr<std::shared_ptr<const ClientCore>> Create(
      const ClientOptions& options);

  const ClientOptions& options() const { return options_; }

  // A core on the same channel (so the same connection and TLS) that sends
  // `token` as its bearer token. INVALID_ARGUMENT for an empty token or one
  // with spaces or non-printable characters.
  absl::StatusOr<std::shared_ptr<const ClientCore>> WithToken(
      std::string token) const;

  // The deadline of a call made now with `call`; InfiniteFuture when
  // `unary` is false and `call` gives none.
  absl::Time Deadline(const CallOptions& call, bool unary) const;

  // Sets the deadline and the bearer token on a fresh context.
  void Prepare(grpc::ClientContext* context, absl::Time deadline) const;

  template <typename Service>
  typename Service::Stub& StubOf() const {
    return *std::get<std::unique_ptr<typename Service::Stub>>(stubs_);
  }

  // One unary call: attempts until success, an error that is not
  // UNAVAILABLE, `retry` is kNever, the attempts run out, or the next
  // backoff would pass the deadline.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Unary(const char* method,
                                 grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                                           const Request&,
                                                           Response*),
                                 Stub& stub, const Request& request,
                                 Retry retry, const CallOptions& call) const {
    absl::Time deadline = Deadline(call, /*unary=*/true);
    int max_attempts =
        retry == Retry::kSafe ? std::max(1, options_.retry.max_attempts) : 1;
    for (int attempt = 1;; ++attempt) {
      grpc::ClientContext context;
      Prepare(&context, deadline);
      Response response;
      grpc::Status status = (stub.*rpc)(&context, request, &response);
      if (status.ok()) return response;
      absl::Status failure = FromGrpc(status);
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
          retry == Retry::kNever) {
        return failure;
      }
      if (attempt >= max_attempts) return GaveUp(failure, attempt, false);
      absl::Duration backoff = Backoff(options_.retry, attempt);
      if (absl::Now() + backoff >= deadline) {
        return GaveUp(failure, attempt, true);
      }
      Notify(method, attempt, failure, backoff);
      WaitToRetry(absl::Now() + backoff);
    }
  }

  // Whether the channel has a connection now.
  bool Connected() const {
    return channel_->GetState(/*try_to_connect=*/false) == GRPC_CHANNEL_READY;
  }

  // Waits until `until` before a retry. While the channel is not connected
  // it waits for it to connect instead and returns as soon as it does.
  void WaitToRetry(absl::Time until) const;

  // Waits until `deadline` for the channel to connect, and makes it try now.
  // (gRPC 1.51 leaves a channel in TRANSIENT_FAILURE until a call that waits
  // for it comes along: retries of calls that fail fast would never get
  // through. The waiting call is a health check, which needs no token.)
  // `hook`, when given, gets the call's context before it starts (return
  // false to skip the wait) and nullptr after it ends, so that another
  // thread can cancel it. True when connected.
  bool AwaitConnected(
      absl::Time deadline,
      const std::function<bool(grpc::ClientContext*)>& hook = nullptr) const;

  // Tells RetryOptions::on_retry, if set.
  void Notify(const char* method, int attempt, const absl::Status& status,
              absl::Duration backoff) const;

  // `failure` with how many attempts were made added to its message.
  static absl::Status GaveUp(const absl::Status& failure, int attempts,
                             bool deadline_near);

 private:
  ClientCore(ClientOptions options, std::string authorization,
             std::shared_ptr<grpc::Channel> channel);

  const ClientOptions options_;
  // "Bearer <secret>", or empty for unauthenticated calls.
  const std::string authorization_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::tuple<std::unique_ptr<v1::DirectoryService::Stub>,
                   std::unique_ptr<v1::AuditService::Stub>,
                   std::unique_ptr<v1::AccessLogService::Stub>,
                   std::unique_ptr<v1::EventService::Stub>,
                   std::unique_ptr<v1::ReportService::Stub>>
      stubs_;
};

}  // namespace brevis::client

#endif  // BREVIS_CLIENT_SRC_CLIENT_CORE_H_
