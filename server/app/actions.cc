#include "server/app/actions.h"

#include <optional>

#include "server/app/audit_access.h"
#include "server/app/audit_flows.h"
#include "server/app/change_feed.h"
#include "server/app/create_once.h"
#include "server/app/list_window.h"
#include "server/domain/audit_lifecycle.h"
#include "server/domain/calendar.h"
#include "server/domain/list_filter.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/audit_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreateAction[] = "brevis.v1.AuditService/CreateAction";

// The unit plans and follows its actions from publication until closure.
absl::Status ActionsOpen(const domain::AuditFacts& audit) {
  return domain::CheckStateWindow(domain::StateWindow::kActions, audit.state);
}

}  // namespace

absl::StatusOr<v1::Action> Actions::CreateAction(
    const Call& call, const v1::CreateActionRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Recommendation parent,
      domain::ParseRecommendationName(request.parent(), "parent"));
  if (!request.has_action()) {
    return absl::InvalidArgumentError("action: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateAction(request.action()));
  std::string method = brevis::StrCat(kCreateAction, " ", request.parent());
  std::string today = domain::StockholmDate(call.time);
  v1::Action response;
  BREVIS_RETURN_IF_ERROR(WriteInAudit(
      deps_, call, parent.audit, domain::Action::kRespond,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(int64_t recommendation,
                                RecommendationRowId(db, parent, location.id));
        store::ActionRepository actions(db, today);
        store::ActionParent where{recommendation, location.id,
                                  location.facts.unit_id};
        return CreateRecorded(
            db, call, method, request.request_id(), request, &response,
            [&]() -> absl::StatusOr<store::EventScope> {
              BREVIS_RETURN_IF_ERROR(ActionsOpen(location.facts));
              response = request.action();
              BREVIS_RETURN_IF_ERROR(actions.Create(
                  where, domain::NewResourceId(), call.time, &response));
              return AuditScope(location);
            },
            [&](std::string_view name) {
              return Assign(actions.Get(recommendation, LastSegment(name)),
                            &response);
            });
      }));
  return response;
}

absl::StatusOr<v1::Action> Actions::GetAction(
    const Call& call, const v1::GetActionRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Action name,
                          domain::ParseActionName(request.name(), "name"));
  std::string today = domain::StockholmDate(call.time);
  v1::Action response;
  BREVIS_RETURN_IF_ERROR(ReadInAudit(
      deps_, call, name.audit, domain::Action::kReadAudit,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            int64_t recommendation,
            RecommendationRowId(db, {name.audit, name.recommendation},
                                location.id));
        return Assign(
            store::ActionRepository(db, today).Get(recommendation, name.action),
            &response);
      }));
  BREVIS_RETURN_IF_ERROR(deps_.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, response.name())}));
  return response;
}

absl::StatusOr<v1::Action> Actions::ChangeAction(
    const Call& call, const domain::name::Action& name, v1::EventKind kind,
    absl::FunctionRef<absl::StatusOr<std::vector<std::string>>(
        store::ActionRepository& actions, int64_t recommendation_id)>
        change) {
  std::string today = domain::StockholmDate(call.time);
  v1::Action response;
  BREVIS_RETURN_IF_ERROR(WriteInAudit(
      deps_, call, name.audit, domain::Action::kRespond,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::Status {
        BREVIS_RETURN_IF_ERROR(ActionsOpen(location.facts));
        BREVIS_ASSIGN_OR_RETURN(
            int64_t recommendation,
            RecommendationRowId(db, {name.audit, name.recommendation},
                                location.id));
        store::ActionRepository actions(db, today);
        BREVIS_ASSIGN_OR_RETURN(std::vector<std::string> fields,
                                change(actions, recommendation));
        BREVIS_RETURN_IF_ERROR(
            Assign(actions.Get(recommendation, name.action), &response));
        return RecordAuditWrite(db, call, location,
                                {kind, response.name(), std::move(fields)});
      }));
  return response;
}

absl::StatusOr<v1::Action> Actions::UpdateAction(
    const Call& call, const v1::UpdateActionRequest& request) {
  if (!request.has_action()) {
    return absl::InvalidArgumentError("action: required");
  }
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Action name,
      domain::ParseActionName(request.action().name(), "action.name"));
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      domain::ResolveUpdateMask(
          request.update_mask(), *v1::Action::descriptor(),
          {"description", "responsible", "due_date", "status"}));
  return ChangeAction(
      call, name, v1::EVENT_KIND_UPDATED,
      [&](store::ActionRepository& actions,
          int64_t recommendation) -> absl::StatusOr<std::vector<std::string>> {
        BREVIS_ASSIGN_OR_RETURN(v1::Action current,
                                actions.Get(recommendation, name.action));
        BREVIS_RETURN_IF_ERROR(domain::CheckEtag(
            "action", request.action().etag(), current.etag()));
        domain::ApplyUpdateMask(request.action(), paths, &current);
        BREVIS_RETURN_IF_ERROR(domain::ValidateAction(current));
        if (current.status() == v1::ACTION_STATUS_UNSPECIFIED) {
          return absl::InvalidArgumentError("action.status: required");
        }
        BREVIS_ASSIGN_OR_RETURN(int64_t id,
                                actions.RowId(recommendation, name.action));
        BREVIS_RETURN_IF_ERROR(actions.Update(id, call.time, current));
        return paths;
      });
}

absl::StatusOr<v1::Action> Actions::AddProgressNote(
    const Call& call, const v1::AddProgressNoteRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Action name,
                          domain::ParseActionName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(domain::ValidateProgressNote(request.note()));
  return ChangeAction(
      call, name, v1::EVENT_KIND_NOTE_ADDED,
      [&](store::ActionRepository& actions,
          int64_t recommendation) -> absl::StatusOr<std::vector<std::string>> {
        BREVIS_ASSIGN_OR_RETURN(int64_t id,
                                actions.RowId(recommendation, name.action));
        BREVIS_RETURN_IF_ERROR(actions.AddNote(id, request.note().text(),
                                               call.caller.name, call.time));
        return std::vector<std::string>{"notes"};
      });
}

absl::StatusOr<v1::ListActionsResponse> Actions::ListActions(
    const Call& call, const v1::ListActionsRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadAudit));
  BREVIS_ASSIGN_OR_RETURN(
      domain::ListFilter filter,
      domain::ListFilter::Parse(
          request.filter(),
          {"unit", "audit", "status", "overdue", "unfinished", "due_before"}));
  store::ActionFilter action_filter;
  BREVIS_ASSIGN_OR_RETURN(
      action_filter.status,
      filter.GetEnum("status", v1::ActionStatus_descriptor(),
                     "ACTION_STATUS_"));
  BREVIS_ASSIGN_OR_RETURN(action_filter.overdue, filter.GetBool("overdue"));
  BREVIS_ASSIGN_OR_RETURN(action_filter.unfinished,
                          filter.GetBool("unfinished"));
  if (std::optional<std::string> before = filter.Get("due_before")) {
    BREVIS_ASSIGN_OR_RETURN(action_filter.due_before,
                            domain::ParseDate("filter: due_before", *before));
  }
  std::optional<domain::name::Unit> unit;
  std::optional<domain::name::Audit> audit;
  if (std::optional<std::string> text = filter.Get("unit")) {
    BREVIS_ASSIGN_OR_RETURN(unit, domain::ParseUnitName(*text, "filter: unit"));
  }
  if (std::optional<std::string> text = filter.Get("audit")) {
    BREVIS_ASSIGN_OR_RETURN(audit,
                            domain::ParseAuditName(*text, "filter: audit"));
  }
  BREVIS_ASSIGN_OR_RETURN(
      ListWindow window,
      OpenListWindow(*deps_.page_tokens, ListScope(call, filter.Canonical()),
                     request.page_size(), request.page_token()));
  std::string today = domain::StockholmDate(call.time);
  v1::ListActionsResponse response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        if (unit) {
          auto id = store::UnitRepository(db).RowId(unit->unit);
          if (absl::IsNotFound(id.status())) return absl::OkStatus();
          if (!id.ok()) return id.status();
          action_filter.unit_id = *id;
        }
        if (audit) {
          auto id = store::AuditRepository(db).RowId(audit->audit);
          if (absl::IsNotFound(id.status())) return absl::OkStatus();
          if (!id.ok()) return id.status();
          action_filter.audit_id = *id;
        }
        BREVIS_ASSIGN_OR_RETURN(
            store::Page<v1::Action> page,
            store::ActionRepository(db, today).List(
                action_filter, domain::VisibleAudits(call.caller),
                call.caller.principal_id, window.after_id, window.limit));
        TakePage(*deps_.page_tokens, window, page, response.mutable_actions(),
                 response.mutable_next_page_token());
        return absl::OkStatus();
      }));
  BREVIS_RETURN_IF_ERROR(RecordReads(*deps_.access, call, response.actions()));
  return response;
}

}  // namespace brevis::app
