// The forms of the audit work: each GET shows the form, each POST sends it
// to brevisd; a refusal shows the form again with the message at the field
// brevisd names and what the person typed kept.

#include <optional>

#include "client-lib/web/cat.h"
#include "client-lib/web/pages.h"

namespace brevis::web {
namespace {

std::string AuditName(const std::vector<std::string>& ids) {
  return Cat("audits/", ids[0]);
}
std::string RecName(const std::vector<std::string>& ids) {
  return Cat("audits/", ids[0], "/recommendations/", ids[1]);
}

// A form value naming a proto enum value. An empty or unknown one cannot
// come from our forms: the caller answers with BadRequestPage. Empty is
// passed on as UNSPECIFIED so that brevisd names the required field.

#define BREVIS_ENUM_FIELD(ctx, name, Type, out)                    \
  do {                                                             \
    if (!ParseChoice((ctx).req.Form(name), v1::Type##_Parse, out)) \
      return BadRequestPage((ctx), name, (ctx).req.Form(name));    \
  } while (0)

// A date field: brevis-web checks the shape, brevisd the calendar.
bool DateField(const Ctx& ctx, FormState& form, const std::string& field,
               v1::Date* out) {
  std::optional<v1::Date> date = ParseDate(ctx.req.Form(field));
  if (!date) {
    form.SetError(field, L(ctx.lang, "Ange ett datum som ÅÅÅÅ-MM-DD.",
                           "Give a date as YYYY-MM-DD."));
    return false;
  }
  *out = *date;
  return true;
}

std::vector<std::pair<std::string, std::string>> Groups(Lang lang) {
  return EnumOptions<v1::InformantGroup>(lang, InformantGroupName,
                                         v1::InformantGroup_descriptor());
}

HttpResponse Back(const std::vector<std::string>& ids,
                  std::string_view anchor) {
  return Redirect(Cat("/audits/", ids[0], anchor));
}

// A new-item form is shown only to someone brevisd lets read the audit or
// recommendation it belongs to: brevis-web asks first, so another unit's
// audit gives the same plain 404 as a missing one, and brevis-web never
// decides on its own who may see what. (A POST needs no such read: brevisd
// refuses the create itself.)
std::optional<HttpResponse> RefuseUnlessVisible(
    const Ctx& ctx, const std::vector<std::string>& ids) {
  if (ctx.post()) return std::nullopt;
  absl::Status status;
  if (ids.size() >= 2) {
    v1::GetRecommendationRequest get;
    get.set_name(RecName(ids));
    status = ctx.brevis->GetRecommendation(get).status();
  } else {
    v1::GetAuditRequest get;
    get.set_name(AuditName(ids));
    status = ctx.brevis->GetAudit(get).status();
  }
  if (status.ok()) return std::nullopt;
  return StatusPage(ctx, status);
}

void BackLink(const Ctx& ctx, Html& h, const std::vector<std::string>& ids) {
  h << Markup("<p><a href=\"/audits/") << ids[0] << Markup("\">")
    << L(ctx.lang, "Tillbaka till revisionen", "Back to the audit")
    << Markup("</a></p>");
}

}  // namespace

HttpResponse FindingForm(const Ctx& ctx, const std::vector<std::string>& ids) {
  if (auto refused = RefuseUnlessVisible(ctx, ids)) return *refused;
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreateFindingRequest request;
    request.set_parent(AuditName(ids));
    v1::Finding* f = request.mutable_finding();
    v1::FocusArea area;
    BREVIS_ENUM_FIELD(ctx, "focus_area", FocusArea, &area);
    f->set_focus_area(area);
    v1::FindingKind kind;
    BREVIS_ENUM_FIELD(ctx, "kind", FindingKind, &kind);
    f->set_kind(kind);
    f->set_text(ctx.req.Form("text"));
    for (const std::string& g : ctx.req.FormAll("informant_groups")) {
      v1::InformantGroup group;
      if (!ParseChoice(g, v1::InformantGroup_Parse, &group) || group == 0) {
        return BadRequestPage(ctx, "informant_groups", g);
      }
      f->add_informant_groups(group);
    }
    std::string articles = ctx.req.Form("child_rights_articles");
    for (size_t start = 0; start < articles.size();) {
      size_t comma = articles.find(',', start);
      if (comma == std::string::npos) comma = articles.size();
      std::string_view part =
          std::string_view(articles).substr(start, comma - start);
      start = comma + 1;
      if (part.find_first_not_of(' ') == std::string_view::npos) continue;
      int article;
      if (!ParseInt(part, &article)) {
        form.SetError("child_rights_articles",
                      L(lang,
                        "Ange artiklarnas nummer åtskilda av komma, "
                        "t.ex. 3, 12.",
                        "Give the articles' numbers separated by commas, "
                        "e.g. 3, 12."));
        break;
      }
      f->add_child_rights_articles(article);
    }
    f->set_sip(!ctx.req.Form("sip").empty());
    if (!form.has_error()) {
      auto created = ctx.brevis->CreateFinding(request);
      if (created.ok()) return Back(ids, Cat("#", LastId(created->name())));
      if (!form.Absorb(created.status())) {
        return StatusPage(ctx, created.status());
      }
    }
  }
  Html h;
  form.Begin(h, Cat("/audits/", ids[0], "/findings/new"));
  form.Select(h, "focus_area", L(lang, "Fokusområde", "Focus area"),
              EnumOptions<v1::FocusArea>(lang, FocusAreaName,
                                         v1::FocusArea_descriptor()),
              "");
  form.Select(h, "kind", L(lang, "Slag", "Kind"),
              EnumOptions<v1::FindingKind>(lang, FindingKindName,
                                           v1::FindingKind_descriptor()),
              "");
  form.TextArea(h, "text",
                L(lang, "Iakttagelse (på gruppnivå, inga namn)",
                  "Finding (group level, no names)"),
                "");
  form.Checkboxes(h, "informant_groups",
                  L(lang, "Från vilka grupper", "From which groups"),
                  Groups(lang), {});
  form.TextInput(h, "child_rights_articles",
                 L(lang, "Barnkonventionens artiklar (t.ex. 3, 12)",
                   "Articles of the Convention on the Rights of the Child "
                   "(e.g. 3, 12)"),
                 "", "text", false);
  form.Checkbox(h, "sip", L(lang, "Gäller SIP", "Concerns SIP"), false);
  form.End(h, L(lang, "Spara iakttagelsen", "Save the finding"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Ny iakttagelse", "New finding"), h, form.status());
}

HttpResponse RecommendationForm(const Ctx& ctx,
                                const std::vector<std::string>& ids) {
  if (auto refused = RefuseUnlessVisible(ctx, ids)) return *refused;
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreateRecommendationRequest request;
    request.set_parent(AuditName(ids));
    v1::Recommendation* r = request.mutable_recommendation();
    r->set_text(ctx.req.Form("text"));
    v1::Priority priority;
    BREVIS_ENUM_FIELD(ctx, "priority", Priority, &priority);
    r->set_priority(priority);
    for (const std::string& f : ctx.req.FormAll("findings")) {
      r->add_findings(Cat(AuditName(ids), "/findings/", f));
    }
    auto created = ctx.brevis->CreateRecommendation(request);
    if (created.ok()) return Back(ids, Cat("#", LastId(created->name())));
    if (!form.Absorb(created.status()))
      return StatusPage(ctx, created.status());
  }
  v1::ListFindingsRequest list;
  list.set_parent(AuditName(ids));
  auto findings = Collect<v1::Finding>(ctx.brevis->WalkFindings(list));
  if (!findings.ok()) return StatusPage(ctx, findings.status());
  std::vector<std::pair<std::string, std::string>> options;
  for (const v1::Finding& f : *findings) {
    options.emplace_back(
        LastId(f.name()),
        Cat(FocusAreaName(lang, f.focus_area()), ": ", f.text()));
  }
  Html h;
  form.Begin(h, Cat("/audits/", ids[0], "/recommendations/new"));
  form.TextArea(h, "text", L(lang, "Rekommendation", "Recommendation"), "");
  form.Select(
      h, "priority", L(lang, "Prioritet", "Priority"),
      EnumOptions<v1::Priority>(lang, PriorityName, v1::Priority_descriptor()),
      "");
  form.Checkboxes(h, "findings",
                  L(lang, "Svarar på iakttagelserna", "Answers the findings"),
                  options, {});
  form.End(h, L(lang, "Spara rekommendationen", "Save the recommendation"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Ny rekommendation", "New recommendation"), h,
              form.status());
}

HttpResponse ResponseForm(const Ctx& ctx, const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  FormState form(ctx);
  v1::GetRecommendationRequest get;
  get.set_name(RecName(ids));
  auto rec = ctx.brevis->GetRecommendation(get);
  if (!rec.ok()) return StatusPage(ctx, rec.status());
  if (ctx.post()) {
    v1::RespondToRecommendationRequest request;
    request.set_name(RecName(ids));
    v1::ResponseDecision decision;
    BREVIS_ENUM_FIELD(ctx, "decision", ResponseDecision, &decision);
    request.mutable_response()->set_decision(decision);
    request.mutable_response()->set_rationale(ctx.req.Form("rationale"));
    auto done = ctx.brevis->RespondToRecommendation(request);
    if (done.ok()) return Back(ids, Cat("#", ids[1]));
    if (!form.Absorb(done.status())) return StatusPage(ctx, done.status());
  }
  Html h;
  h << Markup("<blockquote>") << rec->text() << Markup("</blockquote>");
  form.Begin(h, Cat("/", RecName(ids), "/respond"));
  form.Select(h, "decision", L(lang, "Beslut", "Decision"),
              EnumOptions<v1::ResponseDecision>(
                  lang, DecisionName, v1::ResponseDecision_descriptor()),
              v1::ResponseDecision_Name(rec->response().decision()));
  form.TextArea(h, "rationale", L(lang, "Motivering", "Rationale"),
                rec->response().rationale());
  form.End(h, L(lang, "Spara svaret", "Save the response"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Enhetens svar", "The unit's response"), h,
              form.status());
}

HttpResponse VerdictForm(const Ctx& ctx, const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  FormState form(ctx);
  v1::GetRecommendationRequest get;
  get.set_name(RecName(ids));
  auto rec = ctx.brevis->GetRecommendation(get);
  if (!rec.ok()) return StatusPage(ctx, rec.status());
  if (ctx.post()) {
    v1::RecordVerdictRequest request;
    request.set_name(RecName(ids));
    v1::Verdict verdict;
    BREVIS_ENUM_FIELD(ctx, "verdict", Verdict, &verdict);
    request.mutable_verdict()->set_verdict(verdict);
    request.mutable_verdict()->set_comment(ctx.req.Form("comment"));
    auto done = ctx.brevis->RecordVerdict(request);
    if (done.ok()) return Back(ids, Cat("#", ids[1]));
    if (!form.Absorb(done.status())) return StatusPage(ctx, done.status());
  }
  Html h;
  h << Markup("<blockquote>") << rec->text() << Markup("</blockquote>");
  form.Begin(h, Cat("/", RecName(ids), "/verdict"));
  form.Select(
      h, "verdict", L(lang, "Bedömning", "Verdict"),
      EnumOptions<v1::Verdict>(lang, VerdictName, v1::Verdict_descriptor()),
      v1::Verdict_Name(rec->verdict().verdict()));
  form.TextArea(h, "comment", L(lang, "Kommentar", "Comment"),
                rec->verdict().comment(), false);
  form.End(h, L(lang, "Spara bedömningen", "Save the verdict"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Uppföljning", "Follow-up"), h, form.status());
}

HttpResponse ActionForm(const Ctx& ctx, const std::vector<std::string>& ids) {
  if (auto refused = RefuseUnlessVisible(ctx, ids)) return *refused;
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreateActionRequest request;
    request.set_parent(RecName(ids));
    v1::Action* a = request.mutable_action();
    a->set_description(ctx.req.Form("description"));
    a->set_responsible(ctx.req.Form("responsible"));
    if (DateField(ctx, form, "due_date", a->mutable_due_date())) {
      auto created = ctx.brevis->CreateAction(request);
      if (created.ok()) return Back(ids, Cat("#", ids[1]));
      if (!form.Absorb(created.status())) {
        return StatusPage(ctx, created.status());
      }
    }
  }
  Html h;
  form.Begin(h, Cat("/", RecName(ids), "/actions/new"));
  form.TextArea(h, "description", L(lang, "Åtgärd", "Action"), "");
  form.TextInput(
      h, "responsible",
      L(lang, "Ansvarig (roll eller namn)", "Responsible (role or name)"), "");
  form.TextInput(h, "due_date", L(lang, "Klart senast", "Due date"), "",
                 "date");
  form.End(h, L(lang, "Spara åtgärden", "Save the action"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Ny åtgärd", "New action"), h, form.status());
}

// One action: its notes, a status change and a new progress note. The
// form's `what` says which of the two was sent.
HttpResponse ActionPage(const Ctx& ctx, const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  std::string name = Cat(RecName(ids), "/actions/", ids[2]);
  FormState form(ctx);
  if (ctx.post()) {
    absl::StatusOr<v1::Action> done;
    if (ctx.req.Form("what") == "note") {
      v1::AddProgressNoteRequest request;
      request.set_name(name);
      request.mutable_note()->set_text(ctx.req.Form("text"));
      done = ctx.brevis->AddProgressNote(request);
    } else {
      v1::UpdateActionRequest request;
      request.mutable_action()->set_name(name);
      v1::ActionStatus status;
      BREVIS_ENUM_FIELD(ctx, "status", ActionStatus, &status);
      request.mutable_action()->set_status(status);
      request.mutable_action()->set_etag(ctx.req.Form("etag"));
      request.mutable_update_mask()->add_paths("status");
      done = ctx.brevis->UpdateAction(request);
    }
    if (done.ok()) return Redirect(Cat("/", name));
    if (!form.Absorb(done.status())) return StatusPage(ctx, done.status());
  }
  v1::GetActionRequest get;
  get.set_name(name);
  auto action = ctx.brevis->GetAction(get);
  if (!action.ok()) return StatusPage(ctx, action.status());
  Html h;
  h << Markup("<p>") << action->description()
    << Markup("</p><p class=\"meta\">")
    << L(lang, "Ansvarig: ", "Responsible: ") << action->responsible()
    << Markup(" · ") << L(lang, "senast ", "due ")
    << FormatDate(action->due_date()) << Markup(" · ")
    << ActionStatusName(lang, action->status())
    << (action->overdue() ? Markup(" · <strong>försenad/overdue</strong>")
                          : Markup(""))
    << Markup("</p><h2>") << L(lang, "Anteckningar", "Progress notes")
    << Markup("</h2><ol>");
  for (const v1::ProgressNote& note : action->notes()) {
    h << Markup("<li>") << FormatTime(note.time()) << Markup(": ")
      << note.text() << Markup("</li>");
  }
  h << Markup("</ol>");
  if (ctx.role() == v1::ROLE_UNIT_MANAGER || ctx.role() == v1::ROLE_ADMIN) {
    h << Markup("<h2>") << L(lang, "Ändra status", "Change status")
      << Markup("</h2>");
    form.Begin(h, Cat("/", name));
    h << Markup(
             "<input type=\"hidden\" name=\"what\" value=\"status\">"
             "<input type=\"hidden\" name=\"etag\" value=\"")
      << action->etag() << Markup("\">");
    form.Select(h, "status", L(lang, "Status", "Status"),
                EnumOptions<v1::ActionStatus>(lang, ActionStatusName,
                                              v1::ActionStatus_descriptor()),
                v1::ActionStatus_Name(action->status()));
    form.End(h, L(lang, "Spara status", "Save status"));
    h << Markup("<h2>") << L(lang, "Ny anteckning", "New progress note")
      << Markup("</h2>");
    FormState note_form(ctx);
    note_form.Begin(h, Cat("/", name));
    h << Markup("<input type=\"hidden\" name=\"what\" value=\"note\">");
    note_form.TextArea(h, "text", L(lang, "Anteckning", "Note"), "");
    note_form.End(h, L(lang, "Spara anteckningen", "Save the note"));
  }
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Åtgärd", "Action"), h, form.status());
}

HttpResponse SessionForm(const Ctx& ctx, const std::vector<std::string>& ids) {
  if (auto refused = RefuseUnlessVisible(ctx, ids)) return *refused;
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreateSessionRequest request;
    request.set_parent(AuditName(ids));
    v1::Session* s = request.mutable_session();
    v1::SessionKind kind;
    BREVIS_ENUM_FIELD(ctx, "kind", SessionKind, &kind);
    s->set_kind(kind);
    v1::InformantGroup group;
    BREVIS_ENUM_FIELD(ctx, "informant_group", InformantGroup, &group);
    s->set_informant_group(group);
    int count = 0;
    if (!ParseInt(ctx.req.Form("participant_count"), &count)) {
      form.SetError("participant_count", L(lang, "Ange ett heltal, 1-1000.",
                                           "Give a whole number, 1-1000."));
    }
    s->set_participant_count(count);
    if (DateField(ctx, form, "date", s->mutable_date()) && !form.has_error()) {
      auto created = ctx.brevis->CreateSession(request);
      if (created.ok()) return Back(ids, "#sessions");
      if (!form.Absorb(created.status())) {
        return StatusPage(ctx, created.status());
      }
    }
  }
  Html h;
  h << Markup("<p>")
    << L(lang, "Bara antal: aldrig namn eller något som pekar ut en person.",
         "Counts only: never names or anything that points at a person.")
    << Markup("</p>");
  form.Begin(h, Cat("/audits/", ids[0], "/sessions/new"));
  form.TextInput(h, "date", L(lang, "Datum", "Date"), "", "date");
  form.Select(h, "kind", L(lang, "Slag", "Kind"),
              EnumOptions<v1::SessionKind>(lang, SessionKindName,
                                           v1::SessionKind_descriptor()),
              "");
  form.Select(h, "informant_group", L(lang, "Grupp", "Group"), Groups(lang),
              "");
  form.TextInput(h, "participant_count",
                 L(lang, "Antal deltagare", "Participants"), "1", "number");
  form.End(h, L(lang, "Spara intervjun", "Save the session"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Registrera intervju", "Record a session"), h,
              form.status());
}

HttpResponse FeedbackForm(const Ctx& ctx, const std::vector<std::string>& ids) {
  if (auto refused = RefuseUnlessVisible(ctx, ids)) return *refused;
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreateFeedbackRequest request;
    request.set_parent(AuditName(ids));
    v1::Feedback* f = request.mutable_feedback();
    v1::FeedbackForm kind;
    BREVIS_ENUM_FIELD(ctx, "form", FeedbackForm, &kind);
    f->set_form(kind);
    for (const std::string& g : ctx.req.FormAll("audiences")) {
      v1::InformantGroup group;
      if (!ParseChoice(g, v1::InformantGroup_Parse, &group) || group == 0) {
        return BadRequestPage(ctx, "audiences", g);
      }
      f->add_audiences(group);
    }
    f->set_note(ctx.req.Form("note"));
    if (DateField(ctx, form, "date", f->mutable_date())) {
      auto created = ctx.brevis->CreateFeedback(request);
      if (created.ok()) return Back(ids, "#feedback");
      if (!form.Absorb(created.status())) {
        return StatusPage(ctx, created.status());
      }
    }
  }
  Html h;
  form.Begin(h, Cat("/audits/", ids[0], "/feedback/new"));
  form.TextInput(h, "date", L(lang, "Datum", "Date"), "", "date");
  form.Checkboxes(h, "audiences",
                  L(lang, "Till vilka grupper", "To which groups"),
                  Groups(lang), {});
  form.Select(h, "form", L(lang, "Form", "Form"),
              EnumOptions<v1::FeedbackForm>(lang, FeedbackFormName,
                                            v1::FeedbackForm_descriptor()),
              "");
  form.TextArea(h, "note", L(lang, "Anteckning", "Note"), "", false);
  form.End(h, L(lang, "Spara återkopplingen", "Save the feedback"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Återkoppling", "Feedback"), h, form.status());
}

HttpResponse TransitionForm(const Ctx& ctx,
                            const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  FormState form(ctx);
  v1::GetAuditRequest get;
  get.set_name(AuditName(ids));
  auto audit = ctx.brevis->GetAudit(get);
  if (!audit.ok()) return StatusPage(ctx, audit.status());
  if (ctx.post()) {
    v1::TransitionAuditRequest request;
    request.set_name(AuditName(ids));
    v1::AuditState state;
    BREVIS_ENUM_FIELD(ctx, "state", AuditState, &state);
    request.set_state(state);
    request.set_reason(ctx.req.Form("reason"));
    auto done = ctx.brevis->TransitionAudit(request);
    if (done.ok()) return Back(ids, "");
    if (!form.Absorb(done.status())) return StatusPage(ctx, done.status());
  }
  Html h;
  h << Markup("<p>") << L(lang, "Nu: ", "Now: ")
    << StateName(lang, audit->state()) << Markup("</p>");
  form.Begin(h, Cat("/audits/", ids[0], "/transition"));
  form.Select(
      h, "state", L(lang, "Nytt läge", "New state"),
      EnumOptions<v1::AuditState>(lang, StateName, v1::AuditState_descriptor()),
      "");
  form.TextArea(h, "reason",
                L(lang,
                  "Skäl (krävs för att avbryta, återöppna, eller "
                  "publicera med obesvarade förbättringsområden)",
                  "Reason (required to cancel, to reopen, or to publish "
                  "with unanswered improvement areas)"),
                "", false);
  form.End(h, L(lang, "Byt läge", "Change state"));
  BackLink(ctx, h, ids);
  return Page(ctx, L(lang, "Byt läge", "Change state"), h, form.status());
}

}  // namespace brevis::web
