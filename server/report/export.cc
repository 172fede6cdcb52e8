#include "server/report/export.h"

#include <map>

#include "server/domain/str_cat.h"
#include "server/report/render.h"
#include "server/report/report_text.h"

namespace brevis::report {
namespace {

std::string Field(const std::string& value) {
  std::string text = value;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                        text[0] == '@' || text[0] == '\t' || text[0] == '\r')) {
    text.insert(0, 1, '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out;
}

// "ungdomar 13–17 år: 6; vårdnadshavare: färre än 5" for the groups the
// recommendation's findings came from.
std::string Groups(const v1::AuditReport& report,
                   const v1::Recommendation& recommendation, Language language,
                   int minimum_group) {
  std::map<int, bool> groups;
  for (const v1::Finding& finding : report.findings()) {
    for (const std::string& name : recommendation.findings()) {
      if (finding.name() != name) continue;
      for (int group : finding.informant_groups()) groups[group] = true;
    }
  }
  std::vector<std::string> parts;
  for (const auto& [group, unused] : groups) {
    std::string count =
        brevis::StrCat(Phrase(language, "fewer than"), " ", minimum_group);
    for (const v1::InformantGroupCount& c : report.participants()) {
      if (c.group() == group && !c.suppressed()) {
        count = std::to_string(c.participants());
      }
    }
    parts.push_back(brevis::StrCat(
        Label(language, static_cast<v1::InformantGroup>(group)), ": ", count));
  }
  return Join(parts);
}

}  // namespace

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string record;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) record += ',';
    record += Field(fields[i]);
  }
  return record + "\r\n";
}

std::string ExportHeader(Language language) {
  return CsvRecord({
      Phrase(language, "Unit"),
      Phrase(language, "Audit"),
      Phrase(language, "Audit name"),
      Phrase(language, "State"),
      Phrase(language, "Focus areas"),
      Phrase(language, "Recommendation"),
      Phrase(language, "Priority"),
      Phrase(language, "The unit's response"),
      Phrase(language, "Rationale"),
      Phrase(language, "Actions"),
      Phrase(language, "Overdue actions"),
      Phrase(language, "Follow-up"),
      Phrase(language, "Comment"),
      Phrase(language, "Informant groups"),
  });
}

std::string ExportRecords(const v1::AuditReport& report, Language language,
                          int minimum_group) {
  std::string csv;
  for (const v1::RecommendationReport& item : report.recommendations()) {
    const v1::Recommendation& r = item.recommendation();
    std::vector<std::string> areas, actions;
    for (int area : item.focus_areas()) {
      areas.push_back(Label(language, static_cast<v1::FocusArea>(area)));
    }
    int overdue = 0;
    for (const v1::Action& action : item.actions()) {
      actions.push_back(
          brevis::StrCat(action.description(), " (", action.responsible(), ", ",
                         FormatDate(action.due_date()), ", ",
                         ActionStatusText(action, language), ")"));
      if (action.overdue()) ++overdue;
    }
    csv += CsvRecord({
        report.unit_display_name(),
        report.audit().title(),
        report.audit().name(),
        Label(language, report.audit().state()),
        Join(areas),
        r.text(),
        Label(language, r.priority()),
        Label(language, r.response().decision()),
        r.response().rationale(),
        Join(actions),
        std::to_string(overdue),
        Label(language, r.verdict().verdict()),
        r.verdict().comment(),
        Groups(report, r, language, minimum_group),
    });
  }
  return csv;
}

}  // namespace brevis::report
