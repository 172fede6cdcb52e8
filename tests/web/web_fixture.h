#ifndef BREVIS_TESTS_WEB_WEB_FIXTURE_H_
#define BREVIS_TESTS_WEB_WEB_FIXTURE_H_

// The fixture of brevis-web's HTTP tests: a real brevisd (TLS, client
// certificates accepted) and a real brevis-web, signed in to it as its own
// integration principal over mutual TLS, as child processes, spoken to with
// Beast as a browser would, an admin's client for setting up and checking, and
// a seeded unit with an audit. On failure the processes' endings and log tails
// are printed (tests/testing/child_report.h). One fixture per test; not
// thread-safe.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "brevis/client/client.h"
#include "client-lib/web/page_kit.h"
#include "tests/e2e/brevisd_process.h"

namespace brevis::web::testing {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace v1 = ::brevis::v1;

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  std::string body;
  std::string location;
  std::string set_cookie;
  std::string content_type;
  std::string content_disposition;
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
        {"serve", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert",
         Cert("server.crt"), "--tls-key", Cert("server.key"), "--client-ca",
         Cert("ca.crt")},
        &error);
    ASSERT_NE(brevisd_, nullptr) << error;
    ASSERT_TRUE(brevisd_->WaitForListening().has_value()) << brevisd_->err();

    client::ClientOptions options;
    options.target = brevisd_->address();
    options.token_file = dir_.File("admin.token");
    options.ca_file = Cert("ca.crt");
    auto admin = client::Client::Create(options);
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = std::make_unique<client::Client>(*admin);
    // brevis-web's own principal, as deploy/run-local.sh makes it: it signs
    // in with the client certificate (CN brevis-integration) over mutual
    // TLS and may do nothing but exchange sign-ins.
    v1::CreatePrincipalRequest integration;
    integration.mutable_principal()->set_display_name("brevis-web");
    integration.mutable_principal()->set_role(v1::ROLE_INTEGRATION);
    integration.mutable_principal()->add_scopes(v1::SCOPE_SIGN_IN);
    integration.mutable_principal()->set_certificate_subject(
        "brevis-integration");
    auto web_principal = admin_->CreatePrincipal(integration);
    ASSERT_TRUE(web_principal.ok()) << web_principal.status();
    web_principal_ = web_principal->name();

    std::vector<std::string> web_args = {
        "--listen",     "127.0.0.1:0",     "--brevis-addr", brevisd_->address(),
        "--brevis-ca",  Cert("ca.crt"),    "--brevis-cert", Cert("client.crt"),
        "--brevis-key", Cert("client.key")};
    for (const std::string& arg : ExtraWebArgs()) web_args.push_back(arg);
    web_ = e2e::BrevisdProcess::StartProgram(BREVIS_WEB_PATH, web_args, &error);
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
    Seed();
  }

  // A file made by deploy/make-certs.sh (once per build, see
  // tests/CMakeLists.txt): ca.crt, server.crt/.key, client.crt/.key.
  static std::string Cert(const std::string& name) {
    return std::string(BREVIS_WEB_TEST_CERTS) + "/" + name;
  }

  // More flags for brevis-web.
  virtual std::vector<std::string> ExtraWebArgs() const { return {}; }

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
    reply.content_type = std::string(res[http::field::content_type]);
    reply.content_disposition =
        std::string(res[http::field::content_disposition]);
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

  // A POST of `fields`, urlencoded as a browser does, with the session's
  // CSRF token first unless `csrf` is empty.
  Reply Post(const std::string& target, const std::string& cookie,
             const std::string& csrf, const Fields& fields) {
    std::string body = csrf.empty() ? "" : "csrf=" + csrf;
    for (const auto& [name, value] : fields) {
      if (!body.empty()) body += '&';
      body += UrlEncode(name) + "=" + UrlEncode(value);
    }
    return Send(http::verb::post, target, cookie, body);
  }

  v1::Finding AddFinding(v1::FindingKind kind, const std::string& text) {
    v1::CreateFindingRequest r;
    r.set_parent(audit_);
    r.mutable_finding()->set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
    r.mutable_finding()->set_kind(kind);
    r.mutable_finding()->set_text(text);
    r.mutable_finding()->add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
    auto f = admin_->CreateFinding(r);
    EXPECT_TRUE(f.ok()) << f.status();
    return f.ok() ? *f : v1::Finding();
  }

  void Move(v1::AuditState state, const std::string& reason = "") {
    v1::TransitionAuditRequest r;
    r.set_name(audit_);
    r.set_state(state);
    r.set_reason(reason);
    auto moved = admin_->TransitionAudit(r);
    ASSERT_TRUE(moved.ok())
        << v1::AuditState_Name(state) << ": " << moved.status();
  }

  // Takes the seeded audit to PUBLISHED with one improvement-area finding
  // (finding_) and a recommendation answering it (recommendation_).
  void Publish() {
    Move(v1::AUDIT_STATE_FIELDWORK);
    finding_ = AddFinding(v1::FINDING_KIND_IMPROVEMENT_AREA,
                          "Unga vet inte vad en SIP är.")
                   .name();
    Move(v1::AUDIT_STATE_REPORTING);
    ASSERT_NO_FATAL_FAILURE(AnswerFinding());
    Move(v1::AUDIT_STATE_PUBLISHED);
  }

  // A recommendation answering finding_ (recommendation_), the audit in
  // REPORTING.
  void AnswerFinding() {
    v1::CreateRecommendationRequest r;
    r.set_parent(audit_);
    r.mutable_recommendation()->set_text("Förklara SIP för unga.");
    r.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    r.mutable_recommendation()->add_findings(finding_);
    auto rec = admin_->CreateRecommendation(r);
    ASSERT_TRUE(rec.ok()) << rec.status();
    recommendation_ = rec->name();
  }

  // The CSRF token of the session, read from `page` (any signed-in page).
  std::string CsrfOf(const std::string& cookie, const std::string& page) {
    Reply r = Send(http::verb::get, page, cookie);
    std::smatch m;
    static const std::regex kCsrf("name=\"csrf\" value=\"([0-9a-f]{64})\"");
    EXPECT_TRUE(std::regex_search(r.body, m, kCsrf)) << page << r.body;
    return m.size() > 1 ? m[1].str() : "";
  }

  e2e::TempDir dir_;
  std::unique_ptr<e2e::BrevisdProcess> brevisd_;
  std::unique_ptr<e2e::BrevisdProcess> web_;
  int port_ = 0;
  std::unique_ptr<client::Client> admin_;
  std::string unit_, other_unit_, auditor_, manager_, other_manager_, viewer_,
      admin_principal_, audit_;
  std::string web_principal_;  // brevis-web's own integration principal
  std::string finding_, recommendation_;  // set by Publish
};

}  // namespace brevis::web::testing

#endif  // BREVIS_TESTS_WEB_WEB_FIXTURE_H_
