#ifndef BREVIS_SERVER_AUTH_TOKEN_SECRET_H_
#define BREVIS_SERVER_AUTH_TOKEN_SECRET_H_

#include <string>
#include <string_view>

namespace brevis::auth {

// A new bearer secret: "brv_" and 256 random bits from OpenSSL, base64url.
std::string NewTokenSecret();

// What the database keeps instead of the secret: its SHA-256 (raw bytes).
// A secret has 256 bits of entropy, so a fast hash is enough; nothing in
// the database lets anyone recover or test a secret offline cheaply.
std::string HashTokenSecret(std::string_view secret);

// Equality of two hashes in time independent of where they differ.
bool SameHash(std::string_view a, std::string_view b);

}  // namespace brevis::auth

#endif  // BREVIS_SERVER_AUTH_TOKEN_SECRET_H_
