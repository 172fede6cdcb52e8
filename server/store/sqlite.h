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

// A prepared statement borrowed from a Connection's cache. Resets and clears
// its bindings when it goes out of scope so the next user starts clean.
// Not thread-safe; lives no longer than its Connection.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindOptional(int index, std::optional<std::string_view> text);
  Statement& BindNull(int index);

  // Advances to the next row: true when a row is ready, false when done.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows.
  absl::Status Run();

  // Columns are numbered from 0, as in SQLite.
  int64_t Int(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
  absl::Status bind_error_;
};

// One SQLite connection with a cache of prepared statements. Not
// thread-safe: the Database hands each connection to one thread at a time.
class Connection {
 public:
  // Opens (and with `create`, creates) the file and applies the pragmas
  // every brevis connection runs with: WAL, synchronous=FULL, foreign keys,
  // a busy timeout.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, bool create, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns the cached statement for `sql`, preparing it on first use.
  // `sql` is always text of our own (literals, or fragments of literals
  // joined); input reaches SQLite only through bound parameters.
  absl::StatusOr<std::unique_ptr<Statement>> Prepare(std::string_view sql);
  // Runs one or more statements without parameters (schema, pragmas).
  absl::Status Exec(std::string_view sql);

  int64_t Changes() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_SQLITE_H_
