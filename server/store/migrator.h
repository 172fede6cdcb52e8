#ifndef BREVIS_SERVER_STORE_MIGRATOR_H_
#define BREVIS_SERVER_STORE_MIGRATOR_H_

#include <map>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/embedded_migrations.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// Where a database's schema stands against the migrations a binary carries.
struct SchemaStatus {
  int current_version = 0;  // highest applied migration; 0 for a new file
  int latest_version = 0;   // highest migration this binary knows
  std::vector<const Migration*> pending;  // known but not yet applied
};

// Hex SHA-256 of a migration's text, as recorded in the ledger.
std::string MigrationChecksum(std::string_view sql);

// One row of a database's migration ledger (schema_migrations), by version.
struct LedgerEntry {
  std::string file_name;
  std::string checksum;
};

// Compares a database's ledger with `migrations` (ascending versions), for
// either engine. Returns FAILED_PRECONDITION, naming the file and the
// reason, when the ledger has a version `migrations` lacks (a newer brevisd
// migrated the database) or an applied migration's text differs from the
// one recorded (it was edited since).
absl::StatusOr<SchemaStatus> CompareLedger(
    const std::map<int, LedgerEntry>& ledger,
    std::span<const Migration> migrations);

// Reads the migration ledger and compares it with `migrations` (ascending
// versions). Returns FAILED_PRECONDITION, naming the file and the reason,
// when the database was migrated by a newer brevisd or an applied migration
// was edited since. Does not write.
absl::StatusOr<SchemaStatus> InspectSchema(
    Connection& connection, std::span<const Migration> migrations);

// Applies every pending migration in order, each in its own transaction
// together with its ledger row, so a failure leaves the database at the last
// complete step. Returns the number applied. Refuses as InspectSchema does.
absl::StatusOr<int> ApplyMigrations(Connection& connection,
                                    std::span<const Migration> migrations);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_MIGRATOR_H_
