// Unit tests of brevis-web's parts: the escaping writer, the session store
// (expiry with an injected clock, CSRF), the config rules and the redirect
// guard.

#include <gtest/gtest.h>

#include "client-lib/web/config.h"
#include "client-lib/web/html.h"
#include "client-lib/web/i18n.h"
#include "client-lib/web/page_kit.h"
#include "client-lib/web/session_store.h"

namespace brevis::web {
namespace {

TEST(HtmlTest, TextIsEscapedMarkupIsNot) {
  Html h;
  h << Markup("<p title=\"") << "\"a'&<b>" << Markup("\">")
    << "<script>alert(1)</script>" << Markup("</p>");
  EXPECT_EQ(h.str(),
            "<p title=\"&quot;a&#39;&amp;&lt;b&gt;\">"
            "&lt;script&gt;alert(1)&lt;/script&gt;</p>");
}

TEST(HtmlTest, StdStringIsEscapedToo) {
  Html h;
  std::string hostile = "</textarea><b>";
  h << hostile;
  EXPECT_EQ(h.str(), "&lt;/textarea&gt;&lt;b&gt;");
}

struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1'700'000'000);
};

WebSession Someone() {
  WebSession s;
  s.principal = "principals/p1";
  s.token_name = "principals/p1/tokens/t1";
  s.token_secret = "secret";
  return s;
}

TEST(SessionStoreTest, IdsAreRandomAndLong) {
  FakeClock clock;
  SessionStore store([&] { return clock.now; }, nullptr);
  std::string a = store.Create(Someone());
  std::string b = store.Create(Someone());
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  ASSERT_TRUE(store.Find(a).has_value());
  EXPECT_NE(store.Find(a)->csrf, store.Find(b)->csrf);
}

TEST(SessionStoreTest, IdleTimeoutEndsTheSessionAndRevokes) {
  FakeClock clock;
  std::vector<std::string> ended;
  SessionStore store(
      [&] { return clock.now; },
      [&](const WebSession& s) { ended.push_back(s.token_name); });
  std::string id = store.Create(Someone());
  clock.now += absl::Minutes(29);
  ASSERT_TRUE(store.Find(id).has_value());  // restarts the idle clock
  clock.now += absl::Minutes(29);
  ASSERT_TRUE(store.Find(id).has_value());
  clock.now += absl::Minutes(30);
  EXPECT_FALSE(store.Find(id).has_value());
  EXPECT_EQ(ended, std::vector<std::string>{"principals/p1/tokens/t1"});
  EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStoreTest, AbsoluteTimeoutEndsAnActiveSession) {
  FakeClock clock;
  int ended = 0;
  SessionStore store([&] { return clock.now; },
                     [&](const WebSession&) { ++ended; });
  std::string id = store.Create(Someone());
  for (int i = 0; i < 16; ++i) {
    clock.now += absl::Minutes(29);
    ASSERT_TRUE(store.Find(id).has_value()) << i;
  }
  clock.now += absl::Minutes(20);  // 8 h 4 min after sign-in
  EXPECT_FALSE(store.Find(id).has_value());
  EXPECT_EQ(ended, 1);
}

TEST(SessionStoreTest, SweepRevokesSessionsNobodyAsksFor) {
  FakeClock clock;
  int ended = 0;
  SessionStore store([&] { return clock.now; },
                     [&](const WebSession&) { ++ended; });
  store.Create(Someone());
  std::string kept = store.Create(Someone());
  clock.now += absl::Minutes(20);
  store.Find(kept);
  clock.now += absl::Minutes(15);
  EXPECT_EQ(store.Sweep(), 1);
  EXPECT_EQ(ended, 1);
  EXPECT_EQ(store.size(), 1u);
}

TEST(SessionStoreTest, EndRemovesWithoutTheExpiryHook) {
  FakeClock clock;
  int ended = 0;
  SessionStore store([&] { return clock.now; },
                     [&](const WebSession&) { ++ended; });
  std::string id = store.Create(Someone());
  ASSERT_TRUE(store.End(id).has_value());
  EXPECT_FALSE(store.Find(id).has_value());
  EXPECT_EQ(ended, 0);
}

TEST(SessionStoreTest, CsrfMustMatchExactly) {
  FakeClock clock;
  SessionStore store([&] { return clock.now; }, nullptr);
  WebSession s = *store.Find(store.Create(Someone()));
  EXPECT_TRUE(SessionStore::CsrfMatches(s, s.csrf));
  EXPECT_FALSE(SessionStore::CsrfMatches(s, ""));
  EXPECT_FALSE(SessionStore::CsrfMatches(s, s.csrf.substr(1)));
  std::string wrong = s.csrf;
  wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(SessionStore::CsrfMatches(s, wrong));
}

TEST(I18nTest, HistoryNamesWhatKindOfThingInWords) {
  EXPECT_EQ(ResourceKindName(Lang::kSv, "audits/a1"), "revisionen");
  EXPECT_EQ(ResourceKindName(Lang::kSv, "audits/a1/findings/f2"),
            "iakttagelse");
  EXPECT_EQ(
      ResourceKindName(Lang::kEn, "audits/a1/recommendations/r1/actions/x9"),
      "action");
  // Anything else is a word too, never the name with its ids.
  EXPECT_EQ(ResourceKindName(Lang::kSv, "principals/p1/tokens/t1"),
            "annan post");
  EXPECT_EQ(ResourceKindName(Lang::kEn, "plain"), "other record");
  EXPECT_EQ(EventKindName(Lang::kSv, v1::EVENT_KIND_STATE_CHANGED),
            "bytte läge");
  EXPECT_EQ(EventKindName(Lang::kEn, v1::EVENT_KIND_RESPONDED), "answered");
  EXPECT_EQ(EventKindName(Lang::kSv, static_cast<v1::EventKind>(99)), "okänt");
}

TEST(SafeNextTest, OnlyPathsOfThisSite) {
  EXPECT_EQ(SafeNext("/audits/a1?x=1"), "/audits/a1?x=1");
  EXPECT_EQ(SafeNext("//evil.example/x"), "/");
  EXPECT_EQ(SafeNext("/\\evil.example"), "/");
  EXPECT_EQ(SafeNext("https://evil.example"), "/");
  EXPECT_EQ(SafeNext("evil"), "/");
  EXPECT_EQ(SafeNext(""), "/");
  EXPECT_EQ(SafeNext("/a\r\nSet-Cookie: x"), "/");
}

ParsedCommandLine Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "brevis-web");
  return ParseCommandLine(static_cast<int>(args.size()), args.data());
}

TEST(ConfigTest, DefaultsFollowTheContract) {
  ParsedCommandLine p = Parse({});
  ASSERT_FALSE(p.exit_now) << p.message;
  EXPECT_EQ(p.config.listen, "127.0.0.1:8080");
  EXPECT_EQ(p.config.brevis_addr, "127.0.0.1:50051");
}

TEST(ConfigTest, NonLoopbackWithoutTlsIsRefused) {
  ParsedCommandLine p = Parse({"--listen", "0.0.0.0:8080"});
  EXPECT_TRUE(p.exit_now);
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.message.find("without TLS"), std::string::npos) << p.message;
  EXPECT_FALSE(Parse({"--listen", "[::1]:0"}).exit_now);
  EXPECT_FALSE(Parse({"--listen", "localhost:0"}).exit_now);
}

TEST(ConfigTest, HalfATlsPairIsRefused) {
  ParsedCommandLine p = Parse({"--tls-cert", "c.pem"});
  EXPECT_TRUE(p.exit_now);
  EXPECT_NE(p.message.find("tls_cert"), std::string::npos) << p.message;
  EXPECT_TRUE(Parse({"--brevis-key", "k.pem"}).exit_now);
}

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string path = ::testing::TempDir() + "/web.toml";
    FILE* f = fopen(path.c_str(), "w");
    fputs(text.c_str(), f);
    fclose(f);
    return path;
  }
};

TEST_F(ConfigFileTest, FileGivesValuesAndFlagsWin) {
  std::string path =
      Write("listen = \"127.0.0.1:9000\"\nbrevis_addr = \"127.0.0.1:7000\"\n");
  ParsedCommandLine p =
      Parse({"--config", path.c_str(), "--brevis-addr", "127.0.0.1:7001"});
  ASSERT_FALSE(p.exit_now) << p.message;
  EXPECT_EQ(p.config.listen, "127.0.0.1:9000");
  EXPECT_EQ(p.config.brevis_addr, "127.0.0.1:7001");
}

TEST_F(ConfigFileTest, UnknownKeyAndWrongTypeAreRefused) {
  std::string path = Write("listen_address = \"127.0.0.1:9000\"\n");
  ParsedCommandLine p = Parse({"--config", path.c_str()});
  EXPECT_TRUE(p.exit_now);
  EXPECT_NE(p.message.find("unknown key 'listen_address'"), std::string::npos)
      << p.message;
  path = Write("listen = 9000\n");
  p = Parse({"--config", path.c_str()});
  EXPECT_TRUE(p.exit_now);
  EXPECT_NE(p.message.find("must be a string"), std::string::npos);
}

}  // namespace
}  // namespace brevis::web
