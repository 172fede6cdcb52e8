#ifndef BREVIS_CLIENT_OPTIONS_H_
#define BREVIS_CLIENT_OPTIONS_H_

// How a brevis::client::Client connects, authenticates and retries. Plain
// values: copy them freely.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace brevis::client {

// One retry the client is about to make, for logging and tests.
struct RetryNotice {
  // The full RPC name, for example "/brevis.v1.DirectoryService/GetUnit".
  std::string method;
  // The attempt that failed, counting from 1.
  int attempt = 0;
  // Why it failed (always UNAVAILABLE).
  absl::Status status;
  // How long the client waits before the next attempt.
  absl::Duration backoff;
};

// Retries of UNAVAILABLE for calls that are safe to repeat: reads, lists,
// creates (which carry a request_id) and the resuming event watch. Updates,
// deletes, transitions and the other writes are sent once.
struct RetryOptions {
  // Attempts per call including the first; 1 turns retries off.
  int max_attempts = 4;
  // The wait before the second attempt; each later wait is `multiplier`
  // times longer, at most `max_backoff`, with +-20 % jitter.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  double multiplier = 2.0;
  // Failed streams in a row (none delivering anything) after which an
  // EventWatcher gives up; with the default backoff about half a minute,
  // long enough for brevisd to restart.
  int watch_max_attempts = 20;
  // Called before each retry, on the calling thread. Optional.
  std::function<void(const RetryNotice&)> on_retry;
};

struct ClientOptions {
  // HOST:PORT of brevisd (any gRPC target string).
  std::string target = "127.0.0.1:50051";

  // TLS is used when `use_tls` is true or any of the files below is given.
  bool use_tls = false;
  // PEM file of the CA(s) that signed the server's certificate; empty: the
  // system's roots.
  std::string ca_file;
  // Client certificate and key (PEM) for mutual TLS; both or neither.
  std::string cert_file;
  std::string key_file;
  // The name to check the server's certificate against, when it differs
  // from the host in `target` (for example a test CA's "localhost").
  std::string tls_server_name;

  // The bearer secret, or a file holding it (as brevisd init and
  // CreateToken write it); at most one of the two. With neither, calls go
  // out unauthenticated (only the health check accepts that).
  std::string token;
  std::string token_file;

  // The deadline of a unary call, retries included, unless the call's
  // CallOptions give another. Must be positive.
  absl::Duration default_deadline = absl::Seconds(10);
  // Sent as the prefix of the user-agent header.
  std::string user_agent = "brevis_client/0.1";

  RetryOptions retry;
};

// Per-call settings.
struct CallOptions {
  // Overrides ClientOptions::default_deadline for a unary call (retries
  // included). For WatchEvents and EventWatcher it bounds the whole watch;
  // zero there means no deadline.
  absl::Duration deadline = absl::ZeroDuration();
};

}  // namespace brevis::client

#endif  // BREVIS_CLIENT_OPTIONS_H_
