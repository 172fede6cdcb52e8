#include <set>

#include "server/domain/calendar.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"

namespace brevis::domain {
namespace {

absl::Status Invalid(std::string_view field, std::string_view rule) {
  return absl::InvalidArgumentError(StrCat(field, ": ", rule));
}

// Bytes that could end a header line, start a second address or a display
// name, or hide in a mail client: a contact address is one plain
// local@domain and nothing else.
bool AllowedInAddress(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7f) return false;  // controls, CR, LF, space
  return std::string_view("<>(),;:\\\"[]").find(c) == std::string_view::npos;
}

absl::Status ValidateNotificationSettings(const v1::Principal& principal) {
  if (!v1::ReportLanguage_IsValid(principal.language())) {
    return Invalid("principal.language",
                   StrCat("unknown value ", int{principal.language()}));
  }
  std::set<int> kinds;
  for (int i = 0; i < principal.notification_opt_outs_size(); ++i) {
    std::string field = StrCat("principal.notification_opt_outs[", i, "]");
    int kind = principal.notification_opt_outs(i);
    if (kind == 0 || !v1::NotificationKind_IsValid(kind)) {
      return Invalid(field, StrCat("unknown value ", kind));
    }
    if (!kinds.insert(kind).second) {
      return Invalid(field, StrCat("value ", kind, " repeated"));
    }
  }
  return ValidateContactEmail(principal.contact_email());
}

}  // namespace

absl::Status ValidateContactEmail(std::string_view email) {
  constexpr std::string_view kField = "principal.contact_email";
  if (email.empty()) return absl::OkStatus();
  // RFC 5321 4.5.3.1: a path of at most 256 octets, so an address of at
  // most 254; a local part of at most 64.
  if (email.size() > kMaxEmailChars) {
    return Invalid(kField, StrCat("at most ", kMaxEmailChars, " characters"));
  }
  for (char c : email) {
    if (c == '\r' || c == '\n') {
      return Invalid(kField, "must not contain a line break");
    }
    if (!AllowedInAddress(c)) {
      return Invalid(kField,
                     "one address (local@domain) without spaces, commas, "
                     "semicolons, quotes, brackets or control characters");
    }
  }
  size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != email.npos) {
    return Invalid(kField, "one address with exactly one @ (local@domain)");
  }
  std::string_view local = email.substr(0, at);
  std::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64) {
    return Invalid(kField, "the part before @ must have 1 to 64 characters");
  }
  if (domain.empty() || domain.find('.') == domain.npos ||
      domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != domain.npos) {
    return Invalid(kField, "the part after @ must be a domain like region.se");
  }
  return absl::OkStatus();
}

absl::Status ValidatePrincipal(const v1::Principal& principal) {
  if (auto s = CheckText("principal.display_name", principal.display_name(),
                         kMaxNameChars, true, false);
      !s.ok()) {
    return s;
  }
  v1::Role role = principal.role();
  if (role == v1::ROLE_UNSPECIFIED)
    return Invalid("principal.role", "required");
  if (!v1::Role_IsValid(role)) {
    return Invalid("principal.role", StrCat("unknown value ", int{role}));
  }
  bool scoped = role == v1::ROLE_UNIT_MANAGER || role == v1::ROLE_INTEGRATION;
  if (role == v1::ROLE_UNIT_MANAGER && principal.units().empty()) {
    return Invalid("principal.units",
                   "a unit manager needs at least one unit (units/{unit})");
  }
  if (!scoped && !principal.units().empty()) {
    return Invalid("principal.units",
                   "only unit managers and integrations have unit scopes");
  }
  std::set<std::string> units;
  for (int i = 0; i < principal.units_size(); ++i) {
    std::string field = StrCat("principal.units[", i, "]");
    BREVIS_RETURN_IF_ERROR(ParseUnitName(principal.units(i), field).status());
    if (!units.insert(principal.units(i)).second) {
      return Invalid(field, StrCat(principal.units(i), " repeated"));
    }
  }
  bool integration = role == v1::ROLE_INTEGRATION;
  if (!integration && !principal.scopes().empty()) {
    return Invalid("principal.scopes", "only integrations have scopes");
  }
  std::set<int> scopes;
  for (int i = 0; i < principal.scopes_size(); ++i) {
    std::string field = StrCat("principal.scopes[", i, "]");
    int scope = principal.scopes(i);
    if (scope == 0 || !v1::Scope_IsValid(scope)) {
      return Invalid(field, StrCat("unknown value ", scope));
    }
    if (!scopes.insert(scope).second) {
      return Invalid(field, StrCat("value ", scope, " repeated"));
    }
  }
  if (!integration && !principal.certificate_subject().empty()) {
    return Invalid("principal.certificate_subject",
                   "only integrations authenticate with certificates");
  }
  BREVIS_RETURN_IF_ERROR(CheckText("principal.certificate_subject",
                                   principal.certificate_subject(),
                                   kMaxNameChars, false, false));
  return ValidateNotificationSettings(principal);
}

absl::Status ValidateToken(const v1::Token& token, absl::Time now) {
  if (auto s = CheckText("token.display_name", token.display_name(),
                         kMaxNameChars, false, false);
      !s.ok()) {
    return s;
  }
  if (!token.has_expire_time()) return absl::OkStatus();
  if (auto s = CheckTimestamp("token.expire_time", token.expire_time());
      !s.ok()) {
    return s;
  }
  absl::Time expire = ToTime(token.expire_time());
  if (expire <= now) {
    return Invalid("token.expire_time", "must be in the future");
  }
  if (expire > now + kMaxTokenLifetime) {
    return Invalid("token.expire_time", "at most 400 days ahead");
  }
  return absl::OkStatus();
}

namespace {

// A google.protobuf.Duration given as `ttl` for a credential that lives at
// most `max`: zero means `max`. `why` says why there is a maximum.
absl::StatusOr<absl::Duration> CappedTtl(int64_t ttl_seconds, int32_t ttl_nanos,
                                         absl::Duration max,
                                         std::string_view max_text,
                                         std::string_view why) {
  if ((ttl_seconds < 0 && ttl_nanos > 0) ||
      (ttl_seconds > 0 && ttl_nanos < 0) || ttl_nanos <= -1000000000 ||
      ttl_nanos >= 1000000000) {
    return Invalid("ttl", "not a valid duration");
  }
  absl::Duration ttl =
      absl::Seconds(ttl_seconds) + absl::Nanoseconds(ttl_nanos);
  if (ttl < absl::ZeroDuration()) {
    return Invalid("ttl",
                   StrCat("must not be negative (0 means ", max_text, ")"));
  }
  if (ttl > max) return Invalid("ttl", StrCat("at most ", max_text, ": ", why));
  return ttl == absl::ZeroDuration() ? max : ttl;
}

}  // namespace

absl::StatusOr<absl::Duration> SignInLinkLifetime(int64_t ttl_seconds,
                                                  int32_t ttl_nanos) {
  return CappedTtl(ttl_seconds, ttl_nanos, kMaxSignInLinkLifetime, "24 hours",
                   "a sign-in link is a credential sent by hand, so it must "
                   "not live long");
}

absl::StatusOr<absl::Duration> SignInTokenLifetime(int64_t ttl_seconds,
                                                   int32_t ttl_nanos) {
  return CappedTtl(ttl_seconds, ttl_nanos, kSignInTokenLifetime, "8 hours",
                   "the absolute limit of a browser session");
}

}  // namespace brevis::domain
