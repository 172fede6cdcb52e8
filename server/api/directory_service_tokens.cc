#include "server/app/change_feed.h"
#include "server/api/directory_service.h"
#include "server/auth/token_secret.h"
#include "server/domain/calendar.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/principal_repository.h"
#include "server/store/token_repository.h"

namespace brevis::api {

grpc::ServerUnaryReactor* DirectoryService::CreateToken(
    grpc::CallbackServerContext* context, const v1::CreateTokenRequest* request,
    v1::CreateTokenResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/CreateToken",
               [this, request, response](const Call& call) {
                 return DoCreateToken(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::ListTokens(
    grpc::CallbackServerContext* context, const v1::ListTokensRequest* request,
    v1::ListTokensResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/ListTokens",
               [this, request, response](const Call& call) {
                 return DoListTokens(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::RevokeToken(
    grpc::CallbackServerContext* context, const v1::RevokeTokenRequest* request,
    v1::Token* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/RevokeToken",
               [this, request, response](const Call& call) {
                 return DoRevokeToken(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::WhoAmI(
    grpc::CallbackServerContext* context, const v1::WhoAmIRequest* request,
    v1::WhoAmIResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/WhoAmI",
               [this, request, response](const Call& call) {
                 return DoWhoAmI(call, *request, response);
               });
}
absl::Status DirectoryService::DoCreateToken(
    const Call& call, const v1::CreateTokenRequest& request,
    v1::CreateTokenResponse* response) {
  absl::StatusOr<std::string> principal_uid =
      PrincipalIdFor(call, request.parent(), "parent");
  if (!principal_uid.ok()) return principal_uid.status();
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
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto principal = store::PrincipalRepository(db).Get(*principal_uid);
    if (!principal.ok()) return principal.status();
    if (!principal->principal.active()) {
      return absl::FailedPreconditionError(
          brevis::StrCat("parent: principal ", request.parent(),
                         " is inactive; reactivate it first"));
    }
    v1::Token* token = response->mutable_token();
    token->set_display_name(request.token().display_name());
    token->mutable_expire_time()->set_seconds(absl::ToUnixSeconds(expire));
    BREVIS_RETURN_IF_ERROR(store::TokenRepository(db).Create(
        *principal_uid, principal->id, domain::NewResourceId(),
        auth::HashTokenSecret(secret), call.time, token));
    response->set_secret(secret);
    return RecordEvent(db, call, AdminScope(),
                       {v1::EVENT_KIND_CREATED, token->name()});
  });
}

absl::Status DirectoryService::DoListTokens(
    const Call& call, const v1::ListTokensRequest& request,
    v1::ListTokensResponse* response) {
  absl::StatusOr<std::string> principal_uid =
      PrincipalIdFor(call, request.parent(), "parent");
  if (!principal_uid.ok()) return principal_uid.status();
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, request.parent()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    auto principal = store::PrincipalRepository(db).Get(*principal_uid);
    if (!principal.ok()) return principal.status();
    auto page = store::TokenRepository(db).List(
        *principal_uid, principal->id, window->after_id, window->limit);
    if (!page.ok()) return page.status();
    for (v1::Token& token : page->items) {
      *response->add_tokens() = std::move(token);
    }
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  });
}

absl::Status DirectoryService::DoRevokeToken(
    const Call& call, const v1::RevokeTokenRequest& request,
    v1::Token* response) {
  auto ids =
      domain::ParseName(request.name(), {"principals", "tokens"}, "name");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::string> principal_uid =
      PrincipalIdFor(call, domain::PrincipalName((*ids)[0]), "name");
  if (!principal_uid.ok()) return principal_uid.status();
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto principal = store::PrincipalRepository(db).Get(*principal_uid);
    if (!principal.ok()) return principal.status();
    auto token = store::TokenRepository(db).Revoke(
        *principal_uid, principal->id, (*ids)[1], call.time);
    if (!token.ok()) return token.status();
    *response = std::move(*token);
    return RecordEvent(db, call, AdminScope(),
                       {v1::EVENT_KIND_REVOKED, response->name()});
  });
}

absl::Status DirectoryService::DoWhoAmI(const Call& call,
                                        const v1::WhoAmIRequest&,
                                        v1::WhoAmIResponse* response) {
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    auto principal =
        store::PrincipalRepository(db).GetById(call.caller.principal_id);
    if (!principal.ok()) return principal.status();
    *response->mutable_principal() = std::move(principal->principal);
    response->set_token(call.caller.token);
    return absl::OkStatus();
  });
}

}  // namespace brevis::api
