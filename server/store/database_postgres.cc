// Database on PostgreSQL (issue 17): opening the sessions, the writer lock
// across replicas, reopening a session the server dropped, and the relay
// that turns other replicas' commits into commit-listener calls.

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/database.h"
#include "server/store/postgres.h"
#include "server/store/postgres_migrator.h"

namespace brevis::store {
namespace {

// pg_advisory_xact_lock's key for the one writer of a brevis database:
// "brevis" and 'W' in ASCII. The migrator's lock is a different key.
constexpr int64_t kWriterLockKey = 0x627265766973'57;

// How long a session may sit inside a transaction without a statement
// before the server ends it: a replica stalled while holding the writer
// lock lets the other replicas write again after this.
constexpr const char* kIdleInTransactionTimeout =
    "SELECT set_config('idle_in_transaction_session_timeout', '60s', false)";

// The relay's wait between attempts to reach a server that is down.
constexpr int kRelayRetryMilliseconds = 1000;

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> Database::Reconnect() const {
  BREVIS_ASSIGN_OR_RETURN(
      std::unique_ptr<pg::Connection> connection,
      pg::Connection::Open(
          {.conninfo = conninfo_, .statement_timeout = statement_timeout_}));
  BREVIS_RETURN_IF_ERROR(connection->Exec(kIdleInTransactionTimeout));
  return std::unique_ptr<Connection>(std::move(connection));
}

absl::Status Database::EnsureHealthy(std::unique_ptr<Connection>& slot) const {
  if (slot->Healthy()) return absl::OkStatus();
  BREVIS_ASSIGN_OR_RETURN(slot, Reconnect());
  return absl::OkStatus();
}

absl::Status Database::Begin(std::unique_ptr<Connection>& slot,
                             std::string_view begin) const {
  BREVIS_RETURN_IF_ERROR(EnsureHealthy(slot));
  absl::Status begun = slot->Exec(begin);
  // libpq learns that the server ended an idle session (a restart, an
  // administrator) only when it is next used, and does not always mark the
  // session bad. Nothing ran yet, so one fresh session may try again.
  if (begun.code() != absl::StatusCode::kUnavailable) return begun;
  BREVIS_ASSIGN_OR_RETURN(slot, Reconnect());
  return slot->Exec(begin);
}

absl::Status Database::BeginWrite() {
  if (engine_ == Engine::kSqlite) return writer_->Exec("BEGIN IMMEDIATE");
  // READ COMMITTED: each statement after the lock sees every commit made
  // before the lock was granted, on any replica, so the repositories'
  // read-check-write steps hold as under SQLite's one writer.
  BREVIS_RETURN_IF_ERROR(
      Begin(writer_, "BEGIN ISOLATION LEVEL READ COMMITTED"));
  BREVIS_ASSIGN_OR_RETURN(auto lock,
                          writer_->Prepare("SELECT pg_advisory_xact_lock(?)"));
  absl::Status locked = lock->Bind(1, kWriterLockKey).Run();
  if (!locked.ok() && writer_->InTransaction()) {
    writer_->Exec("ROLLBACK").IgnoreError();
  }
  return locked;
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenPostgres(
    const DatabaseOptions& options) {
  std::unique_ptr<Database> db(new Database());
  db->engine_ = Engine::kPostgres;
  db->conninfo_ = options.path;
  db->path_ = pg::DescribeAddress(options.path);
  db->statement_timeout_ = options.statement_timeout;
  db->max_batch_writes_ = options.max_batch_writes;
  BREVIS_ASSIGN_OR_RETURN(auto writer, db->Reconnect());
  BREVIS_ASSIGN_OR_RETURN(
      SchemaStatus schema,
      pg::InspectSchema(static_cast<pg::Connection&>(*writer),
                        options.postgres_migrations));
  if (!schema.pending.empty()) {
    return absl::FailedPreconditionError(brevis::StrCat(
        db->path_, " is at schema version ", schema.current_version,
        " but this brevisd needs version ", schema.latest_version,
        schema.current_version == 0
            ? "; create it with `brevisd init --db <postgresql:// address>`"
            : "; back it up, then run `brevisd migrate --db <postgresql:// "
              "address>`"));
  }
  db->schema_version_ = schema.current_version;
  db->writer_ = std::move(writer);
  for (int i = 0; i < options.reader_count; ++i) {
    BREVIS_ASSIGN_OR_RETURN(auto reader, db->Reconnect());
    absl::MutexLock lock(&db->readers_mu_);  // no other thread has it yet
    db->idle_readers_.push_back(i);
    db->readers_.push_back(std::move(reader));
  }
  return db;
}

void Database::SetCommitListener(std::function<void()> listener) {
  commit_listener_ = std::move(listener);
  if (engine_ != Engine::kPostgres || !commit_listener_ ||
      relay_thread_.joinable()) {
    return;
  }
  relay_wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (relay_wake_fd_ < 0) return;  // then only local commits wake watchers
  relay_thread_ = std::thread([this] { RunNotificationRelay(); });
}

void Database::StopNotificationRelay() {
  if (!relay_thread_.joinable()) return;
  stopping_ = true;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t written = write(relay_wake_fd_, &one, sizeof one);
  relay_thread_.join();
  close(relay_wake_fd_);
  relay_wake_fd_ = -1;
}

void Database::RunNotificationRelay() {
  std::unique_ptr<pg::Connection> session;
  while (!stopping_) {
    if (session == nullptr || !session->Healthy()) {
      session.reset();
      auto opened = pg::Connection::Open({.conninfo = conninfo_});
      if (opened.ok() && (*opened)->Exec("LISTEN brevis_events").ok()) {
        session = std::move(*opened);
        // Commits made while no session listened were not announced: the
        // watchers re-read from their cursors now.
        commit_listener_();
      }
    }
    pollfd waits[2] = {{relay_wake_fd_, POLLIN, 0}, {-1, POLLIN, 0}};
    if (session != nullptr) waits[1].fd = PQsocket(session->raw());
    int ready = poll(waits, session != nullptr ? 2 : 1,
                     session != nullptr ? -1 : kRelayRetryMilliseconds);
    if (stopping_ || session == nullptr || ready <= 0) continue;
    if (PQconsumeInput(session->raw()) == 0) {
      session.reset();  // the server went: reconnect and re-announce
      continue;
    }
    bool announced = false;
    while (PGnotify* notification = PQnotifies(session->raw())) {
      announced = true;
      PQfreemem(notification);
    }
    if (announced) commit_listener_();
  }
}

}  // namespace brevis::store
