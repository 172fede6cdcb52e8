#ifndef BREVIS_SERVER_DOMAIN_RESOURCE_NAME_H_
#define BREVIS_SERVER_DOMAIN_RESOURCE_NAME_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace brevis::domain {

// A fresh resource id: 16 lowercase hex digits from OpenSSL's random
// generator, so ids say nothing about how many resources exist.
std::string NewResourceId();

// Splits `name` by the collection ids in `pattern` and returns the ids, e.g.
// ParseName("audits/a1/findings/f2", {"audits", "findings"}, "name") gives
// {"a1", "f2"}. INVALID_ARGUMENT naming `field` when the name is empty or
// has another shape. An id is 1-63 lowercase letters, digits or '-'.
absl::StatusOr<std::vector<std::string>> ParseName(
    std::string_view name, const std::vector<std::string_view>& pattern,
    std::string_view field);

inline std::string UnitName(std::string_view unit) {
  return std::string("units/").append(unit);
}
inline std::string AuditName(std::string_view audit) {
  return std::string("audits/").append(audit);
}
inline std::string PrincipalName(std::string_view principal) {
  return std::string("principals/").append(principal);
}
std::string TokenName(std::string_view principal, std::string_view token);
std::string SessionName(std::string_view audit, std::string_view session);
std::string FindingName(std::string_view audit, std::string_view finding);
std::string RecommendationName(std::string_view audit,
                               std::string_view recommendation);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_RESOURCE_NAME_H_
