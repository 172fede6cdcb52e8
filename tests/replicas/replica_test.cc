#include "tests/replicas/replica_test.h"

#include <signal.h>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "brevis/v1/event_service.grpc.pb.h"
#include "tests/fault/fault_support.h"
#include "tests/testing/bearer_channel.h"
#include "tests/testing/free_port.h"

namespace brevis::replicas {
namespace {

using fault::Deadline;

constexpr milliseconds kCallTimeout{10000};
// A feed longer than this many pages of 1000 is broken.
constexpr int kMaxEventPages = 500;
// Each replica's reader pool: three replicas stay well under the
// cluster's max_connections.
constexpr char kReaderConnections[] = "2";
// The slice each replica's pipes are read for in turn.
constexpr milliseconds kPumpSlice{5};

}  // namespace

void ReplicaTest::SetUp() {
  ASSERT_FALSE(dir_.path().empty()) << "cannot create a temp directory";
  testing::PgTest::SetUp();
  if (HasFatalFailure()) return;
  cluster_ = testing::SharedPgCluster();
  uri_ = cluster_->Uri(database_);

  e2e::ProcessResult init = e2e::RunBrevisd({"init", "--db", uri_});
  ASSERT_EQ(init.exit_code, 0) << init.Describe();
  std::string token_file = dir_.File("admin.token");
  e2e::ProcessResult token =
      e2e::RunBrevisd({"token", "create", "--db", uri_, "--out", token_file});
  ASSERT_EQ(token.exit_code, 0) << token.Describe();
  std::string secret = e2e::ReadFile(token_file).value_or("");
  admin_secret_ = secret.substr(0, secret.find('\n'));
  ASSERT_FALSE(admin_secret_.empty()) << token_file << " holds no token";

  for (int i = 0; i < kReplicas; ++i) {
    ports_[i] = testing::UnusedLoopbackPort();
    ASSERT_NE(ports_[i], 0) << "no free loopback port";
    ASSERT_NO_FATAL_FAILURE(StartReplica(i));
  }
}

void ReplicaTest::StartReplica(int i) {
  std::string error;
  replicas_[i] =
      e2e::BrevisdProcess::Start({"serve", "--db", uri_, "--listen", Address(i),
                                  "--reader-connections", kReaderConnections},
                                 &error);
  ASSERT_NE(replicas_[i], nullptr) << error;
  ASSERT_TRUE(replicas_[i]->WaitForListening().has_value())
      << "replica " << i << " did not report listening:\n"
      << replicas_[i]->WaitForExit(milliseconds(0)).Describe();
}

void ReplicaTest::KillReplica(int i) {
  ASSERT_NE(replicas_[i], nullptr) << "replica " << i << " is not running";
  ASSERT_TRUE(replicas_[i]->SendSignal(SIGKILL));
  e2e::ProcessResult killed = replicas_[i]->WaitForExit();
  replicas_[i].reset();
  // Anything else means the replica died on its own before the kill.
  ASSERT_EQ(killed.term_signal, SIGKILL) << killed.Describe();
}

void ReplicaTest::Pump(milliseconds duration) {
  auto end = std::chrono::steady_clock::now() + duration;
  do {
    for (auto& replica : replicas_) {
      if (replica != nullptr) replica->ReadOutputFor(kPumpSlice);
    }
  } while (std::chrono::steady_clock::now() < end);
}

std::string ReplicaTest::Address(int i) const {
  return "127.0.0.1:" + std::to_string(ports_[i]);
}

std::shared_ptr<grpc::Channel> ReplicaTest::Channel(
    int i, const std::string& secret) const {
  // Each channel gets its own connection, so concurrent clients are
  // concurrent connections as in production.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return testing::BearerChannel(Address(i), secret,
                                grpc::InsecureChannelCredentials(), arguments);
}

v1::Unit ReplicaTest::MustCreateUnit(const std::string& display_name) {
  auto directory = v1::DirectoryService::NewStub(AdminChannel(0));
  v1::CreateUnitRequest request;
  *request.mutable_unit() = fault::ExampleUnit(display_name);
  v1::Unit unit;
  grpc::Status status =
      directory->CreateUnit(Deadline(kCallTimeout).get(), request, &unit);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return unit;
}

v1::Audit ReplicaTest::MustCreateAudit(const std::string& unit) {
  auto audits = v1::AuditService::NewStub(AdminChannel(0));
  v1::CreateAuditRequest request;
  *request.mutable_audit() = fault::ExampleAudit(unit);
  v1::Audit audit;
  grpc::Status status =
      audits->CreateAudit(Deadline(kCallTimeout).get(), request, &audit);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return audit;
}

Person ReplicaTest::NewPrincipal(v1::Role role, const std::string& unit) {
  auto directory = v1::DirectoryService::NewStub(AdminChannel(0));
  v1::CreatePrincipalRequest request;
  request.mutable_principal()->set_display_name("Testperson");
  request.mutable_principal()->set_role(role);
  if (!unit.empty()) request.mutable_principal()->add_units(unit);
  v1::Principal principal;
  grpc::Status created = directory->CreatePrincipal(
      Deadline(kCallTimeout).get(), request, &principal);
  EXPECT_TRUE(created.ok()) << created.error_message();
  v1::CreateTokenRequest token_request;
  token_request.set_parent(principal.name());
  v1::CreateTokenResponse token;
  grpc::Status minted = directory->CreateToken(Deadline(kCallTimeout).get(),
                                               token_request, &token);
  EXPECT_TRUE(minted.ok()) << minted.error_message();
  return {principal.name(), token.secret()};
}

std::vector<v1::Event> ReplicaTest::ListAllEvents(int i,
                                                  const std::string& filter) {
  auto events = v1::EventService::NewStub(AdminChannel(i));
  std::vector<v1::Event> all;
  v1::ListEventsRequest request;
  request.set_page_size(1000);
  request.set_filter(filter);
  for (int page = 0; page < kMaxEventPages; ++page) {
    v1::ListEventsResponse response;
    grpc::Status status =
        events->ListEvents(Deadline(kCallTimeout).get(), request, &response);
    EXPECT_TRUE(status.ok())
        << "ListEvents through replica " << i << ": " << status.error_message();
    if (!status.ok()) return all;
    all.insert(all.end(), response.events().begin(), response.events().end());
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  ADD_FAILURE() << "ListEvents did not end within " << kMaxEventPages
                << " pages";
  return all;
}

void ReplicaTest::ExpectGapless(const std::vector<v1::Event>& events) {
  ASSERT_FALSE(events.empty());
  for (size_t k = 0; k < events.size(); ++k) {
    ASSERT_EQ(events[k].sequence(), static_cast<int64_t>(k) + 1)
        << "event " << k << " of " << events.size()
        << ": a gap, a repeat or a step back in the feed";
  }
}

}  // namespace brevis::replicas
