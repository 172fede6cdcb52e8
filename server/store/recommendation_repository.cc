#include "server/store/recommendation_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/id_list.h"

namespace brevis::store {
namespace {

#define BREVIS_RECOMMENDATION_SELECT                                     \
  "SELECT id, uid, text, priority, create_time, update_time, revision, " \
  "correction, correction_reason FROM recommendations "

v1::Recommendation ReadRow(std::string_view audit_uid, const Statement& row) {
  v1::Recommendation recommendation;
  recommendation.set_name(domain::RecommendationName(audit_uid, row.Text(1)));
  recommendation.set_text(row.Text(2));
  recommendation.set_priority(static_cast<v1::Priority>(row.Int(3)));
  SetTimestamp(row.Int(4), recommendation.mutable_create_time());
  SetTimestamp(row.Int(5), recommendation.mutable_update_time());
  recommendation.set_etag(Etag(row.Int(6)));
  recommendation.set_revision(static_cast<int32_t>(row.Int(7)));
  recommendation.set_revision_reason(row.Text(8));
  return recommendation;
}

absl::Status NotFound(const domain::name::Recommendation& name) {
  return absl::NotFoundError(
      StrCat("recommendation ", domain::Format(name), " not found"));
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> RecommendationRepository::FindingIds(
    const domain::name::Audit& audit, int64_t audit_id,
    const v1::Recommendation& recommendation) {
  std::vector<int64_t> ids;
  for (int i = 0; i < recommendation.findings_size(); ++i) {
    const std::string& name = recommendation.findings(i);
    std::string_view uid = std::string_view(name).substr(name.rfind('/') + 1);
    BREVIS_ASSIGN_OR_RETURN(
        auto select,
        db_.Prepare("SELECT id FROM findings WHERE audit_id = ? AND uid = ?"));
    select->Bind(1, audit_id).Bind(2, uid);
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) {
      return absl::NotFoundError(StrCat("recommendation.findings[", i,
                                        "]: finding ", name, " not found in ",
                                        domain::Format(audit)));
    }
    ids.push_back(select->Int(0));
  }
  return ids;
}

absl::Status RecommendationRepository::ReplaceFindings(
    int64_t id, const std::vector<int64_t>& finding_ids) {
  BREVIS_ASSIGN_OR_RETURN(
      auto remove,
      db_.Prepare(
          "DELETE FROM recommendation_findings WHERE recommendation_id = ?"));
  BREVIS_RETURN_IF_ERROR(remove->Bind(1, id).Run());
  for (int64_t finding_id : finding_ids) {
    BREVIS_ASSIGN_OR_RETURN(auto insert,
                            db_.Prepare("INSERT INTO recommendation_findings "
                                        "(recommendation_id, finding_id) "
                                        "VALUES (?, ?)"));
    BREVIS_RETURN_IF_ERROR(insert->Bind(1, id).Bind(2, finding_id).Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> RecommendationRepository::RowId(
    const domain::name::Recommendation& name, int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto find,
      db_.Prepare(
          "SELECT id FROM recommendations WHERE audit_id = ? AND uid = ?"));
  find->Bind(1, audit_id).Bind(2, name.recommendation);
  BREVIS_ASSIGN_OR_RETURN(bool row, find->Step());
  if (!row) return NotFound(name);
  return find->Int(0);
}

absl::Status RecommendationRepository::Touch(int64_t id, absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto touch,
      db_.Prepare(
          "UPDATE recommendations SET update_time = ?, revision = revision + 1 "
          "WHERE id = ?"));
  return touch->Bind(1, ToMicros(now)).Bind(2, id).Run();
}

absl::Status RecommendationRepository::SetResponse(
    int64_t id, const v1::UnitResponse& response, std::string_view author,
    absl::Time now) {
  BREVIS_RETURN_IF_ERROR(Touch(id, now));
  BREVIS_ASSIGN_OR_RETURN(
      auto upsert,
      db_.Prepare(
          "INSERT INTO recommendation_responses (recommendation_id, decision, "
          "rationale, author, time) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT "
          "(recommendation_id) DO UPDATE SET decision = ?2, rationale = ?3, "
          "author = ?4, time = ?5"));
  return upsert->Bind(1, id)
      .Bind(2, int64_t{response.decision()})
      .Bind(3, response.rationale())
      .Bind(4, author)
      .Bind(5, ToMicros(now))
      .Run();
}

absl::Status RecommendationRepository::SetVerdict(
    int64_t id, const v1::FollowUpVerdict& verdict, std::string_view author,
    absl::Time now) {
  BREVIS_RETURN_IF_ERROR(Touch(id, now));
  BREVIS_ASSIGN_OR_RETURN(
      auto upsert,
      db_.Prepare(
          "INSERT INTO recommendation_verdicts (recommendation_id, verdict, "
          "comment, author, time) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT "
          "(recommendation_id) DO UPDATE SET verdict = ?2, comment = ?3, "
          "author = ?4, time = ?5"));
  return upsert->Bind(1, id)
      .Bind(2, int64_t{verdict.verdict()})
      .Bind(3, verdict.comment())
      .Bind(4, author)
      .Bind(5, ToMicros(now))
      .Run();
}

absl::Status RecommendationRepository::FillFindings(
    std::string_view audit_uid, std::span<const int64_t> ids,
    std::span<v1::Recommendation> recommendations) {
  for (v1::Recommendation& recommendation : recommendations) {
    recommendation.clear_response();
    recommendation.clear_verdict();
    recommendation.clear_findings();
  }
  // Three statements for the whole page, not three per recommendation.
  BREVIS_RETURN_IF_ERROR(ForEachChildRow(
      db_,
      "SELECT recommendation_id, decision, rationale, author, time FROM "
      "recommendation_responses WHERE recommendation_id IN ",
      "", ids, recommendations,
      [](v1::Recommendation& recommendation, const Statement& row) {
        v1::UnitResponse* out = recommendation.mutable_response();
        out->set_decision(static_cast<v1::ResponseDecision>(row.Int(1)));
        out->set_rationale(row.Text(2));
        out->set_author(row.Text(3));
        SetTimestamp(row.Int(4), out->mutable_time());
      }));
  BREVIS_RETURN_IF_ERROR(ForEachChildRow(
      db_,
      "SELECT recommendation_id, verdict, comment, author, time FROM "
      "recommendation_verdicts WHERE recommendation_id IN ",
      "", ids, recommendations,
      [](v1::Recommendation& recommendation, const Statement& row) {
        v1::FollowUpVerdict* out = recommendation.mutable_verdict();
        out->set_verdict(static_cast<v1::Verdict>(row.Int(1)));
        out->set_comment(row.Text(2));
        out->set_author(row.Text(3));
        SetTimestamp(row.Int(4), out->mutable_time());
      }));
  return ForEachChildRow(
      db_,
      "SELECT rf.recommendation_id, f.uid FROM recommendation_findings rf "
      "JOIN findings f ON f.id = rf.finding_id WHERE rf.recommendation_id IN ",
      " ORDER BY rf.recommendation_id, f.id", ids, recommendations,
      [&](v1::Recommendation& recommendation, const Statement& row) {
        recommendation.add_findings(
            domain::FindingName(audit_uid, row.Text(1)));
      });
}

absl::Status RecommendationRepository::Create(
    const domain::name::Recommendation& name, int64_t audit_id,
    const std::vector<int64_t>& finding_ids, absl::Time now,
    v1::Recommendation* recommendation) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO recommendations (uid, audit_id, text, priority, "
          "create_time, update_time, revision) VALUES (?, ?, ?, ?, ?, ?, 1) "
          "RETURNING id"));
  int64_t micros = ToMicros(now);
  Statement& stmt = *insert;
  stmt.Bind(1, name.recommendation)
      .Bind(2, audit_id)
      .Bind(3, recommendation->text())
      .Bind(4, int64_t{recommendation->priority()})
      .Bind(5, micros)
      .Bind(6, micros);
  BREVIS_RETURN_IF_ERROR(stmt.Step().status());
  int64_t id = stmt.Int(0);
  insert.reset();
  BREVIS_RETURN_IF_ERROR(ReplaceFindings(id, finding_ids));
  recommendation->set_name(domain::Format(name));
  SetTimestamp(micros, recommendation->mutable_create_time());
  SetTimestamp(micros, recommendation->mutable_update_time());
  recommendation->set_etag(Etag(1));
  return FillFindings(name.audit, {&id, 1}, {recommendation, 1});
}

absl::StatusOr<v1::Recommendation> RecommendationRepository::Get(
    const domain::name::Recommendation& name, int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(auto select,
                          db_.Prepare(BREVIS_RECOMMENDATION_SELECT
                                      "WHERE audit_id = ? AND uid = ?"));
  select->Bind(1, audit_id).Bind(2, name.recommendation);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return NotFound(name);
  v1::Recommendation recommendation = ReadRow(name.audit, *select);
  int64_t id = select->Int(0);
  select.reset();
  BREVIS_RETURN_IF_ERROR(
      FillFindings(name.audit, {&id, 1}, {&recommendation, 1}));
  return recommendation;
}

absl::StatusOr<Page<v1::Recommendation>> RecommendationRepository::List(
    const domain::name::Audit& audit, int64_t audit_id, int64_t after_id,
    int limit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select, db_.Prepare(BREVIS_RECOMMENDATION_SELECT
                               "WHERE audit_id = ? AND id > ? ORDER BY id "
                               "LIMIT ?"));
  Statement& stmt = *select;
  stmt.Bind(1, audit_id).Bind(2, after_id).Bind(3, int64_t{limit} + 1);
  std::vector<int64_t> ids;
  auto page =
      CollectPage<v1::Recommendation>(stmt, limit, [&](const Statement& row) {
        ids.push_back(row.Int(0));
        return ReadRow(audit.audit, row);
      });
  if (!page.ok()) return page;
  select.reset();
  BREVIS_RETURN_IF_ERROR(FillFindings(audit.audit, ids, page->items));
  return page;
}

absl::Status RecommendationRepository::Update(
    const domain::name::Recommendation& name, int64_t audit_id,
    const std::vector<int64_t>& finding_ids, absl::Time now,
    v1::Recommendation* recommendation) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare(
          "UPDATE recommendations SET text = ?, priority = ?, update_time = ?, "
          "revision = revision + 1 WHERE audit_id = ? AND uid = ? "
          "RETURNING id, revision"));
  int64_t micros = ToMicros(now);
  Statement& stmt = *update;
  stmt.Bind(1, recommendation->text())
      .Bind(2, int64_t{recommendation->priority()})
      .Bind(3, micros)
      .Bind(4, audit_id)
      .Bind(5, name.recommendation);
  BREVIS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound(name);
  int64_t id = stmt.Int(0);
  recommendation->set_etag(Etag(stmt.Int(1)));
  update.reset();
  SetTimestamp(micros, recommendation->mutable_update_time());
  BREVIS_RETURN_IF_ERROR(ReplaceFindings(id, finding_ids));
  return FillFindings(name.audit, {&id, 1}, {recommendation, 1});
}

absl::Status RecommendationRepository::Delete(
    const domain::name::Recommendation& name, int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(int64_t id, RowId(name, audit_id));
  BREVIS_RETURN_IF_ERROR(ReplaceFindings(id, {}));
  for (const char* sql :
       {"DELETE FROM recommendation_responses WHERE recommendation_id = ?",
        "DELETE FROM recommendation_verdicts WHERE recommendation_id = ?"}) {
    BREVIS_ASSIGN_OR_RETURN(auto clear, db_.Prepare(sql));
    BREVIS_RETURN_IF_ERROR(clear->Bind(1, id).Run());
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto remove, db_.Prepare("DELETE FROM recommendations WHERE id = ?"));
  return remove->Bind(1, id).Run();
}

absl::StatusOr<std::vector<std::string>> RecommendationRepository::ActionNames(
    const domain::name::Recommendation& name, int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT a.uid FROM actions a JOIN recommendations r ON r.id = "
          "a.recommendation_id WHERE r.audit_id = ? AND r.uid = ? ORDER BY "
          "a.id"));
  select->Bind(1, audit_id).Bind(2, name.recommendation);
  std::string parent = domain::Format(name);
  std::vector<std::string> names;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return names;
    names.push_back(StrCat(parent, "/actions/", select->Text(0)));
  }
}

absl::StatusOr<std::vector<std::string>> RecommendationRepository::Answering(
    const domain::name::Finding& finding, int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT r.uid FROM recommendation_findings rf JOIN recommendations r "
          "ON r.id = rf.recommendation_id JOIN findings f ON f.id = "
          "rf.finding_id WHERE f.audit_id = ? AND f.uid = ? ORDER BY r.id"));
  select->Bind(1, audit_id).Bind(2, finding.finding);
  std::vector<std::string> names;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return names;
    names.push_back(domain::RecommendationName(finding.audit, select->Text(0)));
  }
}

}  // namespace brevis::store
