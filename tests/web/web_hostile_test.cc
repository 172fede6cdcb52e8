// Hostile text (markup, quotes, ampersands, CR LF) in every text field of
// every form comes back escaped: on the page that shows what was saved, or
// in the form shown again after a refusal. Table-driven over the forms and
// their fields; a form added without a row here is not covered, so add one.

#include "tests/web/web_fixture.h"

namespace brevis::web::testing {
namespace {

const std::string kHostile = "<script>alert(\"x\")</script> & 'q'\r\nX";
// The same on one line: one-line fields refuse CR LF, and this one is saved
// and shown.
const std::string kHostileLine = "<script>alert(\"x\")</script> & 'q' X";
// How both read escaped (CR LF are not special in HTML).
const std::string kEscaped =
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";

enum class Who { kAdmin, kAuditor, kManager };

struct Row {
  v1::AuditState state;  // the audit is moved here before the row
  Who who;
  std::string form;   // the form's path; {audit}, {rec}, {action}, {person}
  Fields fields;      // valid values of the other fields
  std::string field;  // the field that gets kHostile (then kHostileLine)
  // Where a saved value is shown ("" for the redirect's Location; "{new
  // action}" the page of the action the row made); a refused one is checked
  // in the form shown again.
  std::string shown_at;
  // False for a hidden field the form does not echo (the action's etag).
  bool echoed = true;
};

class WebHostileTest : public WebHttpTest {
 protected:
  std::string Fill(std::string text) {
    auto put = [&](const std::string& key, const std::string& value) {
      for (size_t at; (at = text.find(key)) != std::string::npos;) {
        text.replace(at, key.size(), value);
      }
    };
    put("{audit}", "/" + audit_);
    put("{rec}", "/" + recommendation_);
    put("{action}", "/" + action_);
    put("{person}", "/" + auditor_);
    put("{unit}", unit_);
    put("{auditor}", auditor_);
    put("{finding}", LastId(finding_));
    return text;
  }

  void MakeAction() {
    v1::CreateActionRequest r;
    r.set_parent(recommendation_);
    r.mutable_action()->set_description("Broschyr");
    r.mutable_action()->set_responsible("Chefen");
    r.mutable_action()->mutable_due_date()->set_year(2027);
    r.mutable_action()->mutable_due_date()->set_month(1);
    r.mutable_action()->mutable_due_date()->set_day(31);
    auto a = admin_->CreateAction(r);
    ASSERT_TRUE(a.ok()) << a.status();
    action_ = a->name();
  }

  // The page of the action whose responsible is `responsible`.
  std::string NewAction(const std::string& responsible) {
    v1::ListActionsRequest list;
    list.set_filter("audit = \"" + audit_ + "\"");
    auto actions = admin_->ListActions(list);
    EXPECT_TRUE(actions.ok()) << actions.status();
    if (!actions.ok()) return "/";
    for (const v1::Action& a : actions->actions()) {
      if (a.responsible() == responsible) return "/" + a.name();
    }
    ADD_FAILURE() << "no action with the responsible " << responsible;
    return "/";
  }

  void Check(const Row& row, const std::string& cookie, const std::string& csrf,
             const std::string& hostile) {
    std::string where = Fill(row.form) + " field " + row.field +
                        (hostile == kHostile ? "" : " (one line)");
    Fields fields;
    for (const auto& [name, value] : row.fields) {
      fields.emplace_back(name, Fill(value));
    }
    fields.emplace_back(row.field, hostile);
    Reply r = Post(Fill(row.form), cookie, csrf, fields);
    EXPECT_EQ(r.body.find("<script>"), std::string::npos) << where;
    ASSERT_TRUE(r.status == 303 || r.status == 422 || r.status == 400)
        << where << ": " << r.status << "\n"
        << r.body;
    if (r.status == 303) {
      std::string page = row.shown_at.empty()             ? r.location
                         : row.shown_at == "{new action}" ? NewAction(hostile)
                                                          : Fill(row.shown_at);
      page = page.substr(0, page.find('#'));
      Reply shown = Send(http::verb::get, page, cookie);
      EXPECT_EQ(shown.status, 200) << where << " shown at " << page;
      EXPECT_EQ(shown.body.find("<script>"), std::string::npos) << where;
      EXPECT_NE(shown.body.find(kEscaped), std::string::npos)
          << where << ": saved, but not shown escaped at " << page << "\n"
          << shown.body;
    } else if (row.echoed) {
      EXPECT_NE(r.body.find(kEscaped), std::string::npos)
          << where << ": refused (" << r.status
          << ") without the text kept, escaped\n"
          << r.body;
    }
  }

  std::string action_;
};

TEST_F(WebHostileTest, EveryTextFieldOfEveryFormComesBackEscaped) {
  const Fields audit = {{"unit", "{unit}"},
                        {"title", "Revision"},
                        {"commissioned_by", "Programmet"},
                        {"focus_areas", "FOCUS_AREA_RESPECT"},
                        {"other_focus_area", ""},
                        {"auditors", "{auditor}"},
                        {"planned_start_date", "2027-02-01"},
                        {"planned_report_date", "2027-04-01"},
                        {"planned_follow_up_date", "2027-10-01"}};
  auto without = [](Fields fields, const std::string& name) {
    std::erase_if(fields, [&](const auto& f) { return f.first == name; });
    return fields;
  };
  const Fields unit = {{"display_name", "BUP X"},
                       {"region", "Region Stockholm"},
                       {"kind", "UNIT_KIND_OUTPATIENT"},
                       {"hsa_id", ""}};
  const Fields session = {{"date", "2027-02-10"},
                          {"kind", "SESSION_KIND_FOCUS_GROUP"},
                          {"informant_group", "INFORMANT_GROUP_YOUNG_PERSON"},
                          {"participant_count", "5"}};
  const Fields finding = {{"focus_area", "FOCUS_AREA_RESPECT"},
                          {"kind", "FINDING_KIND_STRENGTH"},
                          {"text", "Bra bemötande."},
                          {"informant_groups", "INFORMANT_GROUP_CHILD"},
                          {"child_rights_articles", "12"}};
  const Fields action = {{"description", "Broschyr"},
                         {"responsible", "Chefen"},
                         {"due_date", "2027-05-01"}};
  const Fields feedback = {{"date", "2027-03-01"},
                           {"audiences", "INFORMANT_GROUP_CHILD"},
                           {"form", "FEEDBACK_FORM_MEETING"},
                           {"note", "Träff"}};
  using S = v1::AuditState;
  const std::vector<Row> rows = {
      // The admin's forms, the audit still planned.
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/audits/new",
       without(audit, "title"), "title", ""},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/audits/new",
       without(audit, "commissioned_by"), "commissioned_by", ""},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/audits/new",
       without(audit, "other_focus_area"), "other_focus_area", ""},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/audits/new",
       without(audit, "planned_start_date"), "planned_start_date", ""},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/audits/new",
       without(audit, "planned_report_date"), "planned_report_date", ""},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/audits/new",
       without(audit, "planned_follow_up_date"), "planned_follow_up_date", ""},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/units",
       without(unit, "display_name"), "display_name", "/units"},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/units", without(unit, "region"),
       "region", "/units"},
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/units", without(unit, "hsa_id"),
       "hsa_id", "/units"},
      {S::AUDIT_STATE_PLANNED,
       Who::kAdmin,
       "/principals",
       {{"role", "ROLE_VIEWER"}},
       "display_name",
       "/principals"},
      // Refused (no address has < or spaces), so shown again escaped.
      {S::AUDIT_STATE_PLANNED,
       Who::kAdmin,
       "{person}/contact",
       {},
       "contact_email",
       ""},
      // A choice that no form offers is echoed escaped on the 400 page.
      {S::AUDIT_STATE_PLANNED, Who::kAdmin, "/units", without(unit, "kind"),
       "kind", ""},
      // The team's forms in fieldwork.
      {S::AUDIT_STATE_FIELDWORK, Who::kAuditor, "{audit}/sessions/new",
       without(session, "date"), "date", ""},
      {S::AUDIT_STATE_FIELDWORK, Who::kAuditor, "{audit}/sessions/new",
       without(session, "participant_count"), "participant_count", ""},
      {S::AUDIT_STATE_FIELDWORK, Who::kAuditor, "{audit}/findings/new",
       without(finding, "text"), "text", ""},
      {S::AUDIT_STATE_FIELDWORK, Who::kAuditor, "{audit}/findings/new",
       without(finding, "child_rights_articles"), "child_rights_articles", ""},
      // Reporting.
      {S::AUDIT_STATE_REPORTING,
       Who::kAuditor,
       "{audit}/recommendations/new",
       {{"priority", "PRIORITY_LOW"}, {"findings", "{finding}"}},
       "text",
       ""},
      // The unit's forms once published.
      {S::AUDIT_STATE_PUBLISHED,
       Who::kManager,
       "{rec}/respond",
       {{"decision", "RESPONSE_DECISION_ACCEPTED"}},
       "rationale",
       ""},
      {S::AUDIT_STATE_PUBLISHED, Who::kManager, "{rec}/actions/new",
       without(action, "description"), "description", ""},
      {S::AUDIT_STATE_PUBLISHED, Who::kManager, "{rec}/actions/new",
       without(action, "responsible"), "responsible", "{new action}"},
      {S::AUDIT_STATE_PUBLISHED, Who::kManager, "{rec}/actions/new",
       without(action, "due_date"), "due_date", ""},
      {S::AUDIT_STATE_PUBLISHED,
       Who::kManager,
       "{action}",
       {{"what", "note"}},
       "text",
       ""},
      {S::AUDIT_STATE_PUBLISHED,
       Who::kManager,
       "{action}",
       {{"what", "status"}, {"status", "ACTION_STATUS_IN_PROGRESS"}},
       "etag",
       "",
       false},
      {S::AUDIT_STATE_PUBLISHED, Who::kAuditor, "{audit}/feedback/new",
       without(feedback, "note"), "note", ""},
      {S::AUDIT_STATE_PUBLISHED, Who::kAuditor, "{audit}/feedback/new",
       without(feedback, "date"), "date", ""},
      // Refused (no such step), the reason kept.
      {S::AUDIT_STATE_PUBLISHED,
       Who::kAdmin,
       "{audit}/transition",
       {{"state", "AUDIT_STATE_CLOSED"}},
       "reason",
       ""},
      // Follow-up.
      {S::AUDIT_STATE_FOLLOW_UP,
       Who::kAuditor,
       "{rec}/verdict",
       {{"verdict", "VERDICT_PARTLY_IMPLEMENTED"}},
       "comment",
       ""},
  };
  std::string admin = SignIn(admin_principal_);
  std::string auditor = SignIn(auditor_);
  std::string manager = SignIn(manager_);
  std::map<Who, std::pair<std::string, std::string>> sessions = {
      {Who::kAdmin, {admin, CsrfOf(admin, "/")}},
      {Who::kAuditor, {auditor, CsrfOf(auditor, "/")}},
      {Who::kManager, {manager, CsrfOf(manager, "/")}}};
  v1::AuditState state = v1::AUDIT_STATE_PLANNED;
  for (const Row& row : rows) {
    while (state != row.state) {
      // The audit's way through its life, with what each step needs.
      switch (state) {
        case S::AUDIT_STATE_PLANNED:
          Move(S::AUDIT_STATE_FIELDWORK);
          break;
        case S::AUDIT_STATE_FIELDWORK:
          finding_ = AddFinding(v1::FINDING_KIND_IMPROVEMENT_AREA,
                                "Unga vet inte vad en SIP är.")
                         .name();
          Move(S::AUDIT_STATE_REPORTING);
          break;
        case S::AUDIT_STATE_REPORTING:
          ASSERT_NO_FATAL_FAILURE(AnswerFinding());
          Move(S::AUDIT_STATE_PUBLISHED);
          ASSERT_NO_FATAL_FAILURE(MakeAction());
          break;
        case S::AUDIT_STATE_PUBLISHED: {
          // The rows' recommendations too need the unit's response.
          v1::ListRecommendationsRequest list;
          list.set_parent(audit_);
          auto recs = admin_->ListRecommendations(list);
          ASSERT_TRUE(recs.ok()) << recs.status();
          for (const v1::Recommendation& rec : recs->recommendations()) {
            v1::RespondToRecommendationRequest r;
            r.set_name(rec.name());
            r.mutable_response()->set_decision(v1::RESPONSE_DECISION_ACCEPTED);
            r.mutable_response()->set_rationale("Ja.");
            ASSERT_TRUE(admin_->RespondToRecommendation(r).ok());
          }
          ASSERT_NO_FATAL_FAILURE(Move(S::AUDIT_STATE_IN_PROGRESS));
          ASSERT_NO_FATAL_FAILURE(Move(S::AUDIT_STATE_FOLLOW_UP));
          state = S::AUDIT_STATE_IN_PROGRESS;
          break;
        }
        default:
          FAIL() << "no way from " << v1::AuditState_Name(state);
      }
      state = state == S::AUDIT_STATE_IN_PROGRESS ? S::AUDIT_STATE_FOLLOW_UP
                                                  : v1::AuditState(state + 1);
    }
    const auto& [cookie, csrf] = sessions[row.who];
    for (const std::string& hostile : {kHostile, kHostileLine}) {
      ASSERT_NO_FATAL_FAILURE(Check(row, cookie, csrf, hostile));
    }
  }
  // The sign-in page echoes the link it was given in its form.
  Reply sign_in = Send(http::verb::get, "/sign-in?link=" + UrlEncode(kHostile) +
                                            "&next=" + UrlEncode("/x"));
  EXPECT_EQ(sign_in.body.find("<script>"), std::string::npos);
  EXPECT_NE(sign_in.body.find(kEscaped), std::string::npos) << sign_in.body;
  // The ended-session page shows what was sent, escaped.
  Reply ended = Post("/" + audit_ + "/findings/new", "", "",
                     {{"text", kHostile}, {kHostile, "x"}});
  EXPECT_EQ(ended.status, 403);
  EXPECT_EQ(ended.body.find("<script>"), std::string::npos);
  EXPECT_NE(ended.body.find(">" + kEscaped), std::string::npos);
}

}  // namespace
}  // namespace brevis::web::testing
