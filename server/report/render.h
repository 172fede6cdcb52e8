#ifndef BREVIS_SERVER_REPORT_RENDER_H_
#define BREVIS_SERVER_REPORT_RENDER_H_

// The audit report for people: Markdown, and one self-contained HTML page
// (inline style and SVG chart, no external assets) that reads on a phone
// and prints. Everything typed by users is escaped.

#include <string>

#include "brevis/v1/report.pb.h"
#include "server/report/labels.h"

namespace brevis::report {

// `minimum_group` is the suppression threshold, stated under the
// participant table.
std::string RenderMarkdown(const v1::AuditReport& report, Language language,
                           int minimum_group);
std::string RenderHtml(const v1::AuditReport& report, Language language,
                       int minimum_group);

// The chart alone, as an inline <svg> element.
std::string RenderChartSvg(const v1::AuditReport& report, Language language);

// Text made safe to place in Markdown: its markup characters escaped and
// line breaks kept as hard breaks.
std::string EscapeMarkdown(const std::string& text);
// Text made safe to place in HTML element content or attribute values.
std::string EscapeHtml(const std::string& text);

// YYYY-MM-DD, or empty for an unset date.
std::string FormatDate(const v1::Date& date);

}  // namespace brevis::report

#endif  // BREVIS_SERVER_REPORT_RENDER_H_
