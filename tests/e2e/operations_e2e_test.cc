// What operators rely on, with the real brevisd: the start-up log line,
// metrics, and backup and restore while serving.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "brevis/v1/directory_service.grpc.pb.h"
#include "tests/e2e/brevisd_process.h"
#include "tests/testing/bearer_channel.h"

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
