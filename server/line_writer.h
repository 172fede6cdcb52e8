#ifndef BREVIS_SERVER_LINE_WRITER_H_
#define BREVIS_SERVER_LINE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"

namespace brevis {

// Writes lines to a file descriptor from a thread of its own, so that the
// caller never waits for whoever reads the descriptor: a reader that stops
// reading (a full pipe) holds up that thread only. Lines wait in a buffer of
// at most `buffer_bytes`; a line that does not fit is dropped and counted,
// and once the writer has written what was queued before the drops it
// writes the line `drop_report(n)` makes for the n lines lost since the last
// report. Lines that cannot be written (the reader closed the descriptor)
// are counted as dropped too. Thread-safe.
class LineWriter {
 public:
  // Makes the line (newline included) that reports `dropped` lost lines.
  using DropReport = std::function<std::string(uint64_t dropped)>;

  // Borrows `fd`, which must stay open as long as the writer.
  LineWriter(int fd, size_t buffer_bytes, DropReport drop_report);
  // Writes what is queued for up to a second, then stops; a thread stuck on
  // a reader that never reads is left behind rather than waited for.
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Queues `line`, which ends with a newline. Never blocks on the
  // descriptor. False (and the line is counted as dropped) when the buffer
  // has no room for it.
  bool Append(std::string line);

  // Counts a line that was lost before it reached the writer. Lock-free and
  // allocation-free: safe in hooks that may not take locks.
  void CountDropped();

  // Waits until everything queued so far is written (or found unwritable),
  // for at most `timeout`. False when time ran out.
  bool Flush(absl::Duration timeout);

  // Lines dropped since the writer was made.
  uint64_t dropped() const;

 private:
  struct State;
  static void Run(std::shared_ptr<State> state);

  // Shared with the thread, which may outlive the writer (see ~LineWriter).
  std::shared_ptr<State> state_;
};

}  // namespace brevis

#endif  // BREVIS_SERVER_LINE_WRITER_H_
