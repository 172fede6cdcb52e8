#include <cstdint>
#include <map>

#include "server/domain/str_cat.h"
#include "server/report/render.h"
#include "server/report/report_model.h"
#include "server/report/report_text.h"

namespace brevis::report {
namespace {

// Colours that keep apart in grey print as well: dark for done or
// implemented, light for not started.
const char* Colour(const std::string& category) {
  static const auto* const kColours = new std::map<std::string, const char*>{
      {"VERDICT_IMPLEMENTED", "#1b5e20"},
      {"VERDICT_PARTLY_IMPLEMENTED", "#66bb6a"},
      {"VERDICT_NOT_IMPLEMENTED", "#c62828"},
      {"VERDICT_NO_LONGER_RELEVANT", "#9e9e9e"},
      {"NO_VERDICT", "#e0e0e0"},
      {"ACTION_STATUS_DONE", "#1b5e20"},
      {"ACTION_STATUS_IN_PROGRESS", "#66bb6a"},
      {"ACTION_STATUS_PLANNED", "#fbc02d"},
      {"UNFINISHED", "#8d6e63"},
      {"NO_ACTION", "#e0e0e0"},
  };
  auto it = kColours->find(category);
  return it == kColours->end() ? "#bdbdbd" : it->second;
}

constexpr char kStyle[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "line-height:1.5;margin:0 auto;max-width:48rem;padding:1rem;"
    "color:#212121}"
    "h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc}"
    "h3{font-size:1.05rem}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0}"
    "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;"
    "vertical-align:top}"
    ".num{text-align:right}.overdue{color:#b71c1c;font-weight:600}"
    ".muted{color:#616161}svg{max-width:100%;height:auto}"
    "ul.refs{list-style:none;padding-left:0}"
    "@media(max-width:30rem){body{padding:.5rem}th,td{padding:.2rem}}"
    "@media print{body{max-width:none}h2,h3{break-after:avoid}"
    "section{break-inside:avoid-page}}";

void Element(std::string& html, const char* tag, const std::string& text) {
  html += brevis::StrCat("<", tag, ">", EscapeHtml(text), "</", tag, ">");
}

void NoneYet(Language language, std::string& html) {
  Element(html, "p", Phrase(language, "None recorded yet."));
}

// A table row of cells; `tag` is td or th, and the cells named in
// `numeric` are aligned as numbers.
void TableRow(const std::vector<std::string>& cells, const char* tag,
              std::string& html, size_t numeric = SIZE_MAX) {
  html += "<tr>";
  for (size_t i = 0; i < cells.size(); ++i) {
    html += brevis::StrCat("<", tag, i == numeric ? " class=num>" : ">",
                           EscapeHtml(cells[i]), "</", tag, ">");
  }
  html += "</tr>";
}

void List(const std::vector<std::string>& items, std::string& html) {
  html += "<ul>";
  for (const std::string& item : items) Element(html, "li", item);
  html += "</ul>";
}

void Participants(const v1::AuditReport& report, Language language,
                  int minimum_group, std::string& html) {
  html += "<section>";
  Element(html, "h2", Phrase(language, "Participants"));
  if (report.participants().empty()) {
    NoneYet(language, html);
  } else {
    html += "<table><thead>";
    TableRow({Phrase(language, "Informant group"), Phrase(language, "People")},
             "th", html, 1);
    html += "</thead><tbody>";
    for (const v1::InformantGroupCount& count : report.participants()) {
      TableRow({Label(language, count.group()),
                ParticipantCount(count, language, minimum_group)},
               "td", html, 1);
    }
    html += brevis::StrCat("</tbody></table><p class=muted>",
                           EscapeHtml(SuppressionNote(language, minimum_group)),
                           "</p>");
  }
  html += "</section>";
}

void Findings(const v1::AuditReport& report, Language language,
              std::string& html) {
  html += "<section>";
  Element(html, "h2", Phrase(language, "Findings"));
  if (report.findings().empty()) {
    NoneYet(language, html);
  } else {
    html += "<ul class=refs>";
    for (int i = 0; i < report.findings_size(); ++i) {
      FindingText text = DescribeFinding(report.findings(i), language);
      html += brevis::StrCat("<li id=\"F", i + 1, "\"><strong>F", i + 1,
                             "</strong> ", EscapeHtml(text.body));
      if (!text.correction.empty()) {
        html += " <em>" + EscapeHtml(text.correction) + "</em>";
      }
      html += "</li>";
    }
    html += "</ul>";
  }
  html += "</section>";
}

void Actions(const v1::RecommendationReport& item, Language language,
             std::string& html) {
  if (item.actions().empty()) return;
  html += "<table><thead>";
  TableRow(ActionColumns(language), "th", html);
  html += "</thead><tbody>";
  for (const v1::Action& action : item.actions()) {
    html += brevis::StrCat(
        "<tr><td>", EscapeHtml(action.description()), "</td><td>",
        EscapeHtml(action.responsible()), "</td><td>",
        FormatDate(action.due_date()), "</td><td",
        action.overdue() ? " class=overdue>" : ">",
        EscapeHtml(ActionStatusText(action, language)), "</td></tr>");
  }
  html += "</tbody></table>";
}

void Recommendations(const v1::AuditReport& report, Language language,
                     std::string& html) {
  html += "<section>";
  Element(html, "h2", Phrase(language, "Recommendations"));
  if (report.recommendations().empty()) NoneYet(language, html);
  std::map<std::string, std::string> refs = FindingRefs(report);
  for (int i = 0; i < report.recommendations_size(); ++i) {
    const v1::RecommendationReport& item = report.recommendations(i);
    html += "<section>";
    Element(html, "h3",
            brevis::StrCat(RecommendationRef(i), ". ",
                           item.recommendation().text()));
    List(RecommendationLines(item.recommendation(), refs, language), html);
    Actions(item, language, html);
    html += "</section>";
  }
  html += "</section>";
}

// The chart as a picture, and the same counts as text for screen readers
// and for print without colour.
void Chart(const v1::AuditReport& report, Language language,
           std::string& html) {
  html += "<section>";
  Element(html, "h2", Phrase(language, "Recommendations by focus area"));
  html += brevis::StrCat(
      "<p class=muted>", EscapeHtml(ChartBasis(report, language)),
      "</p><figure>", RenderChartSvg(report, language), "</figure>");
  std::vector<std::string> bars;
  for (const v1::ChartBar& bar : report.chart()) {
    bars.push_back(ChartBarText(bar, language));
  }
  List(bars, html);
  html += "</section>";
}

void Feedback(const v1::AuditReport& report, Language language,
              std::string& html) {
  html += "<section>";
  Element(html, "h2", Phrase(language, "Feedback to service users"));
  if (report.feedback().empty()) {
    NoneYet(language, html);
  } else {
    std::vector<std::string> items;
    for (const v1::Feedback& feedback : report.feedback()) {
      items.push_back(FeedbackText(feedback, language));
    }
    List(items, html);
  }
  html += "</section>";
}

}  // namespace

std::string RenderChartSvg(const v1::AuditReport& report, Language language) {
  constexpr int kLabelWidth = 170, kBarWidth = 300, kRow = 28, kTop = 8;
  int most = 1;
  std::map<std::string, std::string> legend;  // category -> label
  for (const v1::ChartBar& bar : report.chart()) {
    int total = 0;
    for (const v1::ChartSegment& segment : bar.segments()) {
      total += segment.count();
      legend[segment.category()] = segment.label();
    }
    most = std::max(most, total);
  }
  int height = kTop + kRow * (report.chart_size() + 1) + 8;
  std::string title = Phrase(language, "Recommendations by focus area");
  std::string svg = brevis::StrCat(
      "<svg role=\"img\" viewBox=\"0 0 ", kLabelWidth + kBarWidth + 40, " ",
      height, "\" width=\"", kLabelWidth + kBarWidth + 40, "\" height=\"",
      height, "\" font-family=\"sans-serif\" font-size=\"12\"><title>",
      EscapeHtml(title), "</title>");
  int y = kTop;
  for (const v1::ChartBar& bar : report.chart()) {
    svg += brevis::StrCat("<text x=\"0\" y=\"", y + 15, "\">",
                          EscapeHtml(Label(language, bar.focus_area())),
                          "</text>");
    int x = kLabelWidth;
    int total = 0;
    for (const v1::ChartSegment& segment : bar.segments()) {
      int width = segment.count() * kBarWidth / most;
      svg +=
          brevis::StrCat("<rect x=\"", x, "\" y=\"", y, "\" width=\"", width,
                         "\" height=\"20\" fill=\"", Colour(segment.category()),
                         "\"><title>", EscapeHtml(segment.label()), ": ",
                         segment.count(), "</title></rect>");
      x += width;
      total += segment.count();
    }
    svg += brevis::StrCat("<text x=\"", x + 4, "\" y=\"", y + 15, "\">", total,
                          "</text>");
    y += kRow;
  }
  int x = 0;
  for (const auto& [category, label] : legend) {
    svg += brevis::StrCat("<rect x=\"", x, "\" y=\"", y + 4,
                          "\" width=\"10\" height=\"10\" fill=\"",
                          Colour(category), "\"/><text x=\"", x + 14, "\" y=\"",
                          y + 13, "\">", EscapeHtml(label), "</text>");
    x += 24 + static_cast<int>(label.size()) * 6;
  }
  svg += "</svg>";
  return svg;
}

std::string RenderHtml(const v1::AuditReport& report, Language language,
                       int minimum_group) {
  const v1::Audit& audit = report.audit();
  std::string html =
      brevis::StrCat("<!DOCTYPE html><html lang=\"",
                     language == Language::kEnglish ? "en" : "sv",
                     "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                     "content=\"width=device-width, initial-scale=1\"><title>",
                     EscapeHtml(audit.title()), "</title><style>", kStyle,
                     "</style></head><body><header>");
  Element(html, "h1", audit.title());
  List(HeaderLines(report, language), html);
  html += "</header>";
  Participants(report, language, minimum_group, html);
  Findings(report, language, html);
  Recommendations(report, language, html);
  Chart(report, language, html);
  Feedback(report, language, html);
  html += "</body></html>\n";
  return html;
}

}  // namespace brevis::report
