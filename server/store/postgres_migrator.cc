#include "server/store/postgres_migrator.h"

#include <map>

#include "absl/time/clock.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::store::pg {
namespace {

// The ledger, as server/store/migrator.cc makes it for SQLite: it exists
// before the first migration runs.
constexpr char kCreateLedger[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "  version BIGINT PRIMARY KEY,"
    "  file_name TEXT NOT NULL,"
    "  checksum TEXT NOT NULL,"
    "  applied_time BIGINT NOT NULL)";

// Any fixed number: the key of the session-level advisory lock that makes
// concurrent migrators of one database take turns ("brevis" in ASCII).
constexpr int64_t kMigrationLockKey = 0x627265766973;

absl::StatusOr<std::map<int, LedgerEntry>> ReadLedger(Connection& connection) {
  std::map<int, LedgerEntry> rows;
  BREVIS_ASSIGN_OR_RETURN(
      auto exists, connection.Prepare(
                       "SELECT to_regclass('schema_migrations') IS NOT NULL"));
  BREVIS_ASSIGN_OR_RETURN(bool row, exists->Step());
  if (!row || exists->Int(0) == 0) return rows;

  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      connection.Prepare(
          "SELECT version, file_name, checksum FROM schema_migrations "
          "ORDER BY version"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool next, select->Step());
    if (!next) break;
    rows[static_cast<int>(select->Int(0))] = {select->Text(1), select->Text(2)};
  }
  return rows;
}

// Applies one migration and its ledger row in one transaction.
absl::Status ApplyOne(Connection& connection, const Migration& migration) {
  BREVIS_ASSIGN_OR_RETURN(
      auto transaction,
      Transaction::Begin(connection, Isolation::kReadCommitted));
  BREVIS_RETURN_IF_ERROR(connection.Exec(migration.sql));
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      connection.Prepare("INSERT INTO schema_migrations "
                         "(version, file_name, checksum, applied_time) "
                         "VALUES ($1, $2, $3, $4)"));
  BREVIS_RETURN_IF_ERROR(insert->Bind(1, int64_t{migration.version})
                             .Bind(2, std::string_view(migration.file_name))
                             .Bind(3, MigrationChecksum(migration.sql))
                             .Bind(4, absl::ToUnixMicros(absl::Now()))
                             .Run());
  return transaction->Commit();
}

absl::StatusOr<int> ApplyLocked(Connection& connection,
                                std::span<const Migration> migrations) {
  BREVIS_ASSIGN_OR_RETURN(SchemaStatus status,
                          InspectSchema(connection, migrations));
  BREVIS_RETURN_IF_ERROR(connection.Exec(kCreateLedger));
  for (const Migration* migration : status.pending) {
    absl::Status applied = ApplyOne(connection, *migration);
    if (!applied.ok()) {
      return absl::Status(applied.code(),
                          brevis::StrCat("migration ", migration->file_name,
                                         " failed: ", DescribeForLog(applied)));
    }
  }
  return static_cast<int>(status.pending.size());
}

}  // namespace

absl::StatusOr<SchemaStatus> InspectSchema(
    Connection& connection, std::span<const Migration> migrations) {
  BREVIS_ASSIGN_OR_RETURN(auto ledger, ReadLedger(connection));
  return CompareLedger(ledger, migrations);
}

absl::StatusOr<int> ApplyMigrations(Connection& connection,
                                    std::span<const Migration> migrations) {
  BREVIS_ASSIGN_OR_RETURN(auto lock,
                          connection.Prepare("SELECT pg_advisory_lock($1)"));
  BREVIS_RETURN_IF_ERROR(lock->Bind(1, kMigrationLockKey).Run());
  absl::StatusOr<int> applied = ApplyLocked(connection, migrations);
  BREVIS_ASSIGN_OR_RETURN(auto unlock,
                          connection.Prepare("SELECT pg_advisory_unlock($1)"));
  absl::Status unlocked = unlock->Bind(1, kMigrationLockKey).Run();
  if (applied.ok() && !unlocked.ok()) return unlocked;
  return applied;
}

}  // namespace brevis::store::pg
