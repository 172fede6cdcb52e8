// The start page of each role, and the admin's directory pages.

#include <map>
#include <set>

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

namespace {

// What the overview counts of one published audit's recommendations.
struct RecommendationCounts {
  // Per focus area of the findings a recommendation answers (one that
  // answers findings of two areas counts in both).
  std::map<v1::FocusArea, int> by_focus_area;
  int assessed = 0;     // with a follow-up verdict
  int implemented = 0;  // of those, VERDICT_IMPLEMENTED (as UnitSummary)
};

// An audit's recommendations count once it is published: before that they
// are drafts that may still change.
bool Published(v1::AuditState state) {
  return state == v1::AUDIT_STATE_PUBLISHED ||
         state == v1::AUDIT_STATE_IN_PROGRESS ||
         state == v1::AUDIT_STATE_FOLLOW_UP || state == v1::AUDIT_STATE_CLOSED;
}

// Two calls: the audit's findings (for their focus areas) and its
// recommendations. NOT_FOUND or PERMISSION_DENIED (an audit the person may
// list but not read in full) count nothing; other failures are returned.
absl::Status CountRecommendations(const Ctx& ctx, const v1::Audit& audit,
                                  RecommendationCounts& counts) {
  v1::ListFindingsRequest findings_request;
  findings_request.set_parent(audit.name());
  auto findings =
      Collect<v1::Finding>(ctx.brevis->WalkFindings(findings_request));
  v1::ListRecommendationsRequest recs_request;
  recs_request.set_parent(audit.name());
  auto recs = findings.ok() ? Collect<v1::Recommendation>(
                                  ctx.brevis->WalkRecommendations(recs_request))
                            : findings.status();
  if (!recs.ok()) {
    absl::StatusCode code = recs.status().code();
    if (code == absl::StatusCode::kNotFound ||
        code == absl::StatusCode::kPermissionDenied) {
      return absl::OkStatus();
    }
    return recs.status();
  }
  std::map<std::string, v1::FocusArea> area_of;
  for (const v1::Finding& f : *findings) area_of[f.name()] = f.focus_area();
  for (const v1::Recommendation& r : *recs) {
    std::set<v1::FocusArea> areas;
    for (const std::string& f : r.findings()) {
      auto it = area_of.find(f);
      areas.insert(it == area_of.end() ? v1::FOCUS_AREA_UNSPECIFIED
                                       : it->second);
    }
    if (areas.empty()) areas.insert(v1::FOCUS_AREA_UNSPECIFIED);
    for (v1::FocusArea area : areas) ++counts.by_focus_area[area];
    if (r.has_verdict() && r.verdict().verdict() != v1::VERDICT_UNSPECIFIED) {
      ++counts.assessed;
      if (r.verdict().verdict() == v1::VERDICT_IMPLEMENTED) {
        ++counts.implemented;
      }
    }
  }
  return absl::OkStatus();
}

std::string Share(int part, int whole) {
  if (whole == 0) return "–";
  return Cat((part * 100 + whole / 2) / whole, " % (", part, "/", whole, ")");
}

std::string YearText(Lang lang, int year) {
  return year == 0 ? std::string(L(lang, "Utan datum", "Undated"))
                   : std::to_string(year);
}

}  // namespace

// The regional overview. It makes 2 + U + 2P brevisd calls (list pages
// aside) for U units and P published audits: the units, one
// GetUnitSummary per unit (audits by state, open and overdue actions, the
// share implemented per unit), the audits, and for each published audit
// its findings and its recommendations. The API has no call that counts
// recommendations by focus area or verdicts by year, and recommendations
// carry no focus area of their own (it is their findings'), so the page
// reads them; a region has tens of units and tens of audits a year, so a
// few hundred calls at most, which is why this page is the slowest one.
HttpResponse OverviewPage(const Ctx& ctx, const std::vector<std::string>&) {
  Lang lang = ctx.lang;
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
      << Share(summary->implemented_recommendations(),
               summary->assessed_recommendations())
      << Markup("</td></tr>");
  }
  h << Markup("</tbody></table>");

  absl::StatusOr<std::vector<v1::Audit>> audits =
      Collect<v1::Audit>(ctx.brevis->WalkAudits({}));
  if (!audits.ok()) return StatusPage(ctx, audits.status());
  std::map<v1::FocusArea, int> by_area;
  std::map<int, RecommendationCounts> by_year;  // the audit's planned start
  for (const v1::Audit& a : *audits) {
    if (!Published(a.state())) continue;
    RecommendationCounts& year = by_year[a.planned_start_date().year()];
    RecommendationCounts counts;
    absl::Status read = CountRecommendations(ctx, a, counts);
    if (!read.ok()) return StatusPage(ctx, read);
    for (const auto& [area, n] : counts.by_focus_area) by_area[area] += n;
    year.assessed += counts.assessed;
    year.implemented += counts.implemented;
  }
  h << Markup("<h2>")
    << L(lang, "Rekommendationer per fokusområde",
         "Recommendations by focus area")
    << Markup("</h2>");
  if (by_area.empty()) {
    h << Markup("<p>")
      << L(lang, "Inga publicerade rekommendationer än.",
           "No published recommendations yet.")
      << Markup("</p>");
  } else {
    h << Markup("<table><thead><tr><th scope=\"col\">")
      << L(lang, "Fokusområde", "Focus area")
      << Markup("</th><th scope=\"col\">")
      << L(lang, "Rekommendationer", "Recommendations")
      << Markup("</th></tr></thead><tbody>");
    for (const auto& [area, n] : by_area) {
      h << Markup("<tr><td>")
        << (area == v1::FOCUS_AREA_UNSPECIFIED
                ? std::string(L(lang, "Utan iakttagelse", "Without a finding"))
                : FocusAreaName(lang, area))
        << Markup("</td><td>") << n << Markup("</td></tr>");
    }
    h << Markup("</tbody></table>");
  }
  h << Markup("<h2>")
    << L(lang, "Andel genomförda vid uppföljning per år",
         "Share implemented at follow-up per year")
    << Markup("</h2>");
  if (by_year.empty()) {
    h << Markup("<p>")
      << L(lang, "Inga publicerade revisioner än.", "No published audits yet.")
      << Markup("</p>");
  } else {
    h << Markup("<table><thead><tr><th scope=\"col\">") << L(lang, "År", "Year")
      << Markup("</th><th scope=\"col\">")
      << L(lang, "Genomförda av bedömda", "Implemented of assessed")
      << Markup("</th></tr></thead><tbody>");
    for (auto it = by_year.rbegin(); it != by_year.rend(); ++it) {
      h << Markup("<tr><td>") << YearText(lang, it->first)
        << Markup("</td><td>")
        << Share(it->second.implemented, it->second.assessed)
        << Markup("</td></tr>");
    }
    h << Markup("</tbody></table>");
  }

  h << Markup("<h2>") << L(lang, "Publicerade revisioner", "Published audits")
    << Markup("</h2>");
  std::map<int, std::vector<v1::Audit>> audits_by_year;
  for (const v1::Audit& a : *audits) {
    audits_by_year[a.planned_start_date().year()].push_back(a);
  }
  for (auto it = audits_by_year.rbegin(); it != audits_by_year.rend(); ++it) {
    h << Markup("<h3>") << YearText(lang, it->first) << Markup("</h3>");
    AuditTable(ctx, h, it->second, false);
  }
  return Page(ctx, L(lang, "Regional översikt", "Regional overview"), h);
}

}  // namespace brevis::web
