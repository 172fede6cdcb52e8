// Every rendering of a report carries the same facts. The Markdown and the
// HTML, stripped of their markup, must read line for line the same; each
// fact of the structured report must be in them; and the CSV row of each
// recommendation must say what the report says of it. A fact added to one
// rendering and not the others fails here.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "server/domain/calendar.h"
#include "server/domain/str_cat.h"
#include "server/report/export.h"
#include "server/report/render.h"
#include "server/report/report_model.h"

namespace brevis::report {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr int kMinimumGroup = 5;

v1::Date Day(int year, int month, int day) {
  return domain::FromCivilDay(absl::CivilDay(year, month, day));
}

// One audit with every kind of fact the report knows, and markup
// characters in the users' text.
v1::AuditReport RichReport(Language language) {
  v1::AuditReport report;
  v1::Audit* audit = report.mutable_audit();
  audit->set_name("audits/a1");
  audit->set_title("Brukarrevision BUP Prima Handen 2026");
  audit->set_state(v1::AUDIT_STATE_IN_PROGRESS);
  audit->set_commissioned_by("Regionala programmet för psykisk hälsa");
  for (v1::FocusArea area :
       {v1::FOCUS_AREA_PARTICIPATION, v1::FOCUS_AREA_RESPECT,
        v1::FOCUS_AREA_INFORMATION, v1::FOCUS_AREA_CHILD_RIGHTS,
        v1::FOCUS_AREA_OTHER}) {
    audit->add_focus_areas(area);
  }
  audit->set_other_focus_area("väntetider");
  *audit->mutable_planned_start_date() = Day(2026, 2, 1);
  *audit->mutable_planned_report_date() = Day(2026, 5, 15);
  *audit->mutable_planned_follow_up_date() = Day(2026, 11, 15);
  report.set_unit_display_name("BUP Prima Handen");
  for (v1::InformantGroupCount& count :
       SuppressSmallGroups({{v1::INFORMANT_GROUP_CHILD, 7},
                            {v1::INFORMANT_GROUP_YOUNG_PERSON, 6},
                            {v1::INFORMANT_GROUP_GUARDIAN, 3}},
                           kMinimumGroup)) {
    *report.add_participants() = count;
  }

  struct FindingSpec {
    v1::FindingKind kind;
    v1::FocusArea area;
    const char* text;
    std::vector<v1::InformantGroup> groups;
    std::vector<int> articles;
    bool sip;
    const char* correction;
  };
  const FindingSpec findings[] = {
      {v1::FINDING_KIND_STRENGTH,
       v1::FOCUS_AREA_RESPECT,
       "De flesta unga blir *lyssnade* på.",
       {v1::INFORMANT_GROUP_YOUNG_PERSON},
       {},
       false,
       nullptr},
      {v1::FINDING_KIND_IMPROVEMENT_AREA,
       v1::FOCUS_AREA_PARTICIPATION,
       "Flera unga är inte med när <beslut> fattas.",
       {v1::INFORMANT_GROUP_YOUNG_PERSON, v1::INFORMANT_GROUP_CHILD},
       {12, 3},
       false,
       "Stavfel i första versionen"},
      {v1::FINDING_KIND_IMPROVEMENT_AREA,
       v1::FOCUS_AREA_INFORMATION,
       "Vårdnadshavare vet inte vad en SIP är | hur man begär en.",
       {v1::INFORMANT_GROUP_GUARDIAN},
       {24},
       true,
       nullptr},
  };
  for (size_t i = 0; i < std::size(findings); ++i) {
    v1::Finding* finding = report.add_findings();
    finding->set_name("audits/a1/findings/f" + std::to_string(i));
    finding->set_kind(findings[i].kind);
    finding->set_focus_area(findings[i].area);
    finding->set_text(findings[i].text);
    for (auto group : findings[i].groups) finding->add_informant_groups(group);
    for (int article : findings[i].articles) {
      finding->add_child_rights_articles(article);
    }
    finding->set_sip(findings[i].sip);
    if (findings[i].correction != nullptr) {
      finding->set_revision(1);
      finding->set_revision_reason(findings[i].correction);
    }
  }

  // R1 answers F2 and F3 and has an overdue, a done and an unfinished
  // action; R2 answers F3 and has none.
  v1::RecommendationReport* first = report.add_recommendations();
  v1::Recommendation* r1 = first->mutable_recommendation();
  r1->set_name("audits/a1/recommendations/r1");
  r1->set_text("Inför en rutin där den unge får ge sin syn [först].");
  r1->set_priority(v1::PRIORITY_HIGH);
  r1->add_findings("audits/a1/findings/f1");
  r1->add_findings("audits/a1/findings/f2");
  r1->mutable_response()->set_decision(v1::RESPONSE_DECISION_PARTLY_ACCEPTED);
  r1->mutable_response()->set_rationale("Rutinen införs i två av tre team.");
  r1->mutable_verdict()->set_verdict(v1::VERDICT_PARTLY_IMPLEMENTED);
  r1->mutable_verdict()->set_comment("Ett team återstår.");
  first->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  first->add_focus_areas(v1::FOCUS_AREA_INFORMATION);
  struct ActionSpec {
    const char* description;
    const char* responsible;
    v1::Date due;
    v1::ActionStatus status;
    bool overdue;
    bool unfinished;
  };
  for (const ActionSpec& spec :
       {ActionSpec{"Rutin för samtal", "enhetschef", Day(2026, 4, 1),
                   v1::ACTION_STATUS_IN_PROGRESS, true, false},
        ActionSpec{"Utbilda personalen", "vårdsamordnare", Day(2026, 3, 1),
                   v1::ACTION_STATUS_DONE, false, false},
        ActionSpec{"Broschyr om SIP", "kurator", Day(2026, 9, 1),
                   v1::ACTION_STATUS_PLANNED, false, true}}) {
    v1::Action* action = first->add_actions();
    action->set_description(spec.description);
    action->set_responsible(spec.responsible);
    *action->mutable_due_date() = spec.due;
    action->set_status(spec.status);
    action->set_overdue(spec.overdue);
    action->set_unfinished(spec.unfinished);
  }
  v1::RecommendationReport* second = report.add_recommendations();
  v1::Recommendation* r2 = second->mutable_recommendation();
  r2->set_name("audits/a1/recommendations/r2");
  r2->set_text("Ge skriftlig information om SIP på lättläst svenska.");
  r2->set_priority(v1::PRIORITY_MEDIUM);
  r2->add_findings("audits/a1/findings/f2");
  second->add_focus_areas(v1::FOCUS_AREA_INFORMATION);

  v1::Feedback* feedback = report.add_feedback();
  *feedback->mutable_date() = Day(2026, 6, 10);
  feedback->set_form(v1::FEEDBACK_FORM_CHILD_FRIENDLY_SUMMARY);
  feedback->add_audiences(v1::INFORMANT_GROUP_CHILD);
  feedback->add_audiences(v1::INFORMANT_GROUP_GUARDIAN);
  feedback->set_note("Sammanfattningen delades ut på mottagningen.");
  for (v1::ChartBar& bar : BuildChart(report, language)) {
    *report.add_chart() = bar;
  }
  return report;
}

std::string CollapseSpaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The Markdown as plain lines: without headings' #, list dashes, table
// pipes at the ends, separator rows, emphasis and backslash escapes.
std::vector<std::string> MarkdownLines(const std::string& md) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < md.size()) {
    size_t end = md.find('\n', start);
    if (end == std::string::npos) end = md.size();
    std::string line = md.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of("|-: ") == std::string::npos) continue;
    size_t from = 0;
    while (from < line.size() && line[from] == '#') ++from;
    if (from > 0 && from < line.size() && line[from] == ' ') ++from;
    if (line.compare(from, 2, "- ") == 0) from += 2;
    bool table = line[from] == '|';
    std::string plain;
    int cell = 0;
    for (size_t i = from; i < line.size(); ++i) {
      char c = line[i];
      if (c == '\\' && i + 1 < line.size()) {
        plain += line[++i];
      } else if (c == '*' || c == '_') {
        // emphasis
      } else if (table && c == '|') {
        if (cell++ > 0) plain += " | ";
      } else {
        plain += c;
      }
    }
    if (table) {
      // The pipe that closes the row added a separator too.
      std::string trimmed = CollapseSpaces(plain);
      if (trimmed.size() >= 2 && trimmed.ends_with(" |")) {
        trimmed.resize(trimmed.size() - 2);
      }
      plain = trimmed;
    }
    plain = CollapseSpaces(plain);
    if (!plain.empty()) lines.push_back(plain);
  }
  return lines;
}

// The HTML as plain lines: the head and the SVG picture left out, a line
// per block element, table cells joined by " | ", entities decoded.
std::vector<std::string> HtmlLines(const std::string& html) {
  static const std::set<std::string> kBlocks = {
      "h1",    "h2",    "h3",    "p",       "li",     "tr",     "ul",  "ol",
      "table", "thead", "tbody", "section", "header", "figure", "body"};
  std::string text;
  size_t pos = html.find("<body>");
  int cells = 0;
  while (pos < html.size()) {
    if (html[pos] != '<') {
      if (html.compare(pos, 5, "&amp;") == 0) {
        text += '&', pos += 5;
      } else if (html.compare(pos, 4, "&lt;") == 0) {
        text += '<', pos += 4;
      } else if (html.compare(pos, 4, "&gt;") == 0) {
        text += '>', pos += 4;
      } else if (html.compare(pos, 6, "&quot;") == 0) {
        text += '"', pos += 6;
      } else if (html.compare(pos, 5, "&#39;") == 0) {
        text += '\'', pos += 5;
      } else {
        text += html[pos++];
      }
      continue;
    }
    size_t close = html.find('>', pos);
    std::string tag = html.substr(pos + 1, close - pos - 1);
    pos = close + 1;
    if (tag.starts_with("svg")) {
      pos = html.find("</svg>", pos) + 6;
      continue;
    }
    bool closing = tag.starts_with("/");
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find_first_of(" \t"));
    if (kBlocks.contains(name)) {
      text += '\n';
      if (name == "tr") cells = 0;
    } else if (!closing && (name == "td" || name == "th")) {
      if (cells++ > 0) text += " | ";
    }
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = CollapseSpaces(text.substr(start, end - start));
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    if (!line.empty()) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The line that starts with `prefix`, or "" when none does.
std::string LineStarting(const std::vector<std::string>& lines,
                         const std::string& prefix) {
  for (const std::string& line : lines) {
    if (line.starts_with(prefix)) return line;
  }
  return "";
}

// RFC 4180 records of a CSV text.
std::vector<std::vector<std::string>> ParseCsv(const std::string& csv) {
  std::vector<std::vector<std::string>> records(1, {""});
  bool quoted = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        records.back().back() += '"', ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        records.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().push_back("");
    } else if (c == '\r') {
    } else if (c == '\n') {
      records.push_back({""});
    } else {
      records.back().back() += c;
    }
  }
  if (records.back().size() == 1 && records.back()[0].empty()) {
    records.pop_back();
  }
  return records;
}

class RenderingFactsTest : public ::testing::TestWithParam<Language> {
 protected:
  Language language() const { return GetParam(); }
};

TEST_P(RenderingFactsTest, MarkdownAndHtmlReadTheSame) {
  v1::AuditReport report = RichReport(language());
  std::vector<std::string> md =
      MarkdownLines(RenderMarkdown(report, language(), kMinimumGroup));
  std::vector<std::string> html =
      HtmlLines(RenderHtml(report, language(), kMinimumGroup));
  EXPECT_EQ(md, html);
  EXPECT_GT(md.size(), 30u);
}

TEST_P(RenderingFactsTest, EveryFactOfTheStructuredReportIsRendered) {
  v1::AuditReport report = RichReport(language());
  const Language lang = language();
  for (const std::vector<std::string>& lines :
       {MarkdownLines(RenderMarkdown(report, lang, kMinimumGroup)),
        HtmlLines(RenderHtml(report, lang, kMinimumGroup))}) {
    const v1::Audit& audit = report.audit();
    EXPECT_EQ(lines[0], audit.title());
    std::string areas = LineStarting(lines, Phrase(lang, "Focus areas") + ":");
    for (int area : audit.focus_areas()) {
      EXPECT_THAT(
          areas,
          HasSubstr(area == v1::FOCUS_AREA_OTHER
                        ? audit.other_focus_area()
                        : Label(lang, static_cast<v1::FocusArea>(area))));
    }
    std::string planned = LineStarting(lines, Phrase(lang, "Planned") + ":");
    for (const v1::Date& date :
         {audit.planned_start_date(), audit.planned_report_date(),
          audit.planned_follow_up_date()}) {
      EXPECT_THAT(planned, HasSubstr(FormatDate(date)));
    }
    EXPECT_THAT(lines, Contains(Phrase(lang, "Commissioned by") + ": " +
                                audit.commissioned_by()));
    EXPECT_THAT(lines, Contains(Phrase(lang, "State") + ": " +
                                Label(lang, audit.state())));

    for (const v1::InformantGroupCount& count : report.participants()) {
      EXPECT_THAT(lines, Contains(brevis::StrCat(
                             Label(lang, count.group()), " | ",
                             count.suppressed()
                                 ? brevis::StrCat(Phrase(lang, "fewer than"),
                                                  " ", kMinimumGroup)
                                 : std::to_string(count.participants()))));
    }
    EXPECT_THAT(lines,
                Contains(lang == Language::kSwedish
                             ? "Grupper med färre än 5 personer visas inte, så "
                               "att ingen kan pekas ut."
                             : "Groups with fewer than 5 people are not shown, "
                               "so that no one can be singled out."));
    for (const std::string& line : lines) {
      EXPECT_FALSE(line.ends_with("(5)")) << line;
    }

    for (int i = 0; i < report.findings_size(); ++i) {
      const v1::Finding& finding = report.findings(i);
      std::string line = LineStarting(lines, brevis::StrCat("F", i + 1, " "));
      SCOPED_TRACE(line);
      EXPECT_THAT(line, HasSubstr(finding.text()));
      EXPECT_THAT(line, HasSubstr(Label(lang, finding.kind())));
      EXPECT_THAT(line, HasSubstr(Label(lang, finding.focus_area())));
      for (int group : finding.informant_groups()) {
        EXPECT_THAT(line, HasSubstr(Label(
                              lang, static_cast<v1::InformantGroup>(group))));
      }
      std::vector<std::string> articles;
      for (int article : finding.child_rights_articles()) {
        articles.push_back(std::to_string(article));
      }
      EXPECT_EQ(
          line.find(Phrase(lang, "Child rights articles") + ": " +
                    brevis::StrJoin(articles, ", ") + ".") != std::string::npos,
          !articles.empty());
      EXPECT_EQ(line.find(Phrase(lang, "Concerns SIP")) != std::string::npos,
                finding.sip());
      EXPECT_EQ(line.find(finding.revision_reason()) != std::string::npos &&
                    finding.revision() > 0,
                finding.revision() > 0);
    }

    for (int i = 0; i < report.recommendations_size(); ++i) {
      const v1::RecommendationReport& item = report.recommendations(i);
      const v1::Recommendation& r = item.recommendation();
      EXPECT_THAT(lines, Contains(brevis::StrCat("R", i + 1, ". ", r.text())));
      std::vector<std::string> answers;
      for (const std::string& name : r.findings()) {
        for (int f = 0; f < report.findings_size(); ++f) {
          if (report.findings(f).name() == name) {
            answers.push_back(brevis::StrCat("F", f + 1));
          }
        }
      }
      EXPECT_THAT(lines, Contains(Phrase(lang, "Answers") + ": " +
                                  brevis::StrJoin(answers, ", ")));
      EXPECT_THAT(lines, Contains(Phrase(lang, "Priority") + ": " +
                                  Label(lang, r.priority())));
      std::string response =
          LineStarting(lines, Phrase(lang, "The unit's response") + ": " +
                                  Label(lang, r.response().decision()));
      EXPECT_THAT(response, HasSubstr(r.response().rationale()));
      std::string verdict =
          LineStarting(lines, Phrase(lang, "Follow-up") + ": " +
                                  Label(lang, r.verdict().verdict()));
      EXPECT_THAT(verdict, HasSubstr(r.verdict().comment()));
      for (const v1::Action& action : item.actions()) {
        std::string row = LineStarting(
            lines,
            brevis::StrCat(action.description(), " | ", action.responsible(),
                           " | ", FormatDate(action.due_date()), " | ",
                           Label(lang, action.status())));
        ASSERT_FALSE(row.empty()) << action.description();
        EXPECT_EQ(row.find(Phrase(lang, "overdue")) != std::string::npos,
                  action.overdue())
            << row;
        EXPECT_EQ(row.find(Phrase(lang, "not done when the audit ended")) !=
                      std::string::npos,
                  action.unfinished())
            << row;
      }
    }

    for (const v1::ChartBar& bar : report.chart()) {
      std::string line =
          LineStarting(lines, Label(lang, bar.focus_area()) + ":");
      for (const v1::ChartSegment& segment : bar.segments()) {
        EXPECT_THAT(line, HasSubstr(brevis::StrCat(segment.label(), " ",
                                                   segment.count())));
      }
    }
    for (const v1::Feedback& feedback : report.feedback()) {
      std::string line = LineStarting(lines, FormatDate(feedback.date()));
      EXPECT_THAT(line, HasSubstr(Label(lang, feedback.form())));
      EXPECT_THAT(line, HasSubstr(feedback.note()));
      for (int group : feedback.audiences()) {
        EXPECT_THAT(line, HasSubstr(Label(
                              lang, static_cast<v1::InformantGroup>(group))));
      }
    }
  }
}

// The CSV has one row per recommendation; what it says of a recommendation
// is what the report says of it.
TEST_P(RenderingFactsTest, CsvRowsSayWhatTheReportSays) {
  v1::AuditReport report = RichReport(language());
  const Language lang = language();
  std::vector<std::string> md =
      MarkdownLines(RenderMarkdown(report, lang, kMinimumGroup));
  std::vector<std::vector<std::string>> rows =
      ParseCsv(ExportHeader(lang) + ExportRecords(report, lang, kMinimumGroup));
  ASSERT_EQ(rows.size(), 1u + report.recommendations_size());
  const std::vector<std::string>& header = rows[0];
  auto column = [&](const char* english) {
    auto it = std::find(header.begin(), header.end(), Phrase(lang, english));
    EXPECT_NE(it, header.end()) << english;
    return static_cast<size_t>(it - header.begin());
  };
  for (int i = 0; i < report.recommendations_size(); ++i) {
    const v1::RecommendationReport& item = report.recommendations(i);
    const v1::Recommendation& r = item.recommendation();
    const std::vector<std::string>& row = rows[i + 1];
    ASSERT_EQ(row.size(), header.size());
    EXPECT_EQ(row[column("Unit")], report.unit_display_name());
    EXPECT_EQ(row[column("Audit")], report.audit().title());
    EXPECT_EQ(row[column("State")], Label(lang, report.audit().state()));
    EXPECT_EQ(row[column("Recommendation")], r.text());
    EXPECT_EQ(row[column("Priority")], Label(lang, r.priority()));
    EXPECT_EQ(row[column("The unit's response")],
              Label(lang, r.response().decision()));
    EXPECT_EQ(row[column("Rationale")], r.response().rationale());
    EXPECT_EQ(row[column("Follow-up")], Label(lang, r.verdict().verdict()));
    EXPECT_EQ(row[column("Comment")], r.verdict().comment());
    for (int area : item.focus_areas()) {
      EXPECT_THAT(row[column("Focus areas")],
                  HasSubstr(Label(lang, static_cast<v1::FocusArea>(area))));
    }
    int overdue = 0;
    for (const v1::Action& action : item.actions()) {
      overdue += action.overdue();
      // The action's row of the report, cell by cell, is in the CSV.
      std::string report_row = LineStarting(md, action.description() + " | ");
      ASSERT_FALSE(report_row.empty());
      std::string rest = report_row;
      for (size_t at = 0; at != std::string::npos;) {
        size_t next = rest.find(" | ", at);
        std::string cell = rest.substr(
            at, next == std::string::npos ? std::string::npos : next - at);
        EXPECT_THAT(row[column("Actions")], HasSubstr(cell));
        at = next == std::string::npos ? next : next + 3;
      }
    }
    EXPECT_EQ(row[column("Overdue actions")], std::to_string(overdue));
  }
}

INSTANTIATE_TEST_SUITE_P(BothLanguages, RenderingFactsTest,
                         ::testing::Values(Language::kSwedish,
                                           Language::kEnglish),
                         [](const auto& info) {
                           return info.param == Language::kSwedish ? "Swedish"
                                                                   : "English";
                         });

}  // namespace
}  // namespace brevis::report
