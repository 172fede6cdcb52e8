// Three brevisd replicas on one PostgreSQL database: a token revoked or a
// principal deactivated through one replica is refused on the very next
// call through every other, although each had just authenticated it (and
// cached that). The auth generation the cache checks on every call lives in
// the database, bumped by triggers, so no replica needs telling.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "brevis/v1/directory_service.grpc.pb.h"
#include "tests/fault/fault_support.h"
#include "tests/replicas/replica_test.h"

namespace brevis::replicas {
namespace {

constexpr milliseconds kCallTimeout{10000};

grpc::Status WhoAmI(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::DirectoryService::NewStub(channel);
  v1::WhoAmIRequest request;
  v1::WhoAmIResponse response;
  return stub->WhoAmI(fault::Deadline(kCallTimeout).get(), request, &response);
}

class ReplicaAuthTest : public ReplicaTest {
 protected:
  // Authenticates `person` through every replica, so each has it cached.
  void AuthenticateEverywhere(const Person& person) {
    for (int i = 0; i < kReplicas; ++i) {
      grpc::Status status = WhoAmI(Channel(i, person.secret));
      ASSERT_TRUE(status.ok())
          << "replica " << i << ": " << status.error_message();
    }
  }

  void ExpectRefusedEverywhere(const Person& person) {
    for (int i = 0; i < kReplicas; ++i) {
      grpc::Status status = WhoAmI(Channel(i, person.secret));
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << "replica " << i << ": " << status.error_message();
    }
  }
};

TEST_F(ReplicaAuthTest, ARevokedTokenIsRefusedOnEveryReplicaAtOnce) {
  Person person = NewPrincipal(v1::ROLE_AUDITOR);
  ASSERT_NO_FATAL_FAILURE(AuthenticateEverywhere(person));

  auto admin = v1::DirectoryService::NewStub(AdminChannel(2));
  v1::ListTokensRequest list;
  list.set_parent(person.name);
  v1::ListTokensResponse tokens;
  ASSERT_TRUE(
      admin->ListTokens(fault::Deadline(kCallTimeout).get(), list, &tokens)
          .ok());
  ASSERT_EQ(tokens.tokens_size(), 1);
  v1::RevokeTokenRequest revoke;
  revoke.set_name(tokens.tokens(0).name());
  v1::Token revoked;
  grpc::Status status =
      admin->RevokeToken(fault::Deadline(kCallTimeout).get(), revoke, &revoked);
  ASSERT_TRUE(status.ok()) << status.error_message();

  ExpectRefusedEverywhere(person);
}

TEST_F(ReplicaAuthTest, ADeactivatedPrincipalIsRefusedOnEveryReplicaAtOnce) {
  Person person = NewPrincipal(v1::ROLE_AUDITOR);
  ASSERT_NO_FATAL_FAILURE(AuthenticateEverywhere(person));

  auto admin = v1::DirectoryService::NewStub(AdminChannel(1));
  v1::UpdatePrincipalRequest update;
  update.mutable_principal()->set_name(person.name);
  update.mutable_principal()->set_active(false);
  update.mutable_update_mask()->add_paths("active");
  v1::Principal updated;
  grpc::Status status = admin->UpdatePrincipal(
      fault::Deadline(kCallTimeout).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();

  ExpectRefusedEverywhere(person);
}

}  // namespace
}  // namespace brevis::replicas
