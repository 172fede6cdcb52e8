#include "server/domain/update_mask.h"

#include <algorithm>

#include "server/domain/str_cat.h"

namespace brevis::domain {

absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask,
    const google::protobuf::Descriptor& resource,
    const std::vector<std::string_view>& mutable_paths) {
  if (mask.paths_size() == 0) {
    return absl::InvalidArgumentError(brevis::StrCat(
        "update_mask: required; name the fields to change (",
        brevis::StrJoin(mutable_paths, ", "), ") or \"*\" for all of them"));
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      if (mask.paths_size() != 1) {
        return absl::InvalidArgumentError(
            "update_mask: \"*\" must be the only path");
      }
      return std::vector<std::string>(mutable_paths.begin(),
                                      mutable_paths.end());
    }
    bool is_mutable = std::find(mutable_paths.begin(), mutable_paths.end(),
                                path) != mutable_paths.end();
    if (!is_mutable) {
      if (resource.FindFieldByName(path) != nullptr) {
        return absl::InvalidArgumentError(brevis::StrCat(
            "update_mask: ", path,
            " is output only or cannot be changed after create"));
      }
      return absl::InvalidArgumentError(brevis::StrCat(
          "update_mask: ", resource.name(), " has no field '", path,
          "'; fields that can change: ", brevis::StrJoin(mutable_paths, ", ")));
    }
    if (std::find(paths.begin(), paths.end(), path) != paths.end()) {
      return absl::InvalidArgumentError(
          brevis::StrCat("update_mask: path ", path, " given twice"));
    }
    paths.push_back(path);
  }
  return paths;
}

void ApplyUpdateMask(const google::protobuf::Message& source,
                     const std::vector<std::string>& paths,
                     google::protobuf::Message* target) {
  const google::protobuf::Reflection* reflection = source.GetReflection();
  const google::protobuf::Descriptor* descriptor = source.GetDescriptor();
  for (const std::string& path : paths) {
    const google::protobuf::FieldDescriptor* field =
        descriptor->FindFieldByName(path);
    if (field == nullptr) continue;  // ResolveUpdateMask has refused it
    reflection->ClearField(target, field);
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(source, field); ++i) {
        switch (field->cpp_type()) {
          case google::protobuf::FieldDescriptor::CPPTYPE_ENUM:
            reflection->AddEnumValue(
                target, field,
                reflection->GetRepeatedEnumValue(source, field, i));
            break;
          case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
            reflection->AddInt32(
                target, field, reflection->GetRepeatedInt32(source, field, i));
            break;
          case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
            reflection->AddString(
                target, field, reflection->GetRepeatedString(source, field, i));
            break;
          default:
            reflection->AddMessage(target, field)
                ->CopyFrom(reflection->GetRepeatedMessage(source, field, i));
        }
      }
      continue;
    }
    if (field->has_presence() && !reflection->HasField(source, field)) {
      continue;  // cleared above
    }
    switch (field->cpp_type()) {
      case google::protobuf::FieldDescriptor::CPPTYPE_BOOL:
        reflection->SetBool(target, field, reflection->GetBool(source, field));
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
        reflection->SetInt32(target, field,
                             reflection->GetInt32(source, field));
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_ENUM:
        reflection->SetEnumValue(target, field,
                                 reflection->GetEnumValue(source, field));
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
        reflection->SetString(target, field,
                              reflection->GetString(source, field));
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE:
        reflection->MutableMessage(target, field)
            ->CopyFrom(reflection->GetMessage(source, field));
        break;
      default:
        // The resources use no other field types; a new one must be added
        // here before it can be in a mask.
        break;
    }
  }
}

}  // namespace brevis::domain
