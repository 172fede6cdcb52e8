#include "server/app/access_recorder.h"

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
      writer_and_purger_([this] { WriteAndPurgeUntilStopped(); }) {}

AccessRecorder::~AccessRecorder() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  writer_and_purger_.join();
}

absl::Status AccessRecorder::Record(std::vector<v1::AccessLogEntry> entries) {
  if (entries.empty()) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  uint64_t first = queued_total_;
  uint64_t last = first + entries.size();
  for (auto& entry : entries) queue_.push_back(std::move(entry));
  queued_total_ = last;
  wake_.SignalAll();
  while (written_total_ < last) flushed_.Wait(&mu_);
  for (const FailedBatch& failed : failed_) {
    if (first < failed.last && last > failed.first) {
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

void AccessRecorder::Flush() {
  absl::MutexLock lock(&mu_);
  uint64_t target = queued_total_;
  wake_.SignalAll();
  while (written_total_ < target) flushed_.Wait(&mu_);
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
    bool stopping = stopping_;
    mu_.Unlock();
    absl::Status written = WriteBatch(batch);
    PurgeOldAccessLogAndCreateRequests();
    mu_.Lock();
    if (!written.ok()) {
      failed_.push_back({first, target, absl::IsResourceExhausted(written)});
      if (failed_.size() > kMaxFailedBatches) failed_.pop_front();
    }
    written_total_ = target;
    flushed_.SignalAll();
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
