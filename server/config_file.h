#ifndef BREVIS_SERVER_CONFIG_FILE_H_
#define BREVIS_SERVER_CONFIG_FILE_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"

namespace brevis {

// One setting that a TOML config file may give: its key, where the value
// goes, and whether the command line already set it (the command line wins).
struct ConfigSetting {
  std::string key;
  std::variant<std::string*, int*> target;
  bool given_on_command_line = false;
  // For integers: the range the matching flag accepts too.
  int min = 0;
  int max = 0;
};

// Reads the TOML file at `path` and stores each top-level key's value in
// the matching setting not given on the command line. INVALID_ARGUMENT,
// naming the file and the key or line, for a syntax error, an unknown key,
// a value of the wrong type or out of range; NOT_FOUND when the file cannot
// be read.
absl::Status ApplyConfigFile(const std::string& path,
                             std::vector<ConfigSetting>& settings);

}  // namespace brevis

#endif  // BREVIS_SERVER_CONFIG_FILE_H_
