#ifndef BREVIS_SERVER_APP_DIRECTORY_H_
#define BREVIS_SERVER_APP_DIRECTORY_H_

// The directory's use cases: units, principals and their bearer tokens
// (brevis.v1.DirectoryService).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "brevis/v1/directory_service.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"
#include "server/domain/resource_name.h"
#include "server/store/principal_repository.h"

namespace brevis::app {

// Principal `name` if the caller may act on it: admins on anyone, everyone
// else on themselves (another's name is NOT_FOUND, as if it did not exist).
// INVALID_ARGUMENT naming `field` for a malformed name.
absl::StatusOr<domain::name::Principal> PrincipalFor(const Call& call,
                                                     std::string_view name,
                                                     std::string_view field);

// As PrincipalFor, for reads: integrations with SCOPE_READ_CONTACTS may
// read any principal too (GetPrincipal, ListTokens).
absl::StatusOr<domain::name::Principal> PrincipalToRead(const Call& call,
                                                        std::string_view name,
                                                        std::string_view field);

// The principal `parent` names, which is to get a new credential (a token,
// a sign-in link): NOT_FOUND when it does not exist, FAILED_PRECONDITION
// naming `parent` when it is inactive. Inside the caller's transaction.
absl::StatusOr<store::PrincipalRecord> ActiveParent(
    store::Connection& db, const domain::name::Principal& parent);

// Units, principals and tokens. Thread-safe: it holds only the borrowed,
// thread-safe dependencies, which the owner keeps alive. Units are in
// directory_units.cc, principals in directory_principals.cc, tokens and
// WhoAmI in directory_tokens.cc, sign-in links in
// directory_sign_in_links.cc, external identities in
// directory_identities.cc, ExchangeSignIn in directory_sign_in.cc.
//
// Every method may also return what the store returns: UNAVAILABLE or
// RESOURCE_EXHAUSTED when the database cannot be read or written.
class Directory {
 public:
  explicit Directory(const Dependencies& deps) : deps_(deps) {}

  // PERMISSION_DENIED without the right to write units; INVALID_ARGUMENT
  // for a missing unit, a bad request_id (AIP-155) or unit field, or a
  // request_id reused for another request; ALREADY_EXISTS when the hsa_id
  // is taken. A retry with the same request_id returns the first unit.
  absl::StatusOr<v1::Unit> CreateUnit(const Call& call,
                                      const v1::CreateUnitRequest& request);
  // PERMISSION_DENIED without the right to read units; INVALID_ARGUMENT for
  // a malformed name; NOT_FOUND for a unit that does not exist or lies
  // outside the caller's unit scopes.
  absl::StatusOr<v1::Unit> GetUnit(const Call& call,
                                   const v1::GetUnitRequest& request);
  // The units the caller may see (AIP-132; filter on active, kind and
  // region). PERMISSION_DENIED without the right to read units;
  // INVALID_ARGUMENT for a bad filter, page_size or page_token.
  absl::StatusOr<v1::ListUnitsResponse> ListUnits(
      const Call& call, const v1::ListUnitsRequest& request);
  // AIP-134 with update_mask. PERMISSION_DENIED without the right to write
  // units; INVALID_ARGUMENT for a missing unit, a malformed name, a bad
  // mask, an "active" in the mask without a value, or a bad field;
  // NOT_FOUND; ABORTED for a stale etag (AIP-154); ALREADY_EXISTS when the
  // hsa_id is taken.
  absl::StatusOr<v1::Unit> UpdateUnit(const Call& call,
                                      const v1::UpdateUnitRequest& request);

  // Admins only. PERMISSION_DENIED for anyone else; INVALID_ARGUMENT for a
  // missing principal, a bad request_id or field, or a request_id reused for
  // another request; NOT_FOUND naming principal.units[i] for a unit that
  // does not exist; ALREADY_EXISTS when the certificate_subject is taken.
  absl::StatusOr<v1::Principal> CreatePrincipal(
      const Call& call, const v1::CreatePrincipalRequest& request);
  // Admins any principal, anyone else only themselves. INVALID_ARGUMENT for
  // a malformed name; NOT_FOUND for another's name or a missing principal.
  absl::StatusOr<v1::Principal> GetPrincipal(
      const Call& call, const v1::GetPrincipalRequest& request);
  // Admins only (AIP-132; filter on role and active). PERMISSION_DENIED for
  // anyone else; INVALID_ARGUMENT for a bad filter, page_size or page_token.
  absl::StatusOr<v1::ListPrincipalsResponse> ListPrincipals(
      const Call& call, const v1::ListPrincipalsRequest& request);
  // Admins only (AIP-134). PERMISSION_DENIED for anyone else;
  // INVALID_ARGUMENT as UpdateUnit; NOT_FOUND for the principal or one of
  // its units; ABORTED for a stale etag; FAILED_PRECONDITION when admins
  // would deactivate themselves. Flipping active touches every audit whose
  // team the principal is on (new etag, an "auditors" event).
  absl::StatusOr<v1::Principal> UpdatePrincipal(
      const Call& call, const v1::UpdatePrincipalRequest& request);

  // A bearer token for principal `parent`, with its secret (shown once).
  // Admins for anyone; anyone else for themselves, only when calling with a
  // token, and never past that token's expiry. INVALID_ARGUMENT for a
  // malformed parent, a bad token field or an expiry past the caller's
  // token's; NOT_FOUND for another's parent or a missing principal;
  // PERMISSION_DENIED for a non-admin signed in with a client certificate;
  // FAILED_PRECONDITION for an inactive principal.
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(
      const Call& call, const v1::CreateTokenRequest& request);
  // The tokens of `parent` (AIP-132), without secrets. Who may: as
  // CreateToken. INVALID_ARGUMENT for a malformed parent, page_size or
  // page_token; NOT_FOUND for another's parent or a missing principal.
  absl::StatusOr<v1::ListTokensResponse> ListTokens(
      const Call& call, const v1::ListTokensRequest& request);
  // Sets the token's revoke_time (a second revoke keeps the first). Who
  // may: as CreateToken. INVALID_ARGUMENT for a malformed name; NOT_FOUND
  // for another's token or a missing principal or token.
  absl::StatusOr<v1::Token> RevokeToken(const Call& call,
                                        const v1::RevokeTokenRequest& request);
  // Sign-in links (directory_sign_in_links.cc).
  //
  // A one-time link for principal `parent`, with its secret (shown once,
  // kept as its SHA-256). Admins only: PERMISSION_DENIED for anyone else;
  // INVALID_ARGUMENT for a malformed parent or a bad ttl (negative, over 24
  // hours); NOT_FOUND for a missing principal; FAILED_PRECONDITION for an
  // inactive one. Records a CREATED event of the link.
  absl::StatusOr<v1::CreateSignInLinkResponse> CreateSignInLink(
      const Call& call, const v1::CreateSignInLinkRequest& request);
  // The links of `parent`, or of everyone for principals/- (AIP-132, AIP-159),
  // without secrets. Admins only: PERMISSION_DENIED for anyone else;
  // INVALID_ARGUMENT for a malformed parent, page_size or page_token;
  // NOT_FOUND for a missing principal.
  absl::StatusOr<v1::ListSignInLinksResponse> ListSignInLinks(
      const Call& call, const v1::ListSignInLinksRequest& request);

  // External identities and sign-in (directory_identities.cc,
  // directory_sign_in.cc; issue 14).
  //
  // Links `external_identity` to principal `name`. Admins only:
  // PERMISSION_DENIED for anyone else; INVALID_ARGUMENT for a malformed
  // name or naming external_identity.issuer or .subject
  // (domain::ValidateExternalIdentity); NOT_FOUND for a missing principal;
  // ALREADY_EXISTS when any principal carries the identity. Returns the
  // principal (new etag); records an UPDATED event naming the field only.
  absl::StatusOr<v1::Principal> AddExternalIdentity(
      const Call& call, const v1::AddExternalIdentityRequest& request);
  // Unlinks it: as AddExternalIdentity, but NOT_FOUND also when the
  // principal does not carry the identity.
  absl::StatusOr<v1::Principal> RemoveExternalIdentity(
      const Call& call, const v1::RemoveExternalIdentityRequest& request);
  // Exchanges one credential for a new token of the principal it names,
  // working for `ttl` (0: domain::kSignInTokenLifetime, the most).
  // Only integrations with SCOPE_SIGN_IN: PERMISSION_DENIED for anyone
  // else, admins too. INVALID_ARGUMENT naming `credential` without one,
  // the identity's field, sign_in_link_secret when empty, or `ttl`;
  // NOT_FOUND for an identity no principal carries or an unknown link;
  // FAILED_PRECONDITION for a used or expired link or a deactivated
  // principal. Messages never name the principal or repeat the credential.
  // In one write transaction it uses the link up (once: of concurrent
  // exchanges of one secret exactly one gets a token), creates the token,
  // records events of both (by the caller) and one access-log entry
  // (resource: the principal signed in). The response's principal is
  // filtered as for any read by the caller.
  absl::StatusOr<v1::ExchangeSignInResponse> ExchangeSignIn(
      const Call& call, const v1::ExchangeSignInRequest& request);

  // The caller's principal and the token it calls with (empty for a client
  // certificate). Anyone authenticated.
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const Call& call,
                                            const v1::WhoAmIRequest& request);

 private:
  // INVALID_ARGUMENT "<resource>.active: required when update_mask names
  // it" when the mask's `paths` name "active" but the request leaves it
  // unset (an unset optional is not false).
  // Adds (`add`) or removes `identity` of principal `name`, as
  // AddExternalIdentity and RemoveExternalIdentity describe.
  absl::StatusOr<v1::Principal> ChangeExternalIdentity(
      const Call& call, std::string_view name,
      const v1::ExternalIdentity& identity, bool add);
  static absl::Status CheckActiveGiven(const std::vector<std::string>& paths,
                                       bool has_active,
                                       std::string_view resource);

  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_DIRECTORY_H_
