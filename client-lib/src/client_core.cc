#include "client-lib/src/client_core.h"

#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"

namespace brevis::client {
namespace {

// A brevis response (an HTML report, a page of 1000 findings) may be far
// larger than gRPC's 4 MB default; brevisd's own limit is at most 64 MB.
constexpr int kMaxReceiveBytes = 64 * 1024 * 1024;
// Pings while a call (a watch) is open, so a dead connection is noticed;
// brevisd accepts one every 10 s at most.
constexpr int kKeepaliveMs = 30000;
constexpr int kKeepaliveTimeoutMs = 10000;

absl::StatusOr<std::string> ReadWholeFile(const std::string& what,
                                          const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::FailedPreconditionError(std::string("cannot read ") + what +
                                         " " + path + ": " +
                                         std::strerror(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (text.str().empty()) {
    return absl::FailedPreconditionError(what + " " + path + " is empty");
  }
  return text.str();
}

// The secret from a token file: one line, surrounding white space ignored.
// Says nothing of the content in an error, since it may be a secret.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile("token file", path);
  if (!text.ok()) return text.status();
  std::string token(absl::StripAsciiWhitespace(*text));
  if (token.empty()) {
    return absl::FailedPreconditionError("token file " + path + " is empty");
  }
  for (char c : token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::FailedPreconditionError(
          "token file " + path +
          " does not hold a token (expected one line without spaces)");
    }
  }
  return token;
}

absl::Status CheckToken(const std::string& token) {
  for (char c : token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "token: only printable characters without spaces");
    }
  }
  return absl::OkStatus();
}

// A duration as whole milliseconds for a channel argument, 10 ms to 1 h.
int ClampMs(absl::Duration duration) {
  return static_cast<int>(std::clamp<int64_t>(
      absl::ToInt64Milliseconds(duration), 10, 3600 * 1000));
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const ClientOptions& options) {
  bool tls = options.use_tls || !options.ca_file.empty() ||
             !options.cert_file.empty() || !options.key_file.empty();
  if (!tls) return grpc::InsecureChannelCredentials();
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "cert_file and key_file: give both for mutual TLS, or neither");
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadWholeFile("CA file", options.ca_file);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
  }
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadWholeFile("certificate file", options.cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key =
        ReadWholeFile("key file", options.key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::Duration Backoff(const RetryOptions& options, int retry) {
  absl::Duration wait = options.initial_backoff;
  for (int i = 1; i < retry && wait < options.max_backoff; ++i) {
    wait = wait * options.multiplier;
  }
  wait = std::min(wait, options.max_backoff);
  thread_local absl::BitGen random;
  return wait * absl::Uniform(random, 0.8, 1.2);
}

absl::StatusOr<std::shared_ptr<const ClientCore>> ClientCore::Create(
    const ClientOptions& options) {
  if (options.target.empty()) {
    return absl::InvalidArgumentError("target: required (HOST:PORT)");
  }
  if (!options.token.empty() && !options.token_file.empty()) {
    return absl::InvalidArgumentError("token and token_file: give at most one");
  }
  if (options.default_deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("default_deadline: must be positive");
  }
  std::string token = options.token;
  if (!options.token_file.empty()) {
    absl::StatusOr<std::string> from_file = ReadTokenFile(options.token_file);
    if (!from_file.ok()) return from_file.status();
    token = *std::move(from_file);
  } else if (absl::Status valid = CheckToken(token); !valid.ok()) {
    return valid;
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();

  grpc::ChannelArguments arguments;
  arguments.SetUserAgentPrefix(options.user_agent);
  arguments.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveMs);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  // Retries are this library's own (RetryOptions); gRPC's would multiply
  // them.
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  // gRPC waits between attempts to reconnect a broken connection (1 s at
  // first, growing to 2 min) and meanwhile fails calls at once; retries
  // spaced by RetryOptions would then all fail. Reconnect at their pace.
  // (GRPC_ARG_MIN_RECONNECT_BACKOFF_MS is left alone: it is also the
  // connect timeout.)
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
                   ClampMs(options.retry.initial_backoff));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                   ClampMs(options.retry.max_backoff));
  if (!options.tls_server_name.empty()) {
    arguments.SetSslTargetNameOverride(options.tls_server_name);
  }
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      options.target, *std::move(credentials), arguments);
  return std::shared_ptr<const ClientCore>(new ClientCore(
      options, token.empty() ? "" : "Bearer " + token, std::move(channel)));
}

absl::StatusOr<std::shared_ptr<const ClientCore>> ClientCore::WithToken(
    std::string token) const {
  if (token.empty()) return absl::InvalidArgumentError("token: required");
  if (absl::Status valid = CheckToken(token); !valid.ok()) return valid;
  ClientOptions options = options_;
  options.token_file.clear();
  options.token = token;
  return std::shared_ptr<const ClientCore>(
      new ClientCore(std::move(options), "Bearer " + token, channel_));
}

ClientCore::ClientCore(ClientOptions options, std::string authorization,
                       std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      authorization_(std::move(authorization)),
      channel_(std::move(channel)),
      stubs_(v1::DirectoryService::NewStub(channel_),
             v1::AuditService::NewStub(channel_),
             v1::AccessLogService::NewStub(channel_),
             v1::EventService::NewStub(channel_),
             v1::ReportService::NewStub(channel_)) {}

absl::Time ClientCore::Deadline(const CallOptions& call, bool unary) const {
  if (call.deadline > absl::ZeroDuration()) return absl::Now() + call.deadline;
  if (!unary) return absl::InfiniteFuture();
  return absl::Now() + options_.default_deadline;
}

void ClientCore::Prepare(grpc::ClientContext* context,
                         absl::Time deadline) const {
  if (deadline != absl::InfiniteFuture()) {
    context->set_deadline(absl::ToChronoTime(deadline));
  }
  if (!authorization_.empty()) {
    context->AddMetadata("authorization", authorization_);
  }
}

void ClientCore::WaitToRetry(absl::Time until) const {
  // A connected channel got UNAVAILABLE from the server itself: back off.
  if (Connected() || !AwaitConnected(until)) {
    absl::SleepFor(until - absl::Now());
  }
}

bool ClientCore::AwaitConnected(
    absl::Time deadline,
    const std::function<bool(grpc::ClientContext*)>& hook) const {
  if (channel_->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) {
    return true;
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  context.set_wait_for_ready(true);
  if (hook && !hook(&context)) return false;
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue queue;
  grpc::ByteBuffer empty_request;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check",
                            empty_request, &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, /*tag=*/&status);
  void* tag = nullptr;
  bool ok = false;
  // One event comes: the call's end, by the deadline at the latest.
  bool finished = queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (hook) hook(nullptr);
  if (!finished) return false;
  // Any answer from a server, even UNIMPLEMENTED, means connected.
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return false;
    default:
      return true;
  }
}

void ClientCore::Notify(const char* method, int attempt,
                        const absl::Status& status,
                        absl::Duration backoff) const {
  if (!options_.retry.on_retry) return;
  RetryNotice notice;
  notice.method = method;
  notice.attempt = attempt;
  notice.status = status;
  notice.backoff = backoff;
  options_.retry.on_retry(notice);
}

absl::Status ClientCore::GaveUp(const absl::Status& failure, int attempts,
                                bool deadline_near) {
  std::string message(failure.message());
  message += " (" + std::to_string(attempts) +
             (attempts == 1 ? " attempt" : " attempts");
  if (deadline_near) message += "; the deadline allowed no further retry";
  message += ")";
  return absl::Status(failure.code(), message);
}

}  // namespace brevis::client
