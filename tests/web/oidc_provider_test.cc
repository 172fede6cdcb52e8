// The OpenID provider's discovery and key cache (client-lib/web/
// oidc_provider.h) against a fake HTTPS: lazy first fetch, the issuer
// check, key rotation followed once and then bounded, failures as
// UNAVAILABLE, and one fetch for many threads.

#include "client-lib/web/oidc_provider.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/testing/fake_clock.h"
#include "tests/web/oidc_fake_https.h"
#include "tests/web/oidc_test_keys.h"

namespace brevis::web {
namespace {

using testing::FakeHttps;
using testing::JwkSetJson;
using testing::MergeJson;
using testing::TestKey;

constexpr char kIssuer[] = "https://idp.test";
constexpr char kDiscovery[] =
    "https://idp.test/.well-known/openid-configuration";
constexpr char kJwks[] = "https://idp.test/jwks";

std::string DiscoveryJson(const std::string& over = "{}") {
  return MergeJson(
      "{\"issuer\":\"https://idp.test\","
      "\"authorization_endpoint\":\"https://idp.test/authorize\","
      "\"token_endpoint\":\"https://idp.test/token\","
      "\"jwks_uri\":\"https://idp.test/jwks\","
      "\"end_session_endpoint\":\"https://idp.test/end-session\"}",
      over);
}

class ProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    https_->Serve(kDiscovery, 200, DiscoveryJson());
    https_->Serve(kJwks, 200, JwkSetJson({first_.PublicJwk()}));
    expect_.issuer = kIssuer;
    expect_.client_id = "brevis-web";
    expect_.nonce = "nonce-1";
  }

  std::string Token(const TestKey& key) {
    return key.Sign(
        "{\"iss\":\"https://idp.test\",\"sub\":\"p1\",\"aud\":\"brevis-web\","
        "\"exp\":1800000300,\"iat\":1800000000,\"nonce\":\"nonce-1\"}");
  }

  absl::StatusOr<IdTokenVerdict> Verify(const std::string& token) {
    expect_.now = clock_.Now();
    return provider_.Verify(token, expect_);
  }

  brevis::testing::FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  std::shared_ptr<FakeHttps> https_ = std::make_shared<FakeHttps>();
  OidcProvider provider_{OidcProviderOptions{kIssuer, absl::Seconds(60)},
                         https_, [this] { return clock_.Now(); }};
  TestKey first_ = TestKey::Ec("k1");
  IdTokenExpectations expect_;
};

TEST_F(ProviderTest, FetchesNothingUntilTheFirstSignIn) {
  EXPECT_EQ(https_->total(), 0);
  auto verdict = Verify(Token(first_));
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_TRUE(verdict->ok()) << verdict->reason;
  EXPECT_EQ(https_->count(kDiscovery), 1);
  EXPECT_EQ(https_->count(kJwks), 1);
  // Cached: a second sign-in asks the provider nothing.
  ASSERT_TRUE(Verify(Token(first_)).ok());
  EXPECT_EQ(https_->total(), 2);
}

TEST_F(ProviderTest, ReadsTheDiscoveryDocument) {
  auto meta = provider_.Metadata();
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->authorization_endpoint, "https://idp.test/authorize");
  EXPECT_EQ(meta->token_endpoint, "https://idp.test/token");
  EXPECT_EQ(meta->end_session_endpoint, "https://idp.test/end-session");
}

TEST_F(ProviderTest, RefusesADiscoveryDocumentOfAnotherIssuer) {
  https_->Serve(kDiscovery, 200,
                DiscoveryJson("{\"issuer\":\"https://evil.test\"}"));
  auto meta = provider_.Metadata();
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(meta.status().message().find("issuer"), std::string::npos);
}

TEST(DiscoveryTest, RefusesMissingOrPlainHttpEndpoints) {
  for (const char* over :
       {"{\"token_endpoint\":null}", "{\"jwks_uri\":\"http://idp.test/jwks\"}",
        "{\"authorization_endpoint\":\"\"}",
        "{\"end_session_endpoint\":\"http://idp.test/x\"}",
        // Bytes that would split a Location header or a CSP.
        "{\"authorization_endpoint\":\"https://idp.test/a\\r\\nSet-Cookie: "
        "x=1\"}",
        "{\"end_session_endpoint\":\"https://idp.test/a b\"}",
        "{\"token_endpoint\":\"https://idp.test/\\u00e5\"}"}) {
    auto meta = ParseDiscovery(DiscoveryJson(over), kIssuer);
    EXPECT_EQ(meta.status().code(), absl::StatusCode::kFailedPrecondition)
        << over;
  }
  auto without_logout =
      ParseDiscovery(DiscoveryJson("{\"end_session_endpoint\":null}"), kIssuer);
  ASSERT_TRUE(without_logout.ok()) << without_logout.status();
  EXPECT_EQ(without_logout->end_session_endpoint, "");
  EXPECT_FALSE(ParseDiscovery("[]", kIssuer).ok());
}

TEST_F(ProviderTest, AProviderThatIsDownIsUnavailableThenRecovers) {
  https_->Down(kDiscovery);
  auto down = Verify(Token(first_));
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  https_->Serve(kDiscovery, 503, "busy");
  EXPECT_EQ(Verify(Token(first_)).status().code(),
            absl::StatusCode::kUnavailable);
  // The next sign-in tries again, and succeeds once the provider is back.
  https_->Serve(kDiscovery, 200, DiscoveryJson());
  auto back = Verify(Token(first_));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->ok());
}

TEST_F(ProviderTest, AKeySetThatIsNotServedIsUnavailable) {
  https_->Serve(kJwks, 500, "oops");
  EXPECT_EQ(Verify(Token(first_)).status().code(),
            absl::StatusCode::kUnavailable);
  https_->Serve(kJwks, 200, "not json");
  EXPECT_EQ(Verify(Token(first_)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ProviderTest, FollowsARotationAtOnceThenAtMostOncePerInterval) {
  ASSERT_TRUE(Verify(Token(first_))->ok());
  // The provider rotates: k2 replaces k1. The first unknown kid after the
  // first fetch is followed at once.
  TestKey second = TestKey::Ec("k2");
  https_->Serve(kJwks, 200, JwkSetJson({second.PublicJwk()}));
  auto rotated = Verify(Token(second));
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_TRUE(rotated->ok()) << rotated->reason;
  EXPECT_EQ(https_->count(kJwks), 2);
  // Another rotation within 60 s: no fetch, the token is refused.
  TestKey third = TestKey::Ec("k3");
  https_->Serve(kJwks, 200, JwkSetJson({third.PublicJwk()}));
  clock_.Advance(absl::Seconds(59));
  auto bounded = Verify(Token(third));
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(bounded->error, IdTokenError::kUnknownKey);
  EXPECT_EQ(https_->count(kJwks), 2);
  // Made-up kids cannot make it ask either.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Verify(Token(TestKey::Ec("junk")))->error,
              IdTokenError::kUnknownKey);
  }
  EXPECT_EQ(https_->count(kJwks), 2);
  clock_.Advance(absl::Seconds(1));
  auto later = Verify(Token(third));
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->ok()) << later->reason;
  EXPECT_EQ(https_->count(kJwks), 3);
}

TEST_F(ProviderTest, ManyThreadsAtTheFirstSignInMakeOneFetch) {
  std::string token = Token(first_);
  expect_.now = clock_.Now();
  // The key set is served only once every thread has begun its sign-in
  // (or after 5 s), so all of them find the cache empty while the first
  // fetch is under way.
  std::mutex mu;
  std::condition_variable all_in;
  int started = 0;
  std::string jwks = JwkSetJson({first_.PublicJwk()});
  https_->Serve(kJwks,
                [&](const FakeHttps::Post&) -> absl::StatusOr<HttpsReply> {
                  std::unique_lock<std::mutex> lock(mu);
                  all_in.wait_for(lock, std::chrono::seconds(5),
                                  [&] { return started == 16; });
                  return HttpsReply{200, jwks};
                });
  std::vector<std::thread> threads;
  std::atomic<int> accepted = 0;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        ++started;
      }
      all_in.notify_all();
      auto verdict = provider_.Verify(token, expect_);
      if (verdict.ok() && verdict->ok()) ++accepted;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted, 16);
  EXPECT_EQ(https_->count(kDiscovery), 1);
  EXPECT_EQ(https_->count(kJwks), 1);
}

}  // namespace
}  // namespace brevis::web
