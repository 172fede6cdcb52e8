#include "server/store/database.h"

#include <filesystem>

#include "absl/strings/cord.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/call_deadline.h"
#include "server/store/clean_shutdown.h"
#include "server/store/migrator.h"
#include "server/store/postgres.h"

namespace brevis::store {
namespace {

// A write whose caller has stopped waiting is not made: the client was told
// DEADLINE_EXCEEDED and must be able to trust that nothing happened.
absl::Status CheckCallDeadline(absl::Time deadline) {
  if (absl::Now() < deadline) return absl::OkStatus();
  return absl::DeadlineExceededError(
      "the call's deadline passed before its write could be committed; "
      "nothing was written");
}

// SQLite's quick_check on `connection`: OK when it answers "ok". Otherwise
// FAILED_PRECONDITION with SqliteError's message for a damaged file (what a
// caller may be told) and the check's findings as its engine detail.
absl::Status QuickCheck(Connection& connection) {
  auto check = connection.Prepare("PRAGMA quick_check");
  if (!check.ok()) return check.status();
  absl::StatusOr<bool> row = (*check)->Step();
  if (!row.ok()) return row.status();
  if (*row && (*check)->Text(0) == "ok") return absl::OkStatus();
  return SqliteError(
      SQLITE_CORRUPT,
      brevis::StrCat("quick_check: ", *row ? (*check)->Text(0) : "no answer"),
      nullptr);
}

// Lets the background check end early when the database closes.
int StopWhenAsked(void* stopping) {
  return static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

}  // namespace

absl::Status CreateDatabase(const std::string& path,
                            std::span<const Migration> migrations) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    return absl::AlreadyExistsError(
        brevis::StrCat("database ", path,
                       " already exists; init only creates "
                       "new databases (use `brevisd migrate` to upgrade one)"));
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  BREVIS_ASSIGN_OR_RETURN(auto connection,
                          SqliteConnection::Open(path, /*create=*/true, false));
  absl::StatusOr<int> applied = ApplyMigrations(*connection, migrations);
  return applied.status();
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const DatabaseOptions& options) {
  if (options.reader_count < 1) {
    return absl::InvalidArgumentError(
        "reader_count: at least one reader connection is needed");
  }
  if (options.max_batch_writes < 1) {
    return absl::InvalidArgumentError(
        "max_batch_writes: a batch holds at least one write");
  }
  if (options.checkpoint_pages < 1 ||
      options.restart_pages < options.checkpoint_pages) {
    return absl::InvalidArgumentError(
        "checkpoint_pages, restart_pages: at least 1 page, and restart_pages "
        "at least checkpoint_pages");
  }
  if (pg::IsPostgresUri(options.path)) return OpenPostgres(options);
  std::error_code error;
  if (!std::filesystem::exists(options.path, error)) {
    return absl::NotFoundError(
        brevis::StrCat("database ", options.path,
                       " does not exist; create it with `brevisd init --db ",
                       options.path, "`"));
  }
  BREVIS_ASSIGN_OR_RETURN(
      DatabaseLock lock,
      DatabaseLock::Acquire(options.path, /*exclusive=*/false));
  std::unique_ptr<Database> db(new Database());
  db->lock_ = std::move(lock);
  db->path_ = options.path;
  db->max_batch_writes_ = options.max_batch_writes;
  BREVIS_ASSIGN_OR_RETURN(
      auto writer,
      SqliteConnection::Open(options.path, /*create=*/false, false));

  // A start after a clean shutdown checks the file in the background; any
  // other start reads every page first, so damage is found before anything
  // is served and not by the first unlucky caller.
  BREVIS_ASSIGN_OR_RETURN(bool clean, ConsumeCleanShutdownMarker(options.path));
  if (!clean) {
    absl::Status check = QuickCheck(*writer);
    if (!check.ok()) {
      std::string found = EngineDetail(check);
      return absl::FailedPreconditionError(brevis::StrCat(
          "database ", options.path, " is damaged or not a brevis database (",
          found.empty() ? std::string(check.message()) : found,
          "); restore it from a backup"));
    }
  }

  BREVIS_ASSIGN_OR_RETURN(SchemaStatus schema,
                          InspectSchema(*writer, options.migrations));
  if (!schema.pending.empty()) {
    return absl::FailedPreconditionError(brevis::StrCat(
        "database ", options.path, " is at schema version ",
        schema.current_version, " but this brevisd needs version ",
        schema.latest_version, "; back it up, then run `brevisd migrate --db ",
        options.path, "`"));
  }
  db->schema_version_ = schema.current_version;
  // No commit checkpoints (an inline one holds up every queued write): the
  // checkpointer does. The pragma first, as it would replace the hook.
  BREVIS_RETURN_IF_ERROR(writer->Exec("PRAGMA wal_autocheckpoint=0"));
  BREVIS_ASSIGN_OR_RETURN(
      auto checkpoint_connection,
      SqliteConnection::Open(options.path, /*create=*/false, false));
  BREVIS_RETURN_IF_ERROR(
      checkpoint_connection->Exec("PRAGMA wal_autocheckpoint=0"));
  db->checkpointer_ = std::make_unique<WalCheckpointer>(
      std::move(checkpoint_connection), options.checkpoint_pages,
      options.restart_pages, &db->damaged_);
  db->checkpointer_->Install(*writer);
  db->writer_ = std::move(writer);

  for (int i = 0; i < options.reader_count; ++i) {
    BREVIS_ASSIGN_OR_RETURN(
        auto reader,
        SqliteConnection::Open(options.path, /*create=*/false, false));
    BREVIS_RETURN_IF_ERROR(
        reader->Exec("PRAGMA query_only=ON; PRAGMA wal_autocheckpoint=0"));
    absl::MutexLock lock(&db->readers_mu_);  // no other thread has it yet
    db->idle_readers_.push_back(i);
    db->readers_.push_back(std::move(reader));
  }
  if (clean) {
    BREVIS_ASSIGN_OR_RETURN(
        db->checker_,
        SqliteConnection::Open(options.path, /*create=*/false, false));
    BREVIS_RETURN_IF_ERROR(db->checker_->Exec("PRAGMA query_only=ON"));
    sqlite3_progress_handler(db->checker_->raw(), 1000, StopWhenAsked,
                             &db->stopping_);
    db->start_check_ = StartCheck::kInBackground;
    {
      absl::MutexLock lock(&db->health_mu_);
      db->check_over_ = false;
    }
    db->check_thread_ =
        std::thread([raw = db.get()] { raw->RunBackgroundCheck(); });
  }
  return db;
}

Database::~Database() {
  StopNotificationRelay();
  if (check_thread_.joinable()) {
    stopping_ = true;
    // The progress handler stops the check between steps; interrupt also
    // stops it inside one. Repeated, as an interrupt that comes before the
    // check's statement has started is forgotten.
    while (!WaitForCheck(absl::Milliseconds(20))) {
      sqlite3_interrupt(checker_->raw());
    }
    check_thread_.join();
  }
  // The checkpointer ends before any connection closes, so the last close
  // (the writer's) is the one that copies the WAL away. A checkpoint that
  // failed (an I/O error) may have left the file short of pages: the next
  // start checks every page.
  bool checkpoint_failed = false;
  if (checkpointer_ != nullptr) {
    if (writer_ != nullptr) {
      WalCheckpointer::Uninstall(static_cast<SqliteConnection&>(*writer_));
    }
    // Read once its thread has ended, so a pass failing meanwhile counts.
    checkpointer_->Stop();
    checkpoint_failed = checkpointer_->failures() > 0;
    checkpointer_.reset();
  }
  checker_.reset();
  readers_.clear();
  writer_.reset();
  // Only the last user's close checkpoints the WAL away; a marker written
  // beside another process's open connections would hide its crash.
  if (lock_.has_value() && !damaged_ && !checkpoint_failed &&
      lock_->TryMakeExclusive()) {
    WriteCleanShutdownMarker(path_).IgnoreError();  // next start checks all
  }
}

void Database::RunBackgroundCheck() {
  absl::Status status = QuickCheck(*checker_);
  if (!status.ok() && !stopping_) MarkDamaged(status);
  absl::MutexLock lock(&health_mu_);
  check_over_ = true;
}

void Database::MarkDamaged(const absl::Status& damage) {
  absl::Status refusal = absl::FailedPreconditionError(damage.message());
  damage.ForEachPayload([&](auto url, const absl::Cord& payload) {
    refusal.SetPayload(url, payload);
  });
  absl::MutexLock lock(&health_mu_);
  damage_ = std::move(refusal);
  damaged_ = true;
  if (damage_listener_) damage_listener_(damage_);
}

void Database::SetDamageListener(
    std::function<void(const absl::Status&)> listener) {
  absl::MutexLock lock(&health_mu_);
  damage_listener_ = std::move(listener);
  if (damage_listener_ && !damage_.ok()) damage_listener_(damage_);
}

absl::Status Database::damage() const {
  if (!damaged_) return absl::OkStatus();
  absl::MutexLock lock(&health_mu_);
  return damage_;
}

void Database::SetCheckpointFailureListener(
    std::function<void(const absl::Status&)> listener) {
  if (checkpointer_ != nullptr) {
    checkpointer_->SetFailureListener(std::move(listener));
  }
}

uint64_t Database::checkpoints() const {
  return checkpointer_ == nullptr ? 0 : checkpointer_->checkpoints();
}

uint64_t Database::checkpoint_failures() const {
  return checkpointer_ == nullptr ? 0 : checkpointer_->failures();
}

int Database::wal_pages() const {
  return checkpointer_ == nullptr ? 0 : checkpointer_->wal_pages();
}

void Database::HoldCheckpointsForTesting(bool hold) {
  if (checkpointer_ != nullptr) checkpointer_->Hold(hold);
}

bool Database::WaitForCheck(absl::Duration timeout) {
  absl::MutexLock lock(&health_mu_);
  return health_mu_.AwaitWithTimeout(absl::Condition(&check_over_), timeout);
}

absl::Status Database::Write(
    absl::FunctionRef<absl::Status(Connection&)> work) {
  return Enqueue(work, /*ahead=*/false);
}

absl::Status Database::WriteAhead(
    absl::FunctionRef<absl::Status(Connection&)> work) {
  return Enqueue(work, /*ahead=*/true);
}

absl::Status Database::Enqueue(
    absl::FunctionRef<absl::Status(Connection&)> work, bool ahead) {
  if (damaged_) return damage();
  PendingWrite self{work, ScopedCallDeadline::Current(), absl::OkStatus(),
                    /*done=*/false, /*turn=*/{}};
  std::vector<PendingWrite*> batch;
  {
    absl::MutexLock lock(&queue_mu_);
    // Counted once queued, so a count of n means n calls are in the queue
    // or in a running batch.
    ++writers_queued_;
    if (ahead) {
      queue_.push_front(&self);
    } else {
      queue_.push_back(&self);
    }
    while (!self.done &&
           (leading_ || queue_.empty() || queue_.front() != &self)) {
      self.turn.Wait(&queue_mu_);
    }
    if (!self.done) {
      leading_ = true;
      while (!queue_.empty() &&
             static_cast<int>(batch.size()) < max_batch_writes_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
  }
  if (!batch.empty()) {
    {
      // SQLite: a RESTART checkpoint waits for this batch's COMMIT.
      WalCheckpointer::WriterTurn turn(checkpointer_.get());
      RunBatch(batch);
    }
    bool committed = false;
    for (const PendingWrite* member : batch) committed |= member->status.ok();
    // The next leader may start while the listener runs; the members of
    // this batch return only after it ran.
    {
      absl::MutexLock lock(&queue_mu_);
      leading_ = false;
      // Whoever is first in the queue now leads the next batch.
      if (!queue_.empty()) queue_.front()->turn.Signal();
    }
    if (committed && commit_listener_) commit_listener_();
    {
      absl::MutexLock lock(&queue_mu_);
      for (PendingWrite* member : batch) {
        member->done = true;
        if (member != &self) member->turn.Signal();
      }
    }
  }
  --writers_queued_;
  return self.status;
}

void Database::RunBatch(const std::vector<PendingWrite*>& batch) {
  // Members run so far in the open transaction, if one is open.
  std::vector<PendingWrite*> run;
  bool open = false;
  for (size_t i = 0; i < batch.size(); ++i) {
    PendingWrite* member = batch[i];
    if (!open) {
      absl::Status begun = BeginWrite();
      if (!begun.ok()) {
        // Busy (another process holds the write lock past the timeout) or
        // broken: the rest of the batch would only wait for the same answer.
        for (size_t j = i; j < batch.size(); ++j) batch[j]->status = begun;
        return;
      }
      open = true;
    }
    absl::Status status = CheckCallDeadline(member->deadline);
    if (!status.ok()) {
      member->status = status;  // not run at all
      continue;
    }
    status = writer_->Exec("SAVEPOINT brevis_write");
    if (status.ok()) status = member->work(*writer_);
    if (status.ok()) status = writer_->Exec("RELEASE brevis_write");
    if (status.ok()) {
      run.push_back(member);
      continue;
    }
    member->status = status;
    if (writer_->InTransaction() &&
        writer_->Exec("ROLLBACK TO brevis_write; RELEASE brevis_write").ok()) {
      continue;  // only this member's writes are undone
    }
    // The failure took the whole transaction with it (SQLite rolls back by
    // itself on a full disk or an I/O error; PostgreSQL's session may have
    // gone): the members run before this one lost their writes too,
    // unacknowledged, so they fail with it.
    if (writer_->InTransaction()) {
      writer_->Exec("ROLLBACK").IgnoreError();
    }
    for (PendingWrite* earlier : run) earlier->status = status;
    run.clear();
    open = false;
  }
  if (!open) return;
  if (run.empty()) {
    // Every member failed and rolled back its own writes: nothing to commit.
    writer_->Exec("ROLLBACK").IgnoreError();
    return;
  }
  // A member whose caller stopped waiting while the batch ran must leave
  // nothing behind; its writes cannot be picked out of the released
  // savepoints, so the batch starts over without it.
  std::vector<PendingWrite*> in_time;
  for (PendingWrite* member : run) {
    absl::Status status = CheckCallDeadline(member->deadline);
    if (status.ok()) {
      in_time.push_back(member);
    } else {
      member->status = status;
    }
  }
  if (in_time.size() < run.size()) {
    writer_->Exec("ROLLBACK").IgnoreError();
    if (!in_time.empty()) RunBatch(in_time);
    return;
  }
  // PostgreSQL delivers the notification at commit, in commit order, to
  // every replica's relay (RunNotificationRelay).
  // The statement timeout is lifted for the COMMIT: cancelling one that
  // waits for a synchronous standby leaves it committed with only a
  // warning, and the batch would be acknowledged unreplicated.
  absl::Status committed =
      engine_ == Engine::kPostgres
          ? writer_->Exec(
                "SET LOCAL statement_timeout = 0; NOTIFY brevis_events; COMMIT")
          : writer_->Exec("COMMIT");
  if (committed.ok()) {
    ++write_transactions_;
    write_requests_ += run.size();
    return;
  }
  // A COMMIT the server may or may not have made before its session was
  // lost is reported as failed (UNAVAILABLE): never acknowledged, and a
  // create carries a request_id to retry with.
  if (writer_->InTransaction()) {
    writer_->Exec("ROLLBACK").IgnoreError();
  } else if (engine_ == Engine::kPostgres &&
             committed.code() == absl::StatusCode::kUnavailable) {
    committed = MarkCommitOutcomeUnknown(committed);
  }
  for (PendingWrite* member : run) member->status = committed;
}

absl::Status Database::Read(absl::FunctionRef<absl::Status(Connection&)> work) {
  if (damaged_) return damage();
  int reader = AcquireReader();
  std::unique_ptr<Connection>& connection = readers_[reader];
  // A snapshot for the whole read, as an SQLite WAL reader has.
  absl::Status status =
      Begin(connection, engine_ == Engine::kPostgres
                            ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                            : "BEGIN");
  if (status.ok()) {
    status = work(*connection);
    if (connection->InTransaction()) {
      connection->Exec("COMMIT").IgnoreError();
    }
  }
  ReleaseReader(reader);
  return status;
}

int Database::AcquireReader() {
  absl::MutexLock lock(&readers_mu_);
  while (idle_readers_.empty()) reader_released_.Wait(&readers_mu_);
  int reader = idle_readers_.back();
  idle_readers_.pop_back();
  return reader;
}

void Database::ReleaseReader(int reader) {
  {
    absl::MutexLock lock(&readers_mu_);
    idle_readers_.push_back(reader);
  }
  reader_released_.Signal();
}

}  // namespace brevis::store
