#include "client-lib/notify/state_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"

namespace brevis::notify {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER "
    "NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS outbox (key TEXT PRIMARY KEY, recipient TEXT "
    "NOT NULL, address TEXT NOT NULL, message TEXT NOT NULL, attempts "
    "INTEGER NOT NULL, next_attempt INTEGER NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS sent (key TEXT PRIMARY KEY, outcome TEXT NOT "
    "NULL, time INTEGER NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS told (item TEXT NOT NULL, recipient TEXT NOT "
    "NULL, PRIMARY KEY (item, recipient)) STRICT;";

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t value) {
    sqlite3_bind_int64(stmt_, i, value);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  int64_t Int(int i) { return sqlite3_column_int64(stmt_, i); }
  std::string Text(int i) {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    return text ? std::string(reinterpret_cast<const char*>(text),
                              sqlite3_column_bytes(stmt_, i))
                : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

absl::Status Failed(const char* what) {
  return absl::UnavailableError(absl::StrCat("state file: ", what, " failed"));
}

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

}  // namespace

absl::StatusOr<std::unique_ptr<StateStore>> StateStore::Open(
    const std::string& path) {
  sqlite3* db = nullptr;
  // Addresses are personal data: the file is for brevis-notify's user only.
  mode_t old_mask = umask(077);
  int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  umask(old_mask);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    return absl::FailedPreconditionError(
        absl::StrCat("state_file ", path, ": cannot open it"));
  }
  std::unique_ptr<StateStore> store(new StateStore(db));
  absl::MutexLock lock(&store->mu_);
  sqlite3_busy_timeout(db, 5000);
  if (!store->Exec("PRAGMA journal_mode=WAL").ok() ||
      !store->Exec("PRAGMA synchronous=FULL").ok() ||
      !store->Exec(kSchema).ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("state_file ", path,
                     ": not a brevis-notify state file, or not writable"));
  }
  return store;
}

StateStore::~StateStore() {
  absl::MutexLock lock(&mu_);
  sqlite3_close(db_);
}

absl::Status StateStore::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failed("a statement");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> StateStore::Cursor() {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_, "SELECT value FROM meta WHERE name = 'cursor'");
  int rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.Int(0);
  if (rc == SQLITE_DONE) return 0;
  return Failed("reading the cursor");
}

absl::StatusOr<std::optional<absl::Time>> StateStore::RunTime(
    const std::string& name) {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_, "SELECT value FROM meta WHERE name = ?");
  stmt.Bind(1, "run:" + name);
  int rc = stmt.Step();
  if (rc == SQLITE_ROW) return absl::FromUnixMicros(stmt.Int(0));
  if (rc == SQLITE_DONE) return std::nullopt;
  return Failed("reading a run time");
}

absl::StatusOr<bool> StateStore::Told(const std::string& item,
                                      const std::string& recipient) {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_, "SELECT 1 FROM told WHERE item = ? AND recipient = ?");
  stmt.Bind(1, item).Bind(2, recipient);
  int rc = stmt.Step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Failed("reading what was told");
}

absl::StatusOr<int> StateStore::Apply(const StateChange& change) {
  absl::MutexLock lock(&mu_);
  if (!Exec("BEGIN IMMEDIATE").ok()) return Failed("beginning a transaction");
  int queued = 0;
  auto fail = [&](const char* what) {
    Exec("ROLLBACK").IgnoreError();
    return Failed(what);
  };
  for (const QueuedMail& mail : change.mails) {
    Stmt seen(db_,
              "SELECT 1 FROM sent WHERE key = ?1 UNION ALL "
              "SELECT 1 FROM outbox WHERE key = ?1");
    seen.Bind(1, mail.key);
    int rc = seen.Step();
    if (rc == SQLITE_ROW) continue;
    if (rc != SQLITE_DONE) return fail("checking a key");
    Stmt insert(db_,
                "INSERT INTO outbox (key, recipient, address, message, "
                "attempts, next_attempt) VALUES (?, ?, ?, ?, 0, 0)");
    insert.Bind(1, mail.key)
        .Bind(2, mail.recipient)
        .Bind(3, mail.address)
        .Bind(4, mail.message);
    if (insert.Step() != SQLITE_DONE) return fail("queueing a mail");
    ++queued;
  }
  if (change.cursor) {
    Stmt stmt(db_,
              "INSERT INTO meta (name, value) VALUES ('cursor', ?) ON "
              "CONFLICT (name) DO UPDATE SET value = excluded.value");
    stmt.Bind(1, *change.cursor);
    if (stmt.Step() != SQLITE_DONE) return fail("moving the cursor");
  }
  for (const auto& [name, time] : change.run_times) {
    Stmt stmt(db_,
              "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT "
              "(name) DO UPDATE SET value = excluded.value");
    stmt.Bind(1, "run:" + name).Bind(2, Micros(time));
    if (stmt.Step() != SQLITE_DONE) return fail("recording a run");
  }
  for (const auto& [item, recipient] : change.told) {
    Stmt stmt(db_,
              "INSERT OR IGNORE INTO told (item, recipient) VALUES (?, ?)");
    stmt.Bind(1, item).Bind(2, recipient);
    if (stmt.Step() != SQLITE_DONE) return fail("recording what was told");
  }
  if (!Exec("COMMIT").ok()) return fail("committing");
  return queued;
}

absl::StatusOr<std::optional<QueuedMail>> StateStore::NextDue(absl::Time now) {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_,
            "SELECT key, recipient, address, message, attempts FROM outbox "
            "WHERE next_attempt <= ? ORDER BY next_attempt, rowid LIMIT 1");
  stmt.Bind(1, Micros(now));
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) return Failed("reading the outbox");
  QueuedMail mail;
  mail.key = stmt.Text(0);
  mail.recipient = stmt.Text(1);
  mail.address = stmt.Text(2);
  mail.message = stmt.Text(3);
  mail.attempts = static_cast<int>(stmt.Int(4));
  return mail;
}

absl::StatusOr<std::optional<absl::Time>> StateStore::NextAttempt() {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_, "SELECT MIN(next_attempt), COUNT(*) FROM outbox");
  if (stmt.Step() != SQLITE_ROW) return Failed("reading the outbox");
  if (stmt.Int(1) == 0) return std::nullopt;
  return absl::FromUnixMicros(stmt.Int(0));
}

absl::Status StateStore::Finish(const std::string& key, const char* outcome,
                                absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (!Exec("BEGIN IMMEDIATE").ok()) return Failed("beginning a transaction");
  Stmt remove(db_, "DELETE FROM outbox WHERE key = ?");
  remove.Bind(1, key);
  Stmt record(db_,
              "INSERT OR REPLACE INTO sent (key, outcome, time) VALUES (?, ?, "
              "?)");
  record.Bind(1, key).Bind(2, std::string(outcome)).Bind(3, Micros(now));
  if (remove.Step() != SQLITE_DONE || record.Step() != SQLITE_DONE ||
      !Exec("COMMIT").ok()) {
    Exec("ROLLBACK").IgnoreError();
    return Failed("recording a sent mail");
  }
  return absl::OkStatus();
}

absl::Status StateStore::Postpone(const std::string& key, int attempts,
                                  absl::Time next) {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_,
            "UPDATE outbox SET attempts = ?, next_attempt = ? WHERE key = ?");
  stmt.Bind(1, int64_t{attempts}).Bind(2, Micros(next)).Bind(3, key);
  if (stmt.Step() != SQLITE_DONE) return Failed("postponing a mail");
  return absl::OkStatus();
}

absl::StatusOr<int> StateStore::Queued() {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_, "SELECT COUNT(*) FROM outbox");
  if (stmt.Step() != SQLITE_ROW) return Failed("counting the outbox");
  return static_cast<int>(stmt.Int(0));
}

absl::StatusOr<bool> StateStore::Sent(const std::string& key) {
  absl::MutexLock lock(&mu_);
  Stmt stmt(db_, "SELECT 1 FROM sent WHERE key = ?");
  stmt.Bind(1, key);
  int rc = stmt.Step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Failed("reading sent mails");
}

}  // namespace brevis::notify
