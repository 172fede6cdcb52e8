#include "server/store/postgres.h"

#include <algorithm>
#include <charconv>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::store::pg {
namespace {

// A statement that returns rows or none, and succeeded.
bool Succeeded(const PGresult* result) {
  ExecStatusType status = PQresultStatus(result);
  return status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
}

// The server's notices (e.g. "table exists, skipping") would go to stderr
// by default: brevisd's stderr is its JSON log, so they are dropped.
void IgnoreNotice(void*, const char*) {}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's complaint about an address it cannot parse may quote all of it:
// the password given in it (URI user:password@, or password=) is blanked.
std::string WithoutPassword(std::string_view text, std::string_view conninfo) {
  std::string password;
  size_t scheme = conninfo.find("://");
  size_t at = conninfo.find('@');
  if (scheme != std::string_view::npos && at != std::string_view::npos &&
      at > scheme) {
    std::string_view user_info = conninfo.substr(scheme + 3, at - scheme - 3);
    size_t colon = user_info.find(':');
    if (colon != std::string_view::npos) {
      password = std::string(user_info.substr(colon + 1));
    }
  }
  size_t key = conninfo.find("password=");
  if (password.empty() && key != std::string_view::npos) {
    std::string_view rest = conninfo.substr(key + 9);
    password = std::string(rest.substr(0, rest.find_first_of(" &")));
  }
  std::string out(text);
  if (password.empty()) return out;
  for (size_t i = out.find(password); i != std::string::npos;
       i = out.find(password, i + 3)) {
    out.replace(i, password.size(), "***");
  }
  return out;
}

}  // namespace

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int largest = 0;
  size_t i = 0;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // A quoted literal or name, with a doubled quote inside it.
      size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      end = std::min(end + 1, sql.size());
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      size_t end = i + 1;
      while (end < sql.size() && is_digit(sql[end])) ++end;
      int number = largest + 1;
      if (end > i + 1) {
        std::from_chars(sql.data() + i + 1, sql.data() + end, number);
      }
      largest = std::max(largest, number);
      out.append("$").append(std::to_string(number));
      i = end;
    } else if (c == '$' && i + 1 < sql.size() && is_digit(sql[i + 1])) {
      size_t end = i + 1;
      while (end < sql.size() && is_digit(sql[end])) ++end;
      int number = 0;
      std::from_chars(sql.data() + i + 1, sql.data() + end, number);
      largest = std::max(largest, number);
      out.append(sql.substr(i, end - i));
      i = end;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

Statement::Statement(Connection* connection, std::string name,
                     int parameter_count)
    : connection_(connection),
      name_(std::move(name)),
      values_(parameter_count),
      formats_(parameter_count, 0),
      bound_(parameter_count, false) {}

Statement::~Statement() = default;

store::Statement& Statement::Bind(int index, int64_t value) {
  return Set(index, std::to_string(value), /*format=*/0);
}

store::Statement& Statement::Bind(int index, std::string_view text) {
  return Set(index, text, /*format=*/0);
}

store::Statement& Statement::BindBlob(int index, std::string_view bytes) {
  return Set(index, bytes, /*format=*/1);  // binary: the bytes as they are
}

store::Statement& Statement::BindNull(int index) {
  return Set(index, std::nullopt, /*format=*/0);
}

store::Statement& Statement::Set(int index,
                                 std::optional<std::string_view> value,
                                 int format) {
  if (index < 1 || index > static_cast<int>(values_.size())) {
    if (bind_error_.ok()) {
      bind_error_ = EngineStatus(
          absl::StatusCode::kInternal,
          "the database failed to complete the call; the operator has been "
          "told",
          brevis::StrCat("bind: parameter ", index, " of statement ", name_,
                         " which has ", values_.size()));
    }
    return *this;
  }
  values_[index - 1] =
      value.has_value() ? std::optional<std::string>(*value) : std::nullopt;
  formats_[index - 1] = format;
  bound_[index - 1] = true;
  return *this;
}

absl::Status Statement::Execute() {
  BREVIS_RETURN_IF_ERROR(bind_error_);
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (size_t i = 0; i < values_.size(); ++i) {
    if (!bound_[i]) {
      return EngineStatus(
          absl::StatusCode::kInternal,
          "the database failed to complete the call; the operator has been "
          "told",
          brevis::StrCat("execute: parameter ", i + 1, " of statement ", name_,
                         " is not bound"));
    }
    values.push_back(values_[i].has_value() ? values_[i]->data() : nullptr);
    lengths.push_back(
        values_[i].has_value() ? static_cast<int>(values_[i]->size()) : 0);
  }
  PGconn* raw = connection_->raw();
  result_.reset(PQexecPrepared(raw, name_.c_str(),
                               static_cast<int>(values.size()), values.data(),
                               lengths.data(), formats_.data(),
                               /*resultFormat=*/0));
  if (result_ == nullptr || !Succeeded(result_.get())) {
    absl::Status status =
        connection_->Failed(result_.get(), brevis::StrCat("execute ", name_));
    result_.reset();
    return status;
  }
  // As SQLite's changes(): only what an INSERT, UPDATE or DELETE did.
  std::string_view command = PQcmdStatus(result_.get());
  if (command.starts_with("INSERT") || command.starts_with("UPDATE") ||
      command.starts_with("DELETE")) {
    std::string_view tuples = PQcmdTuples(result_.get());
    int64_t changes = 0;
    std::from_chars(tuples.data(), tuples.data() + tuples.size(), changes);
    connection_->last_changes_ = changes;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Statement::Step() {
  if (result_ == nullptr) {
    BREVIS_RETURN_IF_ERROR(Execute());
  }
  ++row_;
  return row_ < PQntuples(result_.get());
}

int64_t Statement::Int(int column) const {
  if (IsNull(column)) return 0;
  std::string_view text = PQgetvalue(result_.get(), row_, column);
  if (text == "t") return 1;
  if (text == "f") return 0;
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string Statement::Text(int column) const {
  if (IsNull(column)) return std::string();
  return std::string(PQgetvalue(result_.get(), row_, column),
                     PQgetlength(result_.get(), row_, column));
}

std::string Statement::Blob(int column) const {
  if (IsNull(column)) return std::string();
  size_t size = 0;
  unsigned char* bytes =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(
                          PQgetvalue(result_.get(), row_, column)),
                      &size);
  if (bytes == nullptr) return std::string();
  std::string out(reinterpret_cast<const char*>(bytes), size);
  PQfreemem(bytes);
  return out;
}

bool Statement::IsNull(int column) const {
  return result_ == nullptr || row_ < 0 || row_ >= PQntuples(result_.get()) ||
         column < 0 || column >= PQnfields(result_.get()) ||
         PQgetisnull(result_.get(), row_, column);
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const ConnectOptions& options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed =
      PQconninfoParse(options.conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string detail = parse_error != nullptr
                             ? WithoutPassword(parse_error, options.conninfo)
                             : "out of memory";
    PQfreemem(parse_error);
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    return EngineStatus(absl::StatusCode::kInvalidArgument,
                        "the database address is neither a postgresql:// URI "
                        "nor a list of key=value settings",
                        brevis::StrCat("parse connection string: ", detail));
  }
  PQconninfoFree(parsed);

  // Keywords after dbname override what its expansion sets; those before
  // are defaults the connection string may override.
  // A server that stops answering without closing the connection (a
  // frozen host, a partition) must fail the call, not hang it for the
  // kernel's quarter of an hour: TCP keepalives and a bound on unacknowledged
  // data. Defaults the address may override; a Unix socket ignores them.
  const char* keys[] = {"connect_timeout",  "fallback_application_name",
                        "keepalives_idle",  "keepalives_interval",
                        "keepalives_count", "tcp_user_timeout",
                        "dbname",           nullptr};
  const char* values[] = {
      "10",   "brevisd", "10", "5", "3", "30000", options.conninfo.c_str(),
      nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (raw == nullptr) {
    return EngineStatus(absl::StatusCode::kResourceExhausted,
                        "cannot connect to the database: out of memory",
                        "PQconnectdbParams returned no connection");
  }
  std::unique_ptr<Connection> connection(new Connection(raw));
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);
  if (PQstatus(raw) != CONNECTION_OK) {
    absl::Status status = PostgresError(nullptr, raw, "connect");
    return Rephrase(
        status,
        brevis::StrCat("cannot connect to ", DescribeAddress(options.conninfo),
                       " (the reason is in the server log)"));
  }
  if (PQsetClientEncoding(raw, "UTF8") != 0) {
    return PostgresError(nullptr, raw, "set client encoding UTF8");
  }
  int64_t timeout_ms = absl::ToInt64Milliseconds(options.statement_timeout);
  if (options.statement_timeout > absl::ZeroDuration() && timeout_ms == 0) {
    timeout_ms = 1;
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto settings,
      connection->Prepare(
          "SELECT set_config('synchronous_commit', 'on', false), "
          "set_config('statement_timeout', $1, false)"));
  BREVIS_RETURN_IF_ERROR(settings->Bind(1, std::to_string(timeout_ms)).Run());
  return connection;
}

Connection::~Connection() { PQfinish(connection_); }

absl::StatusOr<std::unique_ptr<store::Statement>> Connection::Prepare(
    std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    // Never reused: a name prepared on the server whose describe then
    // failed is not in the cache but still taken there.
    std::string name = brevis::StrCat("brevis_", ++statements_prepared_);
    std::string text = NumberPlaceholders(sql);
    Result prepared(PQprepare(connection_, name.c_str(), text.c_str(), 0,
                              /*paramTypes=*/nullptr));
    if (prepared == nullptr || !Succeeded(prepared.get())) {
      return Failed(prepared.get(), brevis::StrCat("prepare ", sql));
    }
    Result described(PQdescribePrepared(connection_, name.c_str()));
    if (described == nullptr || !Succeeded(described.get())) {
      return Failed(described.get(), brevis::StrCat("describe ", sql));
    }
    it = statements_
             .emplace(std::string(sql),
                      Prepared{name, PQnparams(described.get())})
             .first;
  }
  return std::make_unique<Statement>(this, it->second.name,
                                     it->second.parameter_count);
}

absl::Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  Result result(PQexec(connection_, text.c_str()));
  if (result == nullptr || !Succeeded(result.get())) {
    return Failed(result.get(), "exec");
  }
  return absl::OkStatus();
}

bool Connection::InTransaction() const {
  PGTransactionStatusType status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR ||
         status == PQTRANS_ACTIVE;
}

absl::Status Connection::Failed(const PGresult* result,
                                std::string_view context) {
  if (result == nullptr ||
      PQresultErrorField(result, PG_DIAG_SQLSTATE) == nullptr) {
    lost_ = true;
  }
  return PostgresError(result, connection_, context);
}

bool Connection::Healthy() const {
  return !lost_ && PQstatus(connection_) == CONNECTION_OK;
}

absl::StatusOr<std::unique_ptr<Transaction>> Transaction::Begin(
    Connection& connection, Isolation isolation) {
  const char* begin = "BEGIN ISOLATION LEVEL SERIALIZABLE";
  if (isolation == Isolation::kReadCommitted) {
    begin = "BEGIN ISOLATION LEVEL READ COMMITTED";
  } else if (isolation == Isolation::kRepeatableRead) {
    begin = "BEGIN ISOLATION LEVEL REPEATABLE READ";
  }
  BREVIS_RETURN_IF_ERROR(connection.Exec(begin));
  return std::unique_ptr<Transaction>(new Transaction(connection));
}

Transaction::~Transaction() {
  if (open_ && connection_.Healthy()) {
    connection_.Exec("ROLLBACK").IgnoreError();
  }
}

absl::Status Transaction::Commit() {
  open_ = false;
  PGconn* raw = connection_.raw();
  if (PQtransactionStatus(raw) == PQTRANS_INERROR) {
    connection_.Exec("ROLLBACK").IgnoreError();
    return EngineStatus(absl::StatusCode::kInternal,
                        "the database failed to complete the call; the "
                        "operator has been told",
                        "commit: a statement of the transaction had failed; "
                        "rolled back");
  }
  return connection_.Exec("COMMIT");
}

absl::Status RunSerializable(Connection& connection, int max_attempts,
                             absl::FunctionRef<absl::Status()> body) {
  absl::Status status;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    auto transaction = Transaction::Begin(connection, Isolation::kSerializable);
    if (!transaction.ok()) return transaction.status();
    status = body();
    if (status.ok()) status = (*transaction)->Commit();
    if (status.code() != absl::StatusCode::kAborted) return status;
  }
  return status;
}

}  // namespace brevis::store::pg
