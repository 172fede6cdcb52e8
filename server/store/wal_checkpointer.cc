#include "server/store/wal_checkpointer.h"

#include <utility>

namespace brevis::store {

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteConnection> connection,
                                 int checkpoint_pages, int restart_pages,
                                 const std::atomic<bool>* damaged)
    : connection_(std::move(connection)),
      checkpoint_pages_(checkpoint_pages),
      restart_pages_(restart_pages),
      damaged_(damaged) {
  // PASSIVE never calls the busy handler; RESTART does, with the writer
  // held off, so its wait must be short.
  sqlite3_busy_timeout(
      connection_->raw(),
      static_cast<int>(absl::ToInt64Milliseconds(kRestartBusyTimeout)));
  thread_ = std::thread([this] { Run(); });
}

WalCheckpointer::~WalCheckpointer() { Stop(); }

void WalCheckpointer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::Install(SqliteConnection& writer) {
  sqlite3_wal_hook(writer.raw(), &WalCheckpointer::OnCommit, this);
}

void WalCheckpointer::Uninstall(SqliteConnection& writer) {
  sqlite3_wal_hook(writer.raw(), nullptr, nullptr);
}

int WalCheckpointer::OnCommit(void* self, sqlite3*, const char*, int pages) {
  static_cast<WalCheckpointer*>(self)->Committed(pages);
  return SQLITE_OK;
}

void WalCheckpointer::Committed(int pages) {
  int before = wal_pages_.exchange(pages);
  // Fewer frames than before: the writer started the WAL again from its
  // beginning, and nothing of the new one is copied yet.
  if (pages < before) copied_ = 0;
  if (pages - copied_.load() < checkpoint_pages_ && pages < restart_pages_) {
    return;
  }
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

WalCheckpointer::WriterTurn::WriterTurn(WalCheckpointer* checkpointer)
    : gate_(checkpointer == nullptr ? nullptr : &checkpointer->gate_) {
  if (gate_ != nullptr) gate_->ReaderLock();
}

WalCheckpointer::WriterTurn::~WriterTurn() {
  if (gate_ != nullptr) gate_->ReaderUnlock();
}

void WalCheckpointer::SetFailureListener(
    std::function<void(const absl::Status&)> listener) {
  absl::MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

void WalCheckpointer::Hold(bool hold) {
  absl::MutexLock lock(&mu_);
  held_ = hold;
  if (hold) mu_.Await(absl::Condition(this, &WalCheckpointer::Idle));
}

bool WalCheckpointer::ShouldRun() const {
  return stopping_ || (wake_ && !held_);
}

bool WalCheckpointer::Idle() const { return !running_; }

void WalCheckpointer::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      running_ = false;
      mu_.Await(absl::Condition(this, &WalCheckpointer::ShouldRun));
      if (stopping_) return;
      wake_ = false;
      running_ = true;
    }
    CheckpointOnce();
  }
}

void WalCheckpointer::CheckpointOnce() {
  // A damaged file is left as it is (fail closed); nothing commits to it
  // any more either.
  if (damaged_->load()) return;
  sqlite3* db = connection_->raw();
  // What the commits during this pass compare with: the pass copies at
  // least this far, unless it fails or a reader holds it back (set below).
  copied_ = wal_pages_.load();
  int frames = 0;
  int copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                     &frames, &copied);
  // BUSY: another connection (the last close of another process) is
  // checkpointing; it copies what this would have.
  copied_ = rc == SQLITE_OK ? copied : 0;
  if (rc == SQLITE_BUSY) return;
  if (rc != SQLITE_OK) {
    Failed(SqliteError(rc, "wal_checkpoint(PASSIVE)", db));
    return;
  }
  if (frames >= restart_pages_ && absl::Now() >= next_restart_) {
    // Between two write transactions: the writer's next BEGIN finds every
    // frame copied and no reader on them, and restarts the WAL.
    absl::MutexLock gate(&gate_);
    rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_RESTART,
                                   &frames, &copied);
    if (rc == SQLITE_BUSY) {
      next_restart_ = absl::Now() + kRestartBackoff;  // a long read
    } else if (rc != SQLITE_OK) {
      Failed(SqliteError(rc, "wal_checkpoint(RESTART)", db));
      return;
    } else {
      // The commits that woke the thread during this pass are copied.
      absl::MutexLock lock(&mu_);
      wake_ = false;
    }
  }
  ++checkpoints_;
  absl::MutexLock lock(&listener_mu_);
  last_report_ = absl::InfinitePast();
}

void WalCheckpointer::Failed(const absl::Status& failure) {
  ++failures_;
  absl::MutexLock lock(&listener_mu_);
  absl::Time now = absl::Now();
  if (now - last_report_ < absl::Minutes(1)) return;
  last_report_ = now;
  if (listener_) listener_(failure);
}

}  // namespace brevis::store
