#ifndef BREVIS_SERVER_JSON_LOG_H_
#define BREVIS_SERVER_JSON_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

namespace brevis {

// brevisd's operational log: one JSON object per line on stderr, which
// journald keeps as it is. A line carries time, level, message and fields;
// never audit text or a secret: callers pass names, ids and codes only.
// Thread-safe.
class JsonLog {
 public:
  enum class Level { kInfo, kWarning, kError };
  using Value = std::variant<std::string_view, int64_t, double, bool>;
  struct Field {
    std::string_view key;
    Value value;
  };

  // The process-wide log, writing to std::cerr.
  static JsonLog& Global();

  explicit JsonLog(std::ostream* out) : out_(out) {}
  void Write(Level level, std::string_view message,
             std::initializer_list<Field> fields = {});
  // Tests capture lines by pointing the log at their own stream.
  void Redirect(std::ostream* out);

  // `text` as a JSON string literal, quotes included.
  static std::string Quote(std::string_view text);

 private:
  std::mutex mu_;
  std::ostream* out_;  // guarded by mu_
};

}  // namespace brevis

#endif  // BREVIS_SERVER_JSON_LOG_H_
