// Resource names. The first byte picks a pattern, the rest is the name.
// Properties: parsing never crashes, a refusal is INVALID_ARGUMENT naming
// the field, and a parsed name has one valid id per collection and is
// rebuilt exactly from them.

#include <string>
#include <vector>

#include "server/domain/resource_name.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The ids of a typed name, in path order.
template <typename Name, typename... Members>
absl::StatusOr<std::vector<std::string>> IdsOf(absl::StatusOr<Name> parsed,
                                               Members... members) {
  if (!parsed.ok()) return parsed.status();
  return std::vector<std::string>{((*parsed).*members)...};
}

using Parse = absl::StatusOr<std::vector<std::string>> (*)(std::string_view);

struct Pattern {
  std::vector<std::string_view> collections;
  Parse parse;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brevis;  // NOLINT: a harness, not library code
  namespace name = domain::name;
  static const std::vector<Pattern> kPatterns = {
      {{"units"},
       [](std::string_view n) {
         return IdsOf(domain::ParseUnitName(n, "name"), &name::Unit::unit);
       }},
      {{"audits"},
       [](std::string_view n) {
         return IdsOf(domain::ParseAuditName(n, "name"), &name::Audit::audit);
       }},
      {{"principals"},
       [](std::string_view n) {
         return IdsOf(domain::ParsePrincipalName(n, "name"),
                      &name::Principal::principal);
       }},
      {{"audits", "findings"},
       [](std::string_view n) {
         return IdsOf(domain::ParseFindingName(n, "name"),
                      &name::Finding::audit, &name::Finding::finding);
       }},
      {{"audits", "sessions"},
       [](std::string_view n) {
         return IdsOf(domain::ParseSessionName(n, "name"),
                      &name::Session::audit, &name::Session::session);
       }},
      {{"audits", "recommendations"},
       [](std::string_view n) {
         return IdsOf(domain::ParseRecommendationName(n, "name"),
                      &name::Recommendation::audit,
                      &name::Recommendation::recommendation);
       }},
      {{"audits", "recommendations", "actions"},
       [](std::string_view n) {
         return IdsOf(domain::ParseActionName(n, "name"), &name::Action::audit,
                      &name::Action::recommendation, &name::Action::action);
       }},
      {{"principals", "tokens"},
       [](std::string_view n) {
         return IdsOf(domain::ParseTokenName(n, "name"),
                      &name::Token::principal, &name::Token::token);
       }},
  };
  if (size == 0) return 0;
  const Pattern& chosen = kPatterns[data[0] % kPatterns.size()];
  const std::vector<std::string_view>& pattern = chosen.collections;
  std::string_view text = fuzz::AsText(data + 1, size - 1);
  absl::StatusOr<std::vector<std::string>> ids = chosen.parse(text);
  if (!ids.ok()) {
    BREVIS_FUZZ_CHECK(ids.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    BREVIS_FUZZ_CHECK(ids.status().message().find("name") !=
                      std::string_view::npos);
    return 0;
  }
  BREVIS_FUZZ_CHECK(ids->size() == pattern.size());
  std::string rebuilt;
  for (size_t i = 0; i < pattern.size(); ++i) {
    BREVIS_FUZZ_CHECK(ValidId((*ids)[i]));
    if (i > 0) rebuilt += "/";
    rebuilt += std::string(pattern[i]) + "/" + (*ids)[i];
  }
  BREVIS_FUZZ_CHECK(rebuilt == text);
  return 0;
}
