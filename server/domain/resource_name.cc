#include "server/domain/resource_name.h"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "absl/strings/escaping.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::domain {
namespace {

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Shape(const std::vector<std::string_view>& pattern) {
  std::vector<std::string> parts;
  for (std::string_view collection : pattern) {
    std::string_view singular = collection.substr(0, collection.size() - 1);
    parts.push_back(brevis::StrCat(collection, "/{", singular, "}"));
  }
  return brevis::StrJoin(parts, "/");
}

// Splits `name` by the collection ids in `pattern` and returns the ids, e.g.
// ParseName("audits/a1/findings/f2", {"audits", "findings"}, "name") gives
// {"a1", "f2"}. INVALID_ARGUMENT naming `field` when the name is empty or
// has another shape. An id is 1-63 lowercase letters, digits or '-'.
absl::StatusOr<std::vector<std::string>> ParseName(
    std::string_view name, const std::vector<std::string_view>& pattern,
    std::string_view field) {
  if (name.empty()) {
    return absl::InvalidArgumentError(brevis::StrCat(
        field, ": required (a resource name like ", Shape(pattern), ")"));
  }
  std::vector<std::string_view> segments;
  for (size_t start = 0;;) {
    size_t slash = name.find('/', start);
    segments.push_back(name.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool ok = segments.size() == 2 * pattern.size();
  std::vector<std::string> ids;
  for (size_t i = 0; ok && i < pattern.size(); ++i) {
    ok = segments[2 * i] == pattern[i] && IsValidId(segments[2 * i + 1]);
    if (ok) ids.emplace_back(segments[2 * i + 1]);
  }
  if (!ok) {
    return absl::InvalidArgumentError(brevis::StrCat(
        field, ": \"", absl::CHexEscape(std::string(name.substr(0, 200))),
        "\" is not a resource name like ", Shape(pattern)));
  }
  return ids;
}
}  // namespace

std::string NewResourceId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Without randomness ids could collide or be guessed; stopping is safer
    // than serving.
    std::abort();
  }
  return absl::BytesToHexString(
      std::string(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string TokenName(std::string_view principal, std::string_view token) {
  return brevis::StrCat("principals/", principal, "/tokens/", token);
}

std::string SignInLinkName(std::string_view principal, std::string_view link) {
  return brevis::StrCat("principals/", principal, "/signInLinks/", link);
}

std::string SessionName(std::string_view audit, std::string_view session) {
  return brevis::StrCat("audits/", audit, "/sessions/", session);
}

std::string RecommendationName(std::string_view audit,
                               std::string_view recommendation) {
  return brevis::StrCat("audits/", audit, "/recommendations/", recommendation);
}

std::string FindingName(std::string_view audit, std::string_view finding) {
  return brevis::StrCat("audits/", audit, "/findings/", finding);
}

namespace {

// The ids of `name` by the collections in `pattern`, in order.
template <size_t N>
absl::StatusOr<std::array<std::string, N>> Ids(
    std::string_view name, const std::array<std::string_view, N>& pattern,
    std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      ParseName(name,
                std::vector<std::string_view>(pattern.begin(), pattern.end()),
                field));
  std::array<std::string, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = std::move(ids[i]);
  return out;
}

constexpr std::array<std::string_view, 1> kUnits = {"units"};
constexpr std::array<std::string_view, 1> kPrincipals = {"principals"};
constexpr std::array<std::string_view, 2> kTokens = {"principals", "tokens"};
constexpr std::array<std::string_view, 1> kAudits = {"audits"};
constexpr std::array<std::string_view, 2> kSessions = {"audits", "sessions"};
constexpr std::array<std::string_view, 2> kFindings = {"audits", "findings"};
constexpr std::array<std::string_view, 2> kRecommendations = {
    "audits", "recommendations"};
constexpr std::array<std::string_view, 3> kActions = {
    "audits", "recommendations", "actions"};

}  // namespace

absl::StatusOr<name::Unit> ParseUnitName(std::string_view name,
                                         std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kUnits, field));
  return name::Unit{std::move(ids[0])};
}

absl::StatusOr<name::Principal> ParsePrincipalName(std::string_view name,
                                                   std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kPrincipals, field));
  return name::Principal{std::move(ids[0])};
}

absl::StatusOr<name::Token> ParseTokenName(std::string_view name,
                                           std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kTokens, field));
  return name::Token{std::move(ids[0]), std::move(ids[1])};
}

absl::StatusOr<name::Audit> ParseAuditName(std::string_view name,
                                           std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kAudits, field));
  return name::Audit{std::move(ids[0])};
}

absl::StatusOr<name::Session> ParseSessionName(std::string_view name,
                                               std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kSessions, field));
  return name::Session{std::move(ids[0]), std::move(ids[1])};
}

absl::StatusOr<name::Finding> ParseFindingName(std::string_view name,
                                               std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kFindings, field));
  return name::Finding{std::move(ids[0]), std::move(ids[1])};
}

absl::StatusOr<name::Recommendation> ParseRecommendationName(
    std::string_view name, std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kRecommendations, field));
  return name::Recommendation{std::move(ids[0]), std::move(ids[1])};
}

absl::StatusOr<name::Action> ParseActionName(std::string_view name,
                                             std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(auto ids, Ids(name, kActions, field));
  return name::Action{std::move(ids[0]), std::move(ids[1]), std::move(ids[2])};
}

std::string Format(const name::Unit& name) { return UnitName(name.unit); }
std::string Format(const name::Principal& name) {
  return PrincipalName(name.principal);
}
std::string Format(const name::Token& name) {
  return TokenName(name.principal, name.token);
}
std::string Format(const name::SignInLink& name) {
  return SignInLinkName(name.principal, name.link);
}
std::string Format(const name::Audit& name) { return AuditName(name.audit); }
std::string Format(const name::Session& name) {
  return SessionName(name.audit, name.session);
}
std::string Format(const name::Finding& name) {
  return FindingName(name.audit, name.finding);
}
std::string Format(const name::Recommendation& name) {
  return RecommendationName(name.audit, name.recommendation);
}
std::string Format(const name::Action& name) {
  return brevis::StrCat(RecommendationName(name.audit, name.recommendation),
                        "/actions/", name.action);
}

}  // namespace brevis::domain
