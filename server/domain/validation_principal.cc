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

}  // namespace

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
  return CheckText("principal.certificate_subject",
                   principal.certificate_subject(), kMaxNameChars, false,
                   false);
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

absl::StatusOr<absl::Duration> SignInLinkLifetime(int64_t ttl_seconds,
                                                  int32_t ttl_nanos) {
  if ((ttl_seconds < 0 && ttl_nanos > 0) ||
      (ttl_seconds > 0 && ttl_nanos < 0) || ttl_nanos <= -1000000000 ||
      ttl_nanos >= 1000000000) {
    return Invalid("ttl", "not a valid duration");
  }
  absl::Duration ttl =
      absl::Seconds(ttl_seconds) + absl::Nanoseconds(ttl_nanos);
  if (ttl < absl::ZeroDuration()) {
    return Invalid("ttl", "must not be negative (0 means 24 hours)");
  }
  if (ttl > kMaxSignInLinkLifetime) {
    return Invalid("ttl",
                   "at most 24 hours: a sign-in link is a credential "
                   "sent by hand, so it must not live long");
  }
  return ttl == absl::ZeroDuration() ? kMaxSignInLinkLifetime : ttl;
}

}  // namespace brevis::domain
