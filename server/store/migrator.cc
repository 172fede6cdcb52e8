#include "server/store/migrator.h"

#include <map>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "server/domain/digest.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

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
  std::map<int, LedgerEntry> rows;
  BREVIS_ASSIGN_OR_RETURN(
      auto exists,
      connection.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND "
                         "name = 'schema_migrations'"));
  BREVIS_ASSIGN_OR_RETURN(bool found, exists->Step());
  if (!found) return rows;

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
      auto insert = connection.Prepare(
          "INSERT INTO schema_migrations "
          "(version, file_name, checksum, applied_time) VALUES (?, ?, ?, ?)");
      applied = insert.status();
      if (insert.ok()) {
        applied = (*insert)
                      ->Bind(1, int64_t{migration->version})
                      .Bind(2, std::string_view(migration->file_name))
                      .Bind(3, MigrationChecksum(migration->sql))
                      .Bind(4, absl::ToUnixMicros(absl::Now()))
                      .Run();
      }
    }
    if (applied.ok()) applied = connection.Exec("COMMIT");
    if (!applied.ok()) {
      connection.Exec("ROLLBACK").IgnoreError();
      return absl::Status(applied.code(),
                          brevis::StrCat("migration ", migration->file_name,
                                         " failed: ", DescribeForLog(applied)));
    }
  }
  return static_cast<int>(status.pending.size());
}

}  // namespace brevis::store
