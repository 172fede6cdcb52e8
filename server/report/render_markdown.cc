#include <map>

#include "server/domain/str_cat.h"
#include "server/report/render.h"
#include "server/report/report_model.h"

namespace brevis::report {
namespace {

// Findings are referred to as F1, F2, ... in report order.
std::map<std::string, std::string> FindingRefs(const v1::AuditReport& report) {
  std::map<std::string, std::string> refs;
  for (int i = 0; i < report.findings_size(); ++i) {
    refs[report.findings(i).name()] = brevis::StrCat("F", i + 1);
  }
  return refs;
}

std::string FocusAreaList(const v1::Audit& audit, Language language) {
  std::string out;
  for (int area : audit.focus_areas()) {
    if (!out.empty()) out += ", ";
    out += area == v1::FOCUS_AREA_OTHER && !audit.other_focus_area().empty()
               ? EscapeMarkdown(audit.other_focus_area())
               : Label(language, static_cast<v1::FocusArea>(area));
  }
  return out;
}

void Participants(const v1::AuditReport& report, Language language,
                  int minimum_group, std::string& md) {
  md += brevis::StrCat("## ", Phrase(language, "Participants"), "\n\n");
  if (report.participants().empty()) {
    md += brevis::StrCat(Phrase(language, "None recorded yet."), "\n\n");
    return;
  }
  md += brevis::StrCat("| ", Phrase(language, "Informant group"), " | ",
                       Phrase(language, "People"), " |\n| --- | ---: |\n");
  for (const v1::InformantGroupCount& count : report.participants()) {
    md += brevis::StrCat(
        "| ", Label(language, count.group()), " | ",
        count.suppressed()
            ? brevis::StrCat(Phrase(language, "fewer than"), " ", minimum_group)
            : std::to_string(count.participants()),
        " |\n");
  }
  md += brevis::StrCat(
      "\n",
      Phrase(language,
             "Groups with fewer people than this are not shown, so that "
             "no one can be singled out."),
      " (", minimum_group, ")\n\n");
}

void Findings(const v1::AuditReport& report, Language language,
              std::string& md) {
  md += brevis::StrCat("## ", Phrase(language, "Findings"), "\n\n");
  if (report.findings().empty()) {
    md += brevis::StrCat(Phrase(language, "None recorded yet."), "\n\n");
    return;
  }
  for (int i = 0; i < report.findings_size(); ++i) {
    const v1::Finding& finding = report.findings(i);
    md += brevis::StrCat("- **F", i + 1, "** ", Label(language, finding.kind()),
                         ", ", Label(language, finding.focus_area()), ": ",
                         EscapeMarkdown(finding.text()));
    std::string groups;
    for (int group : finding.informant_groups()) {
      if (!groups.empty()) groups += ", ";
      groups += Label(language, static_cast<v1::InformantGroup>(group));
    }
    md += brevis::StrCat(" (", groups, ")");
    if (!finding.child_rights_articles().empty()) {
      std::string articles;
      for (int article : finding.child_rights_articles()) {
        if (!articles.empty()) articles += ", ";
        articles += std::to_string(article);
      }
      md += brevis::StrCat(" ", Phrase(language, "Child rights articles"), ": ",
                           articles, ".");
    }
    if (finding.sip()) {
      md += brevis::StrCat(" ", Phrase(language, "Concerns SIP"), ".");
    }
    if (finding.revision() > 0) {
      md += brevis::StrCat(" *", Phrase(language, "Corrected"), ": ",
                           EscapeMarkdown(finding.revision_reason()), "*");
    }
    md += "\n";
  }
  md += "\n";
}

void Actions(const v1::RecommendationReport& item, Language language,
             std::string& md) {
  if (item.actions().empty()) return;
  md += brevis::StrCat(
      "\n| ", Phrase(language, "Action"), " | ",
      Phrase(language, "Responsible"), " | ", Phrase(language, "Due"), " | ",
      Phrase(language, "Status"), " |\n| --- | --- | --- | --- |\n");
  for (const v1::Action& action : item.actions()) {
    std::string status = Label(language, action.status());
    if (action.overdue()) {
      status = brevis::StrCat(status, ", ", Phrase(language, "overdue"));
    }
    md += brevis::StrCat("| ", EscapeMarkdown(action.description()), " | ",
                         EscapeMarkdown(action.responsible()), " | ",
                         FormatDate(action.due_date()), " | ", status, " |\n");
  }
}

void Recommendations(const v1::AuditReport& report, Language language,
                     std::string& md) {
  md += brevis::StrCat("## ", Phrase(language, "Recommendations"), "\n\n");
  if (report.recommendations().empty()) {
    md += brevis::StrCat(Phrase(language, "None recorded yet."), "\n\n");
    return;
  }
  std::map<std::string, std::string> refs = FindingRefs(report);
  for (int i = 0; i < report.recommendations_size(); ++i) {
    const v1::RecommendationReport& item = report.recommendations(i);
    const v1::Recommendation& r = item.recommendation();
    md +=
        brevis::StrCat("### R", i + 1, ". ", EscapeMarkdown(r.text()), "\n\n");
    std::string answers;
    for (const std::string& finding : r.findings()) {
      if (!answers.empty()) answers += ", ";
      answers += refs.contains(finding) ? refs[finding] : finding;
    }
    md += brevis::StrCat("- ", Phrase(language, "Priority"), ": ",
                         Label(language, r.priority()), "\n- ",
                         Phrase(language, "Answers"), ": ", answers, "\n- ",
                         Phrase(language, "The unit's response"), ": ",
                         Label(language, r.response().decision()));
    if (!r.response().rationale().empty()) {
      md += brevis::StrCat(" — ", EscapeMarkdown(r.response().rationale()));
    }
    md += brevis::StrCat("\n- ", Phrase(language, "Follow-up"), ": ",
                         Label(language, r.verdict().verdict()));
    if (!r.verdict().comment().empty()) {
      md += brevis::StrCat(" — ", EscapeMarkdown(r.verdict().comment()));
    }
    md += "\n";
    Actions(item, language, md);
    md += "\n";
  }
}

void Chart(const v1::AuditReport& report, Language language, std::string& md) {
  md += brevis::StrCat("## ", Phrase(language, "Recommendations by focus area"),
                       "\n\n_",
                       Phrase(language, ChartsVerdicts(report.audit().state())
                                            ? "by follow-up verdict"
                                            : "by the status of their actions"),
                       "_\n\n");
  for (const v1::ChartBar& bar : report.chart()) {
    md += brevis::StrCat("- ", Label(language, bar.focus_area()), ": ");
    std::string parts;
    for (const v1::ChartSegment& segment : bar.segments()) {
      if (!parts.empty()) parts += ", ";
      parts += brevis::StrCat(segment.label(), " ", segment.count());
    }
    md += parts + "\n";
  }
  md += "\n";
}

void Feedback(const v1::AuditReport& report, Language language,
              std::string& md) {
  md += brevis::StrCat("## ", Phrase(language, "Feedback to service users"),
                       "\n\n");
  if (report.feedback().empty()) {
    md += brevis::StrCat(Phrase(language, "None recorded yet."), "\n\n");
    return;
  }
  for (const v1::Feedback& feedback : report.feedback()) {
    std::string audiences;
    for (int group : feedback.audiences()) {
      if (!audiences.empty()) audiences += ", ";
      audiences += Label(language, static_cast<v1::InformantGroup>(group));
    }
    md += brevis::StrCat("- ", FormatDate(feedback.date()), ": ",
                         Label(language, feedback.form()), ", ", audiences);
    if (!feedback.note().empty()) {
      md += brevis::StrCat(" — ", EscapeMarkdown(feedback.note()));
    }
    md += "\n";
  }
  md += "\n";
}

}  // namespace

std::string RenderMarkdown(const v1::AuditReport& report, Language language,
                           int minimum_group) {
  const v1::Audit& audit = report.audit();
  std::string md = brevis::StrCat("# ", EscapeMarkdown(audit.title()), "\n\n");
  md += brevis::StrCat("- ", Phrase(language, "Unit"), ": ",
                       EscapeMarkdown(report.unit_display_name()), "\n- ",
                       Phrase(language, "State"), ": ",
                       Label(language, audit.state()), "\n- ",
                       Phrase(language, "Commissioned by"), ": ",
                       EscapeMarkdown(audit.commissioned_by()), "\n- ",
                       Phrase(language, "Focus areas"), ": ",
                       FocusAreaList(audit, language), "\n");
  if (audit.has_planned_start_date()) {
    md += brevis::StrCat("- ", Phrase(language, "Planned"), ": ",
                         FormatDate(audit.planned_start_date()), ", ",
                         Phrase(language, "report"), " ",
                         FormatDate(audit.planned_report_date()), ", ",
                         Phrase(language, "follow-up"), " ",
                         FormatDate(audit.planned_follow_up_date()), "\n");
  }
  md += "\n";
  Participants(report, language, minimum_group, md);
  Findings(report, language, md);
  Recommendations(report, language, md);
  Chart(report, language, md);
  Feedback(report, language, md);
  return md;
}

}  // namespace brevis::report
