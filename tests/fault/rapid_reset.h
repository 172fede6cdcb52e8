#ifndef BREVIS_TESTS_FAULT_RAPID_RESET_H_
#define BREVIS_TESTS_FAULT_RAPID_RESET_H_

// An abusive HTTP/2 client for tests: the "rapid reset" pattern of
// CVE-2023-44487. Over plain TCP (h2c with prior knowledge, as gRPC without
// TLS speaks it) it opens a stream with a HEADERS frame for a gRPC method
// and cancels it with RST_STREAM at once, again and again, as fast as the
// socket takes the bytes. It carries no token. It reads and discards what
// the server sends (answering SETTINGS and PING as a real client must), and
// when the server closes a connection it opens a new one, as an attacker
// would.

#include <chrono>
#include <cstdint>
#include <string>

namespace brevis::fault {

struct RapidResetOptions {
  // HOST:PORT; HOST must be an IPv4 address.
  std::string address;
  // The gRPC method each stream names, e.g.
  // "/brevis.v1.DirectoryService/ListUnits".
  std::string method;
  // Parallel connections, each on its own thread.
  int connections = 2;
  // Also send the request (an empty message, half-closing the stream)
  // before the reset, so that calls reach the server's handlers.
  bool with_request = false;
  std::chrono::milliseconds duration{3000};
  // The local IPv4 address to connect from (empty: the kernel's choice);
  // on loopback, 127.0.0.2 makes the flood another host than 127.0.0.1.
  std::string source_address;
  // Run the flood's threads at the lowest CPU priority (nice 19): on a
  // test machine the attacker shares the server's cores, which a real one
  // on another host does not.
  bool low_priority = false;
  // Stop after this many streams in all (0: no limit but the duration).
  int64_t max_streams = 0;
};

struct RapidResetResult {
  int64_t streams = 0;  // HEADERS + RST_STREAM pairs written
  int64_t connections_opened = 0;
  // Connections the server ended (GOAWAY, end of file or reset).
  int64_t connections_closed_by_server = 0;
  // Connection attempts the server refused or that failed.
  int64_t connect_failures = 0;
  std::chrono::milliseconds elapsed{0};

  double StreamsPerSecond() const;
  std::string Describe() const;
};

// Floods for options.duration and reports what it did. Bounded by the
// duration (plus one second at most for sockets to give up).
RapidResetResult RunRapidReset(const RapidResetOptions& options);

}  // namespace brevis::fault

#endif  // BREVIS_TESTS_FAULT_RAPID_RESET_H_
