#ifndef BREVIS_SERVER_STORE_SQL_DIALECT_H_
#define BREVIS_SERVER_STORE_SQL_DIALECT_H_

// What SQLite and PostgreSQL spell differently, for the few places where
// the two engines share no spelling with the same meaning. Everything else
// in the repositories is SQL both accept alike (see docs/architecture.md,
// "PostgreSQL"). Free functions: no state, thread-safe.

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/store/connection.h"

namespace brevis::store {

// The values of text `expression` over a group joined with commas, in no
// particular order: `group_concat(e)` on SQLite, `string_agg(e, ',')` on
// PostgreSQL. NULL for an empty group on both.
std::string CommaList(Engine engine, std::string_view expression);

// The SQL condition that text `needle` occurs in text `haystack` (both SQL
// expressions): `instr(h, n) > 0` on SQLite, `strpos(h, n) > 0` on
// PostgreSQL. Case-sensitive on both; an empty needle occurs everywhere.
std::string Contains(Engine engine, std::string_view haystack,
                     std::string_view needle);

// Prepares `sql`, a statement assembled from optional fragments whose `?N`
// parameters need not use every number from 1 to the largest (SQLite's
// numbering). SQLite takes that as it is. PostgreSQL must know the type of
// every `$n` up to the largest, so there the numbers used are renumbered
// 1..k in order and the statement returned maps Bind(N) to its new number;
// a Bind of a number below the largest that `sql` does not use changes
// nothing, as on SQLite. Returns what Connection::Prepare returns.
absl::StatusOr<std::unique_ptr<Statement>> PrepareSparse(Connection& db,
                                                         std::string_view sql);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_SQL_DIALECT_H_
