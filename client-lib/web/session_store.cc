#include "client-lib/web/session_store.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <iostream>

namespace brevis::web {

SessionStore::SessionStore(Clock clock,
                           std::function<void(const WebSession&)> on_end)
    : clock_(std::move(clock)), on_end_(std::move(on_end)) {}

std::string SessionStore::NewSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Without randomness no session id is safe; better to stop than to
    // hand out guessable ones.
    std::cerr << "brevis-web: RAND_bytes failed; stopping" << std::endl;
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool SessionStore::CsrfMatches(const WebSession& session,
                               std::string_view given) {
  if (session.csrf.empty() || given.size() != session.csrf.size()) {
    return false;
  }
  return CRYPTO_memcmp(session.csrf.data(), given.data(), given.size()) == 0;
}

bool SessionStore::Expired(const WebSession& session, absl::Time now) const {
  return now - session.last_seen_time >= kIdleTimeout ||
         now - session.create_time >= kAbsoluteTimeout ||
         now >= session.token_expire_time;
}

std::string SessionStore::Create(WebSession session) {
  absl::Time now = clock_();
  session.id = NewSecret();
  session.csrf = NewSecret();
  session.create_time = now;
  session.last_seen_time = now;
  std::string id = session.id;
  absl::MutexLock lock(&mutex_);
  sessions_[id] = std::move(session);
  return id;
}

std::optional<WebSession> SessionStore::Find(std::string_view id) {
  std::optional<WebSession> expired;
  {
    absl::MutexLock lock(&mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::nullopt;
    absl::Time now = clock_();
    if (!Expired(it->second, now)) {
      it->second.last_seen_time = now;
      return it->second;
    }
    expired = std::move(it->second);
    sessions_.erase(it);
  }
  if (on_end_) on_end_(*expired);
  return std::nullopt;
}

std::optional<WebSession> SessionStore::End(std::string_view id) {
  absl::MutexLock lock(&mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  WebSession session = std::move(it->second);
  sessions_.erase(it);
  return session;
}

int SessionStore::Sweep() {
  std::vector<WebSession> expired;
  {
    absl::MutexLock lock(&mutex_);
    absl::Time now = clock_();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (Expired(it->second, now)) {
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (on_end_) {
    for (const WebSession& session : expired) on_end_(session);
  }
  return static_cast<int>(expired.size());
}

size_t SessionStore::size() const {
  absl::MutexLock lock(&mutex_);
  return sessions_.size();
}

}  // namespace brevis::web
