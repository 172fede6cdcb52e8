#include "server/store/lifecycle_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/visibility_sql.h"

namespace brevis::store {
namespace {

std::string FeedbackName(const domain::name::Audit& audit,
                         std::string_view uid) {
  return StrCat(domain::Format(audit), "/feedback/", uid);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> LifecycleRepository::Names(
    std::string_view sql, const domain::name::Audit& audit, int64_t audit_id,
    std::string_view collection) {
  BREVIS_ASSIGN_OR_RETURN(auto select, db_.Prepare(sql));
  select->Bind(1, audit_id);
  std::vector<std::string> names;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return names;
    names.push_back(
        StrCat(domain::Format(audit), "/", collection, "/", select->Text(0)));
  }
}

absl::StatusOr<domain::LifecycleFacts> LifecycleRepository::Facts(
    const domain::name::Audit& audit, int64_t audit_id) {
  domain::LifecycleFacts facts;
  BREVIS_ASSIGN_OR_RETURN(
      auto counts,
      db_.Prepare(
          "SELECT (SELECT count(*) FROM audit_auditors aa JOIN principals p ON "
          "p.id = aa.principal_id WHERE aa.audit_id = ?1 "
          "AND " BREVIS_COUNTS_AS_AUDITOR "), "
          "(SELECT count(*) FROM findings WHERE audit_id = ?1), "
          "EXISTS (SELECT 1 FROM feedback WHERE audit_id = ?1)"));
  counts->Bind(1, audit_id);
  BREVIS_RETURN_IF_ERROR(counts->Step().status());
  facts.auditors = static_cast<int>(counts->Int(0));
  facts.findings = static_cast<int>(counts->Int(1));
  facts.feedback_recorded = counts->Int(2) != 0;
  counts.reset();

  BREVIS_ASSIGN_OR_RETURN(
      auto unanswered,
      Names("SELECT f.uid FROM findings f WHERE f.audit_id = ?1 AND f.kind = 2 "
            "AND NOT EXISTS (SELECT 1 FROM recommendation_findings rf WHERE "
            "rf.finding_id = f.id) ORDER BY f.id",
            audit, audit_id, "findings"));
  facts.unanswered_improvement_areas = std::move(unanswered);
  BREVIS_ASSIGN_OR_RETURN(
      auto no_response,
      Names("SELECT r.uid FROM recommendations r WHERE r.audit_id = ?1 AND NOT "
            "EXISTS (SELECT 1 FROM recommendation_responses x WHERE "
            "x.recommendation_id = r.id) ORDER BY r.id",
            audit, audit_id, "recommendations"));
  facts.recommendations_without_response = std::move(no_response);
  BREVIS_ASSIGN_OR_RETURN(
      auto no_verdict,
      Names("SELECT r.uid FROM recommendations r WHERE r.audit_id = ?1 AND NOT "
            "EXISTS (SELECT 1 FROM recommendation_verdicts x WHERE "
            "x.recommendation_id = r.id) ORDER BY r.id",
            audit, audit_id, "recommendations"));
  facts.recommendations_without_verdict = std::move(no_verdict);
  return facts;
}

absl::Status LifecycleRepository::Transition(
    int64_t audit_id, v1::AuditState from, v1::AuditState to,
    std::string_view reason, std::string_view actor, absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update, db_.Prepare("UPDATE audits SET state = ?, update_time = ?, "
                               "revision = revision + 1 "
                               "WHERE id = ? AND state = ?"));
  int64_t micros = ToMicros(now);
  if (auto s = update->Bind(1, int64_t{to})
                   .Bind(2, micros)
                   .Bind(3, audit_id)
                   .Bind(4, int64_t{from})
                   .Run();
      !s.ok()) {
    return s;
  }
  if (db_.Changes() != 1) {
    return absl::AbortedError(
        "audit: its state changed meanwhile; read it "
        "again");
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO audit_transitions (audit_id, from_state, to_state, "
          "reason, actor, time) VALUES (?, ?, ?, ?, ?, ?)"));
  if (auto s = insert->Bind(1, audit_id)
                   .Bind(2, int64_t{from})
                   .Bind(3, int64_t{to})
                   .Bind(4, reason)
                   .Bind(5, actor)
                   .Bind(6, micros)
                   .Run();
      !s.ok()) {
    return s;
  }
  if (to != v1::AUDIT_STATE_PUBLISHED) return absl::OkStatus();
  // What the report publishes stays published text for good (a reopen does
  // not make it a draft again).
  for (const char* sql :
       {"UPDATE findings SET published = 1 WHERE audit_id = ?",
        "UPDATE recommendations SET published = 1 WHERE audit_id = ?"}) {
    BREVIS_ASSIGN_OR_RETURN(auto mark, db_.Prepare(sql));
    BREVIS_RETURN_IF_ERROR(mark->Bind(1, audit_id).Run());
  }
  return absl::OkStatus();
}

absl::Status LifecycleRepository::CreateFeedback(
    const domain::name::Audit& audit, int64_t audit_id, std::string_view uid,
    absl::Time now, v1::Feedback* feedback) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare("INSERT INTO feedback (uid, audit_id, feedback_date, "
                  "audiences, form, "
                  "note, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  int64_t micros = ToMicros(now);
  if (auto s = insert->Bind(1, uid)
                   .Bind(2, audit_id)
                   .BindOptional(3, DateColumn(feedback->date()))
                   .Bind(4, ToMask(feedback->audiences()))
                   .Bind(5, int64_t{feedback->form()})
                   .Bind(6, feedback->note())
                   .Bind(7, micros)
                   .Run();
      !s.ok()) {
    return s;
  }
  feedback->set_name(FeedbackName(audit, uid));
  FromMask(ToMask(feedback->audiences()), feedback->mutable_audiences());
  SetTimestamp(micros, feedback->mutable_create_time());
  return absl::OkStatus();
}

namespace {

v1::Feedback ReadFeedback(const domain::name::Audit& audit,
                          const Statement& row) {
  v1::Feedback feedback;
  feedback.set_name(FeedbackName(audit, row.Text(1)));
  SetDate(row.Text(2), feedback.mutable_date());
  FromMask(row.Int(3), feedback.mutable_audiences());
  feedback.set_form(static_cast<v1::FeedbackForm>(row.Int(4)));
  feedback.set_note(row.Text(5));
  SetTimestamp(row.Int(6), feedback.mutable_create_time());
  return feedback;
}

}  // namespace

absl::StatusOr<v1::Feedback> LifecycleRepository::GetFeedback(
    const domain::name::Audit& audit, int64_t audit_id, std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT id, uid, feedback_date, audiences, form, note, create_time "
          "FROM feedback WHERE audit_id = ? AND uid = ?"));
  select->Bind(1, audit_id).Bind(2, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) {
    return absl::NotFoundError(
        StrCat("feedback ", FeedbackName(audit, uid), " not found"));
  }
  return ReadFeedback(audit, *select);
}

absl::StatusOr<Page<v1::Feedback>> LifecycleRepository::ListFeedback(
    const domain::name::Audit& audit, int64_t audit_id, int64_t after_id,
    int limit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT id, uid, feedback_date, audiences, form, note, create_time "
          "FROM feedback WHERE audit_id = ? AND id > ? ORDER BY id LIMIT ?"));
  Statement& stmt = *select;
  stmt.Bind(1, audit_id).Bind(2, after_id).Bind(3, int64_t{limit} + 1);
  return CollectPage<v1::Feedback>(stmt, limit, [&](const Statement& row) {
    return ReadFeedback(audit, row);
  });
}

}  // namespace brevis::store
