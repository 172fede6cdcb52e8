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

// Distinct credentials in use at once are a few hundred; past this many the
// cache starts over rather than grow without bound.
constexpr size_t kMaxCachedCallers = 10000;

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

absl::StatusOr<int64_t> Authenticator::Generation(store::Connection& db) {
  BREVIS_ASSIGN_OR_RETURN(int64_t generation,
                          store::TokenRepository(db).AuthGeneration());
  absl::MutexLock lock(&cache_mu_);
  // A later generation empties the cache; an earlier one (a snapshot begun
  // before another reader's) leaves it and is not served from it.
  if (generation > cache_generation_) {
    cache_generation_ = generation;
    tokens_.clear();
    certificates_.clear();
  }
  return generation;
}

void Authenticator::Remember(int64_t generation, std::string_view key,
                             const CachedCaller& cached, bool token) {
  absl::MutexLock lock(&cache_mu_);
  if (generation != cache_generation_) return;
  auto& cache = token ? tokens_ : certificates_;
  if (cache.size() >= kMaxCachedCallers) cache.clear();
  cache.insert_or_assign(std::string(key), cached);
}

std::optional<Authenticator::CachedCaller> Authenticator::Recall(
    int64_t generation, std::string_view key, bool token) {
  absl::MutexLock lock(&cache_mu_);
  if (generation != cache_generation_) return std::nullopt;
  const auto& cache = token ? tokens_ : certificates_;
  auto it = cache.find(absl::string_view(key.data(), key.size()));
  if (it == cache.end()) return std::nullopt;
  return it->second;
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
  std::optional<CachedCaller> cached;
  // The generation and, on a miss, the token and principal are read in one
  // snapshot, so what is remembered under a generation is what held then.
  absl::Status status = db_->Read([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(int64_t generation, Generation(db));
    cached = Recall(generation, hash, /*token=*/true);
    if (cached.has_value()) return absl::OkStatus();
    BREVIS_ASSIGN_OR_RETURN(auto found,
                            store::TokenRepository(db).FindBySecretHash(hash));
    if (!found.has_value()) return Unauthenticated();
    const store::TokenRecord& token = *found;
    BREVIS_ASSIGN_OR_RETURN(
        auto principal,
        store::PrincipalRepository(db).GetById(token.principal_id));
    if (!SameHash(hash, token.secret_hash) || token.revoke_time.has_value() ||
        !principal.principal.active()) {
      return Unauthenticated();
    }
    cached = CachedCaller{ToCaller(principal), token.id};
    cached->caller.token = token.name;
    cached->caller.token_expire = token.expire_time;
    Remember(generation, hash, *cached, /*token=*/true);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // Expiry needs no change to the database, so it is checked on every call.
  if (now >= cached->caller.token_expire) return Unauthenticated();
  RecordUse(cached->token_id);
  return std::move(cached->caller);
}

absl::StatusOr<domain::Caller> Authenticator::FromCertificate(
    std::string_view subject) {
  std::optional<CachedCaller> cached;
  absl::Status status = db_->Read([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(int64_t generation, Generation(db));
    cached = Recall(generation, subject, /*token=*/false);
    if (cached.has_value()) return absl::OkStatus();
    store::PrincipalRepository principals(db);
    BREVIS_ASSIGN_OR_RETURN(auto id,
                            principals.FindByCertificateSubject(subject));
    if (!id.has_value()) return Unauthenticated();
    BREVIS_ASSIGN_OR_RETURN(auto principal, principals.GetById(*id));
    if (!principal.principal.active() ||
        principal.principal.role() != v1::ROLE_INTEGRATION) {
      return Unauthenticated();
    }
    cached = CachedCaller{ToCaller(principal), 0};
    Remember(generation, subject, *cached, /*token=*/false);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return std::move(cached->caller);
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
