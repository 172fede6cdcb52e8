// The audit page, its report and revisions, and the table of routes.

#include <set>

#include "client-lib/web/cat.h"
#include "client-lib/web/pages.h"
#include "client-lib/web/web_app.h"

namespace brevis::web {
namespace {

constexpr v1::AuditState kSteps[] = {
    v1::AUDIT_STATE_PLANNED,     v1::AUDIT_STATE_FIELDWORK,
    v1::AUDIT_STATE_REPORTING,   v1::AUDIT_STATE_PUBLISHED,
    v1::AUDIT_STATE_IN_PROGRESS, v1::AUDIT_STATE_FOLLOW_UP,
    v1::AUDIT_STATE_CLOSED};

v1::AuditState Next(v1::AuditState state) {
  for (size_t i = 0; i + 1 < std::size(kSteps); ++i) {
    if (kSteps[i] == state) return kSteps[i + 1];
  }
  return v1::AUDIT_STATE_UNSPECIFIED;
}

void Stepper(Lang lang, Html& h, v1::AuditState state) {
  h << Markup("<ol class=\"stepper\" aria-label=\"")
    << L(lang, "Revisionens steg", "Steps of the audit") << Markup("\">");
  bool passed = true;
  for (v1::AuditState step : kSteps) {
    bool current = step == state;
    if (current) passed = false;
    h << Markup("<li")
      << (current  ? Markup(" class=\"current\" aria-current=\"step\"")
          : passed ? Markup(" class=\"done\"")
                   : Markup(""))
      << Markup(">") << StateName(lang, step) << Markup("</li>");
  }
  h << Markup("</ol>");
  if (state == v1::AUDIT_STATE_CANCELLED) {
    h << Markup("<p class=\"notice\">")
      << L(lang, "Revisionen är avbruten.", "The audit is cancelled.")
      << Markup("</p>");
  }
}

// How much of a finding's or recommendation's text "what is missing" quotes.
constexpr size_t kQuoteBytes = 80;

struct Content {
  std::vector<v1::Session> sessions;
  bool sessions_visible = false;
  std::vector<v1::Finding> findings;
  std::vector<v1::Recommendation> recommendations;
  std::vector<v1::Action> actions;
  std::vector<v1::Feedback> feedback;
  std::vector<v1::Event> events;
};

// What the guard of the next step would refuse (audit_lifecycle's rules,
// read from what the page already shows), each with links to what fails.
void Missing(const Ctx& ctx, Html& h, const v1::Audit& audit,
             const Content& c) {
  Lang lang = ctx.lang;
  v1::AuditState next = Next(audit.state());
  h << Markup("<section aria-labelledby=\"missing\"><h2 id=\"missing\">")
    << L(lang, "Vad som saknas för att gå vidare", "What is missing to go on")
    << Markup("</h2>");
  if (next == v1::AUDIT_STATE_UNSPECIFIED) {
    h << Markup("<p>")
      << L(lang, "Inget: revisionen är avslutad.",
           "Nothing: the audit has ended.")
      << Markup("</p></section>");
    return;
  }
  std::vector<std::pair<std::string, std::string>> lacks;  // text, link
  switch (next) {
    case v1::AUDIT_STATE_FIELDWORK:
      if (audit.auditors().empty()) {
        lacks.emplace_back(L(lang,
                             "Ingen revisor i teamet (administratören "
                             "sätter teamet).",
                             "No auditor on the team (the administrator "
                             "sets the team)."),
                           "");
      }
      break;
    case v1::AUDIT_STATE_REPORTING:
      if (c.findings.empty()) {
        lacks.emplace_back(
            L(lang, "Minst en iakttagelse.", "At least one finding."),
            Cat("/", audit.name(), "/findings/new"));
      }
      break;
    case v1::AUDIT_STATE_PUBLISHED: {
      std::set<std::string> answered;
      for (const auto& r : c.recommendations) {
        answered.insert(r.findings().begin(), r.findings().end());
      }
      for (const auto& f : c.findings) {
        if (f.kind() == v1::FINDING_KIND_IMPROVEMENT_AREA &&
            !answered.contains(f.name())) {
          lacks.emplace_back(
              Cat(L(lang, "Förbättringsområde utan rekommendation: ",
                    "Improvement area without a recommendation: "),
                  CutUtf8(f.text(), kQuoteBytes)),
              Cat("#", LastId(f.name())));
        }
      }
      break;
    }
    case v1::AUDIT_STATE_IN_PROGRESS:
      for (const auto& r : c.recommendations) {
        if (!r.has_response()) {
          lacks.emplace_back(Cat(L(lang, "Enhetens svar saknas: ",
                                   "The unit's response is missing: "),
                                 CutUtf8(r.text(), kQuoteBytes)),
                             Cat("#", LastId(r.name())));
        }
      }
      break;
    case v1::AUDIT_STATE_CLOSED:
      for (const auto& r : c.recommendations) {
        if (!r.has_verdict()) {
          lacks.emplace_back(Cat(L(lang, "Uppföljningens bedömning saknas: ",
                                   "The follow-up verdict is missing: "),
                                 CutUtf8(r.text(), kQuoteBytes)),
                             Cat("#", LastId(r.name())));
        }
      }
      if (c.feedback.empty()) {
        lacks.emplace_back(L(lang,
                             "Återkoppling till brukarna är inte "
                             "registrerad.",
                             "No feedback to service users is recorded."),
                           Cat("/", audit.name(), "/feedback/new"));
      }
      break;
    default:
      break;
  }
  if (lacks.empty()) {
    h << Markup("<p>")
      << Cat(L(lang, "Inget saknas för nästa steg: ",
               "Nothing is missing for the next step: "),
             StateName(lang, next), ".")
      << Markup("</p>");
  } else {
    h << Markup("<ul class=\"missing\">");
    for (const auto& [text, link] : lacks) {
      h << Markup("<li>");
      if (link.empty()) {
        h << text;
      } else {
        h << Markup("<a href=\"") << link << Markup("\">") << text
          << Markup("</a>");
      }
      h << Markup("</li>");
    }
    h << Markup("</ul>");
  }
  h << Markup("</section>");
}

bool Writes(v1::Role role) {
  return role == v1::ROLE_ADMIN || role == v1::ROLE_AUDITOR;
}

void FindingsSection(const Ctx& ctx, Html& h, const v1::Audit& audit,
                     const Content& c) {
  Lang lang = ctx.lang;
  h << Markup("<section aria-labelledby=\"findings\"><h2 id=\"findings\">")
    << L(lang, "Iakttagelser", "Findings") << Markup("</h2>");
  if (Writes(ctx.role())) {
    h << Markup("<p><a href=\"/") << audit.name() << Markup("/findings/new\">")
      << L(lang, "Ny iakttagelse", "New finding") << Markup("</a></p>");
  }
  for (const v1::Finding& f : c.findings) {
    h << Markup("<article class=\"card\" id=\"") << LastId(f.name())
      << Markup("\"><p class=\"meta\">") << FocusAreaName(lang, f.focus_area())
      << Markup(" · ") << FindingKindName(lang, f.kind());
    for (int g : f.informant_groups()) {
      h << Markup(" · ")
        << InformantGroupName(lang, static_cast<v1::InformantGroup>(g));
    }
    for (int a : f.child_rights_articles()) {
      h << Markup(" · ") << L(lang, "art. ", "art. ") << a;
    }
    if (f.sip()) h << Markup(" · SIP");
    h << Markup("</p><p class=\"text\">") << f.text() << Markup("</p>");
    if (f.revision() > 0) {
      h << Markup("<p class=\"meta\"><a href=\"/") << f.name()
        << Markup("/revisions\">")
        << Cat(L(lang, "Rättad ", "Corrected "), f.revision(),
               L(lang, " gång(er): ", " time(s): "), f.revision_reason())
        << Markup("</a></p>");
    }
    h << Markup("</article>");
  }
  h << Markup("</section>");
}

void RecommendationsSection(const Ctx& ctx, Html& h, const v1::Audit& audit,
                            const Content& c) {
  Lang lang = ctx.lang;
  v1::Role role = ctx.role();
  v1::AuditState state = audit.state();
  bool responding = state == v1::AUDIT_STATE_PUBLISHED ||
                    state == v1::AUDIT_STATE_IN_PROGRESS;
  h << Markup("<section aria-labelledby=\"recs\"><h2 id=\"recs\">")
    << L(lang, "Rekommendationer", "Recommendations") << Markup("</h2>");
  if (Writes(role)) {
    h << Markup("<p><a href=\"/") << audit.name()
      << Markup("/recommendations/new\">")
      << L(lang, "Ny rekommendation", "New recommendation")
      << Markup("</a></p>");
  }
  for (const v1::Recommendation& r : c.recommendations) {
    h << Markup("<article class=\"card\" id=\"") << LastId(r.name())
      << Markup("\"><p class=\"meta\">") << L(lang, "Prioritet ", "Priority ")
      << PriorityName(lang, r.priority()) << Markup("</p><p class=\"text\">")
      << r.text() << Markup("</p>");
    if (r.revision() > 0) {
      h << Markup("<p class=\"meta\"><a href=\"/") << r.name()
        << Markup("/revisions\">")
        << L(lang, "Tidigare versioner", "Earlier versions")
        << Markup("</a></p>");
    }
    h << Markup("<h3>") << L(lang, "Enhetens svar", "The unit's response")
      << Markup("</h3>");
    if (r.has_response()) {
      h << Markup("<p><strong>") << DecisionName(lang, r.response().decision())
        << Markup("</strong>: ") << r.response().rationale() << Markup("</p>");
    } else {
      h << Markup("<p>") << L(lang, "Inget svar än.", "No response yet.")
        << Markup("</p>");
    }
    if (responding &&
        (role == v1::ROLE_UNIT_MANAGER || role == v1::ROLE_ADMIN)) {
      h << Markup("<p><a href=\"/") << r.name() << Markup("/respond\">")
        << L(lang, "Svara", "Respond") << Markup("</a> · <a href=\"/")
        << r.name() << Markup("/actions/new\">")
        << L(lang, "Ny åtgärd", "New action") << Markup("</a></p>");
    }
    h << Markup("<h3>") << L(lang, "Åtgärder", "Actions")
      << Markup("</h3><ul>");
    for (const v1::Action& a : c.actions) {
      if (!a.name().starts_with(r.name() + "/")) continue;
      h << Markup("<li><a href=\"/") << a.name() << Markup("\">")
        << a.description() << Markup("</a> (")
        << ActionStatusName(lang, a.status()) << Markup(", ")
        << FormatDate(a.due_date())
        << (a.overdue() ? Markup(", <strong>försenad/overdue</strong>")
                        : Markup(""))
        << Markup(")</li>");
    }
    h << Markup("</ul><h3>") << L(lang, "Uppföljning", "Follow-up")
      << Markup("</h3>");
    if (r.has_verdict()) {
      h << Markup("<p><strong>") << VerdictName(lang, r.verdict().verdict())
        << Markup("</strong>: ") << r.verdict().comment() << Markup("</p>");
    }
    if (state == v1::AUDIT_STATE_FOLLOW_UP && Writes(role)) {
      h << Markup("<p><a href=\"/") << r.name() << Markup("/verdict\">")
        << L(lang, "Bedöm", "Assess") << Markup("</a></p>");
    }
    h << Markup("</article>");
  }
  h << Markup("</section>");
}

}  // namespace

std::string NextStepText(Lang lang, v1::AuditState state) {
  switch (state) {
    case v1::AUDIT_STATE_PLANNED:
      return L(lang, "Starta fältarbetet", "Start the fieldwork");
    case v1::AUDIT_STATE_FIELDWORK:
      return L(lang, "Registrera intervjuer och iakttagelser",
               "Record sessions and findings");
    case v1::AUDIT_STATE_REPORTING:
      return L(lang, "Skriv rekommendationer och publicera",
               "Write recommendations and publish");
    case v1::AUDIT_STATE_PUBLISHED:
      return L(lang, "Enheten svarar och lägger till åtgärder",
               "The unit responds and adds actions");
    case v1::AUDIT_STATE_IN_PROGRESS:
      return L(lang, "Enheten genomför åtgärderna",
               "The unit carries out its actions");
    case v1::AUDIT_STATE_FOLLOW_UP:
      return L(lang, "Bedöm varje rekommendation och registrera återkoppling",
               "Assess each recommendation and record feedback");
    default:
      return L(lang, "Inget", "Nothing");
  }
}

// Seven brevisd calls: the audit and each kind of its content (sessions,
// findings, recommendations, actions, feedback, history). The page shows
// all of them, and the API has no call that returns an audit whole besides
// the report, which leaves out drafts' history and sessions.
HttpResponse AuditPage(const Ctx& ctx, const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  std::string name = Cat("audits/", ids[0]);
  v1::GetAuditRequest get;
  get.set_name(name);
  absl::StatusOr<v1::Audit> audit = ctx.brevis->GetAudit(get);
  if (!audit.ok()) return StatusPage(ctx, audit.status());
  Content c;
  v1::ListSessionsRequest sessions;
  sessions.set_parent(name);
  auto s = Collect<v1::Session>(ctx.brevis->WalkSessions(sessions));
  c.sessions_visible = s.ok();  // sessions are the team's only
  if (s.ok()) c.sessions = std::move(*s);
  v1::ListFindingsRequest findings;
  findings.set_parent(name);
  auto f = Collect<v1::Finding>(ctx.brevis->WalkFindings(findings));
  if (!f.ok()) return StatusPage(ctx, f.status());
  c.findings = std::move(*f);
  v1::ListRecommendationsRequest recs;
  recs.set_parent(name);
  auto r = Collect<v1::Recommendation>(ctx.brevis->WalkRecommendations(recs));
  if (!r.ok()) return StatusPage(ctx, r.status());
  c.recommendations = std::move(*r);
  v1::ListActionsRequest actions;
  actions.set_filter(Cat("audit = \"", name, "\""));
  auto a = Collect<v1::Action>(ctx.brevis->WalkActions(actions));
  if (a.ok()) c.actions = std::move(*a);
  v1::ListFeedbackRequest feedback;
  feedback.set_parent(name);
  auto fb = Collect<v1::Feedback>(ctx.brevis->WalkFeedback(feedback));
  if (fb.ok()) c.feedback = std::move(*fb);
  v1::ListEventsRequest events;
  events.set_filter(Cat("audit = \"", name, "\""));
  auto ev = Collect<v1::Event>(ctx.brevis->WalkEvents(events));
  if (ev.ok()) c.events = std::move(*ev);

  Html h;
  h << Markup("<p class=\"meta\">") << L(lang, "Läge: ", "State: ")
    << StateName(lang, audit->state()) << Markup(" · ")
    << L(lang, "Beställd av ", "Commissioned by ") << audit->commissioned_by()
    << Markup(" · ") << FormatDate(audit->planned_start_date()) << Markup(" – ")
    << FormatDate(audit->planned_report_date()) << Markup("</p>");
  Stepper(lang, h, audit->state());
  h << Markup("<p class=\"links\"><a href=\"/") << audit->name()
    << Markup("/report\">") << L(lang, "Rapporten", "The report")
    << Markup("</a>");
  if (ctx.role() != v1::ROLE_VIEWER) {
    h << Markup(" · <a href=\"/") << audit->name() << Markup("/transition\">")
      << L(lang, "Byt läge", "Change state") << Markup("</a>");
  }
  h << Markup("</p>");
  Missing(ctx, h, *audit, c);
  if (c.sessions_visible) {
    h << Markup("<section aria-labelledby=\"sessions\"><h2 id=\"sessions\">")
      << L(lang, "Intervjuer (bara antal)", "Sessions (counts only)")
      << Markup("</h2>");
    if (Writes(ctx.role())) {
      h << Markup("<p><a href=\"/") << audit->name()
        << Markup("/sessions/new\">")
        << L(lang, "Registrera intervju", "Record a session")
        << Markup("</a></p>");
    }
    h << Markup("<ul>");
    for (const v1::Session& s : c.sessions) {
      h << Markup("<li>") << FormatDate(s.date()) << Markup(": ")
        << SessionKindName(lang, s.kind()) << Markup(", ")
        << InformantGroupName(lang, s.informant_group()) << Markup(", ")
        << s.participant_count() << L(lang, " deltagare", " participants")
        << Markup("</li>");
    }
    h << Markup("</ul></section>");
  }
  FindingsSection(ctx, h, *audit, c);
  RecommendationsSection(ctx, h, *audit, c);
  h << Markup("<section aria-labelledby=\"feedback\"><h2 id=\"feedback\">")
    << L(lang, "Återkoppling till brukarna", "Feedback to service users")
    << Markup("</h2>");
  if (Writes(ctx.role())) {
    h << Markup("<p><a href=\"/") << audit->name() << Markup("/feedback/new\">")
      << L(lang, "Registrera återkoppling", "Record feedback")
      << Markup("</a></p>");
  }
  h << Markup("<ul>");
  for (const v1::Feedback& f : c.feedback) {
    h << Markup("<li>") << FormatDate(f.date()) << Markup(": ")
      << FeedbackFormName(lang, f.form());
    for (int g : f.audiences()) {
      h << Markup(", ")
        << InformantGroupName(lang, static_cast<v1::InformantGroup>(g));
    }
    if (!f.note().empty()) h << Markup(" – ") << f.note();
    h << Markup("</li>");
  }
  h << Markup("</ul></section>");
  HistorySection(ctx, h, c.events);
  return Page(ctx, audit->title(), h);
}

HttpResponse RevisionsPage(const Ctx& ctx, const std::vector<std::string>& ids,
                           bool finding) {
  Lang lang = ctx.lang;
  v1::ListRevisionsRequest request;
  request.set_name(Cat("audits/", ids[0],
                       finding ? "/findings/" : "/recommendations/", ids[1]));
  Html h;
  auto one = [&](std::string_view text, int revision, std::string_view reason) {
    h << Markup("<article class=\"card\"><p class=\"meta\">")
      << L(lang, "Version ", "Version ") << revision + 1;
    if (!reason.empty()) h << Markup(": ") << reason;
    h << Markup("</p><p class=\"text\">") << text << Markup("</p></article>");
  };
  if (finding) {
    auto list = ctx.brevis->ListFindingRevisions(request);
    if (!list.ok()) return StatusPage(ctx, list.status());
    for (const auto& f : list->findings()) {
      one(f.text(), f.revision(), f.revision_reason());
    }
  } else {
    auto list = ctx.brevis->ListRecommendationRevisions(request);
    if (!list.ok()) return StatusPage(ctx, list.status());
    for (const auto& r : list->recommendations()) {
      one(r.text(), r.revision(), r.revision_reason());
    }
  }
  h << Markup("<p><a href=\"/audits/") << ids[0] << Markup("\">")
    << L(lang, "Tillbaka till revisionen", "Back to the audit")
    << Markup("</a></p>");
  return Page(ctx, L(lang, "Versioner", "Versions"), h);
}

HttpResponse ReportPage(const Ctx& ctx, const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  v1::GetAuditRequest get;
  get.set_name(Cat("audits/", ids[0]));
  absl::StatusOr<v1::Audit> audit = ctx.brevis->GetAudit(get);
  if (!audit.ok()) return StatusPage(ctx, audit.status());
  std::string base = Cat("/audits/", ids[0], "/report");
  Html h;
  h << Markup("<p class=\"links\"><a href=\"") << base
    << Markup(".md\" download>")
    << L(lang, "Ladda ner Markdown", "Download Markdown")
    << Markup("</a> · <a href=\"") << base << Markup(".csv\" download>")
    << L(lang, "Ladda ner CSV", "Download CSV") << Markup("</a> · <a href=\"/")
    << audit->name() << Markup("\">")
    << L(lang, "Tillbaka till revisionen", "Back to the audit")
    << Markup("</a></p><iframe class=\"report\" src=\"") << base
    << Markup(".html\" title=\"") << audit->title() << Markup("\"></iframe>");
  return Page(ctx, Cat(L(lang, "Rapport: ", "Report: "), audit->title()), h);
}

// The report as brevisd renders it (escaped there, server/report), served
// on its own: its inline style needs a CSP of its own, and it may only be
// framed by our report page.
HttpResponse ReportFile(const Ctx& ctx, const std::vector<std::string>& ids,
                        std::string_view format) {
  std::string name = Cat("audits/", ids[0]);
  v1::ReportLanguage language = ctx.lang == Lang::kEn
                                    ? v1::REPORT_LANGUAGE_ENGLISH
                                    : v1::REPORT_LANGUAGE_SWEDISH;
  HttpResponse response;
  if (format == "csv") {
    v1::ExportAuditsRequest request;
    v1::GetAuditRequest get;
    get.set_name(name);
    absl::StatusOr<v1::Audit> audit = ctx.brevis->GetAudit(get);
    if (!audit.ok()) return StatusPage(ctx, audit.status());
    request.set_filter(Cat("unit = \"", audit->unit(), "\""));
    request.set_language(language);
    auto pages = Collect<std::string>(ctx.brevis->WalkExportCsv(request));
    if (!pages.ok()) return StatusPage(ctx, pages.status());
    for (const std::string& page : *pages) response.body += page;
    response.content_type = "text/csv; charset=utf-8";
    response.headers.emplace_back(
        "Content-Disposition",
        Cat("attachment; filename=\"", ids[0], ".csv\""));
    return response;
  }
  v1::GetAuditReportRequest request;
  request.set_name(name);
  request.set_language(language);
  absl::StatusOr<v1::AuditReport> report = ctx.brevis->GetAuditReport(request);
  if (!report.ok()) return StatusPage(ctx, report.status());
  if (format == "md") {
    response.body = report->markdown();
    response.content_type = "text/markdown; charset=utf-8";
    response.headers.emplace_back(
        "Content-Disposition", Cat("attachment; filename=\"", ids[0], ".md\""));
  } else {
    response.body = report->html();
    response.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'self'");
    response.headers.emplace_back("X-Frame-Options", "SAMEORIGIN");
  }
  return response;
}

void AddPages(Router<WebApp::PageHandler>& router) {
  using Ids = const std::vector<std::string>&;
  router.Add("GET", "/", StartPage);
  router.Add("GET", "/overview", OverviewPage);
  router.Add("GET POST", "/audits/new", AuditForm);
  router.Add("GET", "/audits/{}", AuditPage);
  router.Add("GET", "/audits/{}/report", ReportPage);
  router.Add("GET", "/audits/{}/report.html",
             [](const Ctx& c, Ids ids) { return ReportFile(c, ids, "html"); });
  router.Add("GET", "/audits/{}/report.md",
             [](const Ctx& c, Ids ids) { return ReportFile(c, ids, "md"); });
  router.Add("GET", "/audits/{}/report.csv",
             [](const Ctx& c, Ids ids) { return ReportFile(c, ids, "csv"); });
  router.Add("GET POST", "/audits/{}/transition", TransitionForm);
  router.Add("GET POST", "/audits/{}/sessions/new", SessionForm);
  router.Add("GET POST", "/audits/{}/findings/new", FindingForm);
  router.Add("GET", "/audits/{}/findings/{}/revisions",
             [](const Ctx& c, Ids ids) { return RevisionsPage(c, ids, true); });
  router.Add("GET POST", "/audits/{}/recommendations/new", RecommendationForm);
  router.Add(
      "GET", "/audits/{}/recommendations/{}/revisions",
      [](const Ctx& c, Ids ids) { return RevisionsPage(c, ids, false); });
  router.Add("GET POST", "/audits/{}/recommendations/{}/respond", ResponseForm);
  router.Add("GET POST", "/audits/{}/recommendations/{}/verdict", VerdictForm);
  router.Add("GET POST", "/audits/{}/recommendations/{}/actions/new",
             ActionForm);
  router.Add("GET POST", "/audits/{}/recommendations/{}/actions/{}",
             ActionPage);
  router.Add("GET POST", "/audits/{}/feedback/new", FeedbackForm);
  router.Add("GET POST", "/units", UnitsPage);
  router.Add("GET POST", "/principals", PrincipalsPage);
  router.Add("GET POST", "/principals/{}/sign-in-link", SignInLinkForm);
  router.Add("GET POST", "/principals/{}/contact", ContactForm);
  router.Add("GET POST", "/settings", SettingsPage);
}

}  // namespace brevis::web
