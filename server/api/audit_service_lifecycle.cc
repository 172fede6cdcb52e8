#include "server/app/audit_access.h"
#include "server/api/audit_service.h"
#include "server/app/change_feed.h"
#include "server/domain/audit_lifecycle.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/audit_repository.h"
#include "server/store/lifecycle_repository.h"
#include "server/store/recommendation_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateFeedback[] = "brevis.v1.AuditService/CreateFeedback";

// Who may ask for a step: the auditors move their audit forward, the unit
// starts its actions, admins cancel; reopening is checked by the lifecycle
// rules (admins only).
domain::Action ActionFor(v1::AuditState from, v1::AuditState to) {
  if (to == v1::AUDIT_STATE_CANCELLED) return domain::Action::kCommissionAudit;
  if (to == v1::AUDIT_STATE_IN_PROGRESS && from == v1::AUDIT_STATE_PUBLISHED) {
    return domain::Action::kRespond;
  }
  return domain::Action::kWriteContent;
}

absl::Status StateIs(const domain::AuditFacts& audit,
                     std::initializer_list<v1::AuditState> states,
                     std::string_view what) {
  for (v1::AuditState state : states) {
    if (audit.state == state) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(brevis::StrCat(
      what, "; the audit is ", v1::AuditState_Name(audit.state)));
}

}  // namespace

grpc::ServerUnaryReactor* AuditService::TransitionAudit(
    grpc::CallbackServerContext* context,
    const v1::TransitionAuditRequest* request, v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/TransitionAudit",
               [this, request, response](const Call& call) {
                 return DoTransitionAudit(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::RespondToRecommendation(
    grpc::CallbackServerContext* context,
    const v1::RespondToRecommendationRequest* request,
    v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/RespondToRecommendation",
               [this, request, response](const Call& call) {
                 return DoRespondToRecommendation(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::RecordVerdict(
    grpc::CallbackServerContext* context,
    const v1::RecordVerdictRequest* request, v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/RecordVerdict",
               [this, request, response](const Call& call) {
                 return DoRecordVerdict(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::CreateFeedback(
    grpc::CallbackServerContext* context,
    const v1::CreateFeedbackRequest* request, v1::Feedback* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateFeedback",
               [this, request, response](const Call& call) {
                 return DoCreateFeedback(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListFeedback(
    grpc::CallbackServerContext* context,
    const v1::ListFeedbackRequest* request,
    v1::ListFeedbackResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListFeedback",
               [this, request, response](const Call& call) {
                 return DoListFeedback(call, *request, response);
               });
}
absl::Status AuditService::DoTransitionAudit(
    const Call& call, const v1::TransitionAuditRequest& request,
    v1::Audit* response) {
  auto ids = domain::ParseName(request.name(), {"audits"}, "name");
  if (!ids.ok()) return ids.status();
  const std::string& audit_uid = (*ids)[0];
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, audit_uid, domain::Action::kReadAudit);
    if (!location.ok()) return location.status();
    v1::AuditState from = location->facts.state;
    if (call.caller.role != v1::ROLE_ADMIN ||
        ActionFor(from, request.state()) != domain::Action::kCommissionAudit) {
      BREVIS_RETURN_IF_ERROR(domain::CheckAuditAction(
          call.caller, ActionFor(from, request.state()), location->facts));
    }
    store::AuditRepository audits(db);
    auto current = audits.Get(audit_uid);
    if (!current.ok()) return current.status();
    BREVIS_RETURN_IF_ERROR(
        domain::CheckEtag("audit", request.etag(), current->etag()));
    store::LifecycleRepository lifecycle(db);
    auto facts = lifecycle.Facts(audit_uid, location->id);
    if (!facts.ok()) return facts.status();
    BREVIS_RETURN_IF_ERROR(
        domain::CheckTransition({from, request.state(), request.reason(),
                                 call.caller.role == v1::ROLE_ADMIN},
                                *facts));
    BREVIS_RETURN_IF_ERROR(
        lifecycle.Transition(location->id, from, request.state(),
                             request.reason(), call.caller.name, call.time));
    auto updated = audits.Get(audit_uid);
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return RecordAuditWrite(
        db, call, StepScope(*location, from, request.state()),
        {v1::EVENT_KIND_STATE_CHANGED, response->name(), {"state"}});
  });
}

absl::Status AuditService::DoRespondToRecommendation(
    const Call& call, const v1::RespondToRecommendationRequest& request,
    v1::Recommendation* response) {
  auto ids =
      domain::ParseName(request.name(), {"audits", "recommendations"}, "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(domain::ValidateResponse(request.response()));
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kRespond);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(StateIs(
        location->facts,
        {v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS},
        "the unit responds while the audit is PUBLISHED or IN_PROGRESS"));
    store::RecommendationRepository recommendations(db);
    auto id = recommendations.RowId(
        domain::name::Recommendation{(*ids)[0], (*ids)[1]}, location->id);
    if (!id.ok()) return id.status();
    BREVIS_RETURN_IF_ERROR(recommendations.SetResponse(
        *id, request.response(), call.caller.name, call.time));
    auto updated = recommendations.Get(
        domain::name::Recommendation{(*ids)[0], (*ids)[1]}, location->id);
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return RecordAuditWrite(
        db, call, *location,
        {v1::EVENT_KIND_RESPONDED, response->name(), {"response"}});
  });
}

absl::Status AuditService::DoRecordVerdict(
    const Call& call, const v1::RecordVerdictRequest& request,
    v1::Recommendation* response) {
  auto ids =
      domain::ParseName(request.name(), {"audits", "recommendations"}, "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(domain::ValidateVerdict(request.verdict()));
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(
        StateIs(location->facts, {v1::AUDIT_STATE_FOLLOW_UP},
                "follow-up verdicts are recorded in FOLLOW_UP"));
    store::RecommendationRepository recommendations(db);
    auto id = recommendations.RowId(
        domain::name::Recommendation{(*ids)[0], (*ids)[1]}, location->id);
    if (!id.ok()) return id.status();
    BREVIS_RETURN_IF_ERROR(recommendations.SetVerdict(
        *id, request.verdict(), call.caller.name, call.time));
    auto updated = recommendations.Get(
        domain::name::Recommendation{(*ids)[0], (*ids)[1]}, location->id);
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return RecordAuditWrite(
        db, call, *location,
        {v1::EVENT_KIND_VERDICT_RECORDED, response->name(), {"verdict"}});
  });
}

absl::Status AuditService::DoCreateFeedback(
    const Call& call, const v1::CreateFeedbackRequest& request,
    v1::Feedback* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  if (!request.has_feedback()) {
    return absl::InvalidArgumentError("feedback: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateFeedback(request.feedback()));
  const std::string& audit_uid = (*parent)[0];
  std::string method = brevis::StrCat(kCreateFeedback, " ", request.parent());
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, audit_uid, domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(CreateOnce(
        db, call, method, request.request_id(), request, response,
        [&] {
          BREVIS_RETURN_IF_ERROR(StateIs(
              location->facts,
              {v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS,
               v1::AUDIT_STATE_FOLLOW_UP},
              "feedback to service users follows the published report"));
          *response = request.feedback();
          response->clear_name();
          response->clear_create_time();
          BREVIS_RETURN_IF_ERROR(store::LifecycleRepository(db).CreateFeedback(
              audit_uid, location->id, domain::NewResourceId(), call.time,
              response));
          return RecordEvent(db, call, AuditScope(*location),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) {
          return Assign(store::LifecycleRepository(db).GetFeedback(
                            audit_uid, location->id, LastSegment(name)),
                        response);
        }));
    return store::AccessLogRepository(db).Append(
        call.Entry(v1::ACCESS_KIND_WRITE, response->name()));
  });
}

absl::Status AuditService::DoListFeedback(
    const Call& call, const v1::ListFeedbackRequest& request,
    v1::ListFeedbackResponse* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, request.parent()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  const std::string& audit_uid = (*parent)[0];
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, audit_uid, domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        auto page = store::LifecycleRepository(db).ListFeedback(
            audit_uid, location->id, window->after_id, window->limit);
        if (!page.ok()) return page.status();
        for (v1::Feedback& feedback : page->items) {
          *response->add_feedback() = std::move(feedback);
        }
        response->set_next_page_token(
            NextPageToken(*deps_.page_tokens, *window, *page));
        return absl::OkStatus();
      }));
  return RecordReads(*deps_.access, call, response->feedback());
}

}  // namespace brevis::api
