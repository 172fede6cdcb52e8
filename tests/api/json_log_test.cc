// The operational log's lines and its writer: every line is one JSON object
// whatever it carries, and a reader of stderr that stops reading never holds
// up whoever logs.

#include "server/json_log.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <thread>

#include "server/line_writer.h"
#include "tests/testing/json_lines.h"

namespace brevis {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

// A pipe whose read end nobody reads until the test says so.
class Pipe {
 public:
  Pipe() { EXPECT_EQ(pipe2(fds_, O_CLOEXEC), 0); }
  ~Pipe() {
    CloseReader();
    if (fds_[1] >= 0) close(fds_[1]);
  }
  int writer() const { return fds_[1]; }
  // Fills the pipe with kFillLine lines until it takes no more, so that the
  // next write blocks: a reader that has stopped reading.
  void Fill() {
    int flags = fcntl(fds_[1], F_GETFL);
    fcntl(fds_[1], F_SETFL, flags | O_NONBLOCK);
    while (write(fds_[1], kFillLine, sizeof kFillLine - 1) > 0) {
    }
    fcntl(fds_[1], F_SETFL, flags);
  }
  static constexpr char kFillLine[] = "fill\n";
  void CloseReader() {
    if (fds_[0] >= 0) close(fds_[0]);
    fds_[0] = -1;
  }
  // Reads until nothing more arrives for `quiet`.
  std::string ReadUntilQuiet(std::chrono::milliseconds quiet) {
    std::string text;
    char buffer[65536];
    pollfd wait = {fds_[0], POLLIN, 0};
    while (poll(&wait, 1, static_cast<int>(quiet.count())) > 0) {
      ssize_t n = read(fds_[0], buffer, sizeof buffer);
      if (n <= 0) break;
      text.append(buffer, static_cast<size_t>(n));
    }
    return text;
  }

 private:
  int fds_[2] = {-1, -1};
};

std::string Report(uint64_t dropped) {
  return "dropped " + std::to_string(dropped) + "\n";
}

TEST(JsonLogTest, EveryLineIsOneJsonObjectWhateverItCarries) {
  std::ostringstream out;
  JsonLog log(&out);
  // What a library or a peer may hand over: bytes that are not UTF-8 (a
  // stray continuation byte, a cut sequence, an overlong form, a
  // surrogate), control characters, and numbers JSON has no word for.
  log.Write(JsonLog::Level::kError, "bad \xff\xfe bytes \xc3",
            {{"overlong", std::string_view("\xc0\xaf")},
             {"surrogate", std::string_view("\xed\xa0\x80")},
             {"control", std::string_view("a\x01\x1b[31mb\x7f")},
             {"swedish", std::string_view("Vårdnadshavare, öppen")},
             {"nan", std::numeric_limits<double>::quiet_NaN()},
             {"infinity", std::numeric_limits<double>::infinity()}});
  log.Write(JsonLog::Level::kDebug, "debug");

  std::vector<std::string> lines = testing::SplitLines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  google::protobuf::Struct first;
  ASSERT_TRUE(testing::ParseJsonObject(lines[0], &first));
  const auto& fields = first.fields();
  EXPECT_EQ(fields.at("msg").string_value(), "bad \uFFFD\uFFFD bytes \uFFFD");
  EXPECT_EQ(fields.at("overlong").string_value(), "\uFFFD\uFFFD");
  EXPECT_EQ(fields.at("surrogate").string_value(), "\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(fields.at("control").string_value(), "a\x01\x1b[31mb\x7f");
  EXPECT_EQ(fields.at("swedish").string_value(), "Vårdnadshavare, öppen");
  EXPECT_TRUE(fields.at("nan").has_null_value());
  EXPECT_TRUE(fields.at("infinity").has_null_value());
  google::protobuf::Struct second;
  ASSERT_TRUE(testing::ParseJsonObject(lines[1], &second));
  EXPECT_EQ(second.fields().at("level").string_value(), "debug");
}

TEST(LineWriterTest, AReaderThatStopsReadingNeverHoldsUpTheWriter) {
  Pipe pipe;
  pipe.Fill();
  constexpr size_t kBufferBytes = 16 * 1024;
  LineWriter writer(pipe.writer(), kBufferBytes, Report);
  // Far more than the pipe and the buffer hold together.
  constexpr int kLines = 20000;
  const std::string line(99, 'x');
  Clock::time_point start = Clock::now();
  int accepted = 0;
  for (int i = 0; i < kLines; ++i) accepted += writer.Append(line + "\n");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_GT(writer.dropped(), 0u);
  EXPECT_EQ(static_cast<uint64_t>(accepted) + writer.dropped(),
            static_cast<uint64_t>(kLines));
  EXPECT_FALSE(writer.Flush(absl::Milliseconds(100)));

  // The reader comes back: what was queued comes out, each drop reported
  // once, after the lines queued before it; the last drops come last.
  std::string text;
  std::thread reader(
      [&] { text = pipe.ReadUntilQuiet(std::chrono::milliseconds(500)); });
  EXPECT_TRUE(writer.Flush(absl::Seconds(10)));
  reader.join();
  std::vector<std::string> lines = testing::SplitLines(text);
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines.back(), ::testing::StartsWith("dropped "));
  int written = 0;
  uint64_t reported = 0;
  for (const std::string& received : lines) {
    if (received == "fill") continue;
    if (received.starts_with("dropped ")) {
      reported += std::stoull(received.substr(8));
    } else {
      EXPECT_EQ(received, line);
      ++written;
    }
  }
  EXPECT_EQ(written, accepted);
  EXPECT_EQ(reported, writer.dropped());
}

TEST(LineWriterTest, LinesToAClosedReaderAreCountedNotFatal) {
  Pipe pipe;
  pipe.CloseReader();
  LineWriter writer(pipe.writer(), 4096, Report);
  // Without its own handling the first write would raise SIGPIPE and end
  // the process.
  EXPECT_TRUE(writer.Append("one\n"));
  EXPECT_TRUE(writer.Flush(absl::Seconds(10)));
  EXPECT_TRUE(writer.Append("two\n"));
  EXPECT_TRUE(writer.Flush(absl::Seconds(10)));
  EXPECT_EQ(writer.dropped(), 2u);
}

TEST(LineWriterTest, ALineLargerThanTheBufferIsDropped) {
  Pipe pipe;
  LineWriter writer(pipe.writer(), 64, Report);
  EXPECT_FALSE(writer.Append(std::string(100, 'x') + "\n"));
  EXPECT_TRUE(writer.Append("small\n"));
  EXPECT_TRUE(writer.Flush(absl::Seconds(10)));
  EXPECT_EQ(pipe.ReadUntilQuiet(std::chrono::milliseconds(200)),
            "small\ndropped 1\n");
}

TEST(JsonLogTest, ADescriptorLogReportsItsDropsAsJson) {
  Pipe pipe;
  pipe.Fill();
  JsonLog log(pipe.writer(), 1024);
  for (int i = 0; i < 200; ++i) {
    log.Write(JsonLog::Level::kInfo, "rpc", {{"n", int64_t{i}}});
  }
  EXPECT_GT(log.dropped(), 0u);
  std::string text;
  std::thread reader(
      [&] { text = pipe.ReadUntilQuiet(std::chrono::milliseconds(500)); });
  EXPECT_TRUE(log.Flush(absl::Seconds(10)));
  reader.join();
  std::string fill(Pipe::kFillLine);
  while (text.starts_with(fill)) text.erase(0, fill.size());
  EXPECT_TRUE(testing::EveryLineIsJsonObject(text));
  int64_t reported = 0;
  for (const auto& report :
       testing::LinesWith(text, "msg", "dropped log lines")) {
    EXPECT_EQ(report.fields().at("level").string_value(), "warning");
    reported +=
        static_cast<int64_t>(report.fields().at("lines").number_value());
  }
  EXPECT_EQ(reported, static_cast<int64_t>(log.dropped()));
}

}  // namespace
}  // namespace brevis
