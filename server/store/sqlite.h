#ifndef BREVIS_SERVER_STORE_SQLITE_H_
#define BREVIS_SERVER_STORE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/connection.h"
#include "server/store/engine_error.h"

namespace brevis::store {

// The one boundary between SQLite's errors and brevis's. Maps an SQLite
// result code to a Status a caller can act on, with a message of brevis's
// own that names no engine, table, constraint or statement: a unique value
// taken becomes ALREADY_EXISTS, another broken constraint (a foreign key,
// a check, a trigger) or a read-only or damaged file FAILED_PRECONDITION, a
// full disk RESOURCE_EXHAUSTED, a busy database UNAVAILABLE, the rest
// INTERNAL. SQLite's own text (`context`, then sqlite3_errmsg of `db`, or
// the code's text when `db` is null) travels with the status as a payload
// for the server log (EngineDetail), never in its message. Repositories
// that expect a constraint (a taken HSA-id) replace the status by one
// naming the field; every other refusal is checked by the domain first.
absl::Status SqliteError(int code, std::string_view context, sqlite3* db);

// A prepared statement borrowed from an SqliteConnection's cache. Resets
// and clears its bindings when it goes out of scope so the next user starts
// clean. Not thread-safe; lives no longer than its connection.
class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  ~SqliteStatement() override;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  using Statement::Bind;
  Statement& Bind(int index, int64_t value) override;
  Statement& Bind(int index, std::string_view text) override;
  Statement& BindBlob(int index, std::string_view bytes) override;
  Statement& BindNull(int index) override;
  absl::StatusOr<bool> Step() override;
  int64_t Int(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;
  bool IsNull(int column) const override;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
  absl::Status bind_error_;
};

// One SQLite connection with a cache of prepared statements. Not
// thread-safe: the Database hands each connection to one thread at a time.
class SqliteConnection final : public Connection {
 public:
  // Opens (and with `create`, creates) the file and applies the pragmas
  // every brevis connection runs with: WAL, synchronous=FULL, foreign keys,
  // a busy timeout. NOT_FOUND when the file cannot be opened; otherwise
  // errors as SqliteError.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, bool create, bool read_only);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Engine engine() const override { return Engine::kSqlite; }
  absl::StatusOr<std::unique_ptr<Statement>> Prepare(
      std::string_view sql) override;
  absl::Status Exec(std::string_view sql) override;
  int64_t Changes() const override;
  bool InTransaction() const override;
  bool Healthy() const override { return true; }
  sqlite3* raw() const { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_SQLITE_H_
