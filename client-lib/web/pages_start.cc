// The start page of each role, and the admin's directory pages.

#include "client-lib/web/cat.h"
#include "client-lib/web/pages.h"

namespace brevis::web {
namespace {

void AuditTable(const Ctx& ctx, Html& h, const std::vector<v1::Audit>& audits,
                bool with_next_step) {
  Lang lang = ctx.lang;
  if (audits.empty()) {
    h << Markup("<p>") << L(lang, "Inga revisioner.", "No audits.")
      << Markup("</p>");
    return;
  }
  h << Markup("<table><thead><tr><th scope=\"col\">")
    << L(lang, "Revision", "Audit") << Markup("</th><th scope=\"col\">")
    << L(lang, "Läge", "State") << Markup("</th>");
  if (with_next_step) {
    h << Markup("<th scope=\"col\">") << L(lang, "Nästa steg", "Next step")
      << Markup("</th>");
  }
  h << Markup("</tr></thead><tbody>");
  for (const v1::Audit& audit : audits) {
    h << Markup("<tr><td><a href=\"/") << audit.name() << Markup("\">")
      << audit.title() << Markup("</a></td><td>")
      << StateName(lang, audit.state()) << Markup("</td>");
    if (with_next_step) {
      h << Markup("<td>") << NextStepText(lang, audit.state())
        << Markup("</td>");
    }
    h << Markup("</tr>");
  }
  h << Markup("</tbody></table>");
}

void ActionList(const Ctx& ctx, Html& h, std::vector<v1::Action> actions) {
  Lang lang = ctx.lang;
  // Overdue first, then by due date.
  std::stable_sort(actions.begin(), actions.end(),
                   [](const v1::Action& a, const v1::Action& b) {
                     if (a.overdue() != b.overdue()) return a.overdue();
                     return FormatDate(a.due_date()) < FormatDate(b.due_date());
                   });
  if (actions.empty()) {
    h << Markup("<p>") << L(lang, "Inga öppna åtgärder.", "No open actions.")
      << Markup("</p>");
    return;
  }
  h << Markup("<ul class=\"cards\">");
  for (const v1::Action& action : actions) {
    h << Markup("<li")
      << (action.overdue() ? Markup(" class=\"overdue\"") : Markup(""))
      << Markup("><a href=\"/") << action.name() << Markup("\">")
      << action.description() << Markup("</a> <span>")
      << ActionStatusName(lang, action.status()) << Markup(", ")
      << L(lang, "senast ", "due ") << FormatDate(action.due_date());
    if (action.overdue()) {
      h << Markup(" <strong>") << L(lang, "försenad", "overdue")
        << Markup("</strong>");
    }
    h << Markup("</span></li>");
  }
  h << Markup("</ul>");
}

}  // namespace

HttpResponse StartPage(const Ctx& ctx, const std::vector<std::string>&) {
  Lang lang = ctx.lang;
  Html h;
  absl::StatusOr<std::vector<v1::Audit>> audits =
      Collect<v1::Audit>(ctx.brevis->WalkAudits({}));
  if (!audits.ok()) return StatusPage(ctx, audits.status());
  switch (ctx.role()) {
    case v1::ROLE_AUDITOR:
      h << Markup("<h2>") << L(lang, "Dina revisioner", "Your audits")
        << Markup("</h2>");
      AuditTable(ctx, h, *audits, true);
      break;
    case v1::ROLE_UNIT_MANAGER: {
      std::vector<v1::Audit> awaiting, others;
      for (const v1::Audit& a : *audits) {
        (a.state() == v1::AUDIT_STATE_PUBLISHED ? awaiting : others)
            .push_back(a);
      }
      h << Markup("<h2>")
        << L(lang, "Rapporter som väntar på ert svar",
             "Reports awaiting your response")
        << Markup("</h2>");
      AuditTable(ctx, h, awaiting, true);
      v1::ListActionsRequest open;
      open.set_filter("status = PLANNED");
      absl::StatusOr<std::vector<v1::Action>> planned =
          Collect<v1::Action>(ctx.brevis->WalkActions(open));
      open.set_filter("status = IN_PROGRESS");
      absl::StatusOr<std::vector<v1::Action>> running =
          Collect<v1::Action>(ctx.brevis->WalkActions(open));
      if (!planned.ok()) return StatusPage(ctx, planned.status());
      if (!running.ok()) return StatusPage(ctx, running.status());
      std::vector<v1::Action> actions;
      for (auto* list : {&*planned, &*running}) {
        for (v1::Action& a : *list) {
          if (!a.unfinished()) actions.push_back(std::move(a));
        }
      }
      h << Markup("<h2>")
        << L(lang, "Öppna åtgärder (försenade först)",
             "Open actions (overdue first)")
        << Markup("</h2>");
      ActionList(ctx, h, std::move(actions));
      h << Markup("<h2>") << L(lang, "Övriga revisioner", "Other audits")
        << Markup("</h2>");
      AuditTable(ctx, h, others, false);
      break;
    }
    case v1::ROLE_ADMIN:
      h << Markup("<ul class=\"links\"><li><a href=\"/audits/new\">")
        << L(lang, "Beställ en revision", "Commission an audit")
        << Markup("</a></li><li><a href=\"/units\">")
        << L(lang, "Enheter", "Units")
        << Markup("</a></li><li><a href=\"/principals\">")
        << L(lang, "Personer och inloggningslänkar", "People and sign-in links")
        << Markup("</a></li><li><a href=\"/overview\">")
        << L(lang, "Regional översikt", "Regional overview")
        << Markup("</a></li></ul><h2>") << L(lang, "Revisioner", "Audits")
        << Markup("</h2>");
      AuditTable(ctx, h, *audits, true);
      break;
    default:
      return OverviewPage(ctx, {});
  }
  return Page(ctx, L(lang, "Start", "Start"), h);
}

HttpResponse OverviewPage(const Ctx& ctx, const std::vector<std::string>&) {
  Lang lang = ctx.lang;
  // One summary per unit: the regional overview is what the viewer's work
  // is about, so it asks brevisd once per unit (a region has tens).
  absl::StatusOr<std::vector<v1::Unit>> units =
      Collect<v1::Unit>(ctx.brevis->WalkUnits({}));
  if (!units.ok()) return StatusPage(ctx, units.status());
  Html h;
  h << Markup("<h2>") << L(lang, "Per enhet", "Per unit")
    << Markup("</h2><table><thead><tr><th scope=\"col\">")
    << L(lang, "Enhet", "Unit") << Markup("</th><th scope=\"col\">")
    << L(lang, "Revisioner per läge", "Audits by state")
    << Markup("</th><th scope=\"col\">")
    << L(lang, "Öppna åtgärder", "Open actions")
    << Markup("</th><th scope=\"col\">") << L(lang, "Försenade", "Overdue")
    << Markup("</th><th scope=\"col\">")
    << L(lang, "Andel genomförda vid uppföljning",
         "Share implemented at follow-up")
    << Markup("</th></tr></thead><tbody>");
  for (const v1::Unit& unit : *units) {
    v1::GetUnitSummaryRequest request;
    request.set_name(unit.name());
    absl::StatusOr<v1::UnitSummary> summary =
        ctx.brevis->GetUnitSummary(request);
    if (!summary.ok()) continue;  // a unit the person may not see
    h << Markup("<tr><td>") << unit.display_name() << Markup("</td><td>");
    for (const v1::AuditStateCount& c : summary->audits_by_state()) {
      h << StateName(lang, c.state()) << Markup(": ") << c.count()
        << Markup("<br>");
    }
    h << Markup("</td><td>") << summary->open_actions() << Markup("</td><td>")
      << summary->overdue_actions() << Markup("</td><td>")
      << Cat(static_cast<int>(summary->implemented_share() * 100 + 0.5), " % (",
             summary->implemented_recommendations(), "/",
             summary->assessed_recommendations(), ")")
      << Markup("</td></tr>");
  }
  h << Markup("</tbody></table><h2>")
    << L(lang, "Publicerade revisioner", "Published audits") << Markup("</h2>");
  absl::StatusOr<std::vector<v1::Audit>> audits =
      Collect<v1::Audit>(ctx.brevis->WalkAudits({}));
  if (!audits.ok()) return StatusPage(ctx, audits.status());
  std::map<int, std::vector<v1::Audit>> by_year;
  for (const v1::Audit& a : *audits) {
    by_year[a.planned_start_date().year()].push_back(a);
  }
  for (auto it = by_year.rbegin(); it != by_year.rend(); ++it) {
    h << Markup("<h3>")
      << (it->first == 0 ? std::string(L(lang, "Utan datum", "Undated"))
                         : std::to_string(it->first))
      << Markup("</h3>");
    AuditTable(ctx, h, it->second, false);
  }
  return Page(ctx, L(lang, "Regional översikt", "Regional overview"), h);
}

}  // namespace brevis::web
