#ifndef BREVIS_SERVER_STORE_PRINCIPAL_REPOSITORY_H_
#define BREVIS_SERVER_STORE_PRINCIPAL_REPOSITORY_H_

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/principal.pb.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// A principal with the row ids authorization works with.
struct PrincipalRecord {
  int64_t id = 0;
  v1::Principal principal;  // units as names, scopes as values
  std::vector<int64_t> unit_ids;
};

struct PrincipalFilter {
  std::optional<int> role;
  std::optional<bool> active;
};

// The principals, principal_units and external_identities tables. Works
// inside the caller's transaction; not thread-safe. A principal read here
// carries its unit scopes and external identities (in the order added).
class PrincipalRepository {
 public:
  explicit PrincipalRepository(Connection& connection) : db_(connection) {}

  // Inserts `principal` under id `uid` with unit scopes `unit_ids` (row ids
  // of existing units, in the order of principal->units()); fills in name,
  // times, etag and active. ALREADY_EXISTS when certificate_subject is taken.
  absl::Status Create(std::string_view uid,
                      const std::vector<int64_t>& unit_ids, absl::Time now,
                      v1::Principal* principal);
  // NOT_FOUND when there is no such principal.
  absl::StatusOr<PrincipalRecord> Get(std::string_view uid);
  absl::StatusOr<PrincipalRecord> GetById(int64_t id);
  // The principal whose certificate_subject is `subject`, if any.
  absl::StatusOr<std::optional<int64_t>> FindByCertificateSubject(
      std::string_view subject);
  absl::StatusOr<Page<v1::Principal>> List(const PrincipalFilter& filter,
                                           int64_t after_id, int limit);
  // Overwrites the editable columns and the unit scopes; bumps revision,
  // fills in update_time and etag. NOT_FOUND, ALREADY_EXISTS.
  absl::Status Update(int64_t id, const std::vector<int64_t>& unit_ids,
                      absl::Time now, v1::Principal* principal);
  // Whether any principal exists (init creates the first admin).
  absl::StatusOr<bool> Any();

  // External identities (issue 14). Adds `identity` (validated by the
  // caller) to principal row `id`: ALREADY_EXISTS naming
  // external_identity when any principal carries it already.
  absl::Status AddIdentity(int64_t id, const v1::ExternalIdentity& identity,
                           absl::Time now);
  // Removes `identity` from principal row `id`; false when it did not
  // carry it.
  absl::StatusOr<bool> RemoveIdentity(int64_t id,
                                      const v1::ExternalIdentity& identity);
  // The row id of the principal that carries `identity`, if any (exact,
  // case-sensitive match of issuer and subject).
  absl::StatusOr<std::optional<int64_t>> FindByIdentity(
      const v1::ExternalIdentity& identity);

 private:
  absl::Status ReplaceUnits(int64_t id, const std::vector<int64_t>& unit_ids);
  // Replaces the units and external identities of each `principals[i]`
  // (row id `ids[i]`; as many ids as principals) with the stored ones, in
  // two queries for all; appends the unit ids, in the order of the units,
  // to `unit_ids` unless it is null (meant for one principal).
  absl::Status FillScopes(std::span<const int64_t> ids,
                          std::span<v1::Principal> principals,
                          std::vector<int64_t>* unit_ids);
  absl::StatusOr<PrincipalRecord> ReadOne(std::string_view where_sql,
                                          std::string_view uid, int64_t id);

  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_PRINCIPAL_REPOSITORY_H_
