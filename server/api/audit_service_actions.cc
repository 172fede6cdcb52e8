#include "server/app/audit_access.h"
#include "server/api/audit_service.h"
#include "server/app/change_feed.h"
#include "server/domain/calendar.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/action_repository.h"
#include "server/store/audit_repository.h"
#include "server/store/recommendation_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateAction[] = "brevis.v1.AuditService/CreateAction";

// The unit plans and follows its actions from publication until closure.
absl::Status ActionsOpen(const domain::AuditFacts& audit) {
  if (audit.state == v1::AUDIT_STATE_PUBLISHED ||
      audit.state == v1::AUDIT_STATE_IN_PROGRESS ||
      audit.state == v1::AUDIT_STATE_FOLLOW_UP) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(brevis::StrCat(
      "actions are kept from PUBLISHED until the audit closes; the audit is ",
      v1::AuditState_Name(audit.state)));
}

// audit, recommendation and action ids from an action's name.
absl::StatusOr<std::vector<std::string>> ActionIds(std::string_view name,
                                                   std::string_view field) {
  return domain::ParseName(name, {"audits", "recommendations", "actions"},
                           field);
}

}  // namespace

grpc::ServerUnaryReactor* AuditService::CreateAction(
    grpc::CallbackServerContext* context,
    const v1::CreateActionRequest* request, v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateAction",
               [this, request, response](const Call& call) {
                 return DoCreateAction(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetAction(
    grpc::CallbackServerContext* context, const v1::GetActionRequest* request,
    v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetAction",
               [this, request, response](const Call& call) {
                 return DoGetAction(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateAction(
    grpc::CallbackServerContext* context,
    const v1::UpdateActionRequest* request, v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateAction",
               [this, request, response](const Call& call) {
                 return DoUpdateAction(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::AddProgressNote(
    grpc::CallbackServerContext* context,
    const v1::AddProgressNoteRequest* request, v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/AddProgressNote",
               [this, request, response](const Call& call) {
                 return DoAddProgressNote(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListActions(
    grpc::CallbackServerContext* context, const v1::ListActionsRequest* request,
    v1::ListActionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListActions",
               [this, request, response](const Call& call) {
                 return DoListActions(call, *request, response);
               });
}
absl::Status AuditService::DoCreateAction(
    const Call& call, const v1::CreateActionRequest& request,
    v1::Action* response) {
  auto parent = domain::ParseName(request.parent(),
                                  {"audits", "recommendations"}, "parent");
  if (!parent.ok()) return parent.status();
  if (!request.has_action()) {
    return absl::InvalidArgumentError("action: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateAction(request.action()));
  std::string method = brevis::StrCat(kCreateAction, " ", request.parent());
  std::string today = domain::StockholmDate(call.time);
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*parent)[0], domain::Action::kRespond);
    if (!location.ok()) return location.status();
    auto recommendation = store::RecommendationRepository(db).RowId(
        domain::name::Recommendation{(*parent)[0], (*parent)[1]}, location->id);
    if (!recommendation.ok()) return recommendation.status();
    store::ActionRepository actions(db, today);
    store::ActionParent where{*recommendation, location->id,
                              location->facts.unit_id};
    BREVIS_RETURN_IF_ERROR(CreateOnce(
        db, call, method, request.request_id(), request, response,
        [&] {
          BREVIS_RETURN_IF_ERROR(ActionsOpen(location->facts));
          *response = request.action();
          BREVIS_RETURN_IF_ERROR(actions.Create(where, domain::NewResourceId(),
                                                call.time, response));
          return RecordEvent(db, call, AuditScope(*location),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) {
          return Assign(actions.Get(*recommendation, LastSegment(name)),
                        response);
        }));
    return store::AccessLogRepository(db).Append(
        call.Entry(v1::ACCESS_KIND_WRITE, response->name()));
  });
}

absl::Status AuditService::DoGetAction(const Call& call,
                                       const v1::GetActionRequest& request,
                                       v1::Action* response) {
  auto ids = ActionIds(request.name(), "name");
  if (!ids.ok()) return ids.status();
  std::string today = domain::StockholmDate(call.time);
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, (*ids)[0], domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        auto recommendation = store::RecommendationRepository(db).RowId(
            domain::name::Recommendation{(*ids)[0], (*ids)[1]}, location->id);
        if (!recommendation.ok()) return recommendation.status();
        return Assign(
            store::ActionRepository(db, today).Get(*recommendation, (*ids)[2]),
            response);
      }));
  return deps_.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, response->name())});
}

absl::Status AuditService::DoUpdateAction(
    const Call& call, const v1::UpdateActionRequest& request,
    v1::Action* response) {
  if (!request.has_action()) {
    return absl::InvalidArgumentError("action: required");
  }
  auto ids = ActionIds(request.action().name(), "action.name");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<std::string>> paths = domain::ResolveUpdateMask(
      request.update_mask(), *v1::Action::descriptor(),
      {"description", "responsible", "due_date", "status"});
  if (!paths.ok()) return paths.status();
  std::string today = domain::StockholmDate(call.time);
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kRespond);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(ActionsOpen(location->facts));
    auto recommendation = store::RecommendationRepository(db).RowId(
        domain::name::Recommendation{(*ids)[0], (*ids)[1]}, location->id);
    if (!recommendation.ok()) return recommendation.status();
    store::ActionRepository actions(db, today);
    auto current = actions.Get(*recommendation, (*ids)[2]);
    if (!current.ok()) return current.status();
    BREVIS_RETURN_IF_ERROR(
        domain::CheckEtag("action", request.action().etag(), current->etag()));
    domain::ApplyUpdateMask(request.action(), *paths, &*current);
    BREVIS_RETURN_IF_ERROR(domain::ValidateAction(*current));
    if (current->status() == v1::ACTION_STATUS_UNSPECIFIED) {
      return absl::InvalidArgumentError("action.status: required");
    }
    auto id = actions.RowId(*recommendation, (*ids)[2]);
    if (!id.ok()) return id.status();
    BREVIS_RETURN_IF_ERROR(actions.Update(*id, call.time, *current));
    BREVIS_RETURN_IF_ERROR(
        Assign(actions.Get(*recommendation, (*ids)[2]), response));
    return RecordAuditWrite(db, call, *location,
                            {v1::EVENT_KIND_UPDATED, response->name(), *paths});
  });
}

absl::Status AuditService::DoAddProgressNote(
    const Call& call, const v1::AddProgressNoteRequest& request,
    v1::Action* response) {
  auto ids = ActionIds(request.name(), "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(domain::ValidateProgressNote(request.note()));
  std::string today = domain::StockholmDate(call.time);
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kRespond);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(ActionsOpen(location->facts));
    auto recommendation = store::RecommendationRepository(db).RowId(
        domain::name::Recommendation{(*ids)[0], (*ids)[1]}, location->id);
    if (!recommendation.ok()) return recommendation.status();
    store::ActionRepository actions(db, today);
    auto id = actions.RowId(*recommendation, (*ids)[2]);
    if (!id.ok()) return id.status();
    BREVIS_RETURN_IF_ERROR(actions.AddNote(*id, request.note().text(),
                                           call.caller.name, call.time));
    BREVIS_RETURN_IF_ERROR(
        Assign(actions.Get(*recommendation, (*ids)[2]), response));
    return RecordAuditWrite(
        db, call, *location,
        {v1::EVENT_KIND_NOTE_ADDED, response->name(), {"notes"}});
  });
}

absl::Status AuditService::DoListActions(const Call& call,
                                         const v1::ListActionsRequest& request,
                                         v1::ListActionsResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadAudit));
  absl::StatusOr<domain::ListFilter> filter = domain::ListFilter::Parse(
      request.filter(),
      {"unit", "audit", "status", "overdue", "unfinished", "due_before"});
  if (!filter.ok()) return filter.status();
  store::ActionFilter action_filter;
  auto status = filter->GetEnum("status", v1::ActionStatus_descriptor(),
                                "ACTION_STATUS_");
  if (!status.ok()) return status.status();
  action_filter.status = *status;
  auto overdue = filter->GetBool("overdue");
  if (!overdue.ok()) return overdue.status();
  action_filter.overdue = *overdue;
  auto unfinished = filter->GetBool("unfinished");
  if (!unfinished.ok()) return unfinished.status();
  action_filter.unfinished = *unfinished;
  if (auto before = filter->Get("due_before")) {
    absl::StatusOr<v1::Date> date =
        domain::ParseDate("filter: due_before", *before);
    if (!date.ok()) return date.status();
    action_filter.due_before = *date;
  }
  std::optional<std::string> unit_uid, audit_uid;
  if (auto unit = filter->Get("unit")) {
    auto ids = domain::ParseName(*unit, {"units"}, "filter: unit");
    if (!ids.ok()) return ids.status();
    unit_uid = (*ids)[0];
  }
  if (auto audit = filter->Get("audit")) {
    auto ids = domain::ParseName(*audit, {"audits"}, "filter: audit");
    if (!ids.ok()) return ids.status();
    audit_uid = (*ids)[0];
  }
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, filter->Canonical()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  std::string today = domain::StockholmDate(call.time);
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        if (unit_uid) {
          auto id = store::UnitRepository(db).RowId(*unit_uid);
          if (absl::IsNotFound(id.status())) return absl::OkStatus();
          if (!id.ok()) return id.status();
          action_filter.unit_id = *id;
        }
        if (audit_uid) {
          auto id = store::AuditRepository(db).RowId(*audit_uid);
          if (absl::IsNotFound(id.status())) return absl::OkStatus();
          if (!id.ok()) return id.status();
          action_filter.audit_id = *id;
        }
        auto page = store::ActionRepository(db, today).List(
            action_filter, domain::VisibleAudits(call.caller),
            call.caller.principal_id, window->after_id, window->limit);
        if (!page.ok()) return page.status();
        for (v1::Action& action : page->items) {
          *response->add_actions() = std::move(action);
        }
        response->set_next_page_token(
            NextPageToken(*deps_.page_tokens, *window, *page));
        return absl::OkStatus();
      }));
  return RecordReads(*deps_.access, call, response->actions());
}

}  // namespace brevis::api
