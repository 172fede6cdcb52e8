#ifndef BREVIS_SERVER_JSON_LOG_H_
#define BREVIS_SERVER_JSON_LOG_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/line_writer.h"

namespace brevis {

// brevisd's operational log: one JSON object per line on stderr, which
// journald keeps as it is. A line carries time, level, message and fields;
// never audit text or a secret: callers pass names, ids and codes only.
// Every line is valid JSON whatever the text: control characters are
// escaped and bytes that are not UTF-8 become U+FFFD.
//
// Writing never waits for the reader of stderr: lines go through a bounded
// buffer to a writer thread (see LineWriter), and what does not fit is
// dropped, counted and reported in a line of its own. Thread-safe.
class JsonLog {
 public:
  enum class Level { kDebug, kInfo, kWarning, kError };
  using Value = std::variant<std::string_view, int64_t, double, bool>;
  struct Field {
    std::string_view key;
    Value value;
  };

  // What brevisd's stderr log may hold unwritten: about a thousand lines.
  static constexpr size_t kDefaultBufferBytes = 256 * 1024;

  // The process-wide log, writing to stderr (file descriptor 2) through a
  // buffer of kDefaultBufferBytes.
  static JsonLog& Global();

  // Writes to `out` directly, in the caller's thread (tests and tools whose
  // stream never blocks).
  explicit JsonLog(std::ostream* out) : out_(out) {}
  // Writes to the descriptor `fd` from a thread of its own, through a
  // buffer of `buffer_bytes`. Borrows `fd`.
  JsonLog(int fd, size_t buffer_bytes);

  void Write(Level level, std::string_view message,
             std::initializer_list<Field> fields = {}) ABSL_LOCKS_EXCLUDED(mu_);
  // Tests capture lines by pointing the log at their own stream, written
  // directly; nullptr goes back to the descriptor given at construction.
  void Redirect(std::ostream* out) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits up to `timeout` until every line written so far is out; false
  // when time ran out (a reader that does not read). For shutdown, and
  // before a library aborts the process.
  bool Flush(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  // Counts a line that could not be logged at all; lock-free, for hooks
  // that may not take locks. Reported like lines the buffer had to drop.
  void CountDropped();
  // Lines dropped so far (buffer full, stderr closed, or counted above).
  uint64_t dropped() const;

  // `text` as a JSON string literal, quotes included.
  static std::string Quote(std::string_view text);

 private:
  static std::string Format(Level level, std::string_view message,
                            std::initializer_list<Field> fields);

  absl::Mutex mu_;
  // When set, used instead of writer_.
  std::ostream* out_ ABSL_GUARDED_BY(mu_) = nullptr;
  // Null when made with a stream.
  const std::unique_ptr<LineWriter> writer_;
};

}  // namespace brevis

#endif  // BREVIS_SERVER_JSON_LOG_H_
