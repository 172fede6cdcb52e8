#ifndef BREVIS_SERVER_API_SERVICE_SUPPORT_H_
#define BREVIS_SERVER_API_SERVICE_SUPPORT_H_

// What every service class shares: its dependencies, the List window (page
// size and token), and create-once handling of request_id.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "brevis/v1/access_log.pb.h"
#include "google/protobuf/message.h"
#include "server/api/access_recorder.h"
#include "server/api/call_executor.h"
#include "server/api/call_tracker.h"
#include "server/api/rpc_observer.h"
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
  AccessRecorder* access;
  CallTracker* calls;
  RpcObserver* observer;
  CallExecutor* executor;
};

// One authenticated call: who, which RPC, from where, when.
struct Call {
  domain::Caller caller;
  std::string method;  // e.g. brevis.v1.AuditService/GetFinding
  std::string peer;
  std::string request_id;  // x-request-id metadata, if sent
  absl::Time time;

  // An access-log entry of this call for `resource`.
  v1::AccessLogEntry Entry(v1::AccessKind kind, std::string resource) const;
};

// Fills `call` for a new call of `method` and authenticates it (token or
// client certificate); not OK, with `call` lacking its caller, when that
// fails.
absl::Status OpenCall(grpc::CallbackServerContext* context,
                      const ServiceDeps& deps, std::string_view method,
                      Call* call);

// Logs and counts a finished call that began at `start`.
void ObserveFinished(const ServiceDeps& deps, const Call& call,
                     const absl::Status& status, absl::Time start);

// Authenticates the call (token or client certificate) and runs `work` with
// it, then finishes the call with work's status; an authentication failure
// finishes it without running `work`. Both happen later on deps.executor,
// so `work` must capture nothing from the caller's stack: the service,
// and the request and response pointers, which gRPC keeps until then.
// Answered at once, without the executor or the database: CANCELLED when
// the client has already cancelled, UNAUTHENTICATED without credentials,
// RESOURCE_EXHAUSTED for a throttled peer or when the executor's queue is
// full. A call cancelled while it waited is CANCELLED without its work.
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                const ServiceDeps& deps,
                                std::string_view method,
                                std::function<absl::Status(const Call&)> work);

// The status of a call the client cancelled before it was served.
absl::Status CancelledByClient();

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// Where a List call starts and how many rows it returns. `scope` binds the
// page token to one method, parent and filter.
struct ListWindow {
  std::string scope;
  int64_t after_id = 0;
  int limit = kDefaultPageSize;
};

// INVALID_ARGUMENT for a negative page_size or a token not issued for
// `scope`. page_size 0 means the default; above the maximum is capped.
absl::StatusOr<ListWindow> OpenListWindow(const auth::PageTokenCodec& codec,
                                          std::string scope, int32_t page_size,
                                          std::string_view page_token);

// Records an access-log READ entry for each resource named in `names`. Not
// OK means the read must not be served.
absl::Status RecordReadNames(AccessRecorder& recorder, const Call& call,
                             std::vector<std::string> names);

// Records an access-log READ entry for every resource in `items` (anything
// with a name()): lists record each record the caller saw. Not OK means
// the read must not be served.
template <typename Items>
absl::Status RecordReads(AccessRecorder& recorder, const Call& call,
                         const Items& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name());
  return RecordReadNames(recorder, call, std::move(names));
}

// A list's page-token scope: the method, the caller (so a token never
// widens what another caller sees) and whatever else defines the list.
std::string ListScope(const Call& call, std::string_view parts);

// The token for the page after `page`, or empty when it was the last.
template <typename Resource>
std::string NextPageToken(const auth::PageTokenCodec& codec,
                          const ListWindow& window,
                          const store::Page<Resource>& page) {
  return page.more ? codec.Encode(window.scope, page.last_id) : std::string();
}

// Runs `create`, which fills `response`, unless the same caller already
// made a create of `method` with the same non-empty `request_id`: then
// nothing is created and `reread` fills `response` with that first result
// as it is now (NOT_FOUND if it was deleted since), whatever happened in
// between. So `create` must hold every check of a new request against the
// current state (lifecycle state, frozen content, referenced resources,
// values taken): a retry is not checked against it. What is checked before
// CreateOnce is only who the caller is and what it may see and do now, so
// a caller who has lost access gets the same NOT_FOUND or
// PERMISSION_DENIED as for a new request; checks of the request alone
// (field rules) may come first too, since an identical retry passes them
// again. A request_id reused for a different `request` is
// INVALID_ARGUMENT. Call inside the write transaction.
absl::Status CreateOnce(
    store::Connection& connection, const Call& call, std::string_view method,
    std::string_view request_id, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    absl::FunctionRef<absl::Status()> create,
    absl::FunctionRef<absl::Status(std::string_view)> reread);

// Copies what a repository read into `out`, or returns why it could not.
template <typename Resource>
absl::Status Assign(absl::StatusOr<Resource> read, Resource* out) {
  if (!read.ok()) return read.status();
  *out = std::move(*read);
  return absl::OkStatus();
}

// The last segment of a resource name: its own id.
std::string_view LastSegment(std::string_view name);

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_SERVICE_SUPPORT_H_
