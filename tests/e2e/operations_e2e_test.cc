// What operators rely on, with the real brevisd: the start-up log line,
// a log that is JSON lines whatever happens and never holds up a call,
// metrics, and backup and restore while serving.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <thread>

#include "brevis/v1/directory_service.grpc.pb.h"
#include "tests/e2e/brevisd_process.h"
#include "tests/e2e/raw_grpc_calls.h"
#include "tests/testing/bearer_channel.h"
#include "tests/testing/json_lines.h"
#include "tests/testing/raw_call.h"

namespace brevis::e2e {
namespace {

using ::testing::HasSubstr;

std::string Scrape(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    (void)!write(fd, request.data(), request.size());
    char buffer[4096];
    pollfd wait = {fd, POLLIN, 0};
    while (poll(&wait, 1, 5000) > 0) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      response.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  return response;
}

// Sends `bytes` on a new TCP connection to 127.0.0.1:`port` and waits up to
// a second for the server to answer or close: a client that does not speak
// HTTP/2 (or TLS).
void SendGarbage(int port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    (void)!write(fd, bytes.data(), bytes.size());
    char buffer[4096];
    pollfd wait = {fd, POLLIN, 0};
    while (poll(&wait, 1, 1000) > 0 && read(fd, buffer, sizeof buffer) > 0) {
    }
  }
  close(fd);
}

// The first line of `log` that library `source` wrote has `level` and
// mentions `text`.
void ExpectFirstLineFrom(const std::string& log, const std::string& source,
                         const std::string& level, const std::string& text) {
  std::vector<google::protobuf::Struct> lines =
      testing::LinesWith(log, "source", source);
  ASSERT_FALSE(lines.empty()) << "no line from " << source << " in\n" << log;
  EXPECT_EQ(lines[0].fields().at("level").string_value(), level);
  EXPECT_THAT(lines[0].fields().at("msg").string_value(), HasSubstr(text));
}

int PortOf(const std::string& address) {
  return std::stoi(address.substr(address.rfind(':') + 1));
}

// A CreateUnit request whose display_name is not UTF-8, as a client
// without protobuf's checks may send it.
std::string CreateUnitWithInvalidUtf8() {
  v1::CreateUnitRequest request;
  request.mutable_unit()->set_display_name("BUP @@@@");
  request.mutable_unit()->set_region("Region Stockholm");
  std::string bytes = request.SerializeAsString();
  bytes.replace(bytes.find("@@@@"), 4, "\xff\xfe\xc3\x28");
  return bytes;
}

// A port that was free a moment ago (the kernel picks it).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("brevis.db");
    ProcessResult init = RunBrevisd({"init", "--db", db_});
    ASSERT_EQ(init.exit_code, 0) << init.Describe();
    secret_ = ReadFile(dir_.File("admin.token")).value_or("");
    secret_ = secret_.substr(0, secret_.find('\n'));
  }

  std::unique_ptr<BrevisdProcess> Serve(const std::string& db,
                                        std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"serve", "--db", db, "--listen",
                                     "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string error;
    auto server = BrevisdProcess::Start(args, &error);
    EXPECT_NE(server, nullptr) << error;
    if (server != nullptr) {
      EXPECT_TRUE(server->WaitForListening().has_value());
    }
    return server;
  }

  // Stops `server` with SIGTERM and returns how it ended; it must exit 0
  // with nothing but JSON objects on stderr.
  ProcessResult StopWithJsonLog(BrevisdProcess& server) {
    server.SendSignal(SIGTERM);
    ProcessResult stopped = server.WaitForExit();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
    EXPECT_TRUE(testing::EveryLineIsJsonObject(stopped.err));
    return stopped;
  }

  // The health checks that `threads` clients make `calls` times each over
  // one channel; the count of those answered before the first failure,
  // whose status goes to *failure.
  int CheckHealthConcurrently(BrevisdProcess& server, int threads, int calls,
                              std::string* failure) {
    auto channel = grpc::CreateChannel(server.address(),
                                       grpc::InsecureChannelCredentials());
    std::atomic<int> answered{0};
    std::mutex mu;
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
      clients.emplace_back([&] {
        for (int i = 0; i < calls; ++i) {
          HealthCheckResult health =
              CheckHealth(channel, "", std::chrono::seconds(5));
          if (!health.status.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            *failure = std::to_string(health.status.error_code()) + ": " +
                       health.status.error_message();
            return;
          }
          answered.fetch_add(1);
        }
      });
    }
    for (std::thread& client : clients) client.join();
    return answered.load();
  }

  std::string CreateUnit(BrevisdProcess& server, const std::string& name) {
    auto stub = v1::DirectoryService::NewStub(
        testing::BearerChannel(server.address(), secret_));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::CreateUnitRequest request;
    request.mutable_unit()->set_display_name(name);
    request.mutable_unit()->set_region("Region Stockholm");
    request.mutable_unit()->set_kind(v1::UNIT_KIND_OUTPATIENT);
    v1::Unit unit;
    grpc::Status status = stub->CreateUnit(&context, request, &unit);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return unit.name();
  }

  int CountUnits(BrevisdProcess& server) {
    auto stub = v1::DirectoryService::NewStub(
        testing::BearerChannel(server.address(), secret_));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::ListUnitsResponse response;
    grpc::Status status =
        stub->ListUnits(&context, v1::ListUnitsRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.units_size();
  }

  TempDir dir_;
  std::string db_;
  std::string secret_;
};

TEST_F(OperationsTest, StartUpLogLineAndMetricsScrape) {
  int port = FreePort();
  auto server =
      Serve(db_, {"--metrics-addr", "127.0.0.1:" + std::to_string(port)});
  ASSERT_NE(server, nullptr);
  CreateUnit(*server, "BUP Prima Handen");
  std::string metrics = Scrape(port);
  EXPECT_THAT(metrics,
              HasSubstr("brevis_rpc_requests_total{method=\"brevis.v1."
                        "DirectoryService/CreateUnit\",code=\"OK\"} 1"));
  server->SendSignal(SIGTERM);
  ProcessResult stopped = server->WaitForExit();
  EXPECT_EQ(stopped.exit_code, 0);
  // JSON lines on stderr: start-up with what operators need, one line per
  // call, and the stop.
  EXPECT_TRUE(std::regex_search(
      stopped.err,
      std::regex("\\{\"time\":\"[^\"]+\",\"level\":\"info\",\"msg\":"
                 "\"started\",\"version\":\"[0-9.]+\",\"address\":"
                 "\"127\\.0\\.0\\.1:[0-9]+\",\"tls\":false,"
                 "\"client_certificates\":false,\"database\":\"[^\"]+\","
                 "\"schema_version\":[0-9]+,\"metrics_address\":"
                 "\"127\\.0\\.0\\.1:" +
                 std::to_string(port) + "\"\\}")))
      << stopped.err;
  EXPECT_THAT(stopped.err, HasSubstr("\"msg\":\"rpc\",\"method\":\"brevis."
                                     "v1.DirectoryService/CreateUnit\""));
  EXPECT_THAT(stopped.err, HasSubstr("\"msg\":\"stopped\""));
  EXPECT_THAT(stopped.err, ::testing::Not(HasSubstr(secret_)));
}

// What gRPC and protobuf log themselves goes through the JSON log too: a
// string field that is not UTF-8 (protobuf's parse error) and clients that
// do not speak HTTP/2, with gRPC as talkative as GRPC_VERBOSITY=debug makes
// it.
TEST_F(OperationsTest, LibraryLinesAreJsonLinesToo) {
  setenv("GRPC_VERBOSITY", "debug", 1);
  auto server = Serve(db_);
  unsetenv("GRPC_VERBOSITY");
  ASSERT_NE(server, nullptr);
  grpc::Status status = testing::RawUnaryCall(
      testing::BearerChannel(server->address(), secret_),
      "/brevis.v1.DirectoryService/CreateUnit", CreateUnitWithInvalidUtf8());
  EXPECT_FALSE(status.ok());
  SendGarbage(PortOf(server->address()), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  SendGarbage(PortOf(server->address()), std::string(64, '\xff'));
  EXPECT_EQ(CountUnits(*server), 0);
  ProcessResult stopped = StopWithJsonLog(*server);
  ExpectFirstLineFrom(stopped.err, "protobuf", "error", "invalid UTF-8");
  EXPECT_FALSE(testing::LinesWith(stopped.err, "source", "grpc").empty())
      << stopped.err;
}

// At gRPC's default verbosity a failed TLS handshake is an error gRPC logs:
// as a JSON line with its level.
TEST_F(OperationsTest, AFailedTlsHandshakeIsAJsonLine) {
  std::string certs = dir_.File("certs");
  std::string command = std::string(BREVIS_SOURCE_DIR) +
                        "/deploy/make-certs.sh " + certs + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto server = Serve(db_, {"--tls-cert", certs + "/server.crt", "--tls-key",
                            certs + "/server.key"});
  ASSERT_NE(server, nullptr);
  // A plaintext HTTP/2 client is no TLS client.
  HealthCheckResult health =
      CheckHealth(grpc::CreateChannel(server->address(),
                                      grpc::InsecureChannelCredentials()),
                  "", std::chrono::seconds(2));
  EXPECT_FALSE(health.status.ok());
  SendGarbage(PortOf(server->address()), std::string(64, '\x16'));
  ProcessResult stopped = StopWithJsonLog(*server);
  ExpectFirstLineFrom(stopped.err, "grpc", "error", "andshake");
}

// brevisd's stderr is a pipe nobody reads (a stuck log shipper): calls go
// on as if it were read, the lines that did not fit are dropped, and once
// the reader is back the log says how many, as does the metric.
TEST_F(OperationsTest, AStderrNobodyReadsHoldsUpNoCall) {
  int metrics_port = FreePort();
  auto server = Serve(
      db_, {"--metrics-addr", "127.0.0.1:" + std::to_string(metrics_port)});
  ASSERT_NE(server, nullptr);
  // Each call logs a line of about 200 bytes: 4,000 of them are several
  // times what the pipe and brevisd's buffer hold. The test does not read
  // the pipe while they run.
  constexpr int kThreads = 4, kCallsEach = 1000;
  std::string failure;
  auto start = std::chrono::steady_clock::now();
  int answered =
      CheckHealthConcurrently(*server, kThreads, kCallsEach, &failure);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answered, kThreads * kCallsEach) << "first failure: " << failure;
  EXPECT_LT(took, std::chrono::seconds(60));

  // The reader comes back.
  server->ReadOutputFor(std::chrono::seconds(2));
  std::string metrics = Scrape(metrics_port);
  ProcessResult stopped = StopWithJsonLog(*server);
  int64_t reported = 0;
  for (const auto& report :
       testing::LinesWith(stopped.err, "msg", "dropped log lines")) {
    EXPECT_EQ(report.fields().at("level").string_value(), "warning");
    reported +=
        static_cast<int64_t>(report.fields().at("lines").number_value());
  }
  EXPECT_GT(reported, 0) << "the pipe never filled";
  int64_t logged = static_cast<int64_t>(
      testing::LinesWith(stopped.err, "method", "grpc.health.v1.Health/Check")
          .size());
  EXPECT_EQ(logged + reported, kThreads * kCallsEach)
      << "every call is either logged or counted as dropped";
  EXPECT_THAT(metrics, HasSubstr("brevis_log_lines_dropped_total " +
                                 std::to_string(reported) + "\n"));
  EXPECT_THAT(stopped.err, HasSubstr("\"msg\":\"stopped\""));
}

TEST_F(OperationsTest, BackupWhileServingRestoresEverythingBeforeIt) {
  auto server = Serve(db_);
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 5; ++i) CreateUnit(*server, "BUP " + std::to_string(i));
  std::string backup = dir_.File("backups/brevis-1.db");
  ProcessResult made = RunBrevisd({"backup", "--db", db_, "--to", backup});
  // The backup's directory does not exist: brevisd says so and makes none.
  EXPECT_NE(made.exit_code, 0);
  backup = dir_.File("brevis-backup.db");
  made = RunBrevisd({"backup", "--db", db_, "--to", backup});
  ASSERT_EQ(made.exit_code, 0) << made.Describe();
  CreateUnit(*server, "BUP efter backupen");
  ProcessResult refused =
      RunBrevisd({"restore", "--from", backup, "--db", db_});
  EXPECT_EQ(refused.exit_code, 1) << "never under a serving brevisd";
  EXPECT_THAT(refused.err, HasSubstr("stop it first"));
  ProcessResult migrate = RunBrevisd({"migrate", "--db", db_});
  EXPECT_EQ(migrate.exit_code, 1);
  EXPECT_THAT(migrate.err, HasSubstr("stop it first"));
  EXPECT_NE(RunBrevisd({"backup", "--db", db_, "--to", backup}).exit_code, 0)
      << "a backup never overwrites";
  server->SendSignal(SIGTERM);
  server->WaitForExit();

  std::string restored = dir_.File("restored.db");
  ProcessResult restore =
      RunBrevisd({"restore", "--from", backup, "--db", restored});
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  auto again = Serve(restored);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(CountUnits(*again), 5);
  again->SendSignal(SIGTERM);
  again->WaitForExit();
}

}  // namespace
}  // namespace brevis::e2e
