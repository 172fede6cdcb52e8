// The filter parser of List calls. Properties: parsing never crashes, a
// refusal is INVALID_ARGUMENT naming "filter", and a parsed filter written
// out again with every value quoted parses to the same canonical form.

#include <optional>
#include <string>
#include <vector>

#include "brevis/v1/audit.pb.h"
#include "server/domain/list_filter.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brevis;  // NOLINT: a harness, not library code
  static const std::vector<std::string_view> kFields = {
      "state", "unit", "active", "overdue", "region", "due_before"};
  std::string_view text = fuzz::AsText(data, size);

  absl::StatusOr<domain::ListFilter> filter =
      domain::ListFilter::Parse(text, kFields);
  if (!filter.ok()) {
    BREVIS_FUZZ_CHECK(filter.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    BREVIS_FUZZ_CHECK(filter.status().message().find("filter") !=
                      std::string_view::npos);
    return 0;
  }
  // The same terms written again, every value quoted, mean the same filter.
  std::string rewritten;
  for (std::string_view field : kFields) {
    std::optional<std::string> value = filter->Get(field);
    if (!value.has_value()) continue;
    if (!rewritten.empty()) rewritten += " AND ";
    rewritten.append(field).append(" = \"");
    for (char c : *value) {
      if (c == '"' || c == '\\') rewritten += '\\';
      rewritten += c;
    }
    rewritten += '"';
  }
  absl::StatusOr<domain::ListFilter> again =
      domain::ListFilter::Parse(rewritten, kFields);
  BREVIS_FUZZ_CHECK(again.ok());
  BREVIS_FUZZ_CHECK(again->Canonical() == filter->Canonical());
  filter->GetBool("active").IgnoreError();
  filter->GetEnum("state", v1::AuditState_descriptor(), "AUDIT_STATE_")
      .IgnoreError();
  return 0;
}
