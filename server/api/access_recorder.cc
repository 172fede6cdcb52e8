#include "server/api/access_recorder.h"

#include "server/domain/str_cat.h"
#include "server/json_log.h"
#include "server/store/access_log_repository.h"

namespace brevis::api {
namespace {

constexpr auto kFlushInterval = std::chrono::milliseconds(100);
constexpr size_t kMaxQueued = 50000;

}  // namespace

AccessRecorder::AccessRecorder(store::Database* db, const domain::Clock* clock,
                               absl::Duration retention)
    : db_(db),
      clock_(clock),
      retention_(retention),
      thread_([this] { Run(); }) {}

AccessRecorder::~AccessRecorder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AccessRecorder::Record(std::vector<v1::AccessLogEntry> entries) {
  if (entries.empty()) return;
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t mine = queued_total_ + entries.size();
  for (auto& entry : entries) queue_.push_back(std::move(entry));
  queued_total_ = mine;
  if (queue_.size() >= kMaxQueued) {
    wake_.notify_all();
    flushed_.wait(lock, [&] { return written_total_ >= mine || stopping_; });
  }
}

void AccessRecorder::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = queued_total_;
  wake_.notify_all();
  flushed_.wait(lock, [&] { return written_total_ >= target; });
}

void AccessRecorder::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait_for(lock, kFlushInterval);
    std::vector<v1::AccessLogEntry> batch;
    batch.swap(queue_);
    uint64_t target = queued_total_;
    bool stopping = stopping_;
    lock.unlock();
    WriteBatch(batch);
    PurgeExpired();
    lock.lock();
    written_total_ = target;
    flushed_.notify_all();
    if (stopping && queue_.empty()) return;
  }
}

void AccessRecorder::WriteBatch(std::vector<v1::AccessLogEntry>& batch) {
  if (batch.empty()) return;
  // Retry until it is written: an access-log entry must not be dropped,
  // and the database may be briefly busy or full.
  for (int attempt = 0;; ++attempt) {
    absl::Status status = db_->Write([&](store::Connection& connection) {
      store::AccessLogRepository log(connection);
      for (const v1::AccessLogEntry& entry : batch) {
        if (absl::Status s = log.Append(entry); !s.ok()) return s;
      }
      return absl::OkStatus();
    });
    if (status.ok()) return;
    std::string reason(status.message());
    if (attempt >= 60) {
      JsonLog::Global().Write(JsonLog::Level::kError,
                              "gave up writing access-log entries",
                              {{"entries", static_cast<int64_t>(batch.size())},
                               {"reason", reason}});
      return;
    }
    JsonLog::Global().Write(
        JsonLog::Level::kWarning, "writing access-log entries failed; retrying",
        {{"entries", static_cast<int64_t>(batch.size())}, {"reason", reason}});
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 5))));
  }
}

void AccessRecorder::PurgeExpired() {
  absl::Time now = clock_->Now();
  if (now - last_purge_ < absl::Hours(24)) return;
  last_purge_ = now;
  absl::Time cutoff = now - retention_;
  absl::Status status = db_->Write([&](store::Connection& connection) {
    store::AccessLogRepository log(connection);
    absl::StatusOr<int64_t> purged = log.PurgeBefore(cutoff);
    if (!purged.ok()) return purged.status();
    if (*purged == 0) return absl::OkStatus();
    // The purge is itself on record, in the same transaction.
    v1::AccessLogEntry entry;
    entry.mutable_time()->set_seconds(absl::ToUnixSeconds(now));
    entry.set_principal("system");
    entry.set_method("brevisd/AccessLogRetention");
    entry.set_kind(v1::ACCESS_KIND_WRITE);
    entry.set_resource("accessLog");
    entry.set_detail(
        brevis::StrCat("deleted ", *purged, " entries older than ",
                       absl::FormatTime(cutoff, absl::UTCTimeZone())));
    return log.Append(entry);
  });
  if (!status.ok()) {
    std::string reason(status.message());
    JsonLog::Global().Write(JsonLog::Level::kError,
                            "access-log retention failed",
                            {{"reason", reason}});
    last_purge_ = now - absl::Hours(23);  // try again in an hour
  }
}

}  // namespace brevis::api
