#include "server/store/migrator.h"

#include <map>

#include "absl/strings/escaping.h"
#include "server/domain/digest.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/ledger_rows.h"

namespace brevis::store {
namespace {

// The ledger lives outside the numbered migrations so that it exists before
// the first of them runs.
constexpr char kCreateLedger[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "  version INTEGER PRIMARY KEY,"
    "  file_name TEXT NOT NULL,"
    "  checksum TEXT NOT NULL,"
    "  applied_time INTEGER NOT NULL) STRICT";

absl::StatusOr<std::map<int, LedgerEntry>> ReadLedger(Connection& connection) {
  return ReadLedgerRows(connection,
                        "SELECT count(*) FROM sqlite_schema WHERE type = "
                        "'table' AND name = 'schema_migrations'");
}

}  // namespace

std::string MigrationChecksum(std::string_view sql) {
  return absl::BytesToHexString(domain::Sha256(sql));
}

absl::StatusOr<SchemaStatus> CompareLedger(
    const std::map<int, LedgerEntry>& ledger,
    std::span<const Migration> migrations) {
  SchemaStatus status;
  std::map<int, const Migration*> known;
  for (const Migration& migration : migrations) {
    known[migration.version] = &migration;
    status.latest_version = std::max(status.latest_version, migration.version);
  }
  for (const auto& [version, row] : ledger) {
    status.current_version = std::max(status.current_version, version);
    auto it = known.find(version);
    if (it == known.end()) {
      return absl::FailedPreconditionError(brevis::StrCat(
          "the database was migrated by a newer brevisd: it has migration ",
          row.file_name, " (version ", version,
          ") which this brevisd does not know (it knows up to version ",
          status.latest_version,
          "); run the newer brevisd or restore a backup"));
    }
    std::string checksum = MigrationChecksum(it->second->sql);
    if (checksum != row.checksum) {
      return absl::FailedPreconditionError(brevis::StrCat(
          "migration ", it->second->file_name,
          " was edited after it was applied to this database (checksum in "
          "the database ",
          row.checksum, ", in this brevisd ", checksum,
          "); restore the file as it was and add a new migration instead"));
    }
  }
  for (const Migration& migration : migrations) {
    if (!ledger.contains(migration.version)) {
      status.pending.push_back(&migration);
    }
  }
  return status;
}

absl::StatusOr<SchemaStatus> InspectSchema(
    Connection& connection, std::span<const Migration> migrations) {
  BREVIS_ASSIGN_OR_RETURN(auto ledger, ReadLedger(connection));
  return CompareLedger(ledger, migrations);
}

absl::StatusOr<int> ApplyMigrations(Connection& connection,
                                    std::span<const Migration> migrations) {
  BREVIS_ASSIGN_OR_RETURN(SchemaStatus status,
                          InspectSchema(connection, migrations));
  BREVIS_RETURN_IF_ERROR(connection.Exec(kCreateLedger));

  for (const Migration* migration : status.pending) {
    BREVIS_RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
    absl::Status applied = connection.Exec(migration->sql);
    if (applied.ok()) {
      applied = InsertLedgerRow(connection,
                                "INSERT INTO schema_migrations (version, "
                                "file_name, checksum, applied_time) "
                                "VALUES (?, ?, ?, ?)",
                                *migration);
    }
    if (applied.ok()) applied = connection.Exec("COMMIT");
    if (!applied.ok()) {
      connection.Exec("ROLLBACK").IgnoreError();
      return MigrationFailed(*migration, applied);
    }
  }
  return static_cast<int>(status.pending.size());
}

}  // namespace brevis::store
