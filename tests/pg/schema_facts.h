#ifndef BREVIS_TESTS_PG_SCHEMA_FACTS_H_
#define BREVIS_TESTS_PG_SCHEMA_FACTS_H_

// A schema as a set of comparable lines ("facts"), read from the engine's
// catalog, so that an SQLite and a PostgreSQL schema can be compared and a
// difference named in words:
//   table T
//   column T.c: integer, not null, no default
//   primary key T (a, b)
//   unique T (a, b)
//   foreign key T (a) -> U (b)
//   index N on T (a, b), unique, partial
//   trigger N on T
// Types are normalised to SQLite's storage classes (BIGINT is integer,
// BYTEA is blob); anything else is kept as the catalog spells it, and so
// shows as a difference. Constraint-backing indexes are facts of their
// constraint, not indexes: SQLite names them itself.

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/postgres.h"
#include "server/store/sqlite.h"

namespace brevis::testing {

using SchemaFacts = std::set<std::string>;

absl::StatusOr<SchemaFacts> ReadSqliteSchema(store::Connection& connection);
absl::StatusOr<SchemaFacts> ReadPostgresSchema(
    store::pg::Connection& connection);

// Every fact one side has and the other lacks, as
// "only in SQLite: <fact>" / "only in PostgreSQL: <fact>"; empty when the
// schemas match.
std::vector<std::string> SchemaDifferences(const SchemaFacts& sqlite,
                                           const SchemaFacts& postgres);

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_PG_SCHEMA_FACTS_H_
