#include "server/app/audit_access.h"
#include "server/api/audit_service.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/store/finding_repository.h"
#include "server/store/recommendation_repository.h"
#include "server/store/revision_repository.h"

namespace brevis::api {
namespace {

// Every version of one resource, oldest first: the kept earlier versions,
// then the current one.
template <typename Resource>
absl::Status History(store::Connection& db,
                     store::RevisionRepository::Kind kind, int64_t audit_id,
                     std::string_view uid, const Resource& current,
                     google::protobuf::RepeatedPtrField<Resource>* out) {
  store::RevisionRepository revisions(db);
  auto row = revisions.RowId(kind, audit_id, uid);
  if (!row.ok()) return row.status();
  auto earlier = revisions.Earlier(kind, *row);
  if (!earlier.ok()) return earlier.status();
  for (const std::string& snapshot : *earlier) {
    if (!out->Add()->ParseFromString(snapshot)) {
      return absl::DataLossError("a kept revision is unreadable");
    }
  }
  *out->Add() = current;
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* AuditService::ListFindingRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListRevisionsRequest* request,
    v1::ListFindingRevisionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListFindingRevisions",
               [this, request, response](const Call& call) {
                 return DoListFindingRevisions(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListRecommendationRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListRevisionsRequest* request,
    v1::ListRecommendationRevisionsResponse* response) {
  return Serve(context, deps_,
               "brevis.v1.AuditService/ListRecommendationRevisions",
               [this, request, response](const Call& call) {
                 return DoListRecommendationRevisions(call, *request, response);
               });
}
absl::Status AuditService::DoListFindingRevisions(
    const Call& call, const v1::ListRevisionsRequest& request,
    v1::ListFindingRevisionsResponse* response) {
  auto ids = domain::ParseName(request.name(), {"audits", "findings"}, "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, (*ids)[0], domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        auto current = store::FindingRepository(db).Get((*ids)[0], location->id,
                                                        (*ids)[1]);
        if (!current.ok()) return current.status();
        return History(db, store::RevisionRepository::Kind::kFinding,
                       location->id, (*ids)[1], *current,
                       response->mutable_findings());
      }));
  return deps_.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, request.name())});
}

absl::Status AuditService::DoListRecommendationRevisions(
    const Call& call, const v1::ListRevisionsRequest& request,
    v1::ListRecommendationRevisionsResponse* response) {
  auto ids =
      domain::ParseName(request.name(), {"audits", "recommendations"}, "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, (*ids)[0], domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        auto current = store::RecommendationRepository(db).Get(
            (*ids)[0], location->id, (*ids)[1]);
        if (!current.ok()) return current.status();
        return History(db, store::RevisionRepository::Kind::kRecommendation,
                       location->id, (*ids)[1], *current,
                       response->mutable_recommendations());
      }));
  return deps_.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, request.name())});
}

}  // namespace brevis::api
