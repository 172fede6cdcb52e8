#include "server/postgres_commands.h"

#include <algorithm>
#include <iomanip>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/copy_to_postgres.h"
#include "server/store/embedded_migrations.h"
#include "server/store/engine_error.h"
#include "server/store/postgres.h"
#include "server/store/postgres_migrator.h"

namespace brevis {
namespace {

absl::StatusOr<std::unique_ptr<store::pg::Connection>> Connect(
    const std::string& uri) {
  // No statement timeout: a migration of a large database may take long.
  return store::pg::Connection::Open({.conninfo = uri});
}

}  // namespace

absl::Status PostgresBackupRefused(const std::string& subcommand) {
  return absl::FailedPreconditionError(brevis::StrCat(
      "`brevisd ", subcommand,
      "` copies SQLite database files; a PostgreSQL database is backed up "
      "and restored with PostgreSQL's own tools (pg_dump and pg_restore, or "
      "continuous archiving): see docs/operations.md"));
}

absl::StatusOr<int> InitPostgres(const std::string& uri) {
  BREVIS_ASSIGN_OR_RETURN(auto connection, Connect(uri));
  BREVIS_ASSIGN_OR_RETURN(
      auto tables,
      connection->Prepare("SELECT count(*) FROM pg_class c JOIN pg_namespace "
                          "n ON n.oid = c.relnamespace WHERE n.nspname = "
                          "current_schema() AND c.relkind IN ('r', 'v', 'S')"));
  BREVIS_ASSIGN_OR_RETURN(bool row, tables->Step());
  if (row && tables->Int(0) > 0) {
    return absl::AlreadyExistsError(brevis::StrCat(
        store::pg::DescribeAddress(uri),
        " is not empty; init only sets up empty databases (use `brevisd "
        "migrate` to upgrade a brevis database)"));
  }
  auto migrations = store::EmbeddedPostgresMigrations();
  BREVIS_RETURN_IF_ERROR(
      store::pg::ApplyMigrations(*connection, migrations).status());
  return migrations.back().version;
}

absl::StatusOr<PostgresMigration> MigratePostgres(const std::string& uri,
                                                  bool check_only) {
  BREVIS_ASSIGN_OR_RETURN(auto connection, Connect(uri));
  auto migrations = store::EmbeddedPostgresMigrations();
  BREVIS_ASSIGN_OR_RETURN(store::SchemaStatus schema,
                          store::pg::InspectSchema(*connection, migrations));
  PostgresMigration result;
  result.current_version = schema.current_version;
  result.latest_version = schema.latest_version;
  for (const store::Migration* pending : schema.pending) {
    result.pending.push_back(pending->file_name);
  }
  if (check_only) return result;
  BREVIS_ASSIGN_OR_RETURN(result.applied,
                          store::pg::ApplyMigrations(*connection, migrations));
  return result;
}

int RunCopy(const std::string& from, const std::string& to, std::ostream& out,
            std::ostream& err) {
  absl::StatusOr<store::CopyReport> report = store::CopyToPostgres(from, to);
  if (!report.ok()) {
    err << "brevisd: " << store::DescribeForLog(report.status()) << "\n";
    switch (report.status().code()) {
      case absl::StatusCode::kFailedPrecondition:
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kNotFound:
        return 2;
      default:
        return 1;
    }
  }
  out << "brevisd: copied " << from << " to " << report->target
      << " at schema version " << report->schema_version
      << "; every table's row count and checksum match\n";
  size_t width = 5;  // "total"
  for (const store::CopiedTable& table : report->tables) {
    width = std::max(width, table.name.size());
  }
  out << std::left << std::setw(static_cast<int>(width)) << "table"
      << std::right << std::setw(12) << "rows"
      << "\n";
  for (const store::CopiedTable& table : report->tables) {
    out << std::left << std::setw(static_cast<int>(width)) << table.name
        << std::right << std::setw(12) << table.rows << "\n";
  }
  out << std::left << std::setw(static_cast<int>(width)) << "total"
      << std::right << std::setw(12) << report->total_rows << "\n";
  out << "brevisd: " << report->tables.size() << " tables, "
      << report->total_rows
      << " rows; serve it with `brevisd serve --db postgresql://...`\n";
  return 0;
}

}  // namespace brevis
