// The person's own settings page over HTTP (language and mail opt-outs,
// saved with the etag; the contact e-mail read-only) and the admin's form
// for a person's contact e-mail: saved and shown again, a stale form, a
// forged POST, another person's settings, and brevisd's refusal at the
// field.

#include "tests/web/web_fixture.h"

namespace brevis::web::testing {
namespace {

class WebSettingsTest : public WebHttpTest {
 protected:
  v1::Principal Get(const std::string& name) {
    v1::GetPrincipalRequest r;
    r.set_name(name);
    auto p = admin_->GetPrincipal(r);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : v1::Principal();
  }

  // Changes `name` as an admin (its etag changes with it).
  void Update(const std::string& name, const std::string& path,
              const v1::Principal& values) {
    v1::UpdatePrincipalRequest r;
    *r.mutable_principal() = values;
    r.mutable_principal()->set_name(name);
    r.mutable_update_mask()->add_paths(path);
    auto p = admin_->UpdatePrincipal(r);
    ASSERT_TRUE(p.ok()) << p.status();
  }

  static std::string EtagOf(const std::string& body) {
    std::smatch m;
    static const std::regex kEtag("name=\"etag\" value=\"([^\"]*)\"");
    EXPECT_TRUE(std::regex_search(body, m, kEtag)) << body;
    return m.size() > 1 ? m[1].str() : "";
  }

  static std::vector<int> OptOuts(const v1::Principal& p) {
    return {p.notification_opt_outs().begin(), p.notification_opt_outs().end()};
  }
};

TEST_F(WebSettingsTest, TheSettingsAreSavedAndShownAgain) {
  v1::Principal values;
  values.set_contact_email("chef@region.example");
  ASSERT_NO_FATAL_FAILURE(Update(manager_, "contact_email", values));
  // A kind unit managers never get: the page does not offer it, and
  // saving keeps it.
  values.add_notification_opt_outs(v1::NOTIFICATION_KIND_AUDIT_CAN_CLOSE);
  ASSERT_NO_FATAL_FAILURE(Update(manager_, "notification_opt_outs", values));

  std::string manager = SignIn(manager_);
  Reply start = Send(http::verb::get, "/", manager);
  EXPECT_NE(start.body.find("<a href=\"/settings\">Dina inställningar</a>"),
            std::string::npos)
      << "every signed-in page links to the settings\n"
      << start.body;
  Reply page = Send(http::verb::get, "/settings", manager);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("value=\"NOTIFICATION_KIND_UNIT_DIGEST\""),
            std::string::npos);
  EXPECT_NE(page.body.find("väntar på enhetens svar"), std::string::npos)
      << "each kind is explained to the role that gets it";
  EXPECT_EQ(page.body.find("NOTIFICATION_KIND_AUDIT_CAN_CLOSE"),
            std::string::npos)
      << "kinds of other roles are not offered";
  EXPECT_NE(page.body.find("<strong>chef@region.example</strong>"),
            std::string::npos);
  EXPECT_EQ(page.body.find("name=\"contact_email\""), std::string::npos)
      << "the contact e-mail is read-only here";
  EXPECT_NE(page.body.find("ändras av en administratör"), std::string::npos);
  std::string csrf = CsrfOf(manager, "/settings");
  std::string etag = EtagOf(page.body);

  // brevisd's refusal (a kind twice) is shown at the field.
  Reply twice =
      Post("/settings", manager, csrf,
           {{"etag", etag},
            {"language", "REPORT_LANGUAGE_SWEDISH"},
            {"notification_opt_outs", "NOTIFICATION_KIND_UNIT_DIGEST"},
            {"notification_opt_outs", "NOTIFICATION_KIND_UNIT_DIGEST"}});
  EXPECT_EQ(twice.status, 422) << twice.body;
  EXPECT_NE(twice.body.find("id=\"e-notification_opt_outs\""),
            std::string::npos)
      << twice.body;
  // A kind the page does not offer cannot come from it.
  Reply foreign =
      Post("/settings", manager, csrf,
           {{"etag", etag},
            {"language", "REPORT_LANGUAGE_SWEDISH"},
            {"notification_opt_outs", "NOTIFICATION_KIND_AUDIT_CAN_CLOSE"}});
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_EQ(OptOuts(Get(manager_)),
            std::vector<int>{v1::NOTIFICATION_KIND_AUDIT_CAN_CLOSE});

  Reply saved =
      Post("/settings", manager, csrf,
           {{"etag", etag},
            {"language", "REPORT_LANGUAGE_ENGLISH"},
            {"notification_opt_outs", "NOTIFICATION_KIND_UNIT_DIGEST"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  v1::Principal after = Get(manager_);
  EXPECT_EQ(after.language(), v1::REPORT_LANGUAGE_ENGLISH);
  EXPECT_EQ(OptOuts(after),
            (std::vector<int>{v1::NOTIFICATION_KIND_UNIT_DIGEST,
                              v1::NOTIFICATION_KIND_AUDIT_CAN_CLOSE}));
  EXPECT_EQ(after.contact_email(), "chef@region.example");
  // The pages follow the chosen language.
  Reply lang = Send(http::verb::get, saved.location, manager);
  ASSERT_EQ(lang.status, 303) << saved.location;
  EXPECT_EQ(lang.location, "/settings?saved=1");
  EXPECT_NE(lang.set_cookie.find("lang=en"), std::string::npos);
  Reply shown = Send(http::verb::get, lang.location, manager + "; lang=en");
  ASSERT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find("Your settings are saved."), std::string::npos);
  EXPECT_NE(shown.body.find("value=\"REPORT_LANGUAGE_ENGLISH\" selected"),
            std::string::npos)
      << shown.body;
  EXPECT_NE(shown.body.find("value=\"NOTIFICATION_KIND_UNIT_DIGEST\" checked"),
            std::string::npos)
      << shown.body;
  EXPECT_EQ(
      shown.body.find("value=\"NOTIFICATION_KIND_REPORT_PUBLISHED\" checked"),
      std::string::npos);

  // Nothing ticked: every offered kind is sent again; the other stays off.
  Reply cleared = Post(
      "/settings", manager, csrf,
      {{"etag", EtagOf(shown.body)}, {"language", "REPORT_LANGUAGE_SWEDISH"}});
  ASSERT_EQ(cleared.status, 303) << cleared.body;
  EXPECT_EQ(OptOuts(Get(manager_)),
            std::vector<int>{v1::NOTIFICATION_KIND_AUDIT_CAN_CLOSE});
  EXPECT_EQ(Get(manager_).language(), v1::REPORT_LANGUAGE_SWEDISH);
}

TEST_F(WebSettingsTest, AStaleFormSavesNothingAndShowsWhatHolds) {
  std::string auditor = SignIn(auditor_);
  Reply page = Send(http::verb::get, "/settings", auditor);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("value=\"NOTIFICATION_KIND_FOLLOW_UP_DUE\""),
            std::string::npos);
  std::string old_etag = EtagOf(page.body);
  std::string csrf = CsrfOf(auditor, "/settings");
  // Meanwhile an admin changes the auditor's language.
  v1::Principal values;
  values.set_language(v1::REPORT_LANGUAGE_ENGLISH);
  ASSERT_NO_FATAL_FAILURE(Update(auditor_, "language", values));

  Reply stale =
      Post("/settings", auditor, csrf,
           {{"etag", old_etag},
            {"language", "REPORT_LANGUAGE_SWEDISH"},
            {"notification_opt_outs", "NOTIFICATION_KIND_FOLLOW_UP_DUE"}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_NE(stale.body.find("Inget sparades"), std::string::npos) << stale.body;
  v1::Principal now = Get(auditor_);
  EXPECT_EQ(now.language(), v1::REPORT_LANGUAGE_ENGLISH);
  EXPECT_TRUE(now.notification_opt_outs().empty());
  // The form shows what holds now, with the etag that goes with it.
  EXPECT_EQ(EtagOf(stale.body), now.etag());
  EXPECT_NE(stale.body.find("value=\"REPORT_LANGUAGE_ENGLISH\" selected"),
            std::string::npos)
      << stale.body;
  EXPECT_EQ(
      stale.body.find("value=\"NOTIFICATION_KIND_FOLLOW_UP_DUE\" checked"),
      std::string::npos);
}

TEST_F(WebSettingsTest, AForgedPostWithoutTheCsrfTokenChangesNothing) {
  std::string manager = SignIn(manager_);
  std::string etag = EtagOf(Send(http::verb::get, "/settings", manager).body);
  std::string before = Get(manager_).etag();
  for (const std::string& csrf : {std::string(), std::string(64, 'a')}) {
    Reply forged =
        Post("/settings", manager, csrf,
             {{"etag", etag},
              {"language", "REPORT_LANGUAGE_ENGLISH"},
              {"notification_opt_outs", "NOTIFICATION_KIND_UNIT_DIGEST"}});
    EXPECT_EQ(forged.status, 403) << forged.body;
  }
  v1::Principal after = Get(manager_);
  EXPECT_EQ(after.etag(), before);
  EXPECT_EQ(after.language(), v1::REPORT_LANGUAGE_UNSPECIFIED);
  EXPECT_TRUE(after.notification_opt_outs().empty());
}

TEST_F(WebSettingsTest, AnotherPersonsSettingsCannotBeReached) {
  std::string manager = SignIn(manager_);
  std::string csrf = CsrfOf(manager, "/settings");
  std::string etag = EtagOf(Send(http::verb::get, "/settings", manager).body);
  std::string other_before = Get(other_manager_).etag();
  // Fields naming another principal are not read: the page saves the
  // signed-in person's own settings.
  Reply saved =
      Post("/settings", manager, csrf,
           {{"etag", etag},
            {"name", other_manager_},
            {"principal", other_manager_},
            {"language", "REPORT_LANGUAGE_ENGLISH"},
            {"notification_opt_outs", "NOTIFICATION_KIND_UNIT_DIGEST"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(Get(manager_).language(), v1::REPORT_LANGUAGE_ENGLISH);
  EXPECT_EQ(Get(other_manager_).etag(), other_before);
  // No address names another person's settings or contact.
  std::string other_id = LastId(other_manager_);
  EXPECT_EQ(Send(http::verb::get, "/settings/" + other_id, manager).status,
            404);
  EXPECT_EQ(
      Send(http::verb::get, "/" + other_manager_ + "/contact", manager).status,
      404);
  Reply contact = Post("/" + other_manager_ + "/contact", manager, csrf,
                       {{"contact_email", "x@region.example"}});
  EXPECT_EQ(contact.status, 404) << contact.body;
  EXPECT_EQ(Get(other_manager_).etag(), other_before);
}

TEST_F(WebSettingsTest, TheAdminSetsAContactEmailAndSeesARefusalAtTheField) {
  std::string admin = SignIn(admin_principal_);
  std::string form = "/" + auditor_ + "/contact";
  Reply people = Send(http::verb::get, "/principals", admin);
  ASSERT_EQ(people.status, 200) << people.body;
  EXPECT_NE(people.body.find("href=\"" + form + "\""), std::string::npos)
      << people.body;
  Reply page = Send(http::verb::get, form, admin);
  ASSERT_EQ(page.status, 200) << page.body;
  std::string csrf = CsrfOf(admin, form);
  std::string etag = EtagOf(page.body);

  Reply bad = Post(form, admin, csrf,
                   {{"etag", etag}, {"contact_email", "revisor@region"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("<p class=\"field-error\" id=\"e-contact_email\">"
                          "Delen efter @ måste vara en domän som region.se."),
            std::string::npos)
      << bad.body;
  EXPECT_NE(bad.body.find("aria-describedby=\"e-contact_email\""),
            std::string::npos);
  EXPECT_NE(bad.body.find("value=\"revisor@region\""), std::string::npos)
      << "what the admin typed is kept";
  EXPECT_EQ(Get(auditor_).contact_email(), "");

  Reply good =
      Post(form, admin, csrf,
           {{"etag", etag}, {"contact_email", "revisor@rsmh.example"}});
  ASSERT_EQ(good.status, 303) << good.body;
  EXPECT_EQ(good.location, "/principals");
  EXPECT_EQ(Get(auditor_).contact_email(), "revisor@rsmh.example");
  people = Send(http::verb::get, "/principals", admin);
  EXPECT_NE(people.body.find("revisor@rsmh.example"), std::string::npos);
  // The person sees it on their own page.
  std::string auditor = SignIn(auditor_);
  EXPECT_NE(Send(http::verb::get, "/settings", auditor)
                .body.find("<strong>revisor@rsmh.example</strong>"),
            std::string::npos);
}

}  // namespace
}  // namespace brevis::web::testing
