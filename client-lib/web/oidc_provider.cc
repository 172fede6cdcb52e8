#include "client-lib/web/oidc_provider.h"

#include "client-lib/web/cat.h"
#include "client-lib/web/json_doc.h"

namespace brevis::web {
namespace {

// An https URL of visible ASCII only: these URLs go into Location headers
// and a CSP, so a space, CR, LF or other control byte from a hostile or
// broken provider must never get that far (RFC 3986 has no such bytes).
bool IsHttps(std::string_view url) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f) {
      return false;
    }
  }
  return url.size() > 8 && url.substr(0, 8) == "https://";
}

// A provider's answer that is not 200 is its failure to serve, not ours to
// show as a refusal of the person.
absl::Status NotServed(std::string_view what, const HttpsReply& reply) {
  return absl::UnavailableError(
      Cat(what, " answered HTTP ", static_cast<int>(reply.status)));
}

}  // namespace

absl::StatusOr<ProviderMetadata> ParseDiscovery(std::string_view json,
                                                const std::string& issuer) {
  std::string why;
  JsonDoc doc = ParseJsonObject(json, &why);
  if (doc == nullptr) {
    return absl::FailedPreconditionError(Cat("discovery document: ", why));
  }
  ProviderMetadata meta;
  meta.issuer = JsonString(doc.get(), "issuer");
  if (meta.issuer != issuer) {
    return absl::FailedPreconditionError(
        Cat("discovery document: issuer '", meta.issuer.substr(0, 200),
            "' is not oidc_issuer '", issuer, "'"));
  }
  struct Field {
    const char* name;
    std::string ProviderMetadata::*value;
    bool required;
  };
  for (const Field& f : {
           Field{"authorization_endpoint",
                 &ProviderMetadata::authorization_endpoint, true},
           Field{"token_endpoint", &ProviderMetadata::token_endpoint, true},
           Field{"jwks_uri", &ProviderMetadata::jwks_uri, true},
           Field{"end_session_endpoint",
                 &ProviderMetadata::end_session_endpoint, false},
       }) {
    meta.*(f.value) = JsonString(doc.get(), f.name);
    const std::string& url = meta.*(f.value);
    if (url.empty() && !f.required) continue;
    if (!IsHttps(url)) {
      return absl::FailedPreconditionError(
          Cat("discovery document: ", f.name,
              url.empty() ? " is missing" : " is not an https URL"));
    }
  }
  return meta;
}

OidcProvider::OidcProvider(OidcProviderOptions options,
                           std::shared_ptr<OidcHttps> https, Clock clock)
    : options_(std::move(options)),
      https_(std::move(https)),
      clock_(std::move(clock)) {}

absl::StatusOr<ProviderMetadata> OidcProvider::Metadata() {
  int attempts;
  {
    absl::MutexLock lock(&mutex_);
    if (metadata_ && clock_() - metadata_time_ < options_.metadata_max_age) {
      return *metadata_;
    }
    attempts = metadata_attempts_;
  }
  absl::MutexLock fetching(&fetch_mutex_);
  {
    absl::MutexLock lock(&mutex_);
    if (metadata_attempts_ != attempts && !metadata_failure_.ok()) {
      if (metadata_) return *metadata_;
      return metadata_failure_;
    }
  }
  return FetchMetadata();
}

absl::StatusOr<ProviderMetadata> OidcProvider::FetchMetadata() {
  {
    absl::MutexLock lock(&mutex_);
    if (metadata_ && clock_() - metadata_time_ < options_.metadata_max_age) {
      return *metadata_;
    }
  }
  // Discovery §4: a trailing '/' of the issuer is not doubled.
  std::string base = options_.issuer;
  if (!base.empty() && base.back() == '/') base.pop_back();
  absl::StatusOr<ProviderMetadata> meta;
  absl::StatusOr<HttpsReply> reply =
      https_->Get(base + "/.well-known/openid-configuration");
  if (!reply.ok()) {
    meta = reply.status();
  } else if (reply->status != 200) {
    meta = NotServed("the discovery endpoint", *reply);
  } else {
    meta = ParseDiscovery(reply->body, options_.issuer);
  }
  absl::MutexLock lock(&mutex_);
  ++metadata_attempts_;
  if (!meta.ok()) {
    metadata_failure_ = meta.status();
    if (metadata_) return *metadata_;  // stale, but better than none
    return meta.status();
  }
  metadata_failure_ = absl::OkStatus();
  metadata_ = *meta;
  metadata_time_ = clock_();
  return meta;
}

absl::StatusOr<std::shared_ptr<const JwkSet>> OidcProvider::FetchKeys() {
  absl::StatusOr<std::shared_ptr<const JwkSet>> keys;
  absl::StatusOr<ProviderMetadata> meta = FetchMetadata();
  if (!meta.ok()) {
    keys = meta.status();
  } else {
    absl::StatusOr<HttpsReply> reply = https_->Get(meta->jwks_uri);
    if (!reply.ok()) {
      keys = reply.status();
    } else if (reply->status != 200) {
      keys = NotServed("jwks_uri", *reply);
    } else {
      absl::StatusOr<JwkSet> set = JwkSet::Parse(reply->body);
      if (set.ok()) {
        keys = std::make_shared<const JwkSet>(*std::move(set));
      } else {
        keys = absl::FailedPreconditionError(set.status().message());
      }
    }
  }
  absl::MutexLock lock(&mutex_);
  ++jwks_attempts_;
  if (!keys.ok()) {
    jwks_failure_ = keys.status();
    return keys;
  }
  jwks_failure_ = absl::OkStatus();
  keys_ = *keys;
  ++keys_generation_;
  return keys;
}

absl::StatusOr<std::pair<std::shared_ptr<const JwkSet>, int>>
OidcProvider::Keys() {
  int attempts;
  {
    absl::MutexLock lock(&mutex_);
    if (keys_) return std::make_pair(keys_, keys_generation_);
    attempts = jwks_attempts_;
  }
  absl::MutexLock fetching(&fetch_mutex_);
  {
    absl::MutexLock lock(&mutex_);
    if (keys_) return std::make_pair(keys_, keys_generation_);
    if (jwks_attempts_ != attempts && !jwks_failure_.ok()) {
      return jwks_failure_;
    }
  }
  absl::StatusOr<std::shared_ptr<const JwkSet>> keys = FetchKeys();
  if (!keys.ok()) return keys.status();
  absl::MutexLock lock(&mutex_);
  return std::make_pair(keys_, keys_generation_);
}

absl::StatusOr<std::shared_ptr<const JwkSet>> OidcProvider::RefetchKeys(
    int seen) {
  absl::MutexLock fetching(&fetch_mutex_);
  {
    absl::MutexLock lock(&mutex_);
    if (keys_generation_ != seen) return keys_;
    absl::Time now = clock_();
    if (last_kid_refetch_ &&
        now - *last_kid_refetch_ < options_.jwks_refetch_interval) {
      return std::shared_ptr<const JwkSet>();
    }
    last_kid_refetch_ = now;
  }
  return FetchKeys();
}

absl::StatusOr<IdTokenVerdict> OidcProvider::Verify(
    std::string_view id_token, const IdTokenExpectations& expect) {
  auto keys = Keys();
  if (!keys.ok()) return keys.status();
  IdTokenVerdict verdict = VerifyIdToken(id_token, *keys->first, expect);
  if (verdict.error != IdTokenError::kUnknownKey) return verdict;
  absl::StatusOr<std::shared_ptr<const JwkSet>> newer =
      RefetchKeys(keys->second);
  if (!newer.ok()) return newer.status();
  if (*newer == nullptr) {
    verdict.reason +=
        Cat("; the keys were fetched again less than ",
            absl::ToInt64Seconds(options_.jwks_refetch_interval), " s ago");
    return verdict;
  }
  return VerifyIdToken(id_token, **newer, expect);
}

int OidcProvider::jwks_fetches() const {
  absl::MutexLock lock(&mutex_);
  return jwks_attempts_;
}

}  // namespace brevis::web
