// The client library against a real brevisd: every RPC has a method, calls
// carry the token, creates are retried without duplicates, other writes are
// not retried, paging walks every page, and the unhappy paths fail the way
// the header says.

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "brevis/client/client.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "tests/client/brevisd_fixture.h"
#include "tests/testing/free_port.h"

namespace brevis::client_testing {
namespace {

using client::Client;
using client::ClientOptions;
using client::RetryNotice;
using ::testing::HasSubstr;

using testing::UnusedLoopbackPort;

TEST(ClientMethodsTest, EveryRpcOfTheProtoFilesHasAMethod) {
  // The services as the proto files define them, found by file name so
  // that a new *_service.proto is noticed too.
  std::set<std::string> rpcs;
  for (const auto& entry :
       std::filesystem::directory_iterator(BREVIS_PROTO_DIR)) {
    std::string file = entry.path().filename().string();
    if (!file.ends_with("_service.proto")) continue;
    const google::protobuf::FileDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(
            "brevis/v1/" + file);
    ASSERT_NE(descriptor, nullptr) << file;
    for (int s = 0; s < descriptor->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service =
          descriptor->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        rpcs.insert("/" + service->full_name() + "/" +
                    service->method(m)->name());
      }
    }
  }
  ASSERT_GE(rpcs.size(), 48u);
  std::set<std::string> methods;
  for (const auto& [name, retried] : Client::Methods()) methods.insert(name);
  EXPECT_EQ(methods, rpcs);
}

TEST(ClientMethodsTest, OnlyReadsAndCreatesWithARequestIdAreRetried) {
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const auto& [name, retried] : Client::Methods()) {
    std::string service = name.substr(1, name.rfind('/') - 1);
    std::string method = name.substr(name.rfind('/') + 1);
    const google::protobuf::MethodDescriptor* descriptor =
        pool->FindServiceByName(service)->FindMethodByName(method);
    ASSERT_NE(descriptor, nullptr) << name;
    bool read = method.starts_with("Get") || method.starts_with("List") ||
                method.starts_with("Watch") || method == "WhoAmI" ||
                method == "ExportAudits";
    bool create_with_id =
        method.starts_with("Create") &&
        descriptor->input_type()->FindFieldByName("request_id") != nullptr;
    EXPECT_EQ(retried, read || create_with_id) << name;
  }
}

TEST(ClientOptionsTest, BadTokenFilesAreRefusedBeforeAnyCall) {
  e2e::TempDir dir;
  ClientOptions options;
  options.token_file = dir.File("missing.token");
  absl::StatusOr<Client> missing = Client::Create(options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), HasSubstr("missing.token"));

  ASSERT_TRUE(e2e::WriteFile(dir.File("empty.token"), "\n  \n"));
  options.token_file = dir.File("empty.token");
  absl::StatusOr<Client> empty = Client::Create(options);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(empty.status().message(), HasSubstr("is empty"));

  // A file that is not a token is refused, and its content is not echoed.
  ASSERT_TRUE(e2e::WriteFile(dir.File("notes.txt"), "secret words here\n"));
  options.token_file = dir.File("notes.txt");
  absl::StatusOr<Client> notes = Client::Create(options);
  EXPECT_EQ(notes.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(notes.status().message(), HasSubstr("does not hold a token"));
  EXPECT_THAT(notes.status().message(),
              ::testing::Not(HasSubstr("secret words")));

  options.token_file = dir.File("a.token");
  options.token = "brv_x";
  EXPECT_EQ(Client::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.token.clear();
  options.token_file.clear();
  options.cert_file = dir.File("client.crt");
  EXPECT_EQ(Client::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.cert_file.clear();
  options.default_deadline = absl::ZeroDuration();
  EXPECT_EQ(Client::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ClientUnreachableTest, UnavailableAfterBoundedRetriesWithinTheDeadline) {
  int port = UnusedLoopbackPort();
  ASSERT_GT(port, 0);
  ClientOptions options;
  options.target = "127.0.0.1:" + std::to_string(port);
  options.token = "brv_unused";
  options.retry.max_attempts = 4;
  options.retry.initial_backoff = absl::Milliseconds(50);
  std::vector<RetryNotice> retries;
  options.retry.on_retry = [&](const RetryNotice& notice) {
    retries.push_back(notice);
  };
  absl::StatusOr<Client> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();

  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<v1::Unit> unit = client->GetUnit({});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(unit.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(unit.status().message(), HasSubstr("(4 attempts)"));
  ASSERT_EQ(retries.size(), 3u);
  EXPECT_EQ(retries[0].method, "/brevis.v1.DirectoryService/GetUnit");
  EXPECT_EQ(retries[2].attempt, 3);
  EXPECT_LT(elapsed, std::chrono::seconds(5));

  // A write is sent once: it may have been applied.
  retries.clear();
  EXPECT_EQ(client->UpdateUnit({}).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(retries.empty());
}

TEST(ClientUnreachableTest, TheDeadlineCutsRetriesShort) {
  int port = UnusedLoopbackPort();
  ASSERT_GT(port, 0);
  ClientOptions options;
  options.target = "127.0.0.1:" + std::to_string(port);
  options.retry.max_attempts = 1000;
  options.retry.initial_backoff = absl::Milliseconds(100);
  options.retry.max_backoff = absl::Milliseconds(300);
  options.default_deadline = absl::Seconds(1);
  absl::StatusOr<Client> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<v1::ListUnitsResponse> units = client->ListUnits({});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(units.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(units.status().message(), HasSubstr("deadline"));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  EXPECT_GE(elapsed, std::chrono::milliseconds(500));
}

using ClientServerTest = BrevisdFixture;

TEST_F(ClientServerTest, CallsCarryTheTokenAndServerErrorsPassThrough) {
  Client admin = AdminClient();
  absl::StatusOr<v1::WhoAmIResponse> me = admin.WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->principal().role(), v1::ROLE_ADMIN);

  v1::GetUnitRequest missing;
  missing.set_name("units/00000000000000ff");
  EXPECT_EQ(admin.GetUnit(missing).status().code(),
            absl::StatusCode::kNotFound);

  v1::CreateUnitRequest bad = UnitRequest(1);
  bad.mutable_unit()->clear_region();
  absl::StatusOr<v1::Unit> refused = admin.CreateUnit(bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("unit.region"));

  ClientOptions wrong = AdminOptions();
  wrong.token_file.clear();
  wrong.token = "brv_not_a_real_token";
  absl::StatusOr<Client> stranger = Client::Create(wrong);
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(stranger->WhoAmI().status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(ClientServerTest, PagingWalksEveryPageInOrder) {
  Client admin = AdminClient();
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) {
    absl::StatusOr<v1::Unit> unit = admin.CreateUnit(UnitRequest(i));
    ASSERT_TRUE(unit.ok()) << unit.status();
    created.push_back(unit->name());
  }
  v1::ListUnitsRequest request;
  request.set_page_size(2);
  client::Paged<v1::Unit> units = admin.WalkUnits(request);
  std::vector<std::string> walked;
  v1::Unit unit;
  for (int guard = 0; guard < 100 && units.Next(&unit); ++guard) {
    walked.push_back(unit.name());
  }
  EXPECT_TRUE(units.status().ok()) << units.status();
  EXPECT_EQ(walked, created);
  EXPECT_EQ(units.pages_fetched(), 4);
  // Past the end it stays at the end without asking again.
  EXPECT_FALSE(units.Next(&unit));
  EXPECT_EQ(units.pages_fetched(), 4);

  // Lazy: one item asks for one page only.
  client::Paged<v1::Unit> first = admin.WalkUnits(request);
  ASSERT_TRUE(first.Next(&unit));
  EXPECT_EQ(first.pages_fetched(), 1);

  // A refused page stops the walk with the server's status.
  v1::ListUnitsRequest negative;
  negative.set_page_size(-1);
  client::Paged<v1::Unit> refused = admin.WalkUnits(negative);
  EXPECT_FALSE(refused.Next(&unit));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ClientServerTest, OneClientServesManyThreads) {
  Client admin = AdminClient();
  absl::StatusOr<v1::Unit> unit = admin.CreateUnit(UnitRequest(1));
  ASSERT_TRUE(unit.ok()) << unit.status();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      Client copy = admin;  // Copies share the channel.
      for (int i = 0; i < 10; ++i) {
        v1::GetUnitRequest request;
        request.set_name(unit->name());
        if (copy.GetUnit(request).ok()) ++ok;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 80);
}

// Stands between the client and brevisd and loses the response of chosen
// calls: the call reaches brevisd, but the client sees UNAVAILABLE, as when
// a connection breaks after the request was sent.
class LossyDirectory final : public v1::DirectoryService::Service {
 public:
  LossyDirectory(std::shared_ptr<grpc::Channel> upstream, int lose_first)
      : upstream_(v1::DirectoryService::NewStub(std::move(upstream))),
        lose_first_(lose_first) {}

  grpc::Status CreateUnit(grpc::ServerContext* context,
                          const v1::CreateUnitRequest* request,
                          v1::Unit* response) override {
    {
      absl::MutexLock lock(&mu_);
      request_ids_.push_back(request->request_id());
    }
    return Forward(context, &v1::DirectoryService::Stub::CreateUnit, *request,
                   response);
  }
  grpc::Status UpdateUnit(grpc::ServerContext* context,
                          const v1::UpdateUnitRequest* request,
                          v1::Unit* response) override {
    return Forward(context, &v1::DirectoryService::Stub::UpdateUnit, *request,
                   response);
  }

  int calls() const { return calls_; }
  std::vector<std::string> request_ids() const {
    absl::MutexLock lock(&mu_);
    return request_ids_;
  }

 private:
  template <typename Request, typename Response>
  grpc::Status Forward(grpc::ServerContext* context,
                       grpc::Status (v1::DirectoryService::Stub::*rpc)(
                           grpc::ClientContext*, const Request&, Response*),
                       const Request& request, Response* response) {
    grpc::ClientContext upstream_context;
    for (const auto& [key, value] : context->client_metadata()) {
      if (key == "authorization") {
        upstream_context.AddMetadata(std::string(key.data(), key.size()),
                                     std::string(value.data(), value.size()));
      }
    }
    grpc::Status status =
        ((*upstream_).*rpc)(&upstream_context, request, response);
    if (++calls_ <= lose_first_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "connection lost after the request was sent");
    }
    return status;
  }

  std::unique_ptr<v1::DirectoryService::Stub> upstream_;
  const int lose_first_;
  std::atomic<int> calls_{0};
  mutable absl::Mutex mu_;
  std::vector<std::string> request_ids_ ABSL_GUARDED_BY(mu_);
};

class LossyProxyTest : public BrevisdFixture {
 protected:
  void StartProxy(int lose_first) {
    proxy_service_ = std::make_unique<LossyDirectory>(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()),
        lose_first);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(proxy_service_.get());
    proxy_ = builder.BuildAndStart();
    ASSERT_NE(proxy_, nullptr);
    proxy_address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override {
    if (proxy_) proxy_->Shutdown(std::chrono::system_clock::now());
  }

  Client ProxiedClient(std::vector<RetryNotice>* retries) {
    ClientOptions options = AdminOptions();
    options.target = proxy_address_;
    options.retry.initial_backoff = absl::Milliseconds(20);
    options.retry.on_retry = [retries](const RetryNotice& notice) {
      retries->push_back(notice);
    };
    absl::StatusOr<Client> client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  std::unique_ptr<LossyDirectory> proxy_service_;
  std::unique_ptr<grpc::Server> proxy_;
  std::string proxy_address_;
};

TEST_F(LossyProxyTest, ARetriedCreateReturnsTheFirstUnitAndMakesNoDuplicate) {
  StartProxy(/*lose_first=*/2);
  std::vector<RetryNotice> retries;
  Client client = ProxiedClient(&retries);

  absl::StatusOr<v1::Unit> unit = client.CreateUnit(UnitRequest(1));
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(retries.size(), 2u);
  std::vector<std::string> ids = proxy_service_->request_ids();
  ASSERT_EQ(ids.size(), 3u);
  // The library filled in one request_id and sent it every time.
  EXPECT_EQ(ids[0].size(), 32u);
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_EQ(ids[2], ids[0]);

  // brevisd got three creates and made one unit.
  absl::StatusOr<v1::ListUnitsResponse> units =
      AdminClient().ListUnits(v1::ListUnitsRequest());
  ASSERT_TRUE(units.ok()) << units.status();
  ASSERT_EQ(units->units_size(), 1);
  EXPECT_EQ(units->units(0).name(), unit->name());

  // A caller's own request_id is kept.
  v1::CreateUnitRequest own = UnitRequest(2);
  own.set_request_id("caller-chosen-id");
  ASSERT_TRUE(client.CreateUnit(own).ok());
  EXPECT_EQ(proxy_service_->request_ids().back(), "caller-chosen-id");
}

TEST_F(LossyProxyTest, AnUpdateIsSentOnceEvenWhenItsAnswerIsLost) {
  absl::StatusOr<v1::Unit> unit = AdminClient().CreateUnit(UnitRequest(1));
  ASSERT_TRUE(unit.ok()) << unit.status();
  StartProxy(/*lose_first=*/1);
  std::vector<RetryNotice> retries;
  Client client = ProxiedClient(&retries);

  v1::UpdateUnitRequest update;
  *update.mutable_unit() = *unit;
  update.mutable_unit()->set_display_name("BUP Prima Handen, mottagning 2");
  update.mutable_update_mask()->add_paths("display_name");
  absl::StatusOr<v1::Unit> updated = client.UpdateUnit(update);
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(proxy_service_->calls(), 1);
  EXPECT_TRUE(retries.empty());
  // It was applied: the caller reads to find out, as the header says.
  v1::GetUnitRequest get;
  get.set_name(unit->name());
  absl::StatusOr<v1::Unit> read = AdminClient().GetUnit(get);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->display_name(), "BUP Prima Handen, mottagning 2");
}

}  // namespace
}  // namespace brevis::client_testing
