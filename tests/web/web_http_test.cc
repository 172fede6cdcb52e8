// brevis-web over HTTP: a real brevisd and a real brevis-web as child
// processes, spoken to with Beast as the browser. On failure the processes'
// endings and log tails are printed (tests/testing/child_report.h).

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <regex>

#include "brevis/client/client.h"
#include "tests/e2e/brevisd_process.h"

namespace brevis::web {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace v1 = ::brevis::v1;

struct Reply {
  int status = 0;
  std::string body;
  std::string location;
  std::string set_cookie;
};

class WebHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::string db = dir_.File("brevis.db");
    e2e::ProcessResult init = e2e::RunBrevisd({"init", "--db", db});
    ASSERT_EQ(init.exit_code, 0) << init.Describe();
    std::string error;
    brevisd_ = e2e::BrevisdProcess::Start(
        {"serve", "--db", db, "--listen", "127.0.0.1:0"}, &error);
    ASSERT_NE(brevisd_, nullptr) << error;
    ASSERT_TRUE(brevisd_->WaitForListening().has_value()) << brevisd_->err();
    web_ = e2e::BrevisdProcess::StartProgram(
        BREVIS_WEB_PATH,
        {"--listen", "127.0.0.1:0", "--brevis-addr", brevisd_->address()},
        &error);
    ASSERT_NE(web_, nullptr) << error;
    static const std::regex kListening(
        "brevis-web: listening on http://127\\.0\\.0\\.1:([0-9]+)\n");
    std::smatch m;
    // Bounded: 100 reads of at most 100 ms each.
    for (int i = 0; i < 100 && !std::regex_search(web_->err(), m, kListening);
         ++i) {
      web_->ReadOutputFor(e2e::milliseconds(100));
    }
    ASSERT_TRUE(std::regex_search(web_->err(), m, kListening))
        << "brevis-web did not listen:\n"
        << web_->err();
    port_ = std::stoi(m[1].str());

    client::ClientOptions options;
    options.target = brevisd_->address();
    options.token_file = dir_.File("admin.token");
    auto admin = client::Client::Create(options);
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = std::make_unique<client::Client>(*admin);
    Seed();
  }

  void TearDown() override {
    if (web_) {
      web_->SendSignal(SIGTERM);
      e2e::ProcessResult ended = web_->WaitForExit();
      EXPECT_EQ(ended.exit_code, 0) << ended.Describe();
    }
  }

  std::string Unit(const std::string& name) {
    v1::CreateUnitRequest r;
    r.mutable_unit()->set_display_name(name);
    r.mutable_unit()->set_region("Region Stockholm");
    r.mutable_unit()->set_kind(v1::UNIT_KIND_OUTPATIENT);
    auto u = admin_->CreateUnit(r);
    EXPECT_TRUE(u.ok()) << u.status();
    return u.ok() ? u->name() : "";
  }

  std::string Person(const std::string& name, v1::Role role,
                     const std::string& unit = "") {
    v1::CreatePrincipalRequest r;
    r.mutable_principal()->set_display_name(name);
    r.mutable_principal()->set_role(role);
    if (!unit.empty()) r.mutable_principal()->add_units(unit);
    auto p = admin_->CreatePrincipal(r);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? p->name() : "";
  }

  std::string Link(const std::string& principal) {
    v1::CreateSignInLinkRequest r;
    r.set_parent(principal);
    auto link = admin_->CreateSignInLink(r);
    EXPECT_TRUE(link.ok()) << link.status();
    return link.ok() ? link->secret() : "";
  }

  void Seed() {
    unit_ = Unit("BUP Prima Handen");
    other_unit_ = Unit("BUP Annan");
    auditor_ = Person("Revisor A", v1::ROLE_AUDITOR);
    manager_ = Person("Enhetschef", v1::ROLE_UNIT_MANAGER, unit_);
    other_manager_ = Person("Annan chef", v1::ROLE_UNIT_MANAGER, other_unit_);
    viewer_ = Person("Strateg", v1::ROLE_VIEWER);
    admin_principal_ = admin_->WhoAmI()->principal().name();
    v1::CreateAuditRequest r;
    v1::Audit* a = r.mutable_audit();
    a->set_unit(unit_);
    a->set_title("Brukarrevision BUP Prima Handen 2026");
    a->set_commissioned_by("Regionens program");
    a->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
    a->add_auditors(auditor_);
    auto audit = admin_->CreateAudit(r);
    ASSERT_TRUE(audit.ok()) << audit.status();
    audit_ = audit->name();
  }

  Reply Send(http::verb verb, const std::string& target,
             const std::string& cookie = "", const std::string& form = "") {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(20));
    beast::error_code ec;
    stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                          static_cast<unsigned short>(port_)),
                   ec);
    EXPECT_FALSE(ec) << ec.message();
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!cookie.empty()) req.set(http::field::cookie, cookie);
    if (verb == http::verb::post) {
      req.set(http::field::content_type, "application/x-www-form-urlencoded");
      req.body() = form;
    }
    req.prepare_payload();
    http::write(stream, req, ec);
    EXPECT_FALSE(ec) << ec.message();
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    EXPECT_FALSE(ec) << ec.message();
    Reply reply;
    reply.status = res.result_int();
    reply.body = res.body();
    reply.location = std::string(res[http::field::location]);
    reply.set_cookie = std::string(res[http::field::set_cookie]);
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_FALSE(res["Content-Security-Policy"].empty());
    return reply;
  }

  // Signs in with a new link of `principal`; returns the cookie header.
  std::string SignIn(const std::string& principal) {
    std::string secret = Link(principal);
    Reply page = Send(http::verb::get, "/sign-in?link=" + secret);
    EXPECT_EQ(page.status, 200);
    Reply done = Send(http::verb::post, "/sign-in", "", "link=" + secret);
    EXPECT_EQ(done.status, 303) << done.body;
    std::string cookie = done.set_cookie.substr(0, done.set_cookie.find(';'));
    EXPECT_NE(done.set_cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(done.set_cookie.find("SameSite=Lax"), std::string::npos);
    return cookie;
  }

  std::string Csrf(const std::string& cookie) {
    Reply page = Send(http::verb::get, "/", cookie);
    std::smatch m;
    static const std::regex kCsrf("name=\"csrf\" value=\"([0-9a-f]{64})\"");
    EXPECT_TRUE(std::regex_search(page.body, m, kCsrf)) << page.body;
    return m.size() > 1 ? m[1].str() : "";
  }

  int Findings() {
    v1::ListFindingsRequest r;
    r.set_parent(audit_);
    auto list = admin_->ListFindings(r);
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? list->findings_size() : -1;
  }

  e2e::TempDir dir_;
  std::unique_ptr<e2e::BrevisdProcess> brevisd_;
  std::unique_ptr<e2e::BrevisdProcess> web_;
  int port_ = 0;
  std::unique_ptr<client::Client> admin_;
  std::string unit_, other_unit_, auditor_, manager_, other_manager_, viewer_,
      admin_principal_, audit_;
};

TEST_F(WebHttpTest, EveryPageForEveryRoleAnswers200) {
  std::string admin = SignIn(admin_principal_);
  for (const std::string& page : std::vector<std::string>{
           "/", "/overview", "/units", "/principals", "/audits/new",
           "/" + audit_, "/" + audit_ + "/report", "/" + audit_ + "/transition",
           "/" + audit_ + "/findings/new", "/" + audit_ + "/sessions/new",
           "/" + audit_ + "/recommendations/new",
           "/" + audit_ + "/feedback/new", "/" + auditor_ + "/sign-in-link",
           "/static/style.css", "/healthz"}) {
    EXPECT_EQ(Send(http::verb::get, page, admin).status, 200) << page;
  }
  std::string auditor = SignIn(auditor_);
  for (const std::string& page : std::vector<std::string>{
           "/", "/" + audit_, "/" + audit_ + "/findings/new",
           "/" + audit_ + "/sessions/new"}) {
    EXPECT_EQ(Send(http::verb::get, page, auditor).status, 200) << page;
  }
  for (const std::string& who : std::vector<std::string>{manager_, viewer_}) {
    std::string cookie = SignIn(who);
    EXPECT_EQ(Send(http::verb::get, "/", cookie).status, 200) << who;
  }
}

TEST_F(WebHttpTest, ASignInLinkWorksOnce) {
  std::string secret = Link(auditor_);
  Reply first = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  EXPECT_EQ(first.status, 303);
  Reply again = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  EXPECT_EQ(again.status, 403) << again.body;
  EXPECT_TRUE(again.set_cookie.empty());
  EXPECT_NE(again.body.find("redan använts"), std::string::npos) << again.body;
}

TEST_F(WebHttpTest, PostWithoutOrWithWrongCsrfIsRefusedAndChangesNothing) {
  std::string auditor = SignIn(auditor_);
  std::string form =
      "focus_area=FOCUS_AREA_PARTICIPATION&kind=FINDING_KIND_STRENGTH&text="
      "Bra&informant_groups=INFORMANT_GROUP_CHILD";
  std::string target = "/" + audit_ + "/findings/new";
  EXPECT_EQ(Send(http::verb::post, target, auditor, form).status, 403);
  EXPECT_EQ(Send(http::verb::post, target, auditor,
                 form + "&csrf=" + std::string(64, 'a'))
                .status,
            403);
  EXPECT_EQ(Findings(), 0);
  Reply ok =
      Send(http::verb::post, target, auditor, form + "&csrf=" + Csrf(auditor));
  EXPECT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(Findings(), 1);
}

TEST_F(WebHttpTest, HostileTextComesBackEscaped) {
  std::string auditor = SignIn(auditor_);
  std::string csrf = Csrf(auditor);
  // <script>alert('x')</script> & "q", urlencoded.
  std::string hostile = "%3Cscript%3Ealert(%27x%27)%3C%2Fscript%3E+%26+%22q%22";
  Reply ok = Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
                  "csrf=" + csrf +
                      "&focus_area=FOCUS_AREA_RESPECT&kind=FINDING_KIND_"
                      "STRENGTH&informant_groups=INFORMANT_GROUP_GUARDIAN&"
                      "text=" +
                      hostile);
  ASSERT_EQ(ok.status, 303) << ok.body;
  Reply page = Send(http::verb::get, "/" + audit_, auditor);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
                           "&amp; &quot;q&quot;"),
            std::string::npos);
  // A refused form keeps the hostile text, escaped, in its field.
  Reply refused =
      Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
           "csrf=" + csrf +
               "&focus_area=FOCUS_AREA_RESPECT&kind="
               "FINDING_KIND_STRENGTH&text=" +
               hostile);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.body.find("<script>"), std::string::npos);
  EXPECT_NE(refused.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(refused.body.find("id=\"e-informant_groups\""), std::string::npos)
      << refused.body;
}

TEST_F(WebHttpTest, AnUnknownChoiceIsA400Page) {
  std::string auditor = SignIn(auditor_);
  Reply bad = Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
                   "csrf=" + Csrf(auditor) + "&focus_area=NOPE&text=x");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("focus_area"), std::string::npos);
  EXPECT_EQ(Findings(), 0);
}

TEST_F(WebHttpTest, AnotherUnitsAuditIsA404LikeAMissingOne) {
  std::string other = SignIn(other_manager_);
  EXPECT_EQ(Send(http::verb::get, "/" + audit_, other).status, 404);
  EXPECT_EQ(Send(http::verb::get, "/" + audit_ + "/report", other).status, 404);
  EXPECT_EQ(Send(http::verb::get, "/audits/doesnotexist", other).status, 404);
}

TEST_F(WebHttpTest, WithoutASessionPagesGoToSignInAndBack) {
  Reply r = Send(http::verb::get, "/" + audit_);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.location, "/sign-in?next=%2F" +
                            std::regex_replace(audit_, std::regex("/"), "%2F"));
  std::string secret = Link(auditor_);
  Reply back = Send(http::verb::post, "/sign-in", "",
                    "link=" + secret + "&next=%2F%2Fevil.example");
  EXPECT_EQ(back.location, "/");
}

TEST_F(WebHttpTest, SignOutEndsTheSessionAndItsToken) {
  std::string auditor = SignIn(auditor_);
  Reply out =
      Send(http::verb::post, "/sign-out", auditor, "csrf=" + Csrf(auditor));
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(Send(http::verb::get, "/", auditor).status, 303);
}

}  // namespace
}  // namespace brevis::web
