#include "server/store/postgres_migrator.h"

#include <map>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/ledger_rows.h"

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
  return ReadLedgerRows(connection,
                        "SELECT to_regclass('schema_migrations') IS NOT NULL");
}

// Applies one migration and its ledger row in one transaction.
absl::Status ApplyOne(Connection& connection, const Migration& migration) {
  BREVIS_ASSIGN_OR_RETURN(
      auto transaction,
      Transaction::Begin(connection, Isolation::kReadCommitted));
  BREVIS_RETURN_IF_ERROR(connection.Exec(migration.sql));
  BREVIS_RETURN_IF_ERROR(
      InsertLedgerRow(connection,
                      "INSERT INTO schema_migrations (version, file_name, "
                      "checksum, applied_time) VALUES ($1, $2, $3, $4)",
                      migration));
  return transaction->Commit();
}

absl::StatusOr<int> ApplyLocked(Connection& connection,
                                std::span<const Migration> migrations) {
  BREVIS_ASSIGN_OR_RETURN(SchemaStatus status,
                          InspectSchema(connection, migrations));
  BREVIS_RETURN_IF_ERROR(connection.Exec(kCreateLedger));
  for (const Migration* migration : status.pending) {
    absl::Status applied = ApplyOne(connection, *migration);
    if (!applied.ok()) return MigrationFailed(*migration, applied);
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
