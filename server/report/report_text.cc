#include "server/report/report_text.h"

#include "server/domain/str_cat.h"
#include "server/report/render.h"
#include "server/report/report_model.h"

namespace brevis::report {
namespace {

template <typename Enum, typename Repeated>
std::string LabelList(const Repeated& values, Language language) {
  std::vector<std::string> labels;
  for (int value : values) {
    labels.push_back(Label(language, static_cast<Enum>(value)));
  }
  return brevis::StrJoin(labels, ", ");
}

std::string FocusAreaList(const v1::Audit& audit, Language language) {
  std::vector<std::string> areas;
  for (int area : audit.focus_areas()) {
    areas.push_back(area == v1::FOCUS_AREA_OTHER &&
                            !audit.other_focus_area().empty()
                        ? audit.other_focus_area()
                        : Label(language, static_cast<v1::FocusArea>(area)));
  }
  return brevis::StrJoin(areas, ", ");
}

// "2026-02-01, rapport 2026-05-15, uppföljning 2026-11-15", leaving out
// the dates not planned; empty when none is.
std::string Timetable(const v1::Audit& audit, Language language) {
  std::vector<std::string> parts;
  if (audit.has_planned_start_date()) {
    parts.push_back(FormatDate(audit.planned_start_date()));
  }
  if (audit.has_planned_report_date()) {
    parts.push_back(brevis::StrCat(Phrase(language, "report"), " ",
                                   FormatDate(audit.planned_report_date())));
  }
  if (audit.has_planned_follow_up_date()) {
    parts.push_back(brevis::StrCat(Phrase(language, "follow-up"), " ",
                                   FormatDate(audit.planned_follow_up_date())));
  }
  return brevis::StrJoin(parts, ", ");
}

// "label" or "label — text" when there is text.
std::string WithText(const std::string& label, const std::string& text) {
  return text.empty() ? label : brevis::StrCat(label, " — ", text);
}

}  // namespace

std::map<std::string, std::string> FindingRefs(const v1::AuditReport& report) {
  std::map<std::string, std::string> refs;
  for (int i = 0; i < report.findings_size(); ++i) {
    refs[report.findings(i).name()] = brevis::StrCat("F", i + 1);
  }
  return refs;
}

std::string RecommendationRef(int index) {
  return brevis::StrCat("R", index + 1);
}

std::vector<std::string> HeaderLines(const v1::AuditReport& report,
                                     Language language) {
  const v1::Audit& audit = report.audit();
  std::vector<std::string> lines = {
      brevis::StrCat(Phrase(language, "Unit"), ": ",
                     report.unit_display_name()),
      brevis::StrCat(Phrase(language, "State"), ": ",
                     Label(language, audit.state())),
      brevis::StrCat(Phrase(language, "Commissioned by"), ": ",
                     audit.commissioned_by()),
      brevis::StrCat(Phrase(language, "Focus areas"), ": ",
                     FocusAreaList(audit, language)),
  };
  if (std::string timetable = Timetable(audit, language); !timetable.empty()) {
    lines.push_back(
        brevis::StrCat(Phrase(language, "Planned"), ": ", timetable));
  }
  return lines;
}

std::string ParticipantCount(const v1::InformantGroupCount& count,
                             Language language, int minimum_group) {
  return count.suppressed() ? brevis::StrCat(Phrase(language, "fewer than"),
                                             " ", minimum_group)
                            : std::to_string(count.participants());
}

std::string SuppressionNote(Language language, int minimum_group) {
  return brevis::StrCat(Phrase(language, "Groups with fewer than"), " ",
                        minimum_group, " ",
                        Phrase(language,
                               "people are not shown, so that no one can be "
                               "singled out."));
}

FindingText DescribeFinding(const v1::Finding& finding, Language language) {
  FindingText text;
  text.body = brevis::StrCat(
      Label(language, finding.kind()), ", ",
      Label(language, finding.focus_area()), ": ", finding.text(), " (",
      LabelList<v1::InformantGroup>(finding.informant_groups(), language), ")");
  if (!finding.child_rights_articles().empty()) {
    std::vector<std::string> articles;
    for (int article : finding.child_rights_articles()) {
      articles.push_back(std::to_string(article));
    }
    text.body += brevis::StrCat(" ", Phrase(language, "Child rights articles"),
                                ": ", brevis::StrJoin(articles, ", "), ".");
  }
  if (finding.sip()) {
    text.body += brevis::StrCat(" ", Phrase(language, "Concerns SIP"), ".");
  }
  if (finding.revision() > 0) {
    text.correction = brevis::StrCat(Phrase(language, "Corrected"), ": ",
                                     finding.revision_reason());
  }
  return text;
}

std::vector<std::string> RecommendationLines(
    const v1::Recommendation& recommendation,
    const std::map<std::string, std::string>& finding_refs, Language language) {
  std::vector<std::string> answers;
  for (const std::string& finding : recommendation.findings()) {
    auto it = finding_refs.find(finding);
    answers.push_back(it == finding_refs.end() ? finding : it->second);
  }
  return {
      brevis::StrCat(Phrase(language, "Priority"), ": ",
                     Label(language, recommendation.priority())),
      brevis::StrCat(Phrase(language, "Answers"), ": ",
                     brevis::StrJoin(answers, ", ")),
      brevis::StrCat(
          Phrase(language, "The unit's response"), ": ",
          WithText(Label(language, recommendation.response().decision()),
                   recommendation.response().rationale())),
      brevis::StrCat(
          Phrase(language, "Follow-up"), ": ",
          WithText(Label(language, recommendation.verdict().verdict()),
                   recommendation.verdict().comment())),
  };
}

std::vector<std::string> ActionColumns(Language language) {
  return {Phrase(language, "Action"), Phrase(language, "Responsible"),
          Phrase(language, "Due"), Phrase(language, "Status")};
}

std::string ActionStatusText(const v1::Action& action, Language language) {
  std::string status = Label(language, action.status());
  if (action.overdue()) {
    status += brevis::StrCat(", ", Phrase(language, "overdue"));
  }
  if (action.unfinished()) {
    status +=
        brevis::StrCat(", ", Phrase(language, "not done when the audit ended"));
  }
  return status;
}

std::string ChartBasis(const v1::AuditReport& report, Language language) {
  return Phrase(language, ChartsVerdicts(report.audit().state())
                              ? "by follow-up verdict"
                              : "by the status of their actions");
}

std::string ChartBarText(const v1::ChartBar& bar, Language language) {
  std::vector<std::string> parts;
  for (const v1::ChartSegment& segment : bar.segments()) {
    parts.push_back(brevis::StrCat(segment.label(), " ", segment.count()));
  }
  return brevis::StrCat(Label(language, bar.focus_area()), ": ",
                        brevis::StrJoin(parts, ", "));
}

std::string FeedbackText(const v1::Feedback& feedback, Language language) {
  return WithText(
      brevis::StrCat(
          FormatDate(feedback.date()), ": ", Label(language, feedback.form()),
          ", ", LabelList<v1::InformantGroup>(feedback.audiences(), language)),
      feedback.note());
}

}  // namespace brevis::report
