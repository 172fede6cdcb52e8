#include "server/app/access_recorder.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/json_log.h"
#include "server/store/access_log_repository.h"
#include "server/store/create_request_log.h"
#include "server/store/sqlite.h"

namespace brevis::app {
namespace {

constexpr size_t kMaxFailedBatches = 256;

}  // namespace

AccessRecorder::AccessRecorder(store::Database* db, const domain::Clock* clock,
                               absl::Duration retention)
    : db_(db),
      clock_(clock),
      retention_(retention),
      answerer_([this] { AnswerUntilStopped(); }),
      writer_and_purger_([this] { WriteAndPurgeUntilStopped(); }) {}

AccessRecorder::~AccessRecorder() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  writer_and_purger_.join();
  {
    absl::MutexLock lock(&mu_);
    writer_ended_ = true;
  }
  answers_ready_.Signal();
  answerer_.join();
}

absl::Status AccessRecorder::Record(std::vector<v1::AccessLogEntry> entries) {
  if (entries.empty()) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  AccessReceipt receipt = Enqueue(std::move(entries));
  AwaitWritten(receipt.last);
  return OutcomeOf(receipt);
}

absl::Status AccessRecorder::Record(const Call& call,
                                    std::vector<v1::AccessLogEntry> entries) {
  if (call.access_receipt == nullptr) return Record(std::move(entries));
  if (entries.empty()) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  if (queued_total_ - written_total_ >= kMaxUnwrittenEntries) {
    // The log is behind: this read waits its turn, which holds its worker
    // and so slows the intake of new calls.
    AccessReceipt receipt = Enqueue(std::move(entries));
    AwaitWritten(receipt.last);
    return OutcomeOf(receipt);
  }
  AccessReceipt queued = Enqueue(std::move(entries));
  AccessReceipt& receipt = *call.access_receipt;
  if (!receipt.pending()) receipt.first = queued.first;
  receipt.last = queued.last;
  return absl::OkStatus();
}

void AccessRecorder::WhenWritten(
    const AccessReceipt& receipt,
    absl::AnyInvocable<void(absl::Status) &&> then) {
  absl::Status outcome;
  {
    absl::MutexLock lock(&mu_);
    if (written_total_ < receipt.last) {
      continuations_.push_back({receipt, std::move(then)});
      return;
    }
    outcome = OutcomeOf(receipt);
  }
  std::move(then)(std::move(outcome));
}

AccessReceipt AccessRecorder::Enqueue(std::vector<v1::AccessLogEntry> entries) {
  AccessReceipt receipt{queued_total_, queued_total_ + entries.size()};
  for (auto& entry : entries) queue_.push_back(std::move(entry));
  queued_total_ = receipt.last;
  wake_.Signal();
  return receipt;
}

absl::Status AccessRecorder::OutcomeOf(const AccessReceipt& receipt) const {
  for (const FailedBatch& failed : failed_) {
    if (receipt.first < failed.last && receipt.last > failed.first) {
      if (failed.disk_full) {
        return absl::ResourceExhaustedError(
            "the access log cannot be written because the disk holding the "
            "database is full, so the audit content is not shown");
      }
      return absl::UnavailableError(
          "the access log cannot be written just now, so the audit content "
          "is not shown; try again");
    }
  }
  return absl::OkStatus();
}

void AccessRecorder::ReleaseWrittenContinuations() {
  if (continuations_.empty()) return;
  uint64_t written_total = written_total_;
  auto written = std::partition(
      continuations_.begin(), continuations_.end(),
      [&](const Continuation& c) { return c.receipt.last > written_total; });
  for (auto it = written; it != continuations_.end(); ++it) {
    answers_.emplace_back(std::move(it->then), OutcomeOf(it->receipt));
  }
  continuations_.erase(written, continuations_.end());
  answers_ready_.Signal();
}

void AccessRecorder::AnswerUntilStopped() {
  absl::MutexLock lock(&mu_);
  while (true) {
    while (answers_.empty() && !writer_ended_) answers_ready_.Wait(&mu_);
    if (answers_.empty()) return;  // the writer ended and all are answered
    std::vector<
        std::pair<absl::AnyInvocable<void(absl::Status) &&>, absl::Status>>
        ready;
    ready.swap(answers_);
    mu_.Unlock();
    for (auto& [then, outcome] : ready) std::move(then)(std::move(outcome));
    mu_.Lock();
  }
}

void AccessRecorder::Flush() {
  absl::MutexLock lock(&mu_);
  uint64_t target = queued_total_;
  wake_.Signal();
  AwaitWritten(target);
}

void AccessRecorder::AwaitWritten(uint64_t last) {
  // Entries not yet taken go into the next batch the writer takes.
  uint64_t batch = last > taken_total_ ? batches_taken_ + 1 : batches_taken_;
  while (written_total_ < last) batch_written_[batch % 2].Wait(&mu_);
}

void AccessRecorder::WriteAndPurgeUntilStopped() {
  absl::MutexLock lock(&mu_);
  while (true) {
    // Wake at once for entries (readers are waiting), and now and then for
    // the retention purge.
    absl::Time until = absl::Now() + absl::Seconds(1);
    while (queue_.empty() && !stopping_) {
      if (wake_.WaitWithDeadline(&mu_, until)) break;
    }
    std::vector<v1::AccessLogEntry> batch;
    batch.swap(queue_);
    uint64_t first = written_total_;
    uint64_t target = queued_total_;
    taken_total_ = target;
    uint64_t batch_number = ++batches_taken_;
    bool stopping = stopping_;
    mu_.Unlock();
    absl::Status written = WriteBatch(batch);
    mu_.Lock();
    if (!written.ok()) {
      failed_.push_back({first, target, absl::IsResourceExhausted(written)});
      if (failed_.size() > kMaxFailedBatches) failed_.pop_front();
    }
    written_total_ = target;
    batch_written_[batch_number % 2].SignalAll();
    ReleaseWrittenContinuations();
    // After the readers of this batch are answered: the purge queues
    // behind content writes.
    mu_.Unlock();
    PurgeOldAccessLogAndCreateRequests();
    mu_.Lock();
    if (stopping && queue_.empty()) return;
  }
}

absl::Status AccessRecorder::WriteBatch(
    std::vector<v1::AccessLogEntry>& batch) {
  if (batch.empty()) return absl::OkStatus();
  // A few quick retries ride out a busy moment; readers are waiting, so a
  // lasting failure is reported to them rather than retried for long.
  absl::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
    }
    // Ahead of queued content writes: readers wait on this batch.
    status = db_->WriteAhead([&](store::Connection& connection) {
      store::AccessLogRepository log(connection);
      for (const v1::AccessLogEntry& entry : batch) {
        BREVIS_RETURN_IF_ERROR(log.Append(entry));
      }
      return absl::OkStatus();
    });
    if (status.ok()) return status;
    // The entries may be stored already; written twice, the log would
    // show reads that did not happen. The readers are refused instead.
    if (store::CommitOutcomeUnknown(status)) break;
  }
  std::string reason = store::DescribeForLog(status);
  JsonLog::Global().Write(
      JsonLog::Level::kError,
      "access-log entries could not be written; those reads were refused",
      {{"entries", static_cast<int64_t>(batch.size())}, {"reason", reason}});
  return status;
}

void AccessRecorder::PurgeOldAccessLogAndCreateRequests() {
  absl::Time now = clock_->Now();
  if (now - last_purge_ < absl::Hours(24)) return;
  last_purge_ = now;
  absl::Time cutoff = now - retention_;
  absl::Status status = db_->Write([&](store::Connection& connection) {
    // Remembered creates serve retries, which come within minutes; a day
    // is plenty, and nothing of a deleted resource lingers longer.
    BREVIS_RETURN_IF_ERROR(store::CreateRequestLog(connection)
                               .PurgeBefore(now - absl::Hours(24))
                               .status());
    store::AccessLogRepository log(connection);
    BREVIS_ASSIGN_OR_RETURN(int64_t purged, log.PurgeBefore(cutoff));
    if (purged == 0) return absl::OkStatus();
    // The purge is itself on record, in the same transaction.
    v1::AccessLogEntry entry;
    entry.mutable_time()->set_seconds(absl::ToUnixSeconds(now));
    entry.set_principal("system");
    entry.set_method("brevisd/AccessLogRetention");
    entry.set_kind(v1::ACCESS_KIND_WRITE);
    entry.set_resource("accessLog");
    entry.set_detail(
        brevis::StrCat("deleted ", purged, " entries older than ",
                       absl::FormatTime(cutoff, absl::UTCTimeZone())));
    return log.Append(entry);
  });
  if (!status.ok()) {
    std::string reason = store::DescribeForLog(status);
    JsonLog::Global().Write(JsonLog::Level::kError,
                            "access-log retention failed",
                            {{"reason", reason}});
    last_purge_ = now - absl::Hours(23);  // try again in an hour
  }
}

}  // namespace brevis::app
