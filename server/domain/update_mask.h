#ifndef BREVIS_SERVER_DOMAIN_UPDATE_MASK_H_
#define BREVIS_SERVER_DOMAIN_UPDATE_MASK_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace brevis::domain {

// Checks an Update call's mask against the paths the resource lets callers
// change and returns the paths to apply ("*" stands for all of them).
// INVALID_ARGUMENT naming "update_mask" when the mask is empty, a path does
// not exist on the resource, or a path is output only or immutable.
absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask,
    const google::protobuf::Descriptor& resource,
    const std::vector<std::string_view>& mutable_paths);

// Copies the top-level fields named by `paths` from `source` into `target`
// (same message type); a field unset in `source` is cleared in `target`.
void ApplyUpdateMask(const google::protobuf::Message& source,
                     const std::vector<std::string>& paths,
                     google::protobuf::Message* target);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_UPDATE_MASK_H_
