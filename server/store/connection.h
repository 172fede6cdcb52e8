#ifndef BREVIS_SERVER_STORE_CONNECTION_H_
#define BREVIS_SERVER_STORE_CONNECTION_H_

// The statement interface every repository is written against, so one
// repository serves both engines (issue 17): SQLite (store/sqlite.h), the
// embedded default, and PostgreSQL (store/postgres.h) for several replicas.
// SQL handed to Prepare uses SQLite's placeholders, `?` and `?N`; the
// PostgreSQL side numbers them `$n` when it prepares. What the two engines
// spell differently is chosen by Connection::engine() (sql_dialect.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace brevis::store {

enum class Engine { kSqlite, kPostgres };

// A prepared statement with its parameters and, once stepped, its rows. Not
// thread-safe; lives no longer than the Connection that prepared it, and at
// most one Statement of a Connection is stepped at a time per SQL text.
class Statement {
 public:
  virtual ~Statement() = default;

  // Parameters are numbered from 1, in the order of `?` or as `?N` says.
  // A bind failure is returned by the next Step or Run.
  virtual Statement& Bind(int index, int64_t value) = 0;
  virtual Statement& Bind(int index, std::string_view text) = 0;
  virtual Statement& BindBlob(int index, std::string_view bytes) = 0;
  virtual Statement& BindNull(int index) = 0;
  Statement& BindOptional(int index, std::optional<std::string_view> text) {
    return text.has_value() ? Bind(index, *text) : BindNull(index);
  }
  // Binding a string literal means text, not a pointer turned into bool.
  Statement& Bind(int index, const char* text) {
    return Bind(index, std::string_view(text));
  }

  // Runs the statement on the first call, then advances to the next row:
  // true when a row is ready, false when done. A failure is the engine's
  // error boundary's status (SqliteError, PostgresError): never the
  // engine's text in the message.
  virtual absl::StatusOr<bool> Step() = 0;
  // Runs a statement and ignores any rows.
  absl::Status Run() { return Step().status(); }

  // Columns are numbered from 0. A NULL reads as 0 or empty; a boolean
  // (PostgreSQL's comparisons) as 1 or 0.
  virtual int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  // A BLOB (SQLite) or bytea (PostgreSQL) column's bytes.
  virtual std::string Blob(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
};

// One session with a database and its cache of prepared statements. Not
// thread-safe: the Database hands each connection to one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Engine engine() const = 0;
  // Returns the cached statement for `sql`, preparing it on first use.
  // `sql` is always text of our own (literals, or fragments of literals
  // joined); input reaches the engine only through bound parameters.
  virtual absl::StatusOr<std::unique_ptr<Statement>> Prepare(
      std::string_view sql) = 0;
  // Runs one or more statements without parameters (schema, transaction
  // control): our own literal text only.
  virtual absl::Status Exec(std::string_view sql) = 0;
  // Rows the last INSERT, UPDATE or DELETE run on this connection changed.
  virtual int64_t Changes() const = 0;
  // True while a transaction is open (BEGIN without COMMIT or ROLLBACK,
  // including one an engine has marked failed).
  virtual bool InTransaction() const = 0;
  // False once the session cannot be used again (PostgreSQL's server has
  // gone); an SQLite connection is always healthy.
  virtual bool Healthy() const = 0;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_CONNECTION_H_
