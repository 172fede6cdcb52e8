#include "server/json_log.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "absl/time/clock.h"

namespace brevis {
namespace {

std::string_view LevelName(JsonLog::Level level) {
  switch (level) {
    case JsonLog::Level::kDebug:
      return "debug";
    case JsonLog::Level::kInfo:
      return "info";
    case JsonLog::Level::kWarning:
      return "warning";
    case JsonLog::Level::kError:
      return "error";
  }
  return "info";
}

// The length of the well-formed UTF-8 sequence `text` starts with (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF); 0 when it
// starts with anything else.
size_t Utf8SequenceLength(std::string_view text) {
  unsigned char lead = static_cast<unsigned char>(text[0]);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    unsigned char byte = static_cast<unsigned char>(text[i]);
    if (byte < (i == 1 ? low : 0x80) || byte > (i == 1 ? high : 0xBF)) {
      return 0;
    }
  }
  return length;
}

}  // namespace

JsonLog& JsonLog::Global() {
  static JsonLog* log = new JsonLog(STDERR_FILENO, kDefaultBufferBytes);
  return *log;
}

JsonLog::JsonLog(int fd, size_t buffer_bytes)
    : writer_(
          std::make_unique<LineWriter>(fd, buffer_bytes, [](uint64_t dropped) {
            return Format(Level::kWarning, "dropped log lines",
                          {{"lines", static_cast<int64_t>(dropped)}});
          })) {}

std::string JsonLog::Quote(std::string_view text) {
  std::string out = "\"";
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // A library's message or a peer's address may carry any bytes; JSON
      // is UTF-8 only.
      size_t length = Utf8SequenceLength(text.substr(i));
      if (length == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
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
    ++i;
  }
  out += "\"";
  return out;
}

std::string JsonLog::Format(Level level, std::string_view message,
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
      // JSON has no infinity or NaN.
      if (std::isfinite(*number)) {
        char formatted[32];
        std::snprintf(formatted, sizeof formatted, "%.6g", *number);
        line += formatted;
      } else {
        line += "null";
      }
    } else {
      line += std::get<bool>(field.value) ? "true" : "false";
    }
  }
  line += "}\n";
  return line;
}

void JsonLog::Write(Level level, std::string_view message,
                    std::initializer_list<Field> fields) {
  std::string line = Format(level, message, fields);
  absl::MutexLock lock(&mu_);
  if (out_ != nullptr || writer_ == nullptr) {
    if (out_ != nullptr) *out_ << line << std::flush;
    return;
  }
  writer_->Append(std::move(line));
}

void JsonLog::Redirect(std::ostream* out) {
  absl::MutexLock lock(&mu_);
  out_ = out;
}

bool JsonLog::Flush(absl::Duration timeout) {
  if (writer_ != nullptr && !writer_->Flush(timeout)) return false;
  absl::MutexLock lock(&mu_);
  if (out_ != nullptr) out_->flush();
  return true;
}

void JsonLog::CountDropped() {
  if (writer_ != nullptr) writer_->CountDropped();
}

uint64_t JsonLog::dropped() const {
  return writer_ != nullptr ? writer_->dropped() : 0;
}

}  // namespace brevis
