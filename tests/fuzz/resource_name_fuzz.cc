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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brevis;  // NOLINT: a harness, not library code
  static const std::vector<std::vector<std::string_view>> kPatterns = {
      {"units"},
      {"audits"},
      {"principals"},
      {"audits", "findings"},
      {"audits", "sessions"},
      {"audits", "recommendations"},
      {"audits", "recommendations", "actions"},
      {"principals", "tokens"},
  };
  if (size == 0) return 0;
  const auto& pattern = kPatterns[data[0] % kPatterns.size()];
  std::string_view name = fuzz::AsText(data + 1, size - 1);
  absl::StatusOr<std::vector<std::string>> ids =
      domain::ParseName(name, pattern, "name");
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
  BREVIS_FUZZ_CHECK(rebuilt == name);
  return 0;
}
