#ifndef BREVIS_SERVER_STORE_POSTGRES_MIGRATOR_H_
#define BREVIS_SERVER_STORE_POSTGRES_MIGRATOR_H_

// The migrator of server/store/migrator.h for PostgreSQL: the same ledger
// (schema_migrations: version, file_name, checksum, applied_time), the same
// checksums and the same refusals, over migrations/postgresql/.

#include <span>

#include "absl/status/statusor.h"
#include "server/store/embedded_migrations.h"
#include "server/store/migrator.h"
#include "server/store/postgres.h"

namespace brevis::store::pg {

// Reads the ledger of the database `connection` is on and compares it with
// `migrations` (ascending versions), as store::CompareLedger: returns
// FAILED_PRECONDITION naming the file and the reason when a newer brevisd
// migrated the database or an applied migration was edited since. A
// database without a ledger is at version 0. Does not write; errors of the
// server as PostgresError.
absl::StatusOr<SchemaStatus> InspectSchema(
    Connection& connection, std::span<const Migration> migrations);

// Applies every pending migration in order, each in its own transaction
// together with its ledger row (PostgreSQL's DDL is transactional), so a
// failure leaves the database at the last complete step. Holds an advisory
// lock for the whole run, so replicas migrating at once apply each step
// once. Returns the number applied. Refuses as InspectSchema does; a
// failing migration is reported with its file name and the server's text.
absl::StatusOr<int> ApplyMigrations(Connection& connection,
                                    std::span<const Migration> migrations);

}  // namespace brevis::store::pg

#endif  // BREVIS_SERVER_STORE_POSTGRES_MIGRATOR_H_
