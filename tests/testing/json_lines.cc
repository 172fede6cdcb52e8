#include "tests/testing/json_lines.h"

#include <google/protobuf/util/json_util.h>

namespace brevis::testing {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

::testing::AssertionResult ParseJsonObject(std::string_view line,
                                           google::protobuf::Struct* object) {
  // protobuf also takes unquoted keys and a trailing comma; a line must at
  // least start and end as an object with a quoted first key.
  if (!line.starts_with("{\"") || !line.ends_with("}")) {
    return ::testing::AssertionFailure() << "not a JSON object line: " << line;
  }
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), object);
  if (!status.ok()) {
    return ::testing::AssertionFailure()
           << status.ToString() << " in line: " << line;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult EveryLineIsJsonObject(std::string_view text) {
  for (const std::string& line : SplitLines(text)) {
    google::protobuf::Struct object;
    if (::testing::AssertionResult parsed = ParseJsonObject(line, &object);
        !parsed) {
      return parsed;
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<google::protobuf::Struct> LinesWith(std::string_view text,
                                                std::string_view key,
                                                std::string_view value) {
  std::vector<google::protobuf::Struct> found;
  for (const std::string& line : SplitLines(text)) {
    google::protobuf::Struct object;
    if (!ParseJsonObject(line, &object)) continue;
    auto field = object.fields().find(std::string(key));
    if (field != object.fields().end() &&
        field->second.string_value() == value) {
      found.push_back(std::move(object));
    }
  }
  return found;
}

}  // namespace brevis::testing
