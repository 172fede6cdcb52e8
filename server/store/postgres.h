#ifndef BREVIS_SERVER_STORE_POSTGRES_H_
#define BREVIS_SERVER_STORE_POSTGRES_H_

// PostgreSQL through libpq, wrapped the way server/store/sqlite.h wraps
// SQLite: RAII over the connection and its results, prepared statements
// with bound parameters only, and one error boundary (PostgresError) that
// turns an SQLSTATE into a brevis status. Issue 17: brevisd on PostgreSQL.

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/store/connection.h"
#include "server/store/engine_error.h"

namespace brevis::store::pg {

// The brevis status code for an SQLSTATE (five characters, as in
// PostgreSQL's appendix A "Error Codes"): 23505 unique_violation
// ALREADY_EXISTS; another class 23 integrity violation (foreign key, check,
// not null, exclusion) FAILED_PRECONDITION; 40001 serialization_failure and
// 40P01 deadlock_detected ABORTED, so a caller retries the whole
// transaction; class 08 connection exceptions, 57P01..57P03 (the server
// shutting down or starting), and 25P03 and 57P05 (a session ended as
// idle) UNAVAILABLE; 53100 disk_full
// RESOURCE_EXHAUSTED; 57014 query_canceled (statement_timeout)
// DEADLINE_EXCEEDED; everything else INTERNAL.
absl::StatusCode CodeForSqlState(std::string_view sqlstate);

// The one boundary between PostgreSQL's errors and brevis's. Maps the
// SQLSTATE of `result` (CodeForSqlState) to a status whose message is
// brevis's own and names no engine, table, constraint or statement. A
// failure without an SQLSTATE (no result, or an error libpq made itself: a
// lost server) is UNAVAILABLE.
// PostgreSQL's text (`context`, the error message, the SQLSTATE) travels
// as the status's EngineDetail for the server log, never in its message.
// `result` and `connection` may be null.
absl::Status PostgresError(const PGresult* result, PGconn* connection,
                           std::string_view context);

// True when `database` names a PostgreSQL database by URI
// (postgresql://... or postgres://...) rather than an SQLite file path.
bool IsPostgresUri(std::string_view database);

// "database D on host H:P" from a URI or key=value connection string, for
// messages and logs: never the password or other settings. Reads only the
// string (no connection); "an unreadable PostgreSQL address" when libpq
// cannot parse it.
std::string DescribeAddress(std::string_view conninfo);

// How to reach the server and the settings every brevis session runs with.
struct ConnectOptions {
  // A postgresql:// URI or a key=value connection string, handed to libpq
  // as it is: host (a directory for a Unix socket), port, dbname, user,
  // password, sslmode (verify-full checks the server's certificate and
  // name), sslrootcert and the rest of libpq's keywords.
  std::string conninfo;
  // The longest one statement may run before the server cancels it
  // (57014, DEADLINE_EXCEEDED); zero leaves the server's setting.
  // Whole milliseconds; a positive value below one millisecond is one.
  absl::Duration statement_timeout = absl::ZeroDuration();
};

// The rows of one executed statement, from a Connection's prepared
// statement. Parameters are bound first, then Step() executes and walks
// the rows. Not thread-safe; lives no longer than its Connection.
class Connection;
class Statement final : public store::Statement {
 public:
  // `connection`, `name` and `parameter_count` come from
  // Connection::Prepare.
  Statement(Connection* connection, std::string name, int parameter_count);
  ~Statement() override;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as $1, $2 in the SQL and as in
  // store::Statement. A number outside the statement's parameters makes
  // the next Step() fail with INTERNAL; so does a parameter left unbound.
  // Integers travel as decimal text, so PostgreSQL reads them as whatever
  // type it inferred for the parameter.
  using store::Statement::Bind;
  store::Statement& Bind(int index, int64_t value) override;
  store::Statement& Bind(int index, std::string_view text) override;
  // Bytes for a bytea parameter, sent in binary.
  store::Statement& BindBlob(int index, std::string_view bytes) override;
  store::Statement& BindNull(int index) override;

  // Executes the statement on the first call; then advances to the next
  // row: true when a row is ready, false when done. A failure is a status
  // from PostgresError.
  absl::StatusOr<bool> Step() override;

  // Columns are numbered from 0, as in store::Statement. A NULL reads as 0
  // or as empty; a boolean as 1 (true) or 0.
  int64_t Int(int column) const override;
  std::string Text(int column) const override;
  // A bytea column's bytes.
  std::string Blob(int column) const override;
  bool IsNull(int column) const override;

 private:
  struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
  };

  store::Statement& Set(int index, std::optional<std::string_view> value,
                        int format);
  absl::Status Execute();

  Connection* connection_;
  std::string name_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  std::vector<bool> bound_;
  absl::Status bind_error_;
  std::unique_ptr<PGresult, ResultDeleter> result_;
  int row_ = -1;
};

// SQL written with SQLite's placeholders, `?` (one more than the largest
// number so far) and `?N`, with each turned into PostgreSQL's `$N`; text
// inside quotes ('...' and "...") and comments is left as it is.
std::string NumberPlaceholders(std::string_view sql);

// One PostgreSQL session with a cache of prepared statements. Not
// thread-safe: one thread at a time, as store::Connection.
class Connection final : public store::Connection {
 public:
  // Connects and sets the session up: client encoding UTF8,
  // synchronous_commit on (an acknowledged commit is on the server's disk,
  // whatever the server's default), and the statement timeout. Returns
  // INVALID_ARGUMENT when `options.conninfo` is no URI or key=value list,
  // UNAVAILABLE when the server cannot be reached or refuses the session;
  // the message names the database and host, never the password, and
  // libpq's text is the EngineDetail.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const ConnectOptions& options);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Engine engine() const override { return Engine::kPostgres; }
  // Returns a statement for `sql`, prepared on the server on first use and
  // kept. `sql` is text of our own with `?`, `?N` or `$N` placeholders
  // (NumberPlaceholders); input reaches PostgreSQL only through bound
  // parameters.
  absl::StatusOr<std::unique_ptr<store::Statement>> Prepare(
      std::string_view sql) override;
  // Runs one or more statements without parameters (schema, transaction
  // control): our own literal text only.
  absl::Status Exec(std::string_view sql) override;
  int64_t Changes() const override { return last_changes_; }
  bool InTransaction() const override;
  // False once the server has gone or a call failed without an answer
  // from it (the session is not used again).
  bool Healthy() const override;
  PGconn* raw() const { return connection_; }

 private:
  friend class Statement;
  struct Prepared {
    std::string name;
    int parameter_count;
  };
  explicit Connection(PGconn* connection) : connection_(connection) {}
  // PostgresError for a failed call on this session; a failure that is no
  // answer of the server's (no SQLSTATE) marks the session lost.
  absl::Status Failed(const PGresult* result, std::string_view context);

  PGconn* connection_;
  std::map<std::string, Prepared, std::less<>> statements_;
  int64_t last_changes_ = 0;
  int64_t statements_prepared_ = 0;
  bool lost_ = false;
};

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

// One transaction on a Connection: rolled back when it goes out of scope
// without Commit(). Not thread-safe; lives no longer than its Connection.
class Transaction {
 public:
  // Begins a transaction at `isolation`. Errors as PostgresError.
  static absl::StatusOr<std::unique_ptr<Transaction>> Begin(
      Connection& connection, Isolation isolation);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Commits. A serialization failure found at commit is ABORTED (retry);
  // a transaction in which a statement had failed is rolled back and
  // reported INTERNAL, since PostgreSQL answers its COMMIT with a rollback.
  absl::Status Commit();

 private:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  Connection& connection_;
  bool open_ = true;
};

// Runs `body` in a SERIALIZABLE transaction on `connection` and commits,
// retrying the whole transaction when it fails ABORTED (a serialization
// failure or a deadlock, in `body` or at commit) up to `max_attempts`
// times in all. Returns the last attempt's status: OK when one committed,
// ABORTED when every attempt conflicted, any other failure at once.
// `body` must have no effect outside the database, since it may run more
// than once.
absl::Status RunSerializable(Connection& connection, int max_attempts,
                             absl::FunctionRef<absl::Status()> body);

}  // namespace brevis::store::pg

#endif  // BREVIS_SERVER_STORE_POSTGRES_H_
