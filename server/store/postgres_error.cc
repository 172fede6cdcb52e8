// The error boundary of server/store/postgres.h: SQLSTATE to brevis status.
#include "server/domain/str_cat.h"
#include "server/store/postgres.h"

namespace brevis::store::pg {
namespace {

// What the caller is told, by code: what happened to the write and what to
// do next, in brevis's words (the same as SqliteError's where they share a
// meaning).
std::string_view CallerMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kAlreadyExists:
      return "a record with the same identifying value exists already; "
             "nothing was changed";
    case absl::StatusCode::kFailedPrecondition:
      return "the change would break the links between stored records; "
             "nothing was changed";
    case absl::StatusCode::kAborted:
      return "the call conflicted with another one changing the same "
             "records; nothing was changed; try again";
    case absl::StatusCode::kUnavailable:
      return "the database cannot be reached at present; the call may not "
             "have been completed; try again";
    case absl::StatusCode::kResourceExhausted:
      return "the disk holding the database is full: nothing was written; "
             "try again once the operator has freed space";
    case absl::StatusCode::kDeadlineExceeded:
      return "the database took too long to answer and the call was "
             "stopped; nothing was changed";
    default:
      return "the database failed to complete the call; the operator has "
             "been told";
  }
}

}  // namespace

absl::StatusCode CodeForSqlState(std::string_view sqlstate) {
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;
  if (sqlstate.starts_with("23")) return absl::StatusCode::kFailedPrecondition;
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return absl::StatusCode::kAborted;
  }
  // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now:
  // the server is going away or not up yet, as a lost connection; 25P03
  // idle_in_transaction_session_timeout and 57P05 idle_session_timeout
  // end the session the same way.
  if (sqlstate.starts_with("08") || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03" || sqlstate == "57P05" ||
      sqlstate == "25P03") {
    return absl::StatusCode::kUnavailable;
  }
  if (sqlstate == "53100") return absl::StatusCode::kResourceExhausted;
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;
  return absl::StatusCode::kInternal;
}

absl::Status PostgresError(const PGresult* result, PGconn* connection,
                           std::string_view context) {
  const char* field = result != nullptr
                          ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                          : nullptr;
  std::string_view sqlstate = field != nullptr ? field : "";
  std::string_view text;
  if (result != nullptr && *PQresultErrorMessage(result) != '\0') {
    text = PQresultErrorMessage(result);
  } else if (connection != nullptr) {
    text = PQerrorMessage(connection);
  }
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);

  absl::StatusCode code;
  if (!sqlstate.empty()) {
    code = CodeForSqlState(sqlstate);
  } else {
    // libpq's own errors carry no SQLSTATE. With our fixed SQL and
    // parameters checked before they are sent, the ones left are the
    // transport's: a server that went away (whose session libpq does not
    // always mark bad at once). A caller can try again.
    code = absl::StatusCode::kUnavailable;
  }
  std::string detail =
      brevis::StrCat(context, ": ", text.empty() ? "no error text" : text,
                     " (SQLSTATE ", sqlstate.empty() ? "none" : sqlstate, ")");
  return EngineStatus(code, CallerMessage(code), detail);
}

std::string DescribeAddress(std::string_view conninfo) {
  std::string text(conninfo);
  PQconninfoOption* options = PQconninfoParse(text.c_str(), nullptr);
  if (options == nullptr) return "an unreadable PostgreSQL address";
  std::string database, host, port;
  for (PQconninfoOption* option = options; option->keyword != nullptr;
       ++option) {
    std::string_view keyword = option->keyword;
    std::string value = option->val != nullptr ? option->val : "";
    if (keyword == "dbname") database = value;
    if (keyword == "host") host = value;
    if (keyword == "port") port = value;
  }
  PQconninfoFree(options);
  return brevis::StrCat("database ", database.empty() ? "(default)" : database,
                        " on ", host.empty() ? "the local socket" : host,
                        port.empty() ? "" : ":", port);
}

bool IsPostgresUri(std::string_view database) {
  return database.starts_with("postgresql://") ||
         database.starts_with("postgres://");
}

}  // namespace brevis::store::pg
