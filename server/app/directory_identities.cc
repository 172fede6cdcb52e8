// External identities of principals (issue 14): admins link a person's
// OpenID Connect identity (issuer + subject) to their principal, which
// ExchangeSignIn (directory_sign_in.cc) then signs in.

#include "server/app/change_feed.h"
#include "server/app/directory.h"
#include "server/domain/status_macros.h"
#include "server/domain/validation.h"
#include "server/store/principal_repository.h"

namespace brevis::app {
namespace {

// What both calls check before any database work: an admin, a principal's
// name and a valid identity.
absl::StatusOr<domain::name::Principal> CheckIdentityRequest(
    const Call& call, std::string_view name,
    const v1::ExternalIdentity& identity) {
  BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
      call.caller, domain::Permission::kManagePrincipals));
  BREVIS_ASSIGN_OR_RETURN(domain::name::Principal principal,
                          domain::ParsePrincipalName(name, "name"));
  BREVIS_RETURN_IF_ERROR(
      domain::ValidateExternalIdentity(identity, "external_identity"));
  return principal;
}

}  // namespace

absl::StatusOr<v1::Principal> Directory::ChangeExternalIdentity(
    const Call& call, std::string_view name,
    const v1::ExternalIdentity& identity, bool add) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Principal principal_name,
                          CheckIdentityRequest(call, name, identity));
  v1::Principal response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        store::PrincipalRepository principals(db);
        BREVIS_ASSIGN_OR_RETURN(store::PrincipalRecord current,
                                principals.Get(principal_name.principal));
        if (add) {
          if (current.principal.role() == v1::ROLE_INTEGRATION) {
            return absl::FailedPreconditionError(
                "external_identity: an integration cannot carry a sign-in "
                "identity; it authenticates with its client certificate or "
                "its own tokens");
          }
          BREVIS_RETURN_IF_ERROR(
              principals.AddIdentity(current.id, identity, call.time));
        } else {
          BREVIS_ASSIGN_OR_RETURN(
              bool removed, principals.RemoveIdentity(current.id, identity));
          if (!removed) {
            return absl::NotFoundError(
                "external_identity: the principal does not carry this "
                "identity");
          }
        }
        // A new etag and update_time: the principal changed.
        BREVIS_RETURN_IF_ERROR(principals.Update(
            current.id, current.unit_ids, call.time, &current.principal));
        BREVIS_ASSIGN_OR_RETURN(store::PrincipalRecord changed,
                                principals.GetById(current.id));
        response = std::move(changed.principal);
        // The event names the field, never the identity (personal data).
        return RecordEvent(
            db, call, AdminScope(),
            {v1::EVENT_KIND_UPDATED, response.name(), {"external_identities"}});
      }));
  return response;
}

absl::StatusOr<v1::Principal> Directory::AddExternalIdentity(
    const Call& call, const v1::AddExternalIdentityRequest& request) {
  return ChangeExternalIdentity(call, request.name(),
                                request.external_identity(), true);
}

absl::StatusOr<v1::Principal> Directory::RemoveExternalIdentity(
    const Call& call, const v1::RemoveExternalIdentityRequest& request) {
  return ChangeExternalIdentity(call, request.name(),
                                request.external_identity(), false);
}

}  // namespace brevis::app
