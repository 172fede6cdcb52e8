#include "server/api/rpc_observer.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "server/auth/failure_throttle.h"

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

namespace {

constexpr int kCancelled = 1;
constexpr int kResourceExhausted = 8;
constexpr int kInternal = 13;
constexpr int kUnauthenticated = 16;

bool Summarized(int code) {
  return code == kCancelled || code == kUnauthenticated ||
         code == kResourceExhausted;
}

}  // namespace

RpcObserver::RpcObserver(Metrics* metrics, JsonLog* log,
                         absl::Duration summary_interval)
    : metrics_(metrics), log_(log), interval_(summary_interval) {
  flusher_ = std::thread([this] { FlushLoop(); });
}

RpcObserver::~RpcObserver() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  flusher_.join();
  Flush();
}

void RpcObserver::Finished(const RpcRecord& record,
                           std::string_view storage_detail) {
  std::string_view code = CodeName(record.code);
  metrics_->RecordRpc(record.method, code, record.latency);
  if (record.code == kUnauthenticated) metrics_->RecordAuthFailure();
  // The engine's own words are for the operator, also when the outcome is
  // one of those summarized (a full disk is RESOURCE_EXHAUSTED).
  if (!storage_detail.empty()) {
    log_->Write(JsonLog::Level::kError, "storage error",
                {{"method", record.method},
                 {"request_id", record.request_id},
                 {"detail", storage_detail}});
  }
  if (Summarized(record.code)) {
    Summarize(record);
    return;
  }
  // Method, who, outcome, time and where from: enough to trace a call, and
  // nothing of what it carried.
  log_->Write(
      record.code == kInternal ? JsonLog::Level::kError : JsonLog::Level::kInfo,
      "rpc",
      {{"method", record.method},
       {"principal", record.principal},
       {"code", code},
       {"latency_ms", absl::ToDoubleMilliseconds(record.latency)},
       {"request_id", record.request_id},
       {"peer", record.peer}});
  if (!record.reason.empty() && record.code != 0) {
    log_->Write(JsonLog::Level::kInfo, "rpc refused",
                {{"method", record.method},
                 {"principal", record.principal},
                 {"code", code},
                 {"request_id", record.request_id},
                 {"reason", record.reason}});
  }
}

void RpcObserver::Summarize(const RpcRecord& record) {
  std::string peer = auth::FailureThrottle::HostOf(record.peer);
  absl::MutexLock lock(&mu_);
  if (pending_.empty()) pending_since_ = absl::Now();
  Key key(std::string(record.method), record.code, std::move(peer));
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() >= kMaxSummaryKeys) std::get<2>(key) = "other";
    it = pending_.try_emplace(std::move(key)).first;
  }
  ++it->second.count;
  it->second.max_latency = std::max(it->second.max_latency, record.latency);
}

void RpcObserver::Flush() {
  std::map<Key, Tally> tallies;
  absl::Time since;
  {
    absl::MutexLock lock(&mu_);
    tallies.swap(pending_);
    since = pending_since_;
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - since);
  for (const auto& [key, tally] : tallies) {
    const auto& [method, code, peer] = key;
    log_->Write(
        JsonLog::Level::kInfo, "rpc summary",
        {{"method", method},
         {"code", CodeName(code)},
         {"peer", peer},
         {"count", tally.count},
         {"seconds", seconds},
         {"max_latency_ms", absl::ToDoubleMilliseconds(tally.max_latency)}});
  }
}

void RpcObserver::FlushLoop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    wake_.WaitWithTimeout(&mu_, interval_);
    if (stopping_) return;
    mu_.Unlock();
    Flush();
    mu_.Lock();
  }
}

}  // namespace brevis::api
