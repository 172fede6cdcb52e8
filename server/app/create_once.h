#ifndef BREVIS_SERVER_APP_CREATE_ONCE_H_
#define BREVIS_SERVER_APP_CREATE_ONCE_H_

// Request idempotency of creates (AIP-155: request_id) and the small
// helpers every use case shares.

#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "server/app/call.h"
#include "server/store/sqlite.h"

namespace brevis::app {

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

// What identifies a request for CreateOnce: the SHA-256 of its serialized
// bytes, so a retry is told from a different request with the same id.
std::string RequestFingerprint(const google::protobuf::Message& request);

// Copies what a repository read into `out`, or returns why it could not.
template <typename Resource>
absl::Status Assign(absl::StatusOr<Resource> read, Resource* out) {
  if (!read.ok()) return read.status();
  *out = std::move(*read);
  return absl::OkStatus();
}

// The last segment of a resource name: its own id.
std::string_view LastSegment(std::string_view name);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_CREATE_ONCE_H_
