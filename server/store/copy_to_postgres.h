#ifndef BREVIS_SERVER_STORE_COPY_TO_POSTGRES_H_
#define BREVIS_SERVER_STORE_COPY_TO_POSTGRES_H_

// `brevisd copy`: moves an SQLite installation to PostgreSQL (issue 17).
// Every table the SQLite catalog lists (but the migration ledger) is copied
// into an empty PostgreSQL database at the same schema version, in one
// PostgreSQL transaction that commits only when every table's row count
// and checksum (store/table_checksum.h) agree on both sides.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace brevis::store {

// One copied table.
struct CopiedTable {
  std::string name;
  int64_t rows = 0;      // in SQLite, and so in PostgreSQL
  std::string checksum;  // hex SHA-256, the same on both sides
};

// What a copy did, in the order tables were copied (parents first).
struct CopyReport {
  int schema_version = 0;  // of both databases
  std::string target;      // pg::DescribeAddress of the target: no password
  std::vector<CopiedTable> tables;
  int64_t total_rows = 0;
};

// Copies the SQLite database file `sqlite_path` into the PostgreSQL
// database `postgres_uri` (a postgresql:// or postgres:// URI).
//
// The source is opened read-only under its DatabaseLock held exclusively,
// so no brevisd serves, restores or migrates it meanwhile. The target must
// have been set up by `brevisd init` and hold no rows (apart from those
// migrations insert themselves, which the source's rows replace). Rows
// travel in multi-row INSERTs with bound parameters; identity sequences are
// set past the largest id copied.
//
// Refusals, before anything is written (FAILED_PRECONDITION unless said):
// INVALID_ARGUMENT when `postgres_uri` is no PostgreSQL address or libpq
// cannot parse it; NOT_FOUND when `sqlite_path` does not exist; the source
// in use by a brevisd; either database not at this binary's schema (pending
// migrations: run `brevisd migrate`; target never set up: `brevisd init`;
// a newer brevisd's schema); the target database's collation not C (the
// message gives the CREATE DATABASE line); the table sets or columns of the
// two differing; the target not empty (naming a table with rows). Failures:
// UNAVAILABLE when PostgreSQL cannot be reached; DATA_LOSS, naming the
// table, when a row count or checksum differs after copying (the
// transaction is rolled back); the engines' errors as SqliteError and
// PostgresError. Messages never show the URI's password.
absl::StatusOr<CopyReport> CopyToPostgres(const std::string& sqlite_path,
                                          const std::string& postgres_uri);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_COPY_TO_POSTGRES_H_
