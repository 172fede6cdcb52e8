#include <algorithm>

#include "server/app/change_feed.h"
#include "server/app/directory.h"
#include "server/app/list_window.h"
#include "server/auth/token_secret.h"
#include "server/domain/calendar.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/principal_repository.h"
#include "server/store/token_repository.h"

namespace brevis::app {

absl::StatusOr<v1::CreateTokenResponse> Directory::CreateToken(
    const Call& call, const v1::CreateTokenRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Principal parent,
                          PrincipalFor(call, request.parent(), "parent"));
  BREVIS_RETURN_IF_ERROR(domain::ValidateToken(request.token(), call.time));
  // A stolen token must not buy a longer-lived one: only admins mint
  // freely; anyone else only with a token, and never past its expiry.
  bool limited = call.caller.role != v1::ROLE_ADMIN;
  if (limited && call.caller.token.empty()) {
    return absl::PermissionDeniedError(
        "a principal signed in with a client certificate may not make "
        "bearer tokens; ask an admin");
  }
  absl::Time expire = call.time + domain::kDefaultTokenLifetime;
  if (request.token().has_expire_time()) {
    expire = domain::ToTime(request.token().expire_time());
    if (limited && expire > call.caller.token_expire) {
      return absl::InvalidArgumentError(brevis::StrCat(
          "token.expire_time: must not be after the expiry of the token you "
          "call with (",
          absl::FormatTime(call.caller.token_expire, absl::UTCTimeZone()),
          ")"));
    }
  } else if (limited) {
    expire = std::min(expire, call.caller.token_expire);
  }
  std::string secret = auth::NewTokenSecret();
  v1::CreateTokenResponse response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(store::PrincipalRecord principal,
                                ActiveParent(db, parent));
        v1::Token* token = response.mutable_token();
        token->set_display_name(request.token().display_name());
        token->mutable_expire_time()->set_seconds(absl::ToUnixSeconds(expire));
        BREVIS_RETURN_IF_ERROR(store::TokenRepository(db).Create(
            {parent.principal, domain::NewResourceId()}, principal.id,
            auth::HashTokenSecret(secret), call.time, token));
        response.set_secret(secret);
        return RecordEvent(db, call, AdminScope(),
                           {v1::EVENT_KIND_CREATED, token->name()});
      }));
  return response;
}

absl::StatusOr<v1::ListTokensResponse> Directory::ListTokens(
    const Call& call, const v1::ListTokensRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Principal parent,
                          PrincipalFor(call, request.parent(), "parent"));
  v1::ListTokensResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call, request.parent(), request,
      [&](store::Connection& db,
          const ListWindow& window) -> absl::StatusOr<store::Page<v1::Token>> {
        BREVIS_ASSIGN_OR_RETURN(
            store::PrincipalRecord principal,
            store::PrincipalRepository(db).Get(parent.principal));
        return store::TokenRepository(db).List(parent.principal, principal.id,
                                               window.after_id, window.limit);
      },
      response.mutable_tokens(), response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<v1::Token> Directory::RevokeToken(
    const Call& call, const v1::RevokeTokenRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Token name,
                          domain::ParseTokenName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(
      PrincipalFor(call, domain::PrincipalName(name.principal), "name")
          .status());
  v1::Token response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            store::PrincipalRecord principal,
            store::PrincipalRepository(db).Get(name.principal));
        BREVIS_ASSIGN_OR_RETURN(response, store::TokenRepository(db).Revoke(
                                              name, principal.id, call.time));
        return RecordEvent(db, call, AdminScope(),
                           {v1::EVENT_KIND_REVOKED, response.name()});
      }));
  return response;
}

absl::StatusOr<v1::WhoAmIResponse> Directory::WhoAmI(const Call& call,
                                                     const v1::WhoAmIRequest&) {
  v1::WhoAmIResponse response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            store::PrincipalRecord principal,
            store::PrincipalRepository(db).GetById(call.caller.principal_id));
        *response.mutable_principal() = std::move(principal.principal);
        response.set_token(call.caller.token);
        return absl::OkStatus();
      }));
  return response;
}

}  // namespace brevis::app
