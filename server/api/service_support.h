#ifndef BREVIS_SERVER_API_SERVICE_SUPPORT_H_
#define BREVIS_SERVER_API_SERVICE_SUPPORT_H_

// What every service class shares: its dependencies, and serving one
// unary call (authenticate, run the use case, finish with its status).

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "brevis/v1/access_log.pb.h"
#include "google/protobuf/message.h"
#include "server/api/call_executor.h"
#include "server/api/call_tracker.h"
#include "server/api/rpc_observer.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"
#include "server/auth/authenticator.h"
#include "server/auth/page_token.h"
#include "server/domain/clock.h"
#include "server/domain/policy.h"
#include "server/store/database.h"
#include "server/store/rows.h"

namespace brevis::api {

// Borrowed by the services; the owner (ApiServer) outlives them.
struct ServiceDeps {
  store::Database* db;
  const domain::Clock* clock;
  const auth::PageTokenCodec* page_tokens;
  auth::Authenticator* authenticator;
  app::AccessRecorder* access;
  CallTracker* calls;
  RpcObserver* observer;
  CallExecutor* executor;

  // What the use cases of server/app borrow from these.
  app::Dependencies ForApp() const { return {db, clock, page_tokens, access}; }
};

using app::Call;

// Fills `call` for a new call of `method` and authenticates it (token or
// client certificate); not OK, with `call` lacking its caller, when that
// fails. Every RPC needs credentials.
absl::Status OpenCall(grpc::CallbackServerContext* context,
                      const ServiceDeps& deps, std::string_view method,
                      Call* call);

// Logs and counts a finished call that began at `start`. The refusals of
// ExchangeSignIn are logged with their message (the reason).
void ObserveFinished(const ServiceDeps& deps, const Call& call,
                     const absl::Status& status, absl::Time start);

// Authenticates the call (token or client certificate) and runs `work` with
// it, then finishes the call with work's status; an authentication failure
// finishes it without running `work`. Both happen later on deps.executor,
// so `work` must capture nothing from the caller's stack: the service,
// and the request and response pointers, which gRPC keeps until then.
// When `work` queued access-log entries (a read of audit content), the
// call is finished only once they are committed, by the access recorder's
// answering thread, with the log's failure instead of the content when
// they could not be written (AccessRecorder::WhenWritten).
// Answered at once, without the executor or the database: CANCELLED when
// the client has already cancelled, UNAUTHENTICATED without credentials,
// RESOURCE_EXHAUSTED for a throttled peer or when the executor's queue is
// full. A call cancelled while it waited
// is CANCELLED without its work.
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                const ServiceDeps& deps,
                                std::string_view method,
                                std::function<absl::Status(const Call&)> work);

// Moves a use case's answer into gRPC's response message and returns its
// status: the one step between server/app and the transport.
template <typename Response>
absl::Status Answer(absl::StatusOr<Response> answer, Response* response) {
  if (!answer.ok()) return answer.status();
  response->Swap(&*answer);
  return absl::OkStatus();
}

// The status of a call the client cancelled before it was served.
absl::Status CancelledByClient();

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_SERVICE_SUPPORT_H_
