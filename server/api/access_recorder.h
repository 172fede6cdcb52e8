#ifndef BREVIS_SERVER_API_ACCESS_RECORDER_H_
#define BREVIS_SERVER_API_ACCESS_RECORDER_H_

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "brevis/v1/access_log.pb.h"
#include "server/domain/clock.h"
#include "server/store/database.h"

namespace brevis::api {

// Records reads of audit content in the access log without a transaction
// per read: entries queue here and a background thread writes them in
// batches every 100 ms. Flush (also run by the destructor, after the server
// has drained) writes what is queued, so a graceful shutdown loses nothing.
// Writes of audit content are logged inside their own transaction instead
// (store::AccessLogRepository). The same thread applies retention: once at
// start and then daily it deletes entries older than `retention` and logs
// that it did. Thread-safe.
class AccessRecorder {
 public:
  AccessRecorder(store::Database* db, const domain::Clock* clock,
                 absl::Duration retention);
  ~AccessRecorder();
  AccessRecorder(const AccessRecorder&) = delete;
  AccessRecorder& operator=(const AccessRecorder&) = delete;

  // Queues entries. When the queue is very long (the database is slow or
  // failing), the caller waits for a flush: back-pressure instead of
  // unbounded memory or dropped entries.
  void Record(std::vector<v1::AccessLogEntry> entries);

  // Writes everything queued so far; returns once it is committed.
  void Flush();

 private:
  void Run();
  void WriteBatch(std::vector<v1::AccessLogEntry>& batch);
  void PurgeExpired();

  store::Database* const db_;
  const domain::Clock* const clock_;
  const absl::Duration retention_;
  absl::Time last_purge_ = absl::InfinitePast();  // used by the thread only
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::vector<v1::AccessLogEntry> queue_;  // guarded by mu_
  uint64_t queued_total_ = 0;              // guarded by mu_
  uint64_t written_total_ = 0;             // guarded by mu_
  bool stopping_ = false;                  // guarded by mu_
  std::thread thread_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_ACCESS_RECORDER_H_
