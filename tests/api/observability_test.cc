// The operational log and the metrics endpoint, and what must never appear
// in either.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "server/json_log.h"
#include "tests/api/service_fixture.h"
#include "tests/testing/raw_call.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A bounded HTTP GET against 127.0.0.1:`port`; returns the whole response.
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buffer[4096];
  pollfd wait = {fd, POLLIN, 0};
  while (poll(&wait, 1, 5000) > 0) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return response;
}

class ObservabilityTest : public ServiceTest {
 protected:
  void SetUp() override {
    options_.metrics_address = "127.0.0.1:0";
    ServiceTest::SetUp();
  }

  std::vector<std::string> LogLines() {
    std::vector<std::string> lines;
    std::istringstream in(server_log_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

TEST_F(ObservabilityTest, MetricsCountCallsByMethodAndCode) {
  MustCreateAudit();
  auto anonymous = v1::DirectoryService::NewStub(ChannelFor(""));
  grpc::ClientContext context;
  v1::WhoAmIResponse who;
  ASSERT_FALSE(anonymous->WhoAmI(&context, v1::WhoAmIRequest(), &who).ok());

  ASSERT_NE(server_->metrics_port(), 0);
  std::string response = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_THAT(response, HasSubstr("HTTP/1.1 200 OK"));
  EXPECT_THAT(response, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(response,
              HasSubstr("brevis_rpc_requests_total{method=\"brevis.v1."
                        "AuditService/CreateAudit\",code=\"OK\"} 1\n"));
  EXPECT_THAT(response,
              HasSubstr("brevis_rpc_requests_total{method=\"brevis.v1."
                        "DirectoryService/WhoAmI\",code=\"UNAUTHENTICATED\"} "
                        "1\n"));
  EXPECT_THAT(response, HasSubstr("brevis_auth_failures_total 1\n"));
  EXPECT_THAT(response,
              HasSubstr("brevis_rpc_duration_seconds_count{method=\"brevis."
                        "v1.AuditService/CreateAudit\"} 1\n"));
  if (OnPostgres()) {
    // The database's size is PostgreSQL's to report (pg_database_size).
    EXPECT_THAT(response, Not(HasSubstr("brevis_db_size_bytes")));
    EXPECT_THAT(response, Not(HasSubstr("brevis_wal_size_bytes")));
  } else {
    EXPECT_THAT(response, HasSubstr("# TYPE brevis_db_size_bytes gauge"));
    EXPECT_THAT(response, Not(HasSubstr("brevis_db_size_bytes 0\n")));
    EXPECT_THAT(response, HasSubstr("brevis_wal_size_bytes "));
  }
  EXPECT_THAT(response, HasSubstr("brevis_writer_queue_depth 0\n"));
  EXPECT_THAT(response, HasSubstr("brevis_write_transactions_total "));
}

TEST_F(ObservabilityTest, MetricsEndpointServesOnlyMetrics) {
  EXPECT_THAT(HttpGet(server_->metrics_port(), "/"),
              HasSubstr("404 Not Found"));
}

TEST_F(ObservabilityTest, EveryCallIsOneLogLineWithoutContentOrSecrets) {
  v1::Audit audit = MustCreateAudit();
  const std::string text =
      "Unga berättar att väntan på första besöket känns oändlig.";
  v1::Finding finding = ExampleFinding();
  finding.set_text(text);
  MustCreateFinding(audit.name(), finding);
  v1::Finding refused = ExampleFinding();
  refused.set_text("Mamman nås på 070-123 45 67 om något händer.");
  ASSERT_FALSE(CreateFinding(audit.name(), refused).ok());

  std::vector<std::string> lines = LogLines();
  int rpc_lines = 0;
  for (const std::string& line : lines) {
    EXPECT_TRUE(line.starts_with("{\"time\":\"") && line.ends_with("}"))
        << line;
    EXPECT_THAT(line, Not(HasSubstr(admin_.secret)));
    EXPECT_THAT(line, Not(HasSubstr("oändlig")));
    EXPECT_THAT(line, Not(HasSubstr("070-123")));
    EXPECT_THAT(line, Not(HasSubstr("Unga")));
    if (line.find("\"msg\":\"rpc\"") != std::string::npos) ++rpc_lines;
  }
  // CreateUnit, CreateAudit, two CreateFindings.
  EXPECT_EQ(rpc_lines, 4);
  auto refused_line = std::find_if(lines.begin(), lines.end(), [](auto& l) {
    return l.find("INVALID_ARGUMENT") != std::string::npos;
  });
  ASSERT_NE(refused_line, lines.end());
  EXPECT_THAT(*refused_line,
              HasSubstr("\"method\":\"brevis.v1.AuditService/CreateFinding\""));
  EXPECT_THAT(*refused_line, HasSubstr("\"principal\":\"" + admin_.name));
  EXPECT_THAT(*refused_line, HasSubstr("\"latency_ms\":"));
  EXPECT_THAT(*refused_line, HasSubstr("\"peer\":\"ipv4:127.0.0.1:"));
}

TEST_F(ObservabilityTest, CallsOutsideBrevisAreLoggedToo) {
  grpc::Status status =
      testing::RawUnaryCall(ChannelFor(""), "/grpc.health.v1.Health/Check", "");
  ASSERT_TRUE(status.ok());
  bool logged = false;
  for (const std::string& line : LogLines()) {
    logged |= line.find("\"method\":\"grpc.health.v1.Health/Check\"") !=
              std::string::npos;
  }
  EXPECT_TRUE(logged);
}

TEST_F(ObservabilityTest, InventedMethodNamesShareOneLabel) {
  for (int i = 0; i < 3; ++i) {
    grpc::Status status = testing::RawUnaryCall(
        ChannelFor(""), "/made.Up/Method" + std::to_string(i), "");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  std::string metrics = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_THAT(metrics, Not(HasSubstr("made.Up")));
  EXPECT_THAT(metrics,
              HasSubstr("method=\"unknown\",code=\"UNIMPLEMENTED\"} 3"));
}

// Cancelled and refused calls come in floods; each is counted, and the
// log gets one summary line per method, code and peer address.
TEST(RpcObserverTest, CancelledAndRefusedCallsAreSummarizedNotLoggedEach) {
  Metrics metrics;
  std::ostringstream out;
  JsonLog log(&out);
  RpcObserver observer(&metrics, &log, absl::Hours(1));
  const std::string method = "brevis.v1.DirectoryService/ListUnits";
  for (int i = 0; i < 100; ++i) {
    observer.Finished({method, "", 1, absl::Milliseconds(1), "",
                       "ipv4:127.0.0.2:" + std::to_string(40000 + i)});
  }
  for (int i = 0; i < 50; ++i) {
    observer.Finished(
        {method, "", 16, absl::Milliseconds(2), "", "ipv4:127.0.0.2:41000"});
  }
  observer.Finished({method, "principals/p", 0, absl::Milliseconds(3), "",
                     "ipv4:127.0.0.1:42000"});
  EXPECT_EQ(out.str().find("rpc summary"), std::string::npos)
      << "summaries wait for their interval";
  observer.Flush();
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << out.str();
  EXPECT_THAT(lines[0], HasSubstr("\"msg\":\"rpc\""));
  EXPECT_THAT(lines[0], HasSubstr("\"code\":\"OK\""));
  EXPECT_THAT(out.str(), HasSubstr("\"code\":\"CANCELLED\",\"peer\":"
                                   "\"ipv4:127.0.0.2\",\"count\":100"));
  EXPECT_THAT(out.str(), HasSubstr("\"code\":\"UNAUTHENTICATED\",\"peer\":"
                                   "\"ipv4:127.0.0.2\",\"count\":50"));
  EXPECT_THAT(metrics.Render(),
              HasSubstr("brevis_rpc_requests_total{method=\"brevis.v1."
                        "DirectoryService/ListUnits\",code=\"CANCELLED\"} "
                        "100\n"));
}

TEST(RpcObserverTest, SummaryKeysAreBounded) {
  Metrics metrics;
  std::ostringstream out;
  JsonLog log(&out);
  RpcObserver observer(&metrics, &log, absl::Hours(1));
  const size_t peers = RpcObserver::kMaxSummaryKeys + 100;
  for (size_t i = 0; i < peers; ++i) {
    observer.Finished({"brevis.v1.DirectoryService/ListUnits", "", 1,
                       absl::Milliseconds(1), "",
                       "ipv6:[fd00::" + std::to_string(i) + "]:1"});
  }
  observer.Flush();
  size_t lines = 0;
  for (char c : out.str()) lines += c == '\n';
  EXPECT_EQ(lines, RpcObserver::kMaxSummaryKeys + 1);
  EXPECT_THAT(out.str(), HasSubstr("\"peer\":\"other\",\"count\":100"));
}

TEST(MetricsEndpointOptionsTest, NonLoopbackMetricsAddressIsRefused) {
  auto endpoint =
      MetricsEndpoint::Start("0.0.0.0:0", [] { return std::string(); });
  EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(JsonLogTest, QuotesWhatJsonNeedsQuoted) {
  EXPECT_EQ(JsonLog::Quote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
}

}  // namespace
}  // namespace brevis::api
