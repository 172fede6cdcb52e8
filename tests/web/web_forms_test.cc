// The forms and pages of the audit's later life over HTTP: the unit
// manager's view of a published audit, the response, actions (create,
// status, progress note), the verdict, feedback, transitions (with a
// reason, and a refused one showing the guard), the report page and its
// downloads, and the revisions pages.

#include "tests/web/web_fixture.h"

namespace brevis::web::testing {
namespace {

class WebFormsTest : public WebHttpTest {
 protected:
  std::string RecPath() const { return "/" + recommendation_; }

  v1::Recommendation Rec() {
    v1::GetRecommendationRequest r;
    r.set_name(recommendation_);
    auto rec = admin_->GetRecommendation(r);
    EXPECT_TRUE(rec.ok()) << rec.status();
    return rec.ok() ? *rec : v1::Recommendation();
  }

  v1::AuditState State() {
    v1::GetAuditRequest r;
    r.set_name(audit_);
    auto audit = admin_->GetAudit(r);
    EXPECT_TRUE(audit.ok()) << audit.status();
    return audit.ok() ? audit->state() : v1::AUDIT_STATE_UNSPECIFIED;
  }

  void Respond() {
    v1::RespondToRecommendationRequest r;
    r.set_name(recommendation_);
    r.mutable_response()->set_decision(v1::RESPONSE_DECISION_ACCEPTED);
    r.mutable_response()->set_rationale("Vi tar fram en broschyr.");
    auto done = admin_->RespondToRecommendation(r);
    ASSERT_TRUE(done.ok()) << done.status();
  }

  std::string AuditId() const { return LastId(audit_); }
};

TEST_F(WebFormsTest, TheUnitManagerRespondsAndKeepsActions) {
  ASSERT_NO_FATAL_FAILURE(Publish());
  std::string manager = SignIn(manager_);
  Reply start = Send(http::verb::get, "/", manager);
  EXPECT_NE(start.body.find("href=\"/" + audit_ + "\""), std::string::npos)
      << "the published audit awaits a response on the start page";
  Reply page = Send(http::verb::get, "/" + audit_, manager);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Förklara SIP för unga."), std::string::npos);
  EXPECT_NE(page.body.find("href=\"" + RecPath() + "/respond\""),
            std::string::npos);
  EXPECT_EQ(page.body.find("/findings/new"), std::string::npos)
      << "a unit manager gets no link to add findings";
  EXPECT_EQ(page.body.find("id=\"sessions\""), std::string::npos)
      << "sessions are the team's only";

  std::string csrf = CsrfOf(manager, RecPath() + "/respond");
  Reply responded = Post(RecPath() + "/respond", manager, csrf,
                         {{"decision", "RESPONSE_DECISION_PARTLY_ACCEPTED"},
                          {"rationale", "Delvis: vi saknar personal."}});
  EXPECT_EQ(responded.status, 303) << responded.body;
  EXPECT_EQ(responded.location,
            "/audits/" + AuditId() + "#" + LastId(recommendation_));
  EXPECT_EQ(Rec().response().decision(), v1::RESPONSE_DECISION_PARTLY_ACCEPTED);
  EXPECT_EQ(Rec().response().rationale(), "Delvis: vi saknar personal.");
  // The history reads in words: the manager's own answer as "du", the
  // publication as a state change; no enum names, no principal ids.
  Reply history = Send(http::verb::get, "/" + audit_, manager);
  EXPECT_NE(history.body.find("du: rekommendation besvarad"), std::string::npos)
      << history.body;
  // Others by their role: the manager may not read other principals.
  EXPECT_NE(
      history.body.find("administratör: revisionen bytte läge → publicerad"),
      std::string::npos)
      << history.body;
  size_t from = history.body.find("<ol class=\"history\">");
  ASSERT_NE(from, std::string::npos);
  std::string history_list =
      history.body.substr(from, history.body.find("</ol>", from) - from);
  EXPECT_EQ(history_list.find("EVENT_KIND_"), std::string::npos)
      << history_list;
  EXPECT_EQ(history_list.find("principals/"), std::string::npos)
      << history_list;
  // An admin, who may read every principal, sees the others' names.
  Reply admins_view =
      Send(http::verb::get, "/" + audit_, SignIn(admin_principal_));
  EXPECT_NE(admins_view.body.find("Enhetschef: rekommendation besvarad"),
            std::string::npos)
      << admins_view.body;

  Reply created = Post(RecPath() + "/actions/new", manager, csrf,
                       {{"description", "Ta fram en broschyr om SIP."},
                        {"responsible", "Enhetschefen"},
                        {"due_date", "2027-01-31"}});
  EXPECT_EQ(created.status, 303) << created.body;
  v1::ListActionsRequest list;
  list.set_filter("audit = \"" + audit_ + "\"");
  auto actions = admin_->ListActions(list);
  ASSERT_TRUE(actions.ok()) << actions.status();
  ASSERT_EQ(actions->actions_size(), 1);
  const v1::Action& action = actions->actions(0);
  EXPECT_EQ(action.responsible(), "Enhetschefen");
  EXPECT_EQ(action.due_date().year(), 2027);

  std::string action_path = "/" + action.name();
  Reply shown = Send(http::verb::get, action_path, manager);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_NE(shown.body.find("Ta fram en broschyr om SIP."), std::string::npos);
  Reply status = Post(action_path, manager, csrf,
                      {{"what", "status"},
                       {"etag", action.etag()},
                       {"status", "ACTION_STATUS_IN_PROGRESS"}});
  EXPECT_EQ(status.status, 303) << status.body;
  EXPECT_EQ(status.location, action_path);
  // The same etag again is stale now: someone else's change is not
  // overwritten, and the page says to reload.
  Reply stale = Post(action_path, manager, csrf,
                     {{"what", "status"},
                      {"etag", action.etag()},
                      {"status", "ACTION_STATUS_DONE"}});
  EXPECT_EQ(stale.status, 422) << stale.body;
  EXPECT_NE(stale.body.find("Någon annan ändrade"), std::string::npos);
  Reply note = Post(action_path, manager, csrf,
                    {{"what", "note"}, {"text", "Första utkastet klart."}});
  EXPECT_EQ(note.status, 303) << note.body;
  v1::GetActionRequest get;
  get.set_name(action.name());
  auto after = admin_->GetAction(get);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->status(), v1::ACTION_STATUS_IN_PROGRESS);
  ASSERT_EQ(after->notes_size(), 1);
  EXPECT_EQ(after->notes(0).text(), "Första utkastet klart.");
  EXPECT_NE(Send(http::verb::get, action_path, manager)
                .body.find("Första utkastet klart."),
            std::string::npos);

  // The unit starts its work: PUBLISHED -> IN_PROGRESS.
  Reply moved = Post("/" + audit_ + "/transition", manager, csrf,
                     {{"state", "AUDIT_STATE_IN_PROGRESS"}, {"reason", ""}});
  EXPECT_EQ(moved.status, 303) << moved.body;
  EXPECT_EQ(State(), v1::AUDIT_STATE_IN_PROGRESS);
}

TEST_F(WebFormsTest, FollowUpVerdictFeedbackAndARefusedTransition) {
  ASSERT_NO_FATAL_FAILURE(Publish());
  ASSERT_NO_FATAL_FAILURE(Respond());
  Move(v1::AUDIT_STATE_IN_PROGRESS);
  Move(v1::AUDIT_STATE_FOLLOW_UP);
  std::string auditor = SignIn(auditor_);
  std::string csrf = CsrfOf(auditor, "/" + audit_ + "/transition");
  Reply page = Send(http::verb::get, "/" + audit_, auditor);
  EXPECT_NE(page.body.find("Uppföljningens bedömning saknas"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("href=\"/" + audit_ + "/feedback/new\""),
            std::string::npos);

  // Closing now fails the guard: the page keeps the form and names it.
  Reply refused =
      Post("/" + audit_ + "/transition", auditor, csrf,
           {{"state", "AUDIT_STATE_CLOSED"}, {"reason", "Klart enligt oss."}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("Brevis vägrade"), std::string::npos);
  EXPECT_NE(refused.body.find("guard"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find(recommendation_), std::string::npos)
      << "the guard names the recommendation without a verdict";
  EXPECT_NE(refused.body.find(">Klart enligt oss.</textarea>"),
            std::string::npos);
  EXPECT_EQ(State(), v1::AUDIT_STATE_FOLLOW_UP);

  Reply verdict = Post(RecPath() + "/verdict", auditor, csrf,
                       {{"verdict", "VERDICT_IMPLEMENTED"},
                        {"comment", "Broschyren finns i väntrummet."}});
  EXPECT_EQ(verdict.status, 303) << verdict.body;
  EXPECT_EQ(Rec().verdict().verdict(), v1::VERDICT_IMPLEMENTED);
  Reply feedback = Post("/" + audit_ + "/feedback/new", auditor, csrf,
                        {{"date", "2027-03-01"},
                         {"audiences", "INFORMANT_GROUP_YOUNG_PERSON"},
                         {"audiences", "INFORMANT_GROUP_GUARDIAN"},
                         {"form", "FEEDBACK_FORM_MEETING"},
                         {"note", "Träff på fritidsgården."}});
  EXPECT_EQ(feedback.status, 303) << feedback.body;
  v1::ListFeedbackRequest list;
  list.set_parent(audit_);
  auto given = admin_->ListFeedback(list);
  ASSERT_TRUE(given.ok()) << given.status();
  ASSERT_EQ(given->feedback_size(), 1);
  EXPECT_EQ(given->feedback(0).audiences_size(), 2);
  EXPECT_EQ(given->feedback(0).note(), "Träff på fritidsgården.");

  Reply closed = Post("/" + audit_ + "/transition", auditor, csrf,
                      {{"state", "AUDIT_STATE_CLOSED"}, {"reason", ""}});
  EXPECT_EQ(closed.status, 303) << closed.body;
  EXPECT_EQ(State(), v1::AUDIT_STATE_CLOSED);

  // The viewer's overview counts it: one recommendation of the focus area
  // of its finding, and all of the year's assessed ones implemented.
  std::string viewer = SignIn(viewer_);
  Reply overview = Send(http::verb::get, "/overview", viewer);
  ASSERT_EQ(overview.status, 200) << overview.body;
  EXPECT_NE(overview.body.find("Rekommendationer per fokusområde"),
            std::string::npos);
  EXPECT_NE(overview.body.find("<td>delaktighet</td><td>1</td>"),
            std::string::npos)
      << overview.body;
  EXPECT_NE(overview.body.find("100 % (1/1)"), std::string::npos)
      << overview.body;
}

TEST_F(WebFormsTest, CancellingNeedsAReason) {
  std::string admin = SignIn(admin_principal_);
  std::string csrf = CsrfOf(admin, "/" + audit_ + "/transition");
  Reply without = Post("/" + audit_ + "/transition", admin, csrf,
                       {{"state", "AUDIT_STATE_CANCELLED"}, {"reason", ""}});
  EXPECT_EQ(without.status, 422) << without.body;
  EXPECT_NE(without.body.find("reason"), std::string::npos) << without.body;
  EXPECT_EQ(State(), v1::AUDIT_STATE_PLANNED);
  Reply with = Post(
      "/" + audit_ + "/transition", admin, csrf,
      {{"state", "AUDIT_STATE_CANCELLED"}, {"reason", "Enheten läggs ned."}});
  EXPECT_EQ(with.status, 303) << with.body;
  EXPECT_EQ(State(), v1::AUDIT_STATE_CANCELLED);
  EXPECT_NE(Send(http::verb::get, "/" + audit_, admin)
                .body.find("Revisionen är avbruten."),
            std::string::npos);
}

TEST_F(WebFormsTest, TheReportPageAndItsDownloads) {
  ASSERT_NO_FATAL_FAILURE(Publish());
  std::string manager = SignIn(manager_);
  std::string base = "/" + audit_ + "/report";
  Reply page = Send(http::verb::get, base, manager);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("href=\"" + base + ".md\""), std::string::npos);
  EXPECT_NE(page.body.find("href=\"" + base + ".csv\""), std::string::npos);
  EXPECT_NE(page.body.find("src=\"" + base + ".html\""), std::string::npos);

  Reply md = Send(http::verb::get, base + ".md", manager);
  EXPECT_EQ(md.status, 200);
  EXPECT_EQ(md.content_type, "text/markdown; charset=utf-8");
  EXPECT_EQ(md.content_disposition,
            "attachment; filename=\"" + AuditId() + ".md\"");
  EXPECT_NE(md.body.find("Brukarrevision BUP Prima Handen 2026"),
            std::string::npos);
  EXPECT_NE(md.body.find("Förklara SIP för unga."), std::string::npos);

  Reply csv = Send(http::verb::get, base + ".csv", manager);
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.content_disposition,
            "attachment; filename=\"" + AuditId() + ".csv\"");
  EXPECT_NE(csv.body.find("Förklara SIP för unga."), std::string::npos)
      << csv.body;

  Reply html = Send(http::verb::get, base + ".html", manager);
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(html.content_disposition.empty());

  // Another unit's manager gets 404 for each of them.
  std::string other = SignIn(other_manager_);
  for (const char* suffix : {"", ".md", ".csv", ".html"}) {
    EXPECT_EQ(Send(http::verb::get, base + suffix, other).status, 404)
        << suffix;
  }
}

TEST_F(WebFormsTest, RevisionsOfPublishedText) {
  ASSERT_NO_FATAL_FAILURE(Publish());
  v1::UpdateFindingRequest finding;
  finding.mutable_finding()->set_name(finding_);
  finding.mutable_finding()->set_text("Unga vet inte vad en SIP är (rättad).");
  finding.mutable_update_mask()->add_paths("text");
  finding.set_revision_reason("Stavfel rättat");
  auto f = admin_->UpdateFinding(finding);
  ASSERT_TRUE(f.ok()) << f.status();
  v1::UpdateRecommendationRequest rec;
  rec.mutable_recommendation()->set_name(recommendation_);
  rec.mutable_recommendation()->set_text(
      "Förklara SIP för unga och föräldrar.");
  rec.mutable_update_mask()->add_paths("text");
  rec.set_revision_reason("Föräldrar lades till");
  auto r = admin_->UpdateRecommendation(rec);
  ASSERT_TRUE(r.ok()) << r.status();

  std::string manager = SignIn(manager_);
  Reply audit = Send(http::verb::get, "/" + audit_, manager);
  EXPECT_NE(audit.body.find("href=\"/" + finding_ + "/revisions\""),
            std::string::npos);
  EXPECT_NE(audit.body.find("href=\"/" + recommendation_ + "/revisions\""),
            std::string::npos);
  Reply findings =
      Send(http::verb::get, "/" + finding_ + "/revisions", manager);
  ASSERT_EQ(findings.status, 200) << findings.body;
  EXPECT_NE(findings.body.find(">Unga vet inte vad en SIP är.<"),
            std::string::npos);
  EXPECT_NE(findings.body.find("(rättad)"), std::string::npos);
  EXPECT_NE(findings.body.find("Stavfel rättat"), std::string::npos);
  Reply recs =
      Send(http::verb::get, "/" + recommendation_ + "/revisions", manager);
  ASSERT_EQ(recs.status, 200) << recs.body;
  EXPECT_NE(recs.body.find(">Förklara SIP för unga.<"), std::string::npos);
  EXPECT_NE(recs.body.find("Föräldrar lades till"), std::string::npos);
  std::string other = SignIn(other_manager_);
  EXPECT_EQ(Send(http::verb::get, "/" + finding_ + "/revisions", other).status,
            404);
}

// Every page under another unit's audit, forms for new items included, is
// the same plain 404 as a missing one: brevis-web asks brevisd before it
// shows anything, it never decides who may see what.
TEST_F(WebFormsTest, EveryPageOfAnotherUnitsAuditIsA404) {
  ASSERT_NO_FATAL_FAILURE(Publish());
  std::string finding_revisions = "/" + finding_ + "/revisions";
  std::string other = SignIn(other_manager_);
  std::string audit = "/" + audit_;
  for (const std::string& page : std::vector<std::string>{
           audit, audit + "/report", audit + "/report.html",
           audit + "/report.md", audit + "/report.csv", audit + "/transition",
           audit + "/sessions/new", audit + "/findings/new",
           audit + "/recommendations/new", audit + "/feedback/new",
           finding_revisions, RecPath() + "/revisions", RecPath() + "/respond",
           RecPath() + "/verdict", RecPath() + "/actions/new"}) {
    EXPECT_EQ(Send(http::verb::get, page, other).status, 404) << page;
  }
  // The unit's own manager gets the forms of their unit's audit.
  std::string own = SignIn(manager_);
  for (const std::string& page : std::vector<std::string>{
           RecPath() + "/respond", RecPath() + "/actions/new"}) {
    EXPECT_EQ(Send(http::verb::get, page, own).status, 200) << page;
  }
}

}  // namespace
}  // namespace brevis::web::testing
