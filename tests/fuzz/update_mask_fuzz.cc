// Update masks. The first byte picks the resource, the rest is a list of
// paths separated by commas. Properties: resolving never crashes, a mask
// that resolves names only mutable paths, and applying it changes no other
// field.

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <string>
#include <vector>

#include "brevis/v1/action.pb.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/finding.pb.h"
#include "brevis/v1/unit.pb.h"
#include "server/domain/update_mask.h"
#include "tests/fuzz/fuzz_input.h"

namespace brevis::fuzz {
namespace {

void Run(const google::protobuf::FieldMask& mask,
         google::protobuf::Message& source, google::protobuf::Message& target,
         const std::vector<std::string_view>& mutable_paths) {
  absl::StatusOr<std::vector<std::string>> paths =
      domain::ResolveUpdateMask(mask, *target.GetDescriptor(), mutable_paths);
  if (!paths.ok()) {
    BREVIS_FUZZ_CHECK(paths.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    return;
  }
  for (const std::string& path : *paths) {
    BREVIS_FUZZ_CHECK(std::find(mutable_paths.begin(), mutable_paths.end(),
                                path) != mutable_paths.end());
  }
  std::unique_ptr<google::protobuf::Message> before(target.New());
  before->CopyFrom(target);
  domain::ApplyUpdateMask(source, *paths, &target);
  // Fields outside the mask are as they were.
  google::protobuf::util::MessageDifferencer outside_only;
  for (const std::string& path : *paths) {
    const google::protobuf::FieldDescriptor* field =
        target.GetDescriptor()->FindFieldByName(path);
    BREVIS_FUZZ_CHECK(field != nullptr);
    outside_only.IgnoreField(field);
  }
  BREVIS_FUZZ_CHECK(outside_only.Compare(*before, target));
}

}  // namespace
}  // namespace brevis::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brevis;  // NOLINT: a harness, not library code
  if (size == 0) return 0;
  google::protobuf::FieldMask mask;
  std::string_view rest = fuzz::AsText(data + 1, size - 1);
  // Bounded: one path per comma.
  while (true) {
    size_t comma = rest.find(',');
    mask.add_paths(std::string(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  switch (data[0] % 4) {
    case 0: {
      v1::Finding source, target;
      source.set_text("Ny text");
      source.set_sip(true);
      target.set_name("audits/a/findings/f");
      target.set_text("Gammal text");
      fuzz::Run(mask, source, target,
                {"focus_area", "kind", "text", "informant_groups",
                 "child_rights_articles", "sip"});
      break;
    }
    case 1: {
      v1::Audit source, target;
      source.set_title("Ny titel");
      target.set_name("audits/a");
      target.set_title("Gammal titel");
      fuzz::Run(mask, source, target,
                {"title", "commissioned_by", "focus_areas", "question_guide"});
      break;
    }
    case 2: {
      v1::Unit source, target;
      source.set_display_name("BUP Ny");
      target.set_name("units/u");
      fuzz::Run(mask, source, target, {"display_name", "region", "kind"});
      break;
    }
    default: {
      v1::Action source, target;
      source.set_description("Ny beskrivning");
      target.set_name("audits/a/recommendations/r/actions/x");
      fuzz::Run(mask, source, target, {"description", "responsible"});
      break;
    }
  }
  return 0;
}
