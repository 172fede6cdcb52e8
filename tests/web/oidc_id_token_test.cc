// The ID-token verifier (client-lib/web/id_token_verifier.h): every rule
// of OpenID Connect Core 1.0 §3.1.3.7 that brevis-web checks, each with a
// token that breaks it alone, and the tokens it must accept.

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "client-lib/web/id_token_verifier.h"
#include "tests/web/oidc_test_keys.h"

namespace brevis::web {
namespace {

using testing::Compact;
using testing::HmacToken;
using testing::JwkSetJson;
using testing::MergeJson;
using testing::TestKey;

constexpr char kIssuer[] = "https://idp.example.se";
constexpr char kClient[] = "brevis-web";
constexpr int64_t kNow = 1800000000;

class IdTokenTest : public ::testing::Test {
 protected:
  // RSA key generation takes a while; one pair of keys for the suite.
  static void SetUpTestSuite() {
    rsa_ = new TestKey(TestKey::Rsa("rsa-1"));
    ec_ = new TestKey(TestKey::Ec("ec-1"));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete ec_;
  }

  void SetUp() override {
    auto set = JwkSet::Parse(
        JwkSetJson({rsa_->PublicJwk(), ec_->PublicJwk("{\"use\":\"sig\"}")}));
    ASSERT_TRUE(set.ok()) << set.status();
    keys_ = *set;
    expect_.issuer = kIssuer;
    expect_.client_id = kClient;
    expect_.nonce = "n-0S6_WzA2Mj";
    expect_.now = absl::FromUnixSeconds(kNow);
  }

  // Valid claims with `over` merged in (null removes a claim).
  static std::string Claims(const std::string& over = "{}") {
    return MergeJson(
        "{\"iss\":\"https://idp.example.se\",\"sub\":\"person-1\","
        "\"aud\":\"brevis-web\",\"exp\":1800000300,\"iat\":1800000000,"
        "\"nonce\":\"n-0S6_WzA2Mj\"}",
        over);
  }

  IdTokenVerdict Verify(const std::string& token) {
    return VerifyIdToken(token, keys_, expect_);
  }

  void ExpectRefused(const std::string& token, IdTokenError error) {
    IdTokenVerdict verdict = Verify(token);
    EXPECT_EQ(verdict.error, error) << verdict.reason;
    EXPECT_FALSE(verdict.reason.empty());
  }

  static TestKey* rsa_;
  static TestKey* ec_;
  JwkSet keys_;
  IdTokenExpectations expect_;
};

TestKey* IdTokenTest::rsa_ = nullptr;
TestKey* IdTokenTest::ec_ = nullptr;

TEST_F(IdTokenTest, AcceptsRs256) {
  IdTokenVerdict verdict = Verify(rsa_->Sign(Claims()));
  ASSERT_TRUE(verdict.ok()) << verdict.reason;
  EXPECT_EQ(verdict.token.subject, "person-1");
  EXPECT_EQ(verdict.token.sub, "person-1");
  EXPECT_EQ(verdict.token.expire_time, absl::FromUnixSeconds(1800000300));
}

TEST_F(IdTokenTest, AcceptsEs256) {
  IdTokenVerdict verdict = Verify(ec_->Sign(Claims()));
  ASSERT_TRUE(verdict.ok()) << verdict.reason;
  EXPECT_EQ(verdict.token.subject, "person-1");
}

TEST_F(IdTokenTest, AcceptsAnHsaIdClaimAsTheSubject) {
  expect_.subject_claim = "https://id.sambi.se/claims/1.0/hsaid";
  IdTokenVerdict verdict = Verify(rsa_->Sign(Claims(
      "{\"https://id.sambi.se/claims/1.0/hsaid\":\"SE2321000016-1234\"}")));
  ASSERT_TRUE(verdict.ok()) << verdict.reason;
  EXPECT_EQ(verdict.token.subject, "SE2321000016-1234");
  EXPECT_EQ(verdict.token.sub, "person-1");
}

TEST_F(IdTokenTest, AcceptsSeveralAudiencesWithAzp) {
  EXPECT_TRUE(Verify(rsa_->Sign(Claims("{\"aud\":[\"other\",\"brevis-web\"],"
                                       "\"azp\":\"brevis-web\"}")))
                  .ok());
}

TEST_F(IdTokenTest, AcceptsWithinTheSkew) {
  // exp 50 s ago and iat 50 s ahead: inside the 60 s allowed.
  EXPECT_TRUE(
      Verify(rsa_->Sign(Claims("{\"exp\":1799999950,\"iat\":1800000050}")))
          .ok());
}

TEST_F(IdTokenTest, AcceptsTheRequiredAcr) {
  expect_.acr = "http://id.elegnamnden.se/loa/1.0/loa3";
  IdTokenVerdict verdict = Verify(rsa_->Sign(
      Claims("{\"acr\":\"http://id.elegnamnden.se/loa/1.0/loa3\"}")));
  ASSERT_TRUE(verdict.ok()) << verdict.reason;
  EXPECT_EQ(verdict.token.acr, "http://id.elegnamnden.se/loa/1.0/loa3");
}

TEST_F(IdTokenTest, RefusesABadSignature) {
  std::string token = rsa_->Sign(Claims());
  // Flip a bit in the middle of the signature.
  size_t at = token.rfind('.') + 10;
  token[at] = token[at] == 'A' ? 'B' : 'A';
  ExpectRefused(token, IdTokenError::kSignature);
}

TEST_F(IdTokenTest, RefusesAnotherTokensSignature) {
  std::string good = rsa_->Sign(Claims());
  std::string other = rsa_->Sign(Claims("{\"sub\":\"admin\"}"));
  std::string spliced =
      other.substr(0, other.rfind('.')) + good.substr(good.rfind('.'));
  ExpectRefused(spliced, IdTokenError::kSignature);
}

TEST_F(IdTokenTest, RefusesAlgNone) {
  ExpectRefused(Compact("{\"alg\":\"none\",\"kid\":\"rsa-1\"}", Claims(), ""),
                IdTokenError::kAlgorithm);
}

TEST_F(IdTokenTest, RefusesHs256KeyedWithThePublicKey) {
  const std::string header = "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}";
  ExpectRefused(HmacToken(header, Claims(), rsa_->PublicPem()),
                IdTokenError::kAlgorithm);
  // And keyed with the JWK's own text, the other form of the attack.
  ExpectRefused(HmacToken(header, Claims(), rsa_->PublicJwk()),
                IdTokenError::kAlgorithm);
}

TEST_F(IdTokenTest, RefusesOtherAlgorithms) {
  for (const char* alg : {"RS384", "PS256", "ES384", "HS512", ""}) {
    ExpectRefused(
        Compact(std::string("{\"alg\":\"") + alg + "\",\"kid\":\"rsa-1\"}",
                Claims(), "x"),
        IdTokenError::kAlgorithm);
  }
}

TEST_F(IdTokenTest, RefusesAKeyWhoseKtyDoesNotMatchTheAlg) {
  // ES256 named in the header, but the kid is the RSA key.
  ExpectRefused(ec_->Sign(Claims(), "{\"kid\":\"rsa-1\"}"),
                IdTokenError::kKeyMismatch);
  ExpectRefused(rsa_->Sign(Claims(), "{\"kid\":\"ec-1\"}"),
                IdTokenError::kKeyMismatch);
}

TEST_F(IdTokenTest, RefusesAKeyPublishedForAnotherAlg) {
  auto set =
      JwkSet::Parse(JwkSetJson({rsa_->PublicJwk("{\"alg\":\"RS512\"}")}));
  ASSERT_TRUE(set.ok());
  keys_ = *set;
  ExpectRefused(rsa_->Sign(Claims()), IdTokenError::kKeyMismatch);
}

TEST_F(IdTokenTest, RefusesAnRsaKeyShorterThan2048Bits) {
  TestKey small = TestKey::Rsa("small", 1024);
  auto set = JwkSet::Parse(JwkSetJson({small.PublicJwk()}));
  ASSERT_TRUE(set.ok());
  keys_ = *set;
  ExpectRefused(small.Sign(Claims()), IdTokenError::kKeyMismatch);
}

TEST_F(IdTokenTest, RefusesAnUnknownOrMissingKid) {
  TestKey stranger = TestKey::Ec("not-published");
  ExpectRefused(stranger.Sign(Claims()), IdTokenError::kUnknownKey);
  ExpectRefused(ec_->Sign(Claims(), "{\"kid\":null}"),
                IdTokenError::kUnknownKey);
}

TEST_F(IdTokenTest, RefusesACritHeader) {
  ExpectRefused(rsa_->Sign(Claims(), "{\"crit\":[\"exp\"]}"),
                IdTokenError::kAlgorithm);
}

TEST_F(IdTokenTest, RefusesMalformedTokens) {
  for (const std::string& token :
       {std::string(""), std::string("a.b"), std::string("a.b.c.d"),
        std::string("!!!.e30.x"), Compact("not json", Claims(), "x")}) {
    ExpectRefused(token, IdTokenError::kMalformed);
  }
}

TEST_F(IdTokenTest, RefusesTheWrongIssuer) {
  ExpectRefused(rsa_->Sign(Claims("{\"iss\":\"https://evil.example\"}")),
                IdTokenError::kIssuer);
  // Exactly: a trailing slash is another issuer.
  ExpectRefused(rsa_->Sign(Claims("{\"iss\":\"https://idp.example.se/\"}")),
                IdTokenError::kIssuer);
  ExpectRefused(rsa_->Sign(Claims("{\"iss\":null}")), IdTokenError::kIssuer);
}

TEST_F(IdTokenTest, RefusesAnAudienceWithoutTheClientId) {
  ExpectRefused(rsa_->Sign(Claims("{\"aud\":\"other-client\"}")),
                IdTokenError::kAudience);
  ExpectRefused(rsa_->Sign(Claims("{\"aud\":[\"a\",\"b\"],\"azp\":\"a\"}")),
                IdTokenError::kAudience);
  ExpectRefused(rsa_->Sign(Claims("{\"aud\":null}")), IdTokenError::kAudience);
}

TEST_F(IdTokenTest, RefusesSeveralAudiencesWithoutAzp) {
  ExpectRefused(rsa_->Sign(Claims("{\"aud\":[\"brevis-web\",\"other\"]}")),
                IdTokenError::kAuthorizedParty);
}

TEST_F(IdTokenTest, RefusesTheWrongAzp) {
  ExpectRefused(rsa_->Sign(Claims("{\"azp\":\"other\"}")),
                IdTokenError::kAuthorizedParty);
  ExpectRefused(rsa_->Sign(Claims("{\"aud\":[\"brevis-web\",\"other\"],"
                                  "\"azp\":\"other\"}")),
                IdTokenError::kAuthorizedParty);
}

TEST_F(IdTokenTest, RefusesAnExpiredToken) {
  // 61 s past exp: beyond the skew.
  ExpectRefused(rsa_->Sign(Claims("{\"exp\":1799999939}")),
                IdTokenError::kExpired);
  ExpectRefused(rsa_->Sign(Claims("{\"exp\":1799999940}")),
                IdTokenError::kExpired);
  ExpectRefused(rsa_->Sign(Claims("{\"exp\":null}")), IdTokenError::kExpired);
  ExpectRefused(rsa_->Sign(Claims("{\"exp\":\"1800000300\"}")),
                IdTokenError::kExpired);
}

TEST_F(IdTokenTest, RefusesAnIatInTheFuture) {
  ExpectRefused(rsa_->Sign(Claims("{\"iat\":1800000061}")),
                IdTokenError::kIssuedInFuture);
  ExpectRefused(rsa_->Sign(Claims("{\"iat\":null}")),
                IdTokenError::kIssuedInFuture);
}

TEST_F(IdTokenTest, RefusesTheWrongOrAMissingNonce) {
  ExpectRefused(rsa_->Sign(Claims("{\"nonce\":\"another\"}")),
                IdTokenError::kNonce);
  ExpectRefused(rsa_->Sign(Claims("{\"nonce\":null}")), IdTokenError::kNonce);
  // A pre-session without a nonce matches nothing, not an absent claim.
  expect_.nonce = "";
  ExpectRefused(rsa_->Sign(Claims("{\"nonce\":null}")), IdTokenError::kNonce);
}

TEST_F(IdTokenTest, RefusesAnAcrOtherThanTheRequired) {
  expect_.acr = "http://id.elegnamnden.se/loa/1.0/loa3";
  ExpectRefused(
      rsa_->Sign(Claims("{\"acr\":\"http://id.elegnamnden.se/loa/1.0/loa2\"}")),
      IdTokenError::kAcr);
  ExpectRefused(rsa_->Sign(Claims()), IdTokenError::kAcr);
  ExpectRefused(rsa_->Sign(Claims("{\"acr\":3}")), IdTokenError::kAcr);
}

TEST_F(IdTokenTest, RefusesAMissingSubjectClaim) {
  expect_.subject_claim = "hsaid";
  ExpectRefused(rsa_->Sign(Claims()), IdTokenError::kSubject);
  expect_.subject_claim = "sub";
  ExpectRefused(rsa_->Sign(Claims("{\"sub\":null}")), IdTokenError::kSubject);
}

TEST_F(IdTokenTest, RefusesASubjectThatIsNotAString) {
  ExpectRefused(rsa_->Sign(Claims("{\"sub\":12345}")), IdTokenError::kSubject);
  ExpectRefused(rsa_->Sign(Claims("{\"sub\":[\"a\"]}")),
                IdTokenError::kSubject);
  ExpectRefused(rsa_->Sign(Claims("{\"sub\":\"\"}")), IdTokenError::kSubject);
  ExpectRefused(rsa_->Sign(Claims("{\"sub\":\"a\\nb\"}")),
                IdTokenError::kSubject);
  ExpectRefused(
      rsa_->Sign(Claims("{\"sub\":\"" + std::string(256, 'x') + "\"}")),
      IdTokenError::kSubject);
}

TEST_F(IdTokenTest, TheReasonNamesNoSecret) {
  IdTokenVerdict verdict =
      Verify(rsa_->Sign(Claims("{\"nonce\":\"another\"}")));
  EXPECT_EQ(verdict.reason.find("another"), std::string::npos);
  EXPECT_EQ(verdict.reason.find("n-0S6_WzA2Mj"), std::string::npos);
}

TEST(JwkSetTest, SkipsKeysThatCannotSignAndRefusesDuplicateKids) {
  TestKey a = TestKey::Ec("a");
  auto set = JwkSet::Parse(JwkSetJson(
      {a.PublicJwk(), a.PublicJwk("{\"kid\":\"enc\",\"use\":\"enc\"}"),
       a.PublicJwk("{\"kid\":null}"),
       "{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"AA\"}"}));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->size(), 1u);
  EXPECT_NE(set->Find("a"), nullptr);
  EXPECT_EQ(set->Find("h"), nullptr);
  EXPECT_FALSE(JwkSet::Parse(JwkSetJson({a.PublicJwk(), a.PublicJwk()})).ok());
  EXPECT_FALSE(JwkSet::Parse("{}").ok());
  EXPECT_FALSE(JwkSet::Parse("[").ok());
}

}  // namespace
}  // namespace brevis::web
