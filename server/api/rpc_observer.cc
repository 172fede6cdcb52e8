#include "server/api/rpc_observer.h"

namespace brevis::api {

std::string_view CodeName(int code) {
  static constexpr std::string_view kNames[] = {"OK",
                                                "CANCELLED",
                                                "UNKNOWN",
                                                "INVALID_ARGUMENT",
                                                "DEADLINE_EXCEEDED",
                                                "NOT_FOUND",
                                                "ALREADY_EXISTS",
                                                "PERMISSION_DENIED",
                                                "RESOURCE_EXHAUSTED",
                                                "FAILED_PRECONDITION",
                                                "ABORTED",
                                                "OUT_OF_RANGE",
                                                "UNIMPLEMENTED",
                                                "INTERNAL",
                                                "UNAVAILABLE",
                                                "DATA_LOSS",
                                                "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) {
    return "UNKNOWN";
  }
  return kNames[code];
}

void RpcObserver::Finished(const RpcRecord& record,
                           std::string_view storage_detail) {
  std::string_view code = CodeName(record.code);
  metrics_->RecordRpc(record.method, code, record.latency);
  if (record.code == 16) metrics_->RecordAuthFailure();
  // Method, who, outcome, time and where from: enough to trace a call, and
  // nothing of what it carried.
  log_->Write(
      record.code == 13 ? JsonLog::Level::kError : JsonLog::Level::kInfo, "rpc",
      {{"method", record.method},
       {"principal", record.principal},
       {"code", code},
       {"latency_ms", absl::ToDoubleMilliseconds(record.latency)},
       {"request_id", record.request_id},
       {"peer", record.peer}});
  if (!storage_detail.empty()) {
    log_->Write(JsonLog::Level::kError, "storage error",
                {{"method", record.method},
                 {"request_id", record.request_id},
                 {"detail", storage_detail}});
  }
}

}  // namespace brevis::api
