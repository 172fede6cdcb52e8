#ifndef BREVIS_SERVER_APP_ACCESS_RECORDER_H_
#define BREVIS_SERVER_APP_ACCESS_RECORDER_H_

#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "brevis/v1/access_log.pb.h"
#include "server/app/call.h"
#include "server/domain/clock.h"
#include "server/store/database.h"

namespace brevis::app {

// The access-log entries one call queued without waiting for them
// (Call::access_receipt): tickets [first, last) of the recorder's queue.
struct AccessReceipt {
  uint64_t first = 0;
  uint64_t last = 0;
  bool pending() const { return last > first; }
};

// Records reads of audit content in the access log without a transaction
// per read: concurrent readers' entries are written together by one
// background thread, in one transaction (group commit), and each reader
// waits until its entries are committed before its data is sent (a gRPC
// call through api::Serve does not block a worker for that: see
// Record(const Call&, ...) and WhenWritten). A read
// whose entries cannot be written is not served (fail closed), so no read
// of audit content ever goes unlogged, crash or not. A call records one
// entry per audit it read (ReadEntries in list_window.h), not one per
// resource. The batches go ahead of queued content writes
// (Database::WriteAhead): the log stays in the content file, so writes of
// audit content log themselves atomically in their own transaction
// (store::AccessLogRepository), one sequence orders every entry, and one
// backup holds both; a reader then waits for at most the one content
// transaction being committed, not for the whole write queue. The same
// thread applies retention: once at start and then daily it deletes
// entries older than `retention` and logs that it did, and forgets
// remembered creates older than a day.
// Thread-safe.
class AccessRecorder {
 public:
  AccessRecorder(store::Database* db, const domain::Clock* clock,
                 absl::Duration retention);
  ~AccessRecorder();
  AccessRecorder(const AccessRecorder&) = delete;
  AccessRecorder& operator=(const AccessRecorder&) = delete;

  // Queues entries and waits until they are committed. RESOURCE_EXHAUSTED
  // when they could not be written because the disk is full, UNAVAILABLE
  // for any other failure (the caller must then not serve the read).
  absl::Status Record(std::vector<v1::AccessLogEntry> entries)
      ABSL_LOCKS_EXCLUDED(mu_);

  // As Record, for `call`'s reads; when the call carries an access receipt
  // the entries are queued on it and OK is returned at once, and the
  // transport must not answer before WhenWritten reports them written.
  // A call that records twice holds one range from its first entry to its
  // last, and is refused when any batch in it failed (fail closed); the
  // use cases record once, last.
  // While kMaxUnwrittenEntries or more are queued and unwritten (a slow
  // or stalled disk) it waits as Record does, so reads waiting to be
  // answered cannot pile up without bound.
  absl::Status Record(const Call& call, std::vector<v1::AccessLogEntry> entries)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Calls `then` once the entries of `receipt` are committed, with what
  // Record would have returned for them: at once on this thread when they
  // are already, else on the recorder's answering thread right after the
  // batch that carried them commits (or fails). `then` must not block and
  // must not call the recorder; the calls of one batch run one after the
  // other.
  void WhenWritten(const AccessReceipt& receipt,
                   absl::AnyInvocable<void(absl::Status) &&> then)
      ABSL_LOCKS_EXCLUDED(mu_);

  // How many entries may wait unwritten before Record(call, ...) waits.
  static constexpr uint64_t kMaxUnwrittenEntries = 4096;

  // Writes everything queued so far; returns once it is committed.
  void Flush() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The body of writer_and_purger_: writes queued entries as they come
  // and, daily, purges old access-log entries and remembered creates.
  void WriteAndPurgeUntilStopped() ABSL_LOCKS_EXCLUDED(mu_);
  // OK when the batch was committed, otherwise why not.
  absl::Status WriteBatch(std::vector<v1::AccessLogEntry>& batch)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Waits until every entry before ticket `last` is written.
  void AwaitWritten(uint64_t last) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues `entries`; returns their tickets.
  AccessReceipt Enqueue(std::vector<v1::AccessLogEntry> entries)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Once written: OK, or why the batch carrying tickets [first, last) failed.
  absl::Status OutcomeOf(const AccessReceipt& receipt) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Hands the continuations whose entries are written to answerer_.
  void ReleaseWrittenContinuations() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The body of answerer_: runs released continuations until the writer
  // has ended and none are left.
  void AnswerUntilStopped() ABSL_LOCKS_EXCLUDED(mu_);
  // Once a day: deletes access-log entries older than the retention (and
  // logs that it did) and forgets creates (request_ids) older than a day.
  void PurgeOldAccessLogAndCreateRequests() ABSL_LOCKS_EXCLUDED(mu_);

  store::Database* const db_;
  const domain::Clock* const clock_;
  const absl::Duration retention_;
  absl::Time last_purge_ = absl::InfinitePast();  // used by the thread only
  absl::Mutex mu_;
  absl::CondVar wake_;
  // Batch n's waiters wait on batch_written_[n % 2]: the end of a batch
  // wakes the readers whose entries it carried, not those queued behind it
  // for the next one (each needless wake is a context switch).
  absl::CondVar batch_written_[2];
  std::vector<v1::AccessLogEntry> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t queued_total_ ABSL_GUARDED_BY(mu_) = 0;
  // Entries taken by the batch being written (or the last one), and how
  // many batches were taken so far.
  uint64_t taken_total_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t batches_taken_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t written_total_ ABSL_GUARDED_BY(mu_) = 0;
  // Ticket ranges [first, last) of the most recent batches that failed;
  // bounded, since a waiter checks its range as soon as it wakes.
  // A full disk is told apart, so the refused reader learns why.
  struct FailedBatch {
    uint64_t first;
    uint64_t last;
    bool disk_full;
  };
  std::deque<FailedBatch> failed_ ABSL_GUARDED_BY(mu_);
  struct Continuation {
    AccessReceipt receipt;
    absl::AnyInvocable<void(absl::Status) &&> then;
  };
  std::vector<Continuation> continuations_ ABSL_GUARDED_BY(mu_);
  // Continuations ready to run, with their outcome. A thread of their own
  // runs them (each answers a gRPC call, which serializes its response),
  // so the writer takes the next batch at once instead of after them.
  std::vector<
      std::pair<absl::AnyInvocable<void(absl::Status) &&>, absl::Status>>
      answers_ ABSL_GUARDED_BY(mu_);
  absl::CondVar answers_ready_;
  bool writer_ended_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread answerer_;
  std::thread writer_and_purger_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_ACCESS_RECORDER_H_
