#include "server/app/change_feed.h"
#include "server/app/directory.h"
#include "server/app/list_window.h"
#include "server/auth/token_secret.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/principal_repository.h"
#include "server/store/sign_in_link_repository.h"
#include "server/store/token_repository.h"

namespace brevis::app {
namespace {

// Every principal's links at once (AIP-159).
constexpr std::string_view kEveryPrincipal = "principals/-";

// The refusals of RedeemSignInLink. They tell the person holding the link
// what to do, and never whose link it was.
absl::Status Refused(std::string_view why) {
  return absl::UnauthenticatedError(brevis::StrCat(
      "this sign-in link ", why, "; ask an administrator for a new one"));
}

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
      call.caller, domain::Permission::kManagePrincipals));
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

absl::StatusOr<v1::RedeemSignInLinkResponse> Directory::RedeemSignInLink(
    const Call& call, const v1::RedeemSignInLinkRequest& request) {
  if (request.secret().empty()) {
    return absl::InvalidArgumentError(
        "secret: required (the `link` part of the sign-in link)");
  }
  std::string hash = auth::HashTokenSecret(request.secret());
  std::string token_secret = auth::NewTokenSecret();
  v1::RedeemSignInLinkResponse response;
  // One transaction: the link is used up exactly when the token exists.
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        store::SignInLinkRepository links(db);
        BREVIS_ASSIGN_OR_RETURN(std::optional<store::SignInLinkRecord> link,
                                links.FindBySecretHash(hash));
        if (!link.has_value() || !auth::SameHash(hash, link->secret_hash)) {
          return Refused("is not valid (check that the whole link was copied)");
        }
        if (link->redeem_time.has_value()) {
          return Refused("has already been used");
        }
        if (call.time >= link->expire_time) return Refused("has expired");
        BREVIS_ASSIGN_OR_RETURN(
            store::PrincipalRecord principal,
            store::PrincipalRepository(db).GetById(link->principal_id));
        if (!principal.principal.active()) {
          return Refused("is for an account that has been deactivated");
        }
        BREVIS_ASSIGN_OR_RETURN(bool won,
                                links.MarkRedeemed(link->id, call.time));
        if (!won) return Refused("has already been used");
        // The events are the signed-in principal's own doing.
        Call as_principal = call;
        as_principal.caller.principal_id = principal.id;
        as_principal.caller.name = principal.principal.name();
        as_principal.caller.role = principal.principal.role();
        BREVIS_ASSIGN_OR_RETURN(
            domain::name::Principal name,
            domain::ParsePrincipalName(principal.principal.name(), "link"));
        v1::Token* token = response.mutable_token();
        token->set_display_name("sign-in link");
        store::SetTimestamp(
            store::ToMicros(call.time + domain::kSignInTokenLifetime),
            token->mutable_expire_time());
        BREVIS_RETURN_IF_ERROR(store::TokenRepository(db).Create(
            {name.principal, domain::NewResourceId()}, principal.id,
            auth::HashTokenSecret(token_secret), call.time, token));
        response.set_token_secret(token_secret);
        *response.mutable_principal() = std::move(principal.principal);
        BREVIS_RETURN_IF_ERROR(
            RecordEvent(db, as_principal, AdminScope(),
                        {v1::EVENT_KIND_UPDATED, link->name, {"redeem_time"}}));
        return RecordEvent(db, as_principal, AdminScope(),
                           {v1::EVENT_KIND_CREATED, token->name()});
      }));
  return response;
}

}  // namespace brevis::app
