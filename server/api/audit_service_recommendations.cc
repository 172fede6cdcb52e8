#include "server/app/audit_access.h"
#include "server/api/audit_service.h"
#include "server/app/change_feed.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/recommendation_repository.h"
#include "server/store/revision_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateRecommendation[] =
    "brevis.v1.AuditService/CreateRecommendation";

// The audit's id and the recommendation's id from
// audits/{audit}/recommendations/{recommendation}.
absl::StatusOr<std::vector<std::string>> RecommendationIds(
    std::string_view name, std::string_view field) {
  return domain::ParseName(name, {"audits", "recommendations"}, field);
}

}  // namespace

grpc::ServerUnaryReactor* AuditService::CreateRecommendation(
    grpc::CallbackServerContext* context,
    const v1::CreateRecommendationRequest* request,
    v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateRecommendation",
               [this, request, response](const Call& call) {
                 return DoCreateRecommendation(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetRecommendation(
    grpc::CallbackServerContext* context,
    const v1::GetRecommendationRequest* request, v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetRecommendation",
               [this, request, response](const Call& call) {
                 return DoGetRecommendation(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListRecommendations(
    grpc::CallbackServerContext* context,
    const v1::ListRecommendationsRequest* request,
    v1::ListRecommendationsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListRecommendations",
               [this, request, response](const Call& call) {
                 return DoListRecommendations(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateRecommendation(
    grpc::CallbackServerContext* context,
    const v1::UpdateRecommendationRequest* request,
    v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateRecommendation",
               [this, request, response](const Call& call) {
                 return DoUpdateRecommendation(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::DeleteRecommendation(
    grpc::CallbackServerContext* context,
    const v1::DeleteRecommendationRequest* request,
    google::protobuf::Empty* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/DeleteRecommendation",
               [this, request, response](const Call& call) {
                 return DoDeleteRecommendation(call, *request, response);
               });
}
absl::Status AuditService::DoCreateRecommendation(
    const Call& call, const v1::CreateRecommendationRequest& request,
    v1::Recommendation* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  if (!request.has_recommendation()) {
    return absl::InvalidArgumentError("recommendation: required");
  }
  const std::string& audit_uid = (*parent)[0];
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(
      domain::ValidateRecommendation(request.recommendation(), audit_uid));
  // A request_id is unique per audit, not across audits.
  std::string method =
      brevis::StrCat(kCreateRecommendation, " ", request.parent());
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, audit_uid, domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(CreateOnce(
        db, call, method, request.request_id(), request, response,
        [&]() -> absl::Status {
          BREVIS_RETURN_IF_ERROR(
              CheckNotFrozen(location->facts, "add recommendations"));
          store::RecommendationRepository recommendations(db);
          auto finding_ids = recommendations.FindingIds(
              audit_uid, location->id, request.recommendation());
          if (!finding_ids.ok()) return finding_ids.status();
          response->Clear();
          response->set_text(request.recommendation().text());
          response->set_priority(request.recommendation().priority());
          BREVIS_RETURN_IF_ERROR(recommendations.Create(
              audit_uid, location->id, domain::NewResourceId(), *finding_ids,
              call.time, response));
          return RecordEvent(db, call, AuditScope(*location),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) {
          return Assign(store::RecommendationRepository(db).Get(
                            audit_uid, location->id, LastSegment(name)),
                        response);
        }));
    return store::AccessLogRepository(db).Append(
        call.Entry(v1::ACCESS_KIND_WRITE, response->name()));
  });
}

absl::Status AuditService::DoGetRecommendation(
    const Call& call, const v1::GetRecommendationRequest& request,
    v1::Recommendation* response) {
  auto ids = RecommendationIds(request.name(), "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, (*ids)[0], domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        auto recommendation = store::RecommendationRepository(db).Get(
            (*ids)[0], location->id, (*ids)[1]);
        if (!recommendation.ok()) return recommendation.status();
        *response = std::move(*recommendation);
        return absl::OkStatus();
      }));
  return deps_.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, response->name())});
}

absl::Status AuditService::DoListRecommendations(
    const Call& call, const v1::ListRecommendationsRequest& request,
    v1::ListRecommendationsResponse* response) {
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
        auto page = store::RecommendationRepository(db).List(
            audit_uid, location->id, window->after_id, window->limit);
        if (!page.ok()) return page.status();
        for (v1::Recommendation& recommendation : page->items) {
          *response->add_recommendations() = std::move(recommendation);
        }
        response->set_next_page_token(
            NextPageToken(*deps_.page_tokens, *window, *page));
        return absl::OkStatus();
      }));
  return RecordReads(*deps_.access, call, response->recommendations());
}

absl::Status AuditService::DoUpdateRecommendation(
    const Call& call, const v1::UpdateRecommendationRequest& request,
    v1::Recommendation* response) {
  if (!request.has_recommendation()) {
    return absl::InvalidArgumentError("recommendation: required");
  }
  auto ids =
      RecommendationIds(request.recommendation().name(), "recommendation.name");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<std::string>> paths = domain::ResolveUpdateMask(
      request.update_mask(), *v1::Recommendation::descriptor(),
      {"text", "priority", "findings"});
  if (!paths.ok()) return paths.status();
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    store::RecommendationRepository recommendations(db);
    auto current = recommendations.Get((*ids)[0], location->id, (*ids)[1]);
    if (!current.ok()) return current.status();
    auto was_published = store::RevisionRepository(db).WasPublished(
        store::RevisionRepository::Kind::kRecommendation, location->id,
        (*ids)[1]);
    if (!was_published.ok()) return was_published.status();
    BREVIS_RETURN_IF_ERROR(CheckRevisionReason(location->facts, *was_published,
                                               request.revision_reason()));
    BREVIS_RETURN_IF_ERROR(domain::CheckEtag(
        "recommendation", request.recommendation().etag(), current->etag()));
    v1::Recommendation before = *current;
    domain::ApplyUpdateMask(request.recommendation(), *paths, &*current);
    BREVIS_RETURN_IF_ERROR(domain::ValidateRecommendation(*current, (*ids)[0]));
    auto finding_ids =
        recommendations.FindingIds((*ids)[0], location->id, *current);
    if (!finding_ids.ok()) return finding_ids.status();
    BREVIS_RETURN_IF_ERROR(recommendations.Update((*ids)[0], location->id,
                                                  (*ids)[1], *finding_ids,
                                                  call.time, &*current));
    if (!request.revision_reason().empty()) {
      // A correction of published text: the version it replaces is kept.
      store::RevisionRepository revisions(db);
      auto row =
          revisions.RowId(store::RevisionRepository::Kind::kRecommendation,
                          location->id, (*ids)[1]);
      if (!row.ok()) return row.status();
      BREVIS_RETURN_IF_ERROR(revisions.Correct(
          store::RevisionRepository::Kind::kRecommendation, *row, before,
          before.revision(), request.revision_reason()));
    }
    auto updated = recommendations.Get((*ids)[0], location->id, (*ids)[1]);
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return RecordAuditWrite(db, call, *location,
                            {v1::EVENT_KIND_UPDATED, response->name(),
                             UpdatedFields(*paths, request.revision_reason())});
  });
}

absl::Status AuditService::DoDeleteRecommendation(
    const Call& call, const v1::DeleteRecommendationRequest& request,
    google::protobuf::Empty*) {
  auto ids = RecommendationIds(request.name(), "name");
  if (!ids.ok()) return ids.status();
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(
        CheckNotFrozen(location->facts, "delete recommendations"));
    store::RecommendationRepository recommendations(db);
    auto current = recommendations.Get((*ids)[0], location->id, (*ids)[1]);
    if (!current.ok()) return current.status();
    BREVIS_RETURN_IF_ERROR(
        domain::CheckEtag("recommendation", request.etag(), current->etag()));
    // Refused with the rule and what is in the way, by name, before the
    // store's own links could refuse it.
    auto was_published = store::RevisionRepository(db).WasPublished(
        store::RevisionRepository::Kind::kRecommendation, location->id,
        (*ids)[1]);
    if (!was_published.ok()) return was_published.status();
    auto actions =
        recommendations.ActionNames((*ids)[0], location->id, (*ids)[1]);
    if (!actions.ok()) return actions.status();
    BREVIS_RETURN_IF_ERROR(
        CheckNeverPublished(request.name(), *was_published, *actions));
    BREVIS_RETURN_IF_ERROR(
        recommendations.Delete((*ids)[0], location->id, (*ids)[1]));
    return RecordAuditWrite(db, call, *location,
                            {v1::EVENT_KIND_DELETED, request.name()});
  });
}

}  // namespace brevis::api
