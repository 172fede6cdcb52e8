#include "server/store/sqlite.h"

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::store {

namespace {

// What the caller is told, by class of failure: what happened to the write
// and what to do next, in brevis's words.
std::string_view CallerMessage(int code) {
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE ||
          code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return "a record with the same identifying value exists already; "
               "nothing was changed";
      }
      return "the change would break the links between stored records; "
             "nothing was changed";
    case SQLITE_FULL:
      return "the disk holding the database is full: nothing was written; "
             "try again once the operator has freed space";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the database is busy with another process's write; nothing "
             "was written; try again";
    case SQLITE_READONLY:
      return "the database cannot be written at present; nothing was "
             "written; the operator has been told";
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "the database cannot be read at present; the operator has "
             "been told";
    default:
      return "the database failed to complete the call; the operator has "
             "been told";
  }
}

}  // namespace

absl::Status SqliteError(int code, std::string_view context, sqlite3* db) {
  std::string detail = brevis::StrCat(
      context, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code),
      " (SQLite code ", code, ")");
  absl::StatusCode status_code;
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      status_code = code == SQLITE_CONSTRAINT_UNIQUE ||
                            code == SQLITE_CONSTRAINT_PRIMARYKEY
                        ? absl::StatusCode::kAlreadyExists
                        : absl::StatusCode::kFailedPrecondition;
      break;
    case SQLITE_FULL:
      status_code = absl::StatusCode::kResourceExhausted;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      status_code = absl::StatusCode::kUnavailable;
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      status_code = absl::StatusCode::kFailedPrecondition;
      break;
    default:
      status_code = absl::StatusCode::kInternal;
  }
  return EngineStatus(status_code, CallerMessage(code), detail);
}

SqliteStatement::~SqliteStatement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& SqliteStatement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = SqliteError(rc, "bind", db_);
  }
  return *this;
}

Statement& SqliteStatement::Bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_, index, text.data(),
                             static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = SqliteError(rc, "bind", db_);
  }
  return *this;
}

Statement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob(stmt_, index, bytes.data(),
                             static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = SqliteError(rc, "bind", db_);
  }
  return *this;
}

Statement& SqliteStatement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = SqliteError(rc, "bind", db_);
  }
  return *this;
}

absl::StatusOr<bool> SqliteStatement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, "step", db_);
}

int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), size);
}

std::string SqliteStatement::Blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (bytes == nullptr) return std::string();
  return std::string(static_cast<const char*>(bytes), size);
}

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, bool create, bool read_only) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (create) flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(rc, "open", db);
    sqlite3_close_v2(db);
    if (rc == SQLITE_CANTOPEN) {
      return absl::NotFoundError(
          brevis::StrCat("cannot open database ", path,
                         create ? "" : " (run `brevisd init` to create it)"));
    }
    return Rephrase(status, brevis::StrCat("cannot open database ", path, ": ",
                                           status.message()));
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  sqlite3_busy_timeout(db, 5000);
  // The pragmas are fixed by the design: WAL so readers never block the
  // writer, FULL so an acknowledged write is on disk, and a bounded WAL file.
  absl::Status status =
      connection->Exec(read_only ? "PRAGMA foreign_keys=ON;"
                                 : "PRAGMA journal_mode=WAL;"
                                   "PRAGMA synchronous=FULL;"
                                   "PRAGMA foreign_keys=ON;"
                                   "PRAGMA journal_size_limit=67108864;");
  if (!status.ok()) {
    // The first statement is where a file that is no database shows.
    return Rephrase(status, brevis::StrCat("database ", path,
                                           " is not a readable brevis "
                                           "database"));
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

absl::StatusOr<std::unique_ptr<Statement>> SqliteConnection::Prepare(
    std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteError(rc, brevis::StrCat("prepare ", sql), db_);
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return std::make_unique<SqliteStatement>(it->second, db_);
}

absl::Status SqliteConnection::Exec(std::string_view sql) {
  // The transaction statements run several times per call: prepared once
  // and kept, rather than parsed by sqlite3_exec every time.
  bool transaction_control =
      sql.find(';') == std::string_view::npos &&
      (sql.starts_with("BEGIN") || sql.starts_with("COMMIT") ||
       sql.starts_with("ROLLBACK") || sql.starts_with("SAVEPOINT") ||
       sql.starts_with("RELEASE"));
  if (transaction_control) {
    BREVIS_ASSIGN_OR_RETURN(auto statement, Prepare(sql));
    return statement->Run();
  }
  std::string copy(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(rc, "exec", db_);
    sqlite3_free(error);
    return status;
  }
  return absl::OkStatus();
}

int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db_); }

bool SqliteConnection::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace brevis::store
