#include "server/domain/policy.h"

#include <algorithm>

#include "server/domain/audit_lifecycle.h"
#include "server/domain/str_cat.h"

namespace brevis::domain {
namespace {

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kReadUnits:
      return "read units";
    case Permission::kWriteUnits:
      return "change units";
    case Permission::kManagePrincipals:
      return "manage principals and their tokens";
    case Permission::kCommissionAudit:
      return "commission audits and set their teams";
    case Permission::kReadAudit:
      return "read this audit";
    case Permission::kPlanAudit:
      return "change this audit's plan";
    case Permission::kWriteContent:
      return "write this audit's sessions and findings";
    case Permission::kReadAccessLog:
      return "read the access log";
    case Permission::kRespond:
      return "respond for the unit to this audit";
    case Permission::kWatchEvents:
      return "follow the change feed";
    case Permission::kReadPrincipals:
      return "read principals and their contact details";
    case Permission::kExchangeSignIn:
      return "exchange sign-ins for tokens (only an integration with the "
             "sign-in scope, brevis-web, may)";
    case Permission::kReadSessions:
      return "read this audit's interview sessions (the audit team only, "
             "since small counts can point at people)";
  }
  return "do this";
}

absl::Status Denied(const Caller& caller, Permission permission) {
  return absl::PermissionDeniedError(StrCat("a principal with role ",
                                            RoleName(caller.role), " may not ",
                                            PermissionName(permission)));
}

// Integrations may be limited to some units; everyone else with unit
// scopes is a unit manager, who always is.
bool UnitInScope(const Caller& caller, int64_t unit_id) {
  if (caller.role == v1::ROLE_INTEGRATION && caller.unit_ids.empty()) {
    return true;
  }
  return caller.unit_ids.contains(unit_id);
}

}  // namespace

bool IsPublished(v1::AuditState state) {
  std::span<const v1::AuditState> published = PublishedStates();
  return std::find(published.begin(), published.end(), state) !=
         published.end();
}

std::string RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_AUDITOR:
      return "auditor";
    case v1::ROLE_UNIT_MANAGER:
      return "unit manager";
    case v1::ROLE_VIEWER:
      return "viewer";
    case v1::ROLE_INTEGRATION:
      return "integration";
    default:
      return "none";
  }
}

absl::Status CheckPermission(const Caller& caller, Permission permission) {
  if (permission == Permission::kExchangeSignIn) {
    if (caller.role == v1::ROLE_INTEGRATION &&
        caller.HasScope(v1::SCOPE_SIGN_IN)) {
      return absl::OkStatus();
    }
    return Denied(caller, permission);
  }
  switch (caller.role) {
    case v1::ROLE_ADMIN:
      return absl::OkStatus();
    case v1::ROLE_AUDITOR:
    case v1::ROLE_UNIT_MANAGER:
    case v1::ROLE_VIEWER:
      if (permission == Permission::kReadUnits ||
          permission == Permission::kReadAudit ||
          permission == Permission::kWatchEvents) {
        return absl::OkStatus();
      }
      return Denied(caller, permission);
    case v1::ROLE_INTEGRATION:
      if (permission == Permission::kWatchEvents &&
          caller.HasScope(v1::SCOPE_WATCH_EVENTS)) {
        return absl::OkStatus();
      }
      if (permission == Permission::kReadUnits &&
          caller.HasScope(v1::SCOPE_READ_UNITS)) {
        return absl::OkStatus();
      }
      if (permission == Permission::kReadAudit &&
          caller.HasScope(v1::SCOPE_READ_AUDITS)) {
        return absl::OkStatus();
      }
      if (permission == Permission::kReadPrincipals &&
          caller.HasScope(v1::SCOPE_READ_CONTACTS)) {
        return absl::OkStatus();
      }
      return Denied(caller, permission);
    default:
      return Denied(caller, permission);
  }
}

UnitVisibility VisibleUnits(const Caller& caller) {
  if (caller.role == v1::ROLE_UNIT_MANAGER ||
      (caller.role == v1::ROLE_INTEGRATION && !caller.unit_ids.empty())) {
    return caller.unit_ids;
  }
  return std::nullopt;
}

AuditVisibility VisibleAudits(const Caller& caller) {
  AuditVisibility visibility;
  if (!CheckPermission(caller, Permission::kReadAudit).ok()) {
    visibility.nothing = true;
    return visibility;
  }
  switch (caller.role) {
    case v1::ROLE_ADMIN:
      break;
    case v1::ROLE_AUDITOR:
      visibility.team_member = caller.principal_id;
      break;
    case v1::ROLE_UNIT_MANAGER:
      visibility.unit_ids = caller.unit_ids;
      visibility.published_only = true;
      break;
    case v1::ROLE_VIEWER:
      visibility.published_only = true;
      break;
    case v1::ROLE_INTEGRATION:
      if (!caller.unit_ids.empty()) visibility.unit_ids = caller.unit_ids;
      visibility.published_only = true;
      break;
    default:
      visibility.nothing = true;
  }
  return visibility;
}

EventVisibility VisibleEvents(const Caller& caller) {
  EventVisibility visibility;
  visibility.everything = caller.role == v1::ROLE_ADMIN;
  visibility.audits = VisibleAudits(caller);
  visibility.units = CheckPermission(caller, Permission::kReadUnits).ok();
  visibility.unit_ids = VisibleUnits(caller);
  return visibility;
}

bool CanSeeAudit(const Caller& caller, const AuditFacts& audit) {
  if (!CheckPermission(caller, Permission::kReadAudit).ok()) return false;
  switch (caller.role) {
    case v1::ROLE_ADMIN:
      return true;
    case v1::ROLE_AUDITOR:
      return audit.caller_on_team;
    case v1::ROLE_UNIT_MANAGER:
    case v1::ROLE_INTEGRATION:
      return IsPublished(audit.state) && UnitInScope(caller, audit.unit_id);
    case v1::ROLE_VIEWER:
      return IsPublished(audit.state);
    default:
      return false;
  }
}

absl::Status CheckAuditPermission(const Caller& caller, Permission permission,
                                  const AuditFacts& audit) {
  if (caller.role == v1::ROLE_ADMIN) return absl::OkStatus();
  switch (permission) {
    case Permission::kReadAudit:
      return CanSeeAudit(caller, audit) ? absl::OkStatus()
                                        : Denied(caller, permission);
    case Permission::kPlanAudit:
    case Permission::kWriteContent:
    case Permission::kReadSessions:
      if (caller.role == v1::ROLE_AUDITOR && audit.caller_on_team) {
        return absl::OkStatus();
      }
      return Denied(caller, permission);
    case Permission::kRespond:
      // The unit's voice: its managers, and systems acting for the unit.
      if ((caller.role == v1::ROLE_UNIT_MANAGER ||
           (caller.role == v1::ROLE_INTEGRATION &&
            caller.HasScope(v1::SCOPE_WRITE_ACTIONS))) &&
          CanSeeAudit(caller, audit)) {
        return absl::OkStatus();
      }
      return Denied(caller, permission);
    default:
      return CheckPermission(caller, permission);
  }
}

}  // namespace brevis::domain

namespace brevis::domain {

bool MaySeeContact(const Caller& caller, std::string_view principal) {
  return caller.role == v1::ROLE_ADMIN ||
         (!caller.name.empty() && caller.name == principal) ||
         (caller.role == v1::ROLE_INTEGRATION &&
          caller.HasScope(v1::SCOPE_READ_CONTACTS));
}

bool MaySeeIdentities(const Caller& caller, std::string_view principal) {
  return caller.role == v1::ROLE_ADMIN ||
         (!caller.name.empty() && caller.name == principal);
}

void HideContactUnlessAllowed(const Caller& caller, v1::Principal* principal) {
  if (!MaySeeIdentities(caller, principal->name())) {
    principal->clear_external_identities();
  }
  if (MaySeeContact(caller, principal->name())) return;
  principal->clear_contact_email();
  principal->clear_language();
  principal->clear_notification_opt_outs();
}

}  // namespace brevis::domain
