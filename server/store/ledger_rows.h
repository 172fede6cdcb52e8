#ifndef BREVIS_SERVER_STORE_LEDGER_ROWS_H_
#define BREVIS_SERVER_STORE_LEDGER_ROWS_H_

// The migration ledger's reads and writes, shared by the SQLite migrator
// (migrator.cc) and the PostgreSQL one (postgres_migrator.cc) through the
// API both engines' Connection and Statement have (Prepare, Bind, Step,
// Run, Int, Text). Only the SQL that differs is passed in.

#include <cstdint>
#include <map>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/embedded_migrations.h"
#include "server/store/migrator.h"

namespace brevis::store {

// The ledger's rows by version, or none when `exists_sql` (one row whose
// first column is nonzero or true when the ledger table exists) says
// there is no ledger yet. Errors are the engine's.
template <typename Connection>
absl::StatusOr<std::map<int, LedgerEntry>> ReadLedgerRows(
    Connection& connection, std::string_view exists_sql) {
  std::map<int, LedgerEntry> rows;
  BREVIS_ASSIGN_OR_RETURN(auto exists, connection.Prepare(exists_sql));
  BREVIS_ASSIGN_OR_RETURN(bool found, exists->Step());
  if (!found || exists->Int(0) == 0) return rows;
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      connection.Prepare(
          "SELECT version, file_name, checksum FROM schema_migrations "
          "ORDER BY version"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    rows[static_cast<int>(select->Int(0))] = {select->Text(1), select->Text(2)};
  }
  return rows;
}

// Records `migration` as applied now. `insert_sql` inserts (version,
// file_name, checksum, applied_time) from parameters 1 to 4.
template <typename Connection>
absl::Status InsertLedgerRow(Connection& connection,
                             std::string_view insert_sql,
                             const Migration& migration) {
  BREVIS_ASSIGN_OR_RETURN(auto insert, connection.Prepare(insert_sql));
  return insert->Bind(1, int64_t{migration.version})
      .Bind(2, std::string_view(migration.file_name))
      .Bind(3, MigrationChecksum(migration.sql))
      .Bind(4, absl::ToUnixMicros(absl::Now()))
      .Run();
}

// What a migrator reports when `migration` failed with `status`: for the
// operator, so the engine's text is included.
inline absl::Status MigrationFailed(const Migration& migration,
                                    const absl::Status& status) {
  return absl::Status(status.code(),
                      brevis::StrCat("migration ", migration.file_name,
                                     " failed: ", DescribeForLog(status)));
}

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_LEDGER_ROWS_H_
