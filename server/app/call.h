#ifndef BREVIS_SERVER_APP_CALL_H_
#define BREVIS_SERVER_APP_CALL_H_

#include <string>

#include "absl/time/time.h"
#include "brevis/v1/access_log.pb.h"
#include "server/domain/policy.h"

namespace brevis::app {

struct AccessReceipt;  // access_recorder.h

// One authenticated call, as the use cases see it: who, which RPC, from
// where, when. The transport fills it in (api::OpenCall); the use cases
// read it, and AccessRecorder::Record adds to its access receipt. A plain
// value; copy it freely within the call (the receipt pointer is the
// transport's and ends with the use case).
struct Call {
  domain::Caller caller;
  std::string method;      // e.g. brevis.v1.AuditService/GetFinding
  std::string peer;        // the transport's peer address, for the access log
  std::string request_id;  // x-request-id metadata, if sent
  absl::Time time;         // when the call was authenticated (domain clock)
  // Set by a transport that sends its answer only once the call's
  // access-log entries are durable (api::Serve, through
  // AccessRecorder::WhenWritten): AccessRecorder::Record then queues the
  // entries on it and returns without waiting. Null: Record waits. Not
  // owned; it outlives the use case.
  AccessReceipt* access_receipt = nullptr;

  // An access-log entry of this call of `kind` for `resource` (a resource
  // name such as audits/a1/findings/f2).
  v1::AccessLogEntry Entry(v1::AccessKind kind, std::string resource) const;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_CALL_H_
