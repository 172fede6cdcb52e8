#ifndef BREVIS_SERVER_API_RPC_OBSERVER_H_
#define BREVIS_SERVER_API_RPC_OBSERVER_H_

#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
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
  // Why the call was refused, for the few methods whose messages are
  // written to be safe to log (service_support.cc); empty otherwise.
  std::string_view reason = {};
};

// Where every finished RPC goes: the request metrics, and one log line per
// call, except for the outcomes a flood produces in bulk and nobody reads
// one by one (CANCELLED, UNAUTHENTICATED, RESOURCE_EXHAUSTED). Those are
// counted per method, code and peer address and written as one "rpc
// summary" line per key and `summary_interval`, so a client resetting
// thousands of streams a second costs a few lines, not thousands.
// Thread-safe; borrows both. The destructor writes what is pending.
class RpcObserver {
 public:
  RpcObserver(Metrics* metrics, JsonLog* log,
              absl::Duration summary_interval = absl::Seconds(5));
  ~RpcObserver();
  RpcObserver(const RpcObserver&) = delete;
  RpcObserver& operator=(const RpcObserver&) = delete;

  // `storage_detail` is SQLite's own text when the store failed
  // (store::EngineDetail): logged for the operator on a line of its own,
  // never sent to the caller.
  void Finished(const RpcRecord& record, std::string_view storage_detail = {})
      ABSL_LOCKS_EXCLUDED(mu_);

  // Writes the pending summary lines now.
  void Flush() ABSL_LOCKS_EXCLUDED(mu_);

  // Distinct method/code/peer keys counted per interval at most; further
  // peers are counted under the peer "other", so memory stays bounded.
  static constexpr size_t kMaxSummaryKeys = 256;

 private:
  // method, code, peer address (without the port)
  using Key = std::tuple<std::string, int, std::string>;
  struct Tally {
    int64_t count = 0;
    absl::Duration max_latency;
  };

  void Summarize(const RpcRecord& record) ABSL_LOCKS_EXCLUDED(mu_);
  void FlushLoop() ABSL_LOCKS_EXCLUDED(mu_);

  Metrics* const metrics_;
  JsonLog* const log_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  absl::CondVar wake_;
  std::map<Key, Tally> pending_ ABSL_GUARDED_BY(mu_);
  absl::Time pending_since_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread flusher_;
};

// The canonical name of a gRPC status code ("OK", "NOT_FOUND", ...).
std::string_view CodeName(int code);

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_RPC_OBSERVER_H_
