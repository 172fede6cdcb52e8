#include "server/store/revision_repository.h"

#include "server/domain/status_macros.h"

namespace brevis::store {
namespace {

// The statements per kind: fixed text, chosen, never built from input.
struct KindSql {
  const char* row_id;
  const char* published;
  const char* keep;
  const char* mark;
  const char* earlier;
};

const KindSql& SqlFor(RevisionRepository::Kind kind) {
  static const KindSql kFinding = {
      "SELECT id FROM findings WHERE audit_id = ? AND uid = ?",
      "SELECT published FROM findings WHERE audit_id = ? AND uid = ?",
      "INSERT INTO finding_revisions (finding_id, correction, snapshot) "
      "VALUES (?, ?, ?)",
      "UPDATE findings SET correction = correction + 1, correction_reason = ?, "
      "published = 1 WHERE id = ?",
      "SELECT snapshot FROM finding_revisions WHERE finding_id = ? "
      "ORDER BY correction"};
  static const KindSql kRecommendation = {
      "SELECT id FROM recommendations WHERE audit_id = ? AND uid = ?",
      "SELECT published FROM recommendations WHERE audit_id = ? AND "
      "uid = ?",
      "INSERT INTO recommendation_revisions (recommendation_id, correction, "
      "snapshot) VALUES (?, ?, ?)",
      "UPDATE recommendations SET correction = correction + 1, "
      "correction_reason = ?, published = 1 WHERE id = ?",
      "SELECT snapshot FROM recommendation_revisions WHERE "
      "recommendation_id = ? ORDER BY correction"};
  return kind == RevisionRepository::Kind::kFinding ? kFinding
                                                    : kRecommendation;
}

}  // namespace

absl::StatusOr<RevisionRepository::Row> RevisionRepository::RowOf(
    const domain::name::Finding& name, int64_t audit_id) {
  return RowOf(Kind::kFinding, audit_id, name.finding);
}

absl::StatusOr<RevisionRepository::Row> RevisionRepository::RowOf(
    const domain::name::Recommendation& name, int64_t audit_id) {
  return RowOf(Kind::kRecommendation, audit_id, name.recommendation);
}

absl::StatusOr<bool> RevisionRepository::WasPublished(
    const domain::name::Finding& name, int64_t audit_id) {
  return WasPublished(Kind::kFinding, audit_id, name.finding);
}

absl::StatusOr<bool> RevisionRepository::WasPublished(
    const domain::name::Recommendation& name, int64_t audit_id) {
  return WasPublished(Kind::kRecommendation, audit_id, name.recommendation);
}

absl::StatusOr<RevisionRepository::Row> RevisionRepository::RowOf(
    Kind kind, int64_t audit_id, std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(auto select, db_.Prepare(SqlFor(kind).row_id));
  select->Bind(1, audit_id).Bind(2, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return absl::NotFoundError("not found");
  return Row{kind, select->Int(0)};
}

absl::StatusOr<bool> RevisionRepository::WasPublished(Kind kind,
                                                      int64_t audit_id,
                                                      std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(auto select, db_.Prepare(SqlFor(kind).published));
  select->Bind(1, audit_id).Bind(2, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return absl::NotFoundError("not found");
  return select->Int(0) != 0;
}

absl::Status RevisionRepository::Correct(
    const Row& row, const google::protobuf::Message& current,
    int64_t correction, std::string_view reason) {
  BREVIS_ASSIGN_OR_RETURN(auto keep, db_.Prepare(SqlFor(row.kind).keep));
  if (auto s = keep->Bind(1, row.id)
                   .Bind(2, correction)
                   .BindBlob(3, current.SerializeAsString())
                   .Run();
      !s.ok()) {
    return s;
  }
  BREVIS_ASSIGN_OR_RETURN(auto mark, db_.Prepare(SqlFor(row.kind).mark));
  return mark->Bind(1, reason).Bind(2, row.id).Run();
}

absl::StatusOr<std::vector<std::string>> RevisionRepository::Earlier(
    const Row& row) {
  BREVIS_ASSIGN_OR_RETURN(auto select, db_.Prepare(SqlFor(row.kind).earlier));
  select->Bind(1, row.id);
  std::vector<std::string> snapshots;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool more, select->Step());
    if (!more) return snapshots;
    snapshots.push_back(select->Blob(0));
  }
}

}  // namespace brevis::store
