#ifndef BREVIS_SERVER_POSTGRES_COMMANDS_H_
#define BREVIS_SERVER_POSTGRES_COMMANDS_H_

// `brevisd init` and `brevisd migrate` on a PostgreSQL database (issue 17):
// they apply migrations/postgresql/. `backup` and `restore` refuse a
// postgresql:// database (PostgresBackupRefused): its backups are the
// database server's own.

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace brevis {

// The refusal of `backup` or `restore` (`subcommand`) given a postgresql://
// database: FAILED_PRECONDITION pointing at PostgreSQL's own tools
// (pg_dump, pg_restore, continuous archiving), which back up every
// replica's data at once and consistently.
absl::Status PostgresBackupRefused(const std::string& subcommand);

// Applies every PostgreSQL migration to the empty database `uri` names.
// Returns the schema version reached; ALREADY_EXISTS when the database
// holds tables already (use migrate), the connection's and migrator's
// errors otherwise. Messages name the database and host, never the
// password.
absl::StatusOr<int> InitPostgres(const std::string& uri);

// What `brevisd migrate --db postgresql://...` reports.
struct PostgresMigration {
  int current_version = 0;  // before any migration was applied
  int latest_version = 0;
  std::vector<std::string> pending;  // file names, before applying
  int applied = 0;                   // 0 with `check_only`
};

// Inspects (with `check_only`) or migrates the database `uri` names, with
// the refusals of the migrator (a newer schema, an edited migration).
absl::StatusOr<PostgresMigration> MigratePostgres(const std::string& uri,
                                                  bool check_only);

// `brevisd copy --from FILE --to URI` (store/copy_to_postgres.h): copies,
// then prints to `out` how many rows each table has and the total. On
// failure prints "brevisd: " and the reason to `err`. Returns the exit
// code: 0 when copied and checked, 2 when refused before anything was
// written (the source in use, a schema or collation mismatch, a target
// that is not empty, a bad address, a missing file), 1 for any other
// failure (PostgreSQL unreachable, a count or checksum mismatch: rolled
// back). Never prints the address's password.
int RunCopy(const std::string& from, const std::string& to, std::ostream& out,
            std::ostream& err);

}  // namespace brevis

#endif  // BREVIS_SERVER_POSTGRES_COMMANDS_H_
