// The pre-session store and PKCE of brevis-web's OpenID Connect sign-in
// (client-lib/web/oidc_flow.h): single use, 10 minutes, bounded; the S256
// challenge against RFC 7636's own example.

#include "client-lib/web/oidc_flow.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/testing/fake_clock.h"

namespace brevis::web {
namespace {

class PreSessionTest : public ::testing::Test {
 protected:
  brevis::testing::FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  PreSessionStore store_{[this] { return clock_.Now(); }};
};

TEST_F(PreSessionTest, HoldsFreshRandomSecretsOfAtLeast32Bytes) {
  PreSession a = store_.Create("/audits/a1");
  PreSession b = store_.Create("/");
  std::set<std::string> all = {
      a.id,    a.state, a.nonce,         b.id,
      b.state, b.nonce, a.code_verifier, b.code_verifier};
  EXPECT_EQ(all.size(), 8u);
  for (const std::string& secret : all) {
    EXPECT_EQ(secret.size(), 43u) << secret;  // 32 bytes, base64url
    EXPECT_EQ(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                                       "klmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
  }
  EXPECT_EQ(a.next, "/audits/a1");
}

TEST_F(PreSessionTest, IsUsedOnce) {
  PreSession pre = store_.Create("/x");
  std::optional<PreSession> taken = store_.Take(pre.id, pre.state);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->nonce, pre.nonce);
  EXPECT_EQ(taken->code_verifier, pre.code_verifier);
  EXPECT_EQ(taken->next, "/x");
  EXPECT_FALSE(store_.Take(pre.id, pre.state).has_value());
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(PreSessionTest, AWrongStateUsesItUp) {
  PreSession pre = store_.Create("/");
  EXPECT_FALSE(store_.Take(pre.id, pre.state + "x").has_value());
  EXPECT_FALSE(store_.Take(pre.id, "").has_value());
  // The forged attempt consumed it: the right state finds nothing now.
  EXPECT_FALSE(store_.Take(pre.id, pre.state).has_value());
}

TEST_F(PreSessionTest, NeedsTheIdAndTheStateOfTheSameSignIn) {
  PreSession a = store_.Create("/");
  PreSession b = store_.Create("/");
  EXPECT_FALSE(store_.Take(a.id, b.state).has_value());
  EXPECT_TRUE(store_.Take(b.id, b.state).has_value());
  EXPECT_FALSE(store_.Take("", "").has_value());
}

TEST_F(PreSessionTest, ExpiresAfterTenMinutes) {
  PreSession early = store_.Create("/");
  PreSession late = store_.Create("/");
  clock_.Advance(absl::Minutes(10) - absl::Seconds(1));
  EXPECT_TRUE(store_.Take(early.id, early.state).has_value());
  clock_.Advance(absl::Seconds(1));
  EXPECT_FALSE(store_.Take(late.id, late.state).has_value());
}

TEST_F(PreSessionTest, IsBoundedDroppingExpiredThenOldest) {
  PreSessionStore small([this] { return clock_.Now(); }, 3);
  PreSession expired = small.Create("/");
  clock_.Advance(absl::Minutes(11));
  PreSession oldest = small.Create("/");
  clock_.Advance(absl::Seconds(1));
  PreSession middle = small.Create("/");
  clock_.Advance(absl::Seconds(1));
  PreSession newest = small.Create("/");  // full: the expired one goes
  EXPECT_EQ(small.size(), 3u);
  clock_.Advance(absl::Seconds(1));
  PreSession extra = small.Create("/");  // full again: the oldest goes
  EXPECT_EQ(small.size(), 3u);
  EXPECT_FALSE(small.Take(oldest.id, oldest.state).has_value());
  EXPECT_TRUE(small.Take(middle.id, middle.state).has_value());
  EXPECT_TRUE(small.Take(newest.id, newest.state).has_value());
  EXPECT_TRUE(small.Take(extra.id, extra.state).has_value());
}

TEST(PkceTest, ChallengeIsRfc7636AppendixB) {
  // RFC 7636 appendix B: the verifier of those 32 octets and its S256
  // challenge.
  EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  const unsigned char octets[] = {116, 24,  223, 180, 151, 153, 224, 37,
                                  79,  250, 96,  125, 216, 173, 187, 186,
                                  22,  212, 37,  77,  105, 214, 191, 240,
                                  91,  88,  5,   88,  83,  132, 141, 121};
  EXPECT_EQ(Base64Url(std::string_view(reinterpret_cast<const char*>(octets),
                                       sizeof octets)),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

TEST(PkceTest, Base64UrlHasNoPadding) {
  EXPECT_EQ(Base64Url(""), "");
  EXPECT_EQ(Base64Url("f"), "Zg");
  EXPECT_EQ(Base64Url("fo"), "Zm8");
  EXPECT_EQ(Base64Url("foo"), "Zm9v");
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");
}

TEST(PkceTest, SecretsEqualNeedsTheSameNonEmptyBytes) {
  EXPECT_TRUE(SecretsEqual("abc", "abc"));
  EXPECT_FALSE(SecretsEqual("abc", "abd"));
  EXPECT_FALSE(SecretsEqual("abc", "ab"));
  EXPECT_FALSE(SecretsEqual("", ""));
}

}  // namespace
}  // namespace brevis::web
