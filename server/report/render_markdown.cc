#include "server/domain/str_cat.h"
#include "server/report/render.h"
#include "server/report/report_text.h"

namespace brevis::report {
namespace {

void Heading(const char* level, const std::string& text, std::string& md) {
  md += brevis::StrCat(level, " ", EscapeMarkdown(text), "\n\n");
}

void NoneYet(Language language, std::string& md) {
  md += brevis::StrCat(Phrase(language, "None recorded yet."), "\n\n");
}

void TableRow(const std::vector<std::string>& cells, std::string& md) {
  for (const std::string& cell : cells) md += "| " + EscapeMarkdown(cell) + " ";
  md += "|\n";
}

void Participants(const v1::AuditReport& report, Language language,
                  int minimum_group, std::string& md) {
  Heading("##", Phrase(language, "Participants"), md);
  if (report.participants().empty()) return NoneYet(language, md);
  TableRow({Phrase(language, "Informant group"), Phrase(language, "People")},
           md);
  md += "| --- | ---: |\n";
  for (const v1::InformantGroupCount& count : report.participants()) {
    TableRow({Label(language, count.group()),
              ParticipantCount(count, language, minimum_group)},
             md);
  }
  md += brevis::StrCat(
      "\n", EscapeMarkdown(SuppressionNote(language, minimum_group)), "\n\n");
}

void Findings(const v1::AuditReport& report, Language language,
              std::string& md) {
  Heading("##", Phrase(language, "Findings"), md);
  if (report.findings().empty()) return NoneYet(language, md);
  for (int i = 0; i < report.findings_size(); ++i) {
    FindingText text = DescribeFinding(report.findings(i), language);
    md += brevis::StrCat("- **F", i + 1, "** ", EscapeMarkdown(text.body));
    if (!text.correction.empty()) {
      md += brevis::StrCat(" *", EscapeMarkdown(text.correction), "*");
    }
    md += "\n";
  }
  md += "\n";
}

void Actions(const v1::RecommendationReport& item, Language language,
             std::string& md) {
  if (item.actions().empty()) return;
  md += "\n";
  TableRow(ActionColumns(language), md);
  md += "| --- | --- | --- | --- |\n";
  for (const v1::Action& action : item.actions()) {
    TableRow(
        {action.description(), action.responsible(),
         FormatDate(action.due_date()), ActionStatusText(action, language)},
        md);
  }
}

void Recommendations(const v1::AuditReport& report, Language language,
                     std::string& md) {
  Heading("##", Phrase(language, "Recommendations"), md);
  if (report.recommendations().empty()) return NoneYet(language, md);
  std::map<std::string, std::string> refs = FindingRefs(report);
  for (int i = 0; i < report.recommendations_size(); ++i) {
    const v1::RecommendationReport& item = report.recommendations(i);
    Heading("###",
            brevis::StrCat(RecommendationRef(i), ". ",
                           item.recommendation().text()),
            md);
    for (const std::string& line :
         RecommendationLines(item.recommendation(), refs, language)) {
      md += "- " + EscapeMarkdown(line) + "\n";
    }
    Actions(item, language, md);
    md += "\n";
  }
}

void Chart(const v1::AuditReport& report, Language language, std::string& md) {
  Heading("##", Phrase(language, "Recommendations by focus area"), md);
  md += brevis::StrCat("_", EscapeMarkdown(ChartBasis(report, language)),
                       "_\n\n");
  for (const v1::ChartBar& bar : report.chart()) {
    md += "- " + EscapeMarkdown(ChartBarText(bar, language)) + "\n";
  }
  md += "\n";
}

void Feedback(const v1::AuditReport& report, Language language,
              std::string& md) {
  Heading("##", Phrase(language, "Feedback to service users"), md);
  if (report.feedback().empty()) return NoneYet(language, md);
  for (const v1::Feedback& feedback : report.feedback()) {
    md += "- " + EscapeMarkdown(FeedbackText(feedback, language)) + "\n";
  }
  md += "\n";
}

}  // namespace

std::string RenderMarkdown(const v1::AuditReport& report, Language language,
                           int minimum_group) {
  std::string md;
  Heading("#", report.audit().title(), md);
  for (const std::string& line : HeaderLines(report, language)) {
    md += "- " + EscapeMarkdown(line) + "\n";
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
