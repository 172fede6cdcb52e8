#include "server/config_file.h"

#include <toml++/toml.h>

#include <filesystem>

#include "server/domain/str_cat.h"

namespace brevis {

absl::Status ApplyConfigFile(const std::string& path,
                             std::vector<ConfigSetting>& settings) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return absl::NotFoundError(
        StrCat("config file ", path, " does not exist or is not a file"));
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        StrCat(path, ":", e.source().begin.line, ": ", e.description()));
  }
  for (const auto& entry : table) {
    // Named copies, not a structured binding: clang 14 (make fuzz, make
    // sanitize with clang) cannot capture those in the lambda below.
    const toml::key& key = entry.first;
    const toml::node& value = entry.second;
    auto setting = std::find_if(
        settings.begin(), settings.end(),
        [&](const ConfigSetting& s) { return s.key == key.str(); });
    if (setting == settings.end()) {
      std::vector<std::string> known;
      for (const ConfigSetting& s : settings) known.push_back(s.key);
      return absl::InvalidArgumentError(
          StrCat(path, ": unknown key '", key.str(),
                 "'; keys: ", StrJoin(known, ", ")));
    }
    if (setting->given_on_command_line) continue;
    if (auto* text = std::get_if<std::string*>(&setting->target)) {
      std::optional<std::string> v = value.value<std::string>();
      if (!v) {
        return absl::InvalidArgumentError(
            StrCat(path, ": ", key.str(), " must be a string"));
      }
      **text = *v;
    } else {
      std::optional<int64_t> v = value.value<int64_t>();
      if (!v) {
        return absl::InvalidArgumentError(
            StrCat(path, ": ", key.str(), " must be an integer"));
      }
      if (setting->max > setting->min &&
          (*v < setting->min || *v > setting->max)) {
        return absl::InvalidArgumentError(
            StrCat(path, ": ", key.str(), " must be ", setting->min, "-",
                   setting->max, " (got ", *v, ")"));
      }
      *std::get<int*>(setting->target) = static_cast<int>(*v);
    }
  }
  return absl::OkStatus();
}

}  // namespace brevis
