#ifndef BREVIS_TESTS_CLIENT_BREVISD_FIXTURE_H_
#define BREVIS_TESTS_CLIENT_BREVISD_FIXTURE_H_

// A real brevisd on a fresh database in a temporary directory, listening on
// 127.0.0.1 on a free port, for the tests of the client library and of
// brevisctl. Every test gets its own server (and its own first admin).

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "brevis/client/client.h"
#include "tests/e2e/brevisd_process.h"

namespace brevis::client_testing {

namespace v1 = ::brevis::v1;

class BrevisdFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    db_ = dir_.File("brevis.db");
    token_file_ = dir_.File("admin.token");
    e2e::ProcessResult init = e2e::RunBrevisd({"init", "--db", db_});
    ASSERT_EQ(init.exit_code, 0) << init.Describe();
    std::string error;
    std::vector<std::string> args = {"serve", "--db", db_, "--listen",
                                     "127.0.0.1:0"};
    for (const std::string& arg : ExtraServeArgs()) args.push_back(arg);
    server_ = e2e::BrevisdProcess::Start(args, &error);
    ASSERT_NE(server_, nullptr) << error;
    ASSERT_TRUE(server_->WaitForListening().has_value())
        << "brevisd did not listen:\n"
        << server_->err();
    address_ = server_->address();
  }

  // More flags for `brevisd serve` (TLS, for example).
  virtual std::vector<std::string> ExtraServeArgs() const { return {}; }

  // Options for the admin on this server.
  client::ClientOptions AdminOptions() const {
    client::ClientOptions options;
    options.target = address_;
    options.token_file = token_file_;
    options.default_deadline = absl::Seconds(10);
    return options;
  }

  client::Client AdminClient() const {
    absl::StatusOr<client::Client> client =
        client::Client::Create(AdminOptions());
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  // A unit request as in the README's example, numbered.
  static v1::CreateUnitRequest UnitRequest(int number) {
    v1::CreateUnitRequest request;
    request.mutable_unit()->set_display_name("BUP Prima Handen " +
                                             std::to_string(number));
    request.mutable_unit()->set_region("Region Stockholm");
    request.mutable_unit()->set_kind(v1::UNIT_KIND_OUTPATIENT);
    return request;
  }

  e2e::TempDir dir_;
  std::string db_;
  std::string token_file_;
  std::unique_ptr<e2e::BrevisdProcess> server_;
  std::string address_;
};

}  // namespace brevis::client_testing

#endif  // BREVIS_TESTS_CLIENT_BREVISD_FIXTURE_H_
