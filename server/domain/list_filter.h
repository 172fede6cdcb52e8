#ifndef BREVIS_SERVER_DOMAIN_LIST_FILTER_H_
#define BREVIS_SERVER_DOMAIN_LIST_FILTER_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"

namespace brevis::domain {

// A parsed `filter` of a List call: a conjunction of equality terms,
//   field = value [AND field = value ...]
// where a value is a bare word (PUBLISHED, true, units/abc) or a string in
// double quotes (backslash escapes a quote). Each field at most once.
class ListFilter {
 public:
  // INVALID_ARGUMENT naming "filter", the offset and what was expected, or
  // the unknown field and the fields allowed.
  static absl::StatusOr<ListFilter> Parse(
      std::string_view text, const std::vector<std::string_view>& fields);

  // The value of `field`, if the filter names it.
  std::optional<std::string> Get(std::string_view field) const;

  // An enum value by its name, with or without the enum's prefix: for
  // AuditState, both PUBLISHED and AUDIT_STATE_PUBLISHED. Unset when the
  // filter does not name the field.
  absl::StatusOr<std::optional<int>> GetEnum(
      std::string_view field, const google::protobuf::EnumDescriptor* type,
      std::string_view prefix) const;

  // true or false.
  absl::StatusOr<std::optional<bool>> GetBool(std::string_view field) const;

  // A normal form: two filters that mean the same have the same canonical
  // text. Page tokens are bound to it.
  std::string Canonical() const;

 private:
  std::map<std::string, std::string, std::less<>> terms_;
};

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_LIST_FILTER_H_
