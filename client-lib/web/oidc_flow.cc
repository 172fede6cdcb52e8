#include "client-lib/web/oidc_flow.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <iostream>
#include <vector>

namespace brevis::web {

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::string RandomBase64Url(size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    std::cerr << "brevis-web: RAND_bytes failed; stopping" << std::endl;
    std::abort();
  }
  return Base64Url(std::string_view(
      reinterpret_cast<const char*>(random.data()), random.size()));
}

std::string PkceChallenge(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()),
         verifier.size(), digest);
  return Base64Url(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

PreSessionStore::PreSessionStore(Clock clock, size_t max_entries)
    : clock_(std::move(clock)), max_entries_(max_entries) {}

PreSession PreSessionStore::Create(std::string next) {
  PreSession pre;
  pre.id = RandomBase64Url(32);
  pre.state = RandomBase64Url(32);
  pre.nonce = RandomBase64Url(32);
  // RFC 7636 §4.1: 43-128 characters; 32 random bytes give 43.
  pre.code_verifier = RandomBase64Url(32);
  pre.next = std::move(next);
  absl::MutexLock lock(&mutex_);
  absl::Time now = clock_();
  pre.create_time = now;
  if (entries_.size() >= max_entries_) {
    std::erase_if(entries_, [&](const auto& entry) {
      return now - entry.second.create_time >= kLifetime;
    });
  }
  while (entries_.size() >= max_entries_) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.create_time < oldest->second.create_time) oldest = it;
    }
    entries_.erase(oldest);
  }
  entries_[pre.id] = pre;
  return pre;
}

std::optional<PreSession> PreSessionStore::Take(std::string_view id,
                                                std::string_view state) {
  absl::MutexLock lock(&mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  PreSession pre = std::move(it->second);
  entries_.erase(it);
  if (clock_() - pre.create_time >= kLifetime ||
      !SecretsEqual(pre.state, state)) {
    return std::nullopt;
  }
  return pre;
}

size_t PreSessionStore::size() const {
  absl::MutexLock lock(&mutex_);
  return entries_.size();
}

}  // namespace brevis::web
