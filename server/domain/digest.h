#ifndef BREVIS_SERVER_DOMAIN_DIGEST_H_
#define BREVIS_SERVER_DOMAIN_DIGEST_H_

#include <string>
#include <string_view>

namespace brevis::domain {

// The SHA-256 digest (FIPS 180-4) of `bytes`: 32 raw bytes, not hex.
// Thread-safe.
std::string Sha256(std::string_view bytes);

// Equality of two digests in time independent of where they differ, so a
// comparison with a secret's digest leaks nothing through timing.
bool SameDigest(std::string_view a, std::string_view b);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_DIGEST_H_
