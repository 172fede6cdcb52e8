// ExchangeSignIn: the one way a browser session gets its token (issue 14).
// brevis-web, authenticated as its own integration with SCOPE_SIGN_IN,
// hands over what it verified (an OpenID Connect identity) or what the
// person brought (a one-time sign-in link's secret), and gets a short-lived
// token of the principal it names.

#include "server/app/change_feed.h"
#include "server/app/directory.h"
#include "server/auth/token_secret.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/principal_repository.h"
#include "server/store/sign_in_link_repository.h"
#include "server/store/token_repository.h"

namespace brevis::app {
namespace {

// The refusals of a sign-in link. They tell the person holding the link
// what to do, and never whose link it was.
std::string LinkRefusal(std::string_view why) {
  return brevis::StrCat("this sign-in link ", why,
                        "; ask an administrator for a new one");
}

// What a credential signs in: the principal's row id, and the link when it
// was a link (to be used up in the same transaction).
struct SignInTarget {
  int64_t principal_id = 0;
  std::optional<store::SignInLinkRecord> link;
};

absl::StatusOr<SignInTarget> FindLinkTarget(store::Connection& db,
                                            const std::string& secret,
                                            absl::Time now) {
  std::string hash = auth::HashTokenSecret(secret);
  BREVIS_ASSIGN_OR_RETURN(
      std::optional<store::SignInLinkRecord> link,
      store::SignInLinkRepository(db).FindBySecretHash(hash));
  if (!link.has_value() || !auth::SameHash(hash, link->secret_hash)) {
    return absl::NotFoundError(
        LinkRefusal("is not valid (check that the whole link was copied)"));
  }
  if (link->redeem_time.has_value()) {
    return absl::FailedPreconditionError(LinkRefusal("has already been used"));
  }
  if (now >= link->expire_time) {
    return absl::FailedPreconditionError(LinkRefusal("has expired"));
  }
  return SignInTarget{link->principal_id, std::move(link)};
}

absl::StatusOr<SignInTarget> FindIdentityTarget(
    store::Connection& db, const v1::ExternalIdentity& identity) {
  BREVIS_ASSIGN_OR_RETURN(
      std::optional<int64_t> id,
      store::PrincipalRepository(db).FindByIdentity(identity));
  // Neither the subject nor who might have it is repeated: the message
  // reaches logs.
  if (!id.has_value()) {
    return absl::NotFoundError("no principal has this sign-in identity");
  }
  return SignInTarget{*id, std::nullopt};
}

// The request's credential, checked before any database work.
absl::Status CheckCredential(const v1::ExchangeSignInRequest& request) {
  switch (request.credential_case()) {
    case v1::ExchangeSignInRequest::kExternalIdentity:
      return domain::ValidateExternalIdentity(request.external_identity(),
                                              "external_identity");
    case v1::ExchangeSignInRequest::kSignInLinkSecret:
      if (request.sign_in_link_secret().empty()) {
        return absl::InvalidArgumentError(
            "sign_in_link_secret: required (the `link` part of the sign-in "
            "link)");
      }
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          "credential: required: external_identity or sign_in_link_secret");
  }
}

}  // namespace

absl::StatusOr<v1::ExchangeSignInResponse> Directory::ExchangeSignIn(
    const Call& call, const v1::ExchangeSignInRequest& request) {
  BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
      call.caller, domain::Permission::kExchangeSignIn));
  BREVIS_RETURN_IF_ERROR(CheckCredential(request));
  BREVIS_ASSIGN_OR_RETURN(absl::Duration ttl,
                          domain::SignInTokenLifetime(request.ttl().seconds(),
                                                      request.ttl().nanos()));
  bool by_link = request.has_sign_in_link_secret();
  std::string token_secret = auth::NewTokenSecret();
  v1::ExchangeSignInResponse response;
  // One transaction: a link is used up exactly when the token exists, and
  // the token exists exactly when its access-log entry does.
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            SignInTarget target,
            by_link
                ? FindLinkTarget(db, request.sign_in_link_secret(), call.time)
                : FindIdentityTarget(db, request.external_identity()));
        BREVIS_ASSIGN_OR_RETURN(
            store::PrincipalRecord principal,
            store::PrincipalRepository(db).GetById(target.principal_id));
        if (!principal.principal.active()) {
          return absl::FailedPreconditionError("the account is deactivated");
        }
        // A browser session is a person's; a service account never gets one,
        // whatever identity or link an admin gave it by mistake.
        if (principal.principal.role() == v1::ROLE_INTEGRATION) {
          return absl::FailedPreconditionError(
              "an integration cannot sign in through a browser; it uses its "
              "client certificate or its own tokens");
        }
        if (target.link.has_value()) {
          BREVIS_ASSIGN_OR_RETURN(bool won,
                                  store::SignInLinkRepository(db).MarkRedeemed(
                                      target.link->id, call.time));
          if (!won) {
            return absl::FailedPreconditionError(
                LinkRefusal("has already been used"));
          }
          BREVIS_RETURN_IF_ERROR(RecordEvent(
              db, call, AdminScope(),
              {v1::EVENT_KIND_UPDATED, target.link->name, {"redeem_time"}}));
        }
        BREVIS_ASSIGN_OR_RETURN(
            domain::name::Principal name,
            domain::ParsePrincipalName(principal.principal.name(), "name"));
        v1::Token* token = response.mutable_token();
        token->set_display_name(by_link ? "sign-in link" : "sign-in");
        store::SetTimestamp(store::ToMicros(call.time + ttl),
                            token->mutable_expire_time());
        BREVIS_RETURN_IF_ERROR(store::TokenRepository(db).Create(
            {name.principal, domain::NewResourceId()}, principal.id,
            auth::HashTokenSecret(token_secret), call.time, token));
        response.set_token_secret(token_secret);
        BREVIS_RETURN_IF_ERROR(RecordEvent(
            db, call, AdminScope(), {v1::EVENT_KIND_CREATED, token->name()}));
        // Who signed whom in, and how; never the identity itself.
        v1::AccessLogEntry entry =
            call.Entry(v1::ACCESS_KIND_WRITE, principal.principal.name());
        entry.set_detail(by_link ? "signed in with a sign-in link"
                                 : "signed in with an external identity");
        BREVIS_RETURN_IF_ERROR(store::AccessLogRepository(db).Append(entry));
        *response.mutable_principal() = std::move(principal.principal);
        return absl::OkStatus();
      }));
  domain::HideContactUnlessAllowed(call.caller, response.mutable_principal());
  return response;
}

}  // namespace brevis::app
