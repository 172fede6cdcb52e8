#ifndef BREVIS_SERVER_STORE_EMBEDDED_MIGRATIONS_H_
#define BREVIS_SERVER_STORE_EMBEDDED_MIGRATIONS_H_

#include <span>

namespace brevis::store {

// One schema step: migrations/NNNN_name.sql (SQLite) or
// migrations/postgresql/NNNN_name.sql, applied in version order.
struct Migration {
  int version;
  const char* file_name;
  const char* sql;
};

// The migrations compiled into this binary, in ascending version order.
// Defined in a file generated at build time from migrations/*.sql.
std::span<const Migration> EmbeddedMigrations();

// The PostgreSQL migrations compiled into this binary, in ascending version
// order: the same versions and file names as EmbeddedMigrations(), making
// the same schema (tests/pg's drift test compares the two).
std::span<const Migration> EmbeddedPostgresMigrations();

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_EMBEDDED_MIGRATIONS_H_
