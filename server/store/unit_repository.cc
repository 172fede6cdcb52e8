#include "server/store/unit_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::store {
namespace {

constexpr char kColumns[] =
    "id, uid, display_name, region, kind, hsa_id, active, create_time, "
    "update_time, revision";

v1::Unit ReadUnit(const Statement& row) {
  v1::Unit unit;
  unit.set_name(domain::UnitName(row.Text(1)));
  unit.set_display_name(row.Text(2));
  unit.set_region(row.Text(3));
  unit.set_kind(static_cast<v1::UnitKind>(row.Int(4)));
  if (!row.IsNull(5)) unit.set_hsa_id(row.Text(5));
  unit.set_active(row.Int(6) != 0);
  SetTimestamp(row.Int(7), unit.mutable_create_time());
  SetTimestamp(row.Int(8), unit.mutable_update_time());
  unit.set_etag(Etag(row.Int(9)));
  return unit;
}

std::optional<std::string_view> HsaIdColumn(const v1::Unit& unit) {
  if (unit.hsa_id().empty()) return std::nullopt;
  return unit.hsa_id();
}

absl::Status HsaIdTaken(const absl::Status& status, const v1::Unit& unit) {
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError(brevis::StrCat(
        "unit.hsa_id: another unit already has HSA-id ", unit.hsa_id()));
  }
  return status;
}

absl::Status UnitNotFound(std::string_view uid) {
  return absl::NotFoundError(
      brevis::StrCat("unit ", domain::UnitName(uid), " not found"));
}

}  // namespace

absl::Status UnitRepository::Create(std::string_view uid, absl::Time now,
                                    v1::Unit* unit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO units (uid, display_name, region, kind, hsa_id, active, "
          "create_time, update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
          "1)"));
  bool active = !unit->has_active() || unit->active();
  int64_t micros = ToMicros(now);
  absl::Status status = insert->Bind(1, uid)
                            .Bind(2, unit->display_name())
                            .Bind(3, unit->region())
                            .Bind(4, int64_t{unit->kind()})
                            .BindOptional(5, HsaIdColumn(*unit))
                            .Bind(6, int64_t{active})
                            .Bind(7, micros)
                            .Bind(8, micros)
                            .Run();
  if (!status.ok()) return HsaIdTaken(status, *unit);
  unit->set_name(domain::UnitName(uid));
  unit->set_active(active);
  SetTimestamp(micros, unit->mutable_create_time());
  SetTimestamp(micros, unit->mutable_update_time());
  unit->set_etag(Etag(1));
  return absl::OkStatus();
}

absl::StatusOr<v1::Unit> UnitRepository::Get(std::string_view uid) {
  static const std::string sql =
      brevis::StrCat("SELECT ", kColumns, " FROM units WHERE uid = ?");
  BREVIS_ASSIGN_OR_RETURN(auto select, db_.Prepare(sql.c_str()));
  select->Bind(1, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return UnitNotFound(uid);
  return ReadUnit(*select);
}

absl::StatusOr<int64_t> UnitRepository::RowId(std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(auto select,
                          db_.Prepare("SELECT id FROM units WHERE uid = ?"));
  select->Bind(1, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return UnitNotFound(uid);
  return select->Int(0);
}

absl::StatusOr<Page<v1::Unit>> UnitRepository::List(const UnitFilter& filter,
                                                    int64_t after_id,
                                                    int limit) {
  // Units are few (hundreds), so one statement with optional terms is
  // enough; audits and findings choose an index per filter instead.
  static const std::string sql = brevis::StrCat(
      "SELECT ", kColumns,
      " FROM units WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR "
      "active = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR kind = ?3) AND "
      "(CAST(?4 AS TEXT) IS NULL OR region = ?4) AND (CAST(?6 AS BIGINT) IS "
      "NULL OR id IN (SELECT unit_id FROM principal_units WHERE "
      "principal_id = ?6)) ORDER BY id LIMIT ?5");
  BREVIS_ASSIGN_OR_RETURN(auto select, db_.Prepare(sql.c_str()));
  Statement& stmt = *select;
  // An absent filter is NULL: PostgreSQL runs nothing with unbound ones.
  stmt.Bind(1, after_id).BindNull(2).BindNull(3).BindNull(4).BindNull(6);
  if (filter.active) stmt.Bind(2, int64_t{*filter.active});
  if (filter.kind) stmt.Bind(3, int64_t{*filter.kind});
  if (filter.region) stmt.Bind(4, std::string_view(*filter.region));
  stmt.Bind(5, int64_t{limit} + 1);
  if (filter.scoped_to_principal) stmt.Bind(6, *filter.scoped_to_principal);
  return CollectPage<v1::Unit>(stmt, limit, ReadUnit);
}

absl::Status UnitRepository::Update(std::string_view uid, absl::Time now,
                                    v1::Unit* unit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare(
          "UPDATE units SET display_name = ?, region = ?, kind = ?, "
          "hsa_id = ?, active = ?, update_time = ?, revision = revision + 1 "
          "WHERE uid = ? RETURNING revision"));
  int64_t micros = ToMicros(now);
  Statement& stmt = *update;
  stmt.Bind(1, unit->display_name())
      .Bind(2, unit->region())
      .Bind(3, int64_t{unit->kind()})
      .BindOptional(4, HsaIdColumn(*unit))
      .Bind(5, int64_t{unit->active()})
      .Bind(6, micros)
      .Bind(7, uid);
  absl::StatusOr<bool> row = stmt.Step();
  if (!row.ok()) return HsaIdTaken(row.status(), *unit);
  if (!*row) return UnitNotFound(uid);
  unit->set_etag(Etag(stmt.Int(0)));
  SetTimestamp(micros, unit->mutable_update_time());
  return absl::OkStatus();
}

}  // namespace brevis::store
