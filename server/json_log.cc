#include "server/json_log.h"

#include <cstdio>
#include <iostream>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace brevis {
namespace {

std::string_view LevelName(JsonLog::Level level) {
  switch (level) {
    case JsonLog::Level::kInfo:
      return "info";
    case JsonLog::Level::kWarning:
      return "warning";
    case JsonLog::Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

JsonLog& JsonLog::Global() {
  static JsonLog* log = new JsonLog(&std::cerr);
  return *log;
}

std::string JsonLog::Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
          out += escaped;
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

void JsonLog::Write(Level level, std::string_view message,
                    std::initializer_list<Field> fields) {
  std::string line = "{\"time\":";
  line += Quote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                 absl::UTCTimeZone()));
  line += ",\"level\":";
  line += Quote(LevelName(level));
  line += ",\"msg\":";
  line += Quote(message);
  for (const Field& field : fields) {
    line += ",";
    line += Quote(field.key);
    line += ":";
    if (auto* text = std::get_if<std::string_view>(&field.value)) {
      line += Quote(*text);
    } else if (auto* integer = std::get_if<int64_t>(&field.value)) {
      line += std::to_string(*integer);
    } else if (auto* number = std::get_if<double>(&field.value)) {
      char formatted[32];
      std::snprintf(formatted, sizeof formatted, "%.6g", *number);
      line += formatted;
    } else {
      line += std::get<bool>(field.value) ? "true" : "false";
    }
  }
  line += "}\n";
  std::lock_guard<std::mutex> lock(mu_);
  *out_ << line << std::flush;
}

void JsonLog::Redirect(std::ostream* out) {
  std::lock_guard<std::mutex> lock(mu_);
  out_ = out;
}

}  // namespace brevis
