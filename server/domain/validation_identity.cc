// The rules of an OpenID Connect identity (issuer + subject) that a
// principal may carry (issue 14).

#include "server/domain/str_cat.h"
#include "server/domain/validation.h"

namespace brevis::domain {
namespace {

absl::Status Invalid(std::string_view field, std::string_view part,
                     std::string_view rule) {
  return absl::InvalidArgumentError(StrCat(field, ".", part, ": ", rule));
}

// Printable ASCII: no controls (they could forge a log line), no bytes
// above 0x7e (an identity provider's sub is ASCII, OIDC Core §2).
bool Printable(char c) { return c >= 0x21 && c <= 0x7e; }

}  // namespace

absl::Status ValidateExternalIdentity(const v1::ExternalIdentity& identity,
                                      std::string_view field) {
  std::string_view issuer = identity.issuer();
  if (issuer.empty()) return Invalid(field, "issuer", "required");
  if (issuer.size() > kMaxIssuerChars) {
    return Invalid(field, "issuer",
                   StrCat("at most ", kMaxIssuerChars, " characters"));
  }
  for (char c : issuer) {
    if (!Printable(c)) {
      return Invalid(field, "issuer",
                     "a URL without spaces, control or non-ASCII characters");
    }
  }
  // OpenID Connect Discovery 1.0 §3: "a case-sensitive URL using the https
  // scheme that contains scheme, host, and optionally, port number and
  // path components and no query or fragment components".
  constexpr std::string_view kScheme = "https://";
  if (issuer.substr(0, kScheme.size()) != kScheme) {
    return Invalid(field, "issuer",
                   "an https URL (https://host/path), as the identity "
                   "provider's discovery document names it");
  }
  if (issuer.find_first_of("?#") != std::string_view::npos) {
    return Invalid(field, "issuer", "no query (?) or fragment (#)");
  }
  std::string_view authority = issuer.substr(kScheme.size());
  authority = authority.substr(0, authority.find('/'));
  if (authority.empty() || authority.front() == ':' ||
      authority.find('@') != std::string_view::npos) {
    return Invalid(field, "issuer",
                   "a host after https:// (no user name or password)");
  }
  std::string_view subject = identity.subject();
  if (subject.empty()) return Invalid(field, "subject", "required");
  if (subject.size() > kMaxSubjectChars) {
    return Invalid(field, "subject",
                   StrCat("at most ", kMaxSubjectChars, " characters"));
  }
  for (char c : subject) {
    if (c != ' ' && !Printable(c)) {
      return Invalid(field, "subject",
                     "printable ASCII characters only (no control or "
                     "non-ASCII characters)");
    }
  }
  return absl::OkStatus();
}

}  // namespace brevis::domain
