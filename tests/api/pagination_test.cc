#include <gmock/gmock.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class PaginationTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    audit_ = MustCreateAudit();
  }

  grpc::Status ListPage(const std::string& parent, int page_size,
                        const std::string& token, const std::string& filter,
                        v1::ListFindingsResponse* response) {
    grpc::ClientContext context;
    v1::ListFindingsRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_filter(filter);
    return audits_->ListFindings(&context, request, response);
  }

  v1::Audit audit_;
};

TEST_F(PaginationTest, PagesCoverEveryFindingOnceInOrder) {
  std::vector<std::string> created;
  for (int i = 0; i < 23; ++i) {
    created.push_back(
        MustCreateFinding(audit_.name(), ExampleFinding()).name());
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListFindingsResponse response;
    ASSERT_TRUE(ListPage(audit_.name(), 5, token, "", &response).ok());
    EXPECT_LE(response.findings_size(), 5);
    for (const auto& finding : response.findings()) {
      seen.push_back(finding.name());
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen, created);
}

TEST_F(PaginationTest, ExactlyFullLastPageHasNoNextToken) {
  for (int i = 0; i < 4; ++i)
    MustCreateFinding(audit_.name(), ExampleFinding());
  v1::ListFindingsResponse response;
  ASSERT_TRUE(ListPage(audit_.name(), 4, "", "", &response).ok());
  EXPECT_EQ(response.findings_size(), 4);
  EXPECT_TRUE(response.next_page_token().empty());
}

TEST_F(PaginationTest, ConcurrentInsertsAreNeitherSkippedNorRepeated) {
  std::set<std::string> before;
  for (int i = 0; i < 40; ++i) {
    before.insert(MustCreateFinding(audit_.name(), ExampleFinding()).name());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> inserted{0};
  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    // Bounded: at most 200 inserts, and it stops when the reader is done.
    for (int i = 0; i < 200 && !stop.load(); ++i) {
      if (CreateFinding(audit_.name(), ExampleFinding()).ok()) ++inserted;
    }
    writer_done = true;
  });
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListFindingsResponse response;
    ASSERT_TRUE(ListPage(audit_.name(), 3, token, "", &response).ok());
    for (const auto& finding : response.findings()) {
      seen.push_back(finding.name());
    }
    token = response.next_page_token();
    ++pages;
    // Make sure inserts really land between pages: wait (at most 2 s) until
    // the writer has added one more row than there have been pages.
    for (int i = 0; i < 200 && inserted.load() < pages && !writer_done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  } while (!token.empty() && pages < 1000);
  stop = true;
  writer.join();

  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a row was repeated";
  for (const std::string& name : before) {
    EXPECT_TRUE(unique.contains(name)) << name << " was skipped";
  }
  EXPECT_GT(inserted.load(), 0);
}

TEST_F(PaginationTest, NegativePageSizeIsRefusedAndLargeOneIsCapped) {
  v1::ListFindingsResponse response;
  grpc::Status status = ListPage(audit_.name(), -1, "", "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_size"));

  // 1,001 findings written straight into the store: over gRPC each would
  // be its own durable commit.
  ASSERT_TRUE(db_->Write([&](store::Connection& connection) -> absl::Status {
                   for (int i = 0; i < 1001; ++i) {
                     auto insert = connection.Prepare(
                         "INSERT INTO findings (uid, audit_id, focus_area, "
                         "kind, text, informant_groups, child_rights_articles,"
                         " sip, create_time, update_time, revision) SELECT "
                         "?, id, 1, 1, 'x', 2, 0, 0, 0, 0, 1 FROM audits");
                     if (!insert.ok()) return insert.status();
                     char uid[16];
                     std::snprintf(uid, sizeof uid, "bulk%04d", i);
                     if (auto s = (*insert)->Bind(1, std::string(uid)).Run();
                         !s.ok()) {
                       return s;
                     }
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  ASSERT_TRUE(ListPage(audit_.name(), 5000, "", "", &response).ok());
  EXPECT_EQ(response.findings_size(), 1000);
  EXPECT_FALSE(response.next_page_token().empty());
  v1::ListFindingsResponse defaults;
  ASSERT_TRUE(ListPage(audit_.name(), 0, "", "", &defaults).ok());
  EXPECT_EQ(defaults.findings_size(), 50);
}

TEST_F(PaginationTest, TokenIsBoundToItsListParentAndFilter) {
  for (int i = 0; i < 3; ++i)
    MustCreateFinding(audit_.name(), ExampleFinding());
  v1::ListFindingsResponse first;
  ASSERT_TRUE(ListPage(audit_.name(), 1, "", "", &first).ok());
  std::string token = first.next_page_token();
  ASSERT_FALSE(token.empty());

  v1::ListFindingsResponse response;
  EXPECT_TRUE(ListPage(audit_.name(), 1, token, "", &response).ok());

  std::string altered = token;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  std::string truncated = token.substr(0, token.size() - 2);
  v1::Audit other = MustCreateAudit();
  struct Case {
    std::string what, parent, token, filter;
  };
  for (const Case& c : std::vector<Case>{
           {"altered", audit_.name(), altered, ""},
           {"truncated", audit_.name(), truncated, ""},
           {"other filter", audit_.name(), token, "kind = STRENGTH"},
           {"other parent", other.name(), token, ""},
           {"garbage", audit_.name(), "not-a-token", ""}}) {
    grpc::Status status = ListPage(c.parent, 1, c.token, c.filter, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.what;
    EXPECT_THAT(status.error_message(), HasSubstr("page_token")) << c.what;
  }

  // A ListFindings token is no good for ListUnits either.
  grpc::ClientContext context;
  v1::ListUnitsRequest units;
  units.set_page_token(token);
  v1::ListUnitsResponse units_response;
  EXPECT_EQ(
      directory_->ListUnits(&context, units, &units_response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PaginationTest, TokensSurviveAServerRestartOnTheSameDatabase) {
  for (int i = 0; i < 3; ++i)
    MustCreateFinding(audit_.name(), ExampleFinding());
  v1::ListFindingsResponse first;
  ASSERT_TRUE(ListPage(audit_.name(), 2, "", "", &first).ok());
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  auto server = ApiServer::Start(options, db_.get(), &clock_);
  ASSERT_TRUE(server.ok());
  server_ = std::move(*server);
  audits_ = v1::AuditService::NewStub(ChannelFor(admin_.secret));
  v1::ListFindingsResponse second;
  ASSERT_TRUE(
      ListPage(audit_.name(), 2, first.next_page_token(), "", &second).ok());
  EXPECT_EQ(second.findings_size(), 1);
}

}  // namespace
}  // namespace brevis::api
