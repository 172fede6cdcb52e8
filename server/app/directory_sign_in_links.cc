#include "server/app/change_feed.h"
#include "server/app/directory.h"
#include "server/app/list_window.h"
#include "server/auth/token_secret.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/principal_repository.h"
#include "server/store/sign_in_link_repository.h"

namespace brevis::app {
namespace {

// Every principal's links at once (AIP-159).
constexpr std::string_view kEveryPrincipal = "principals/-";

}  // namespace

absl::StatusOr<v1::CreateSignInLinkResponse> Directory::CreateSignInLink(
    const Call& call, const v1::CreateSignInLinkRequest& request) {
  BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
      call.caller, domain::Permission::kManagePrincipals));
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Principal parent,
      domain::ParsePrincipalName(request.parent(), "parent"));
  BREVIS_ASSIGN_OR_RETURN(absl::Duration ttl,
                          domain::SignInLinkLifetime(request.ttl().seconds(),
                                                     request.ttl().nanos()));
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Principal creator,
      domain::ParsePrincipalName(call.caller.name, "caller"));
  std::string secret = auth::NewTokenSecret();
  v1::CreateSignInLinkResponse response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(store::PrincipalRecord principal,
                                ActiveParent(db, parent));
        BREVIS_ASSIGN_OR_RETURN(
            *response.mutable_sign_in_link(),
            store::SignInLinkRepository(db).Create(
                {parent.principal, domain::NewResourceId()}, principal.id,
                creator, call.caller.principal_id,
                auth::HashTokenSecret(secret), call.time, call.time + ttl));
        response.set_secret(secret);
        return RecordEvent(
            db, call, AdminScope(),
            {v1::EVENT_KIND_CREATED, response.sign_in_link().name()});
      }));
  return response;
}

absl::StatusOr<v1::ListSignInLinksResponse> Directory::ListSignInLinks(
    const Call& call, const v1::ListSignInLinksRequest& request) {
  BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
      call.caller, domain::Permission::kReadPrincipals));
  std::optional<domain::name::Principal> parent;
  if (request.parent() != kEveryPrincipal) {
    BREVIS_ASSIGN_OR_RETURN(
        parent, domain::ParsePrincipalName(request.parent(), "parent"));
  }
  v1::ListSignInLinksResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call, request.parent(), request,
      [&](store::Connection& db, const ListWindow& window)
          -> absl::StatusOr<store::Page<v1::SignInLink>> {
        std::optional<int64_t> principal_id;
        if (parent.has_value()) {
          BREVIS_ASSIGN_OR_RETURN(
              store::PrincipalRecord principal,
              store::PrincipalRepository(db).Get(parent->principal));
          principal_id = principal.id;
        }
        return store::SignInLinkRepository(db).List(
            principal_id, window.after_id, window.limit);
      },
      response.mutable_sign_in_links(), response.mutable_next_page_token()));
  return response;
}

}  // namespace brevis::app
