#include "server/auth/authenticator.h"

#include "server/auth/token_secret.h"
#include "server/domain/status_macros.h"
#include "server/store/principal_repository.h"
#include "server/store/token_repository.h"

namespace brevis::auth {
namespace {

// Last-use times are for people reviewing tokens, not for security; one
// write a minute per token keeps them honest without a write per call.
constexpr absl::Duration kLastUseResolution = absl::Minutes(1);

constexpr std::string_view kBearer = "Bearer ";

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError(kUnauthenticatedMessage);
}

domain::Caller ToCaller(const store::PrincipalRecord& record) {
  domain::Caller caller;
  caller.principal_id = record.id;
  caller.name = record.principal.name();
  caller.role = record.principal.role();
  caller.unit_ids.insert(record.unit_ids.begin(), record.unit_ids.end());
  for (int scope : record.principal.scopes()) {
    caller.scopes |= uint64_t{1} << scope;
  }
  return caller;
}

}  // namespace

absl::StatusOr<domain::Caller> Authenticator::Authenticate(
    std::string_view authorization, std::string_view certificate_subject,
    std::string_view peer) {
  if (std::optional<absl::Status> refusal =
          RefuseWithoutLookup(authorization, certificate_subject, peer)) {
    return *refusal;
  }
  absl::StatusOr<domain::Caller> caller =
      authorization.empty() ? FromCertificate(certificate_subject)
                            : FromToken(authorization.substr(kBearer.size()));
  if (absl::IsUnauthenticated(caller.status())) {
    RecordFailedSignIn(peer);
    return Unauthenticated();
  }
  return caller;
}

std::optional<absl::Status> Authenticator::RefuseWithoutLookup(
    std::string_view authorization, std::string_view certificate_subject,
    std::string_view peer) {
  if (std::optional<absl::Status> refusal = RefuseThrottled(peer)) {
    return refusal;
  }
  // A bearer token wins over a certificate; other authorization schemes
  // are refused.
  bool token = authorization.starts_with(kBearer);
  bool certificate = authorization.empty() && !certificate_subject.empty();
  if (token || certificate) return std::nullopt;
  RecordFailedSignIn(peer);
  return Unauthenticated();
}

std::optional<absl::Status> Authenticator::RefuseThrottled(
    std::string_view peer) {
  if (!throttle_.IsThrottled(peer, clock_->Now())) return std::nullopt;
  return absl::ResourceExhaustedError(
      "too many failed sign-ins from this address; wait a minute");
}

void Authenticator::RecordFailedSignIn(std::string_view peer) {
  throttle_.RecordFailure(peer, clock_->Now());
}

absl::StatusOr<domain::Caller> Authenticator::FromToken(
    std::string_view secret) {
  std::string hash = HashTokenSecret(secret);
  absl::Time now = clock_->Now();
  std::optional<store::TokenRecord> token;
  std::optional<store::PrincipalRecord> principal;
  absl::Status status = db_->Read([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(auto found,
                            store::TokenRepository(db).FindBySecretHash(hash));
    if (!found.has_value()) return Unauthenticated();
    token = std::move(*found);
    BREVIS_ASSIGN_OR_RETURN(auto record, store::PrincipalRepository(db).GetById(
                                             token->principal_id));
    principal = std::move(record);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!SameHash(hash, token->secret_hash) || token->revoke_time.has_value() ||
      now >= token->expire_time || !principal->principal.active()) {
    return Unauthenticated();
  }
  RecordUse(token->id);
  domain::Caller caller = ToCaller(*principal);
  caller.token = token->name;
  caller.token_expire = token->expire_time;
  return caller;
}

absl::StatusOr<domain::Caller> Authenticator::FromCertificate(
    std::string_view subject) {
  std::optional<store::PrincipalRecord> principal;
  absl::Status status = db_->Read([&](store::Connection& db) -> absl::Status {
    store::PrincipalRepository principals(db);
    BREVIS_ASSIGN_OR_RETURN(auto id,
                            principals.FindByCertificateSubject(subject));
    if (!id.has_value()) return Unauthenticated();
    BREVIS_ASSIGN_OR_RETURN(auto record, principals.GetById(*id));
    principal = std::move(record);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!principal->principal.active() ||
      principal->principal.role() != v1::ROLE_INTEGRATION) {
    return Unauthenticated();
  }
  return ToCaller(*principal);
}

void Authenticator::RecordUse(int64_t token_id) {
  absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&last_use_mu_);
    absl::Time& last = last_use_[token_id];
    if (now - last < kLastUseResolution) return;
    last = now;
  }
  // A failure here loses only a last-use time; the call goes on.
  db_->Write([&](store::Connection& db) {
       return store::TokenRepository(db).RecordUse(token_id, now);
     })
      .IgnoreError();
}

}  // namespace brevis::auth
