#include "server/domain/resource_name.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
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

std::string TokenName(std::string_view principal, std::string_view token) {
  return brevis::StrCat("principals/", principal, "/tokens/", token);
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

}  // namespace brevis::domain
