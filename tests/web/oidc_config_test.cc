// brevis-web's OpenID Connect settings (client-lib/web/config.h): the
// refusals name the setting, and a complete set is read with its secret.

#include <gtest/gtest.h>

#include <fstream>

#include "client-lib/web/config.h"
#include "tests/testing/temp_dir.h"

namespace brevis::web {
namespace {

class OidcConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(secret_) << "s3cret\n";
    std::ofstream(ca_) << "-----BEGIN CERTIFICATE-----\n";
  }

  ParsedCommandLine Parse(std::vector<std::string> args) {
    std::vector<const char*> argv = {"brevis-web"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  }

  // A complete OIDC command line with `extra` flags appended.
  ParsedCommandLine ParseOidc(std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "--oidc-issuer", "https://idp.test",          "--oidc-client-id",
        "brevis-web",    "--oidc-client-secret-file", secret_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Parse(args);
  }

  void ExpectRefused(const ParsedCommandLine& p, const std::string& setting) {
    EXPECT_TRUE(p.exit_now);
    EXPECT_EQ(p.exit_code, 2);
    EXPECT_NE(p.message.find(setting + ":"), std::string::npos) << p.message;
  }

  brevis::testing::TempDir dir_;
  std::string secret_ = dir_.File("secret");
  std::string ca_ = dir_.File("ca.pem");
};

TEST_F(OidcConfigTest, OffByDefault) {
  ParsedCommandLine p = Parse({});
  ASSERT_FALSE(p.exit_now) << p.message;
  EXPECT_FALSE(p.config.oidc());
  EXPECT_EQ(p.config.oidc_subject_claim, "sub");
  EXPECT_EQ(p.config.oidc_scopes, "openid");
  EXPECT_EQ(p.config.oidc_jwks_refetch, 60);
}

TEST_F(OidcConfigTest, ReadsACompleteSetAndTheSecret) {
  ParsedCommandLine p =
      ParseOidc({"--oidc-subject-claim", "hsaid", "--oidc-acr", "loa3",
                 "--oidc-ca", ca_, "--oidc-jwks-refetch-seconds", "5",
                 "--support-contact", "samordnaren@example.se"});
  ASSERT_FALSE(p.exit_now) << p.message;
  EXPECT_TRUE(p.config.oidc());
  EXPECT_EQ(p.config.oidc_client_secret, "s3cret");  // newline dropped
  EXPECT_EQ(p.config.oidc_subject_claim, "hsaid");
  EXPECT_EQ(p.config.oidc_jwks_refetch, 5);
  EXPECT_EQ(p.config.support_contact, "samordnaren@example.se");
}

TEST_F(OidcConfigTest, TheIssuerMustBeHttpsWithoutQueryOrFragment) {
  for (const char* issuer : {"http://idp.test", "idp.test", "https://",
                             "https://idp.test?x=1", "https://idp.test#f"}) {
    ExpectRefused(Parse({"--oidc-issuer", issuer, "--oidc-client-id", "c",
                         "--oidc-client-secret-file", secret_}),
                  "oidc_issuer");
  }
  ExpectRefused(
      Parse({"--oidc-issuer", "https://" + std::string(250, 'a'),
             "--oidc-client-id", "c", "--oidc-client-secret-file", secret_}),
      "oidc_issuer");
}

TEST_F(OidcConfigTest, TheClientNeedsAnIdAndAReadableNonEmptySecret) {
  ExpectRefused(Parse({"--oidc-issuer", "https://idp.test"}), "oidc_client_id");
  ExpectRefused(
      Parse({"--oidc-issuer", "https://idp.test", "--oidc-client-id", "c"}),
      "oidc_client_secret_file");
  ExpectRefused(Parse({"--oidc-issuer", "https://idp.test", "--oidc-client-id",
                       "c", "--oidc-client-secret-file", dir_.File("none")}),
                "oidc_client_secret_file");
  std::string empty = dir_.File("empty");
  std::ofstream(empty) << "\n";
  ExpectRefused(Parse({"--oidc-issuer", "https://idp.test", "--oidc-client-id",
                       "c", "--oidc-client-secret-file", empty}),
                "oidc_client_secret_file");
}

TEST_F(OidcConfigTest, RefusesBadValues) {
  ExpectRefused(ParseOidc({"--oidc-ca", dir_.File("missing.pem")}), "oidc_ca");
  ExpectRefused(ParseOidc({"--oidc-scopes", "profile email"}), "oidc_scopes");
  ExpectRefused(ParseOidc({"--oidc-scopes", "openidx"}), "oidc_scopes");
  ExpectRefused(ParseOidc({"--oidc-subject-claim", ""}), "oidc_subject_claim");
  ExpectRefused(ParseOidc({"--oidc-redirect-uri", "ftp://x/cb"}),
                "oidc_redirect_uri");
  // The code travels in this URL: plain http only on loopback.
  for (const char* uri :
       {"http://brevis.example.se/oidc/callback", "http://10.0.0.5:8080/cb",
        "http://127.0.0.1.evil.example/cb"}) {
    ExpectRefused(ParseOidc({"--oidc-redirect-uri", uri}), "oidc_redirect_uri");
  }
  for (const char* uri :
       {"http://127.0.0.1:8080/oidc/callback", "http://localhost/oidc/callback",
        "http://[::1]:8080/oidc/callback",
        "https://brevis.example.se/oidc/callback"}) {
    EXPECT_FALSE(ParseOidc({"--oidc-redirect-uri", uri}).exit_now) << uri;
  }
  for (const char* seconds : {"0", "-1", "86401", "soon"}) {
    ExpectRefused(ParseOidc({"--oidc-jwks-refetch-seconds", seconds}),
                  "oidc_jwks_refetch_seconds");
  }
  EXPECT_FALSE(ParseOidc({"--oidc-scopes", "openid profile"}).exit_now);
}

TEST_F(OidcConfigTest, ClientSettingsWithoutAnIssuerAreRefused) {
  ExpectRefused(Parse({"--oidc-client-id", "c"}), "oidc_client_id");
  ExpectRefused(Parse({"--oidc-client-secret-file", secret_}),
                "oidc_client_secret_file");
  ExpectRefused(Parse({"--oidc-acr", "loa3"}), "oidc_acr");
}

TEST_F(OidcConfigTest, ReadsTheSettingsFromAFile) {
  std::string path = dir_.File("web.toml");
  std::ofstream(path) << "oidc_issuer = \"https://idp.test\"\n"
                      << "oidc_client_id = \"brevis-web\"\n"
                      << "oidc_client_secret_file = \"" << secret_ << "\"\n"
                      << "oidc_jwks_refetch_seconds = 120\n";
  ParsedCommandLine p = Parse({"--config", path});
  ASSERT_FALSE(p.exit_now) << p.message;
  EXPECT_EQ(p.config.oidc_issuer, "https://idp.test");
  EXPECT_EQ(p.config.oidc_jwks_refetch, 120);
}

TEST_F(OidcConfigTest, HelpDescribesTheSettings) {
  ParsedCommandLine p = Parse({"--help"});
  EXPECT_EQ(p.exit_code, 0);
  for (const char* flag :
       {"--oidc-issuer", "--oidc-client-id", "--oidc-client-secret-file",
        "--oidc-redirect-uri", "--oidc-subject-claim", "--oidc-acr",
        "--oidc-scopes", "--oidc-ca", "--oidc-provider-name",
        "--support-contact", "--oidc-jwks-refetch-seconds"}) {
    EXPECT_NE(p.message.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace brevis::web
