#ifndef BREVIS_SERVER_API_RPC_OBSERVER_H_
#define BREVIS_SERVER_API_RPC_OBSERVER_H_

#include <string_view>

#include "absl/time/time.h"
#include "server/api/metrics.h"
#include "server/json_log.h"

namespace brevis::api {

// What is known of one finished RPC: never its content.
struct RpcRecord {
  std::string_view method;     // e.g. brevis.v1.AuditService/GetFinding
  std::string_view principal;  // principals/{p}; empty when unknown
  int code = 0;                // gRPC status code
  absl::Duration latency;
  std::string_view request_id;
  std::string_view peer;
};

// Where every finished RPC goes: one log line and the request metrics.
// Thread-safe; borrows both.
class RpcObserver {
 public:
  RpcObserver(Metrics* metrics, JsonLog* log) : metrics_(metrics), log_(log) {}
  // `storage_detail` is SQLite's own text when the store failed
  // (store::EngineDetail): logged for the operator on a line of its own,
  // never sent to the caller.
  void Finished(const RpcRecord& record, std::string_view storage_detail = {});

 private:
  Metrics* const metrics_;
  JsonLog* const log_;
};

// The canonical name of a gRPC status code ("OK", "NOT_FOUND", ...).
std::string_view CodeName(int code);

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_RPC_OBSERVER_H_
