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
  std::string today = domain::StockholmDate(call.time);
  int64_t recommendation = 0;
  return CreateInAudit<v1::Action>(
      deps_, call,
      {.audit = domain::name::Audit{parent.audit},
       .method = kCreateAction,
       .parent = request.parent(),
       .request_id = request.request_id(),
       .request = request,
       .permission = domain::Permission::kRespond,
       .find_parent =
           [&](store::Connection& db, const store::AuditLocation& location) {
             return Assign(RecommendationRowId(db, parent, location.id),
                           &recommendation);
           }},
      [&](store::Connection& db, const store::AuditLocation& location,
          v1::Action* action) -> absl::Status {
        BREVIS_RETURN_IF_ERROR(ActionsOpen(location.facts));
        *action = request.action();
        return store::ActionRepository(db, today).Create(
            {recommendation, location.id, location.facts.unit_id},
            domain::NewResourceId(), call.time, action);
      },
      [&](store::Connection& db, const store::AuditLocation&,
          std::string_view id) {
        return store::ActionRepository(db, today).Get(recommendation, id);
      });
}

absl::StatusOr<v1::Action> Actions::GetAction(
    const Call& call, const v1::GetActionRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Action name,
                          domain::ParseActionName(request.name(), "name"));
  std::string today = domain::StockholmDate(call.time);
  v1::Action response;
  BREVIS_RETURN_IF_ERROR(ReadInAudit(
      deps_, call, domain::name::Audit{name.audit},
      domain::Permission::kReadAudit,
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
      call, {call.Entry(v1::ACCESS_KIND_READ, response.name())}));
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
      deps_, call, domain::name::Audit{name.audit},
      domain::Permission::kRespond,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<AuditChange> {
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
        return Change{kind, response.name(), std::move(fields)};
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
      domain::CheckPermission(call.caller, domain::Permission::kReadAudit));
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
  std::string today = domain::StockholmDate(call.time);
  v1::ListActionsResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call, filter.Canonical(), request,
      [&](store::Connection& db,
          const ListWindow& window) -> absl::StatusOr<store::Page<v1::Action>> {
        // A filter on a unit or audit that does not exist matches nothing.
        if (unit) {
          auto id = store::UnitRepository(db).RowId(unit->unit);
          if (absl::IsNotFound(id.status())) return store::Page<v1::Action>();
          if (!id.ok()) return id.status();
          action_filter.unit_id = *id;
        }
        if (audit) {
          auto id = store::AuditRepository(db).RowId(audit->audit);
          if (absl::IsNotFound(id.status())) return store::Page<v1::Action>();
          if (!id.ok()) return id.status();
          action_filter.audit_id = *id;
        }
        return store::ActionRepository(db, today).List(
            action_filter, domain::VisibleAudits(call.caller),
            call.caller.principal_id, window.after_id, window.limit);
      },
      response.mutable_actions(), response.mutable_next_page_token()));
  BREVIS_RETURN_IF_ERROR(RecordReads(*deps_.access, call, response.actions()));
  return response;
}

}  // namespace brevis::app
