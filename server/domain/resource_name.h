#ifndef BREVIS_SERVER_DOMAIN_RESOURCE_NAME_H_
#define BREVIS_SERVER_DOMAIN_RESOURCE_NAME_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace brevis::domain {

// A fresh resource id: 16 lowercase hex digits from OpenSSL's random
// generator, so ids say nothing about how many resources exist.
std::string NewResourceId();

// Typed resource names (AIP-122): one struct per resource kind, holding the
// ids of its path segments by name, so two ids cannot be swapped and still
// compile. Plain values. Each Parse*Name returns INVALID_ARGUMENT naming
// `field` (the request field, e.g. "parent") and the expected shape when
// `name` is empty or has another shape; an id is 1-63 lowercase letters,
// digits or '-'.
namespace name {
struct Unit {
  std::string unit;
};
struct Principal {
  std::string principal;
};
struct Token {
  std::string principal;
  std::string token;
};
struct SignInLink {
  std::string principal;
  std::string link;
};
struct Audit {
  std::string audit;
};
struct Session {
  std::string audit;
  std::string session;
};
struct Finding {
  std::string audit;
  std::string finding;
};
struct Recommendation {
  std::string audit;
  std::string recommendation;
};
struct Action {
  std::string audit;
  std::string recommendation;
  std::string action;
};
}  // namespace name

absl::StatusOr<name::Unit> ParseUnitName(std::string_view name,
                                         std::string_view field);
absl::StatusOr<name::Principal> ParsePrincipalName(std::string_view name,
                                                   std::string_view field);
absl::StatusOr<name::Token> ParseTokenName(std::string_view name,
                                           std::string_view field);
absl::StatusOr<name::Audit> ParseAuditName(std::string_view name,
                                           std::string_view field);
absl::StatusOr<name::Session> ParseSessionName(std::string_view name,
                                               std::string_view field);
absl::StatusOr<name::Finding> ParseFindingName(std::string_view name,
                                               std::string_view field);
absl::StatusOr<name::Recommendation> ParseRecommendationName(
    std::string_view name, std::string_view field);
absl::StatusOr<name::Action> ParseActionName(std::string_view name,
                                             std::string_view field);

// The string form of each typed name, e.g. audits/a1/findings/f2.
std::string Format(const name::Unit& name);
std::string Format(const name::Principal& name);
std::string Format(const name::Token& name);
std::string Format(const name::SignInLink& name);
std::string Format(const name::Audit& name);
std::string Format(const name::Session& name);
std::string Format(const name::Finding& name);
std::string Format(const name::Recommendation& name);
std::string Format(const name::Action& name);

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
std::string SignInLinkName(std::string_view principal, std::string_view link);
std::string SessionName(std::string_view audit, std::string_view session);
std::string FindingName(std::string_view audit, std::string_view finding);
std::string RecommendationName(std::string_view audit,
                               std::string_view recommendation);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_RESOURCE_NAME_H_
