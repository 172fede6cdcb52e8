#ifndef BREVIS_SERVER_REPORT_REPORT_TEXT_H_
#define BREVIS_SERVER_REPORT_REPORT_TEXT_H_

// What the report says, sentence by sentence, as plain text in the
// report's language: the Markdown and the HTML both build on these and add
// only their markup and escaping, so that the two carry the same facts.

#include <map>
#include <string>
#include <vector>

#include "brevis/v1/report.pb.h"
#include "server/report/labels.h"

namespace brevis::report {

// "F1", "F2", ... by the finding's place in the report, keyed by name.
std::map<std::string, std::string> FindingRefs(const v1::AuditReport& report);
// "R1", "R2", ... by the recommendation's place in the report.
std::string RecommendationRef(int index);

// The lines under the title: unit, state, commissioned by, focus areas and,
// when any date is planned, the timetable.
std::vector<std::string> HeaderLines(const v1::AuditReport& report,
                                     Language language);

// A participant count, or "fewer than N" for a suppressed group.
std::string ParticipantCount(const v1::InformantGroupCount& count,
                             Language language, int minimum_group);
// The sentence under the participant table.
std::string SuppressionNote(Language language, int minimum_group);

// A finding: its kind, focus area, text, informant groups, Barnkonventionen
// articles and SIP flag; the correction's reason apart, for emphasis.
struct FindingText {
  std::string body;
  std::string correction;  // empty when never corrected
};
FindingText DescribeFinding(const v1::Finding& finding, Language language);

// A recommendation's facts, one line each: priority, the findings it
// answers, the unit's response and the follow-up verdict.
std::vector<std::string> RecommendationLines(
    const v1::Recommendation& recommendation,
    const std::map<std::string, std::string>& finding_refs, Language language);

// The column headers of the actions table, and an action's status with
// "overdue" or "not done when the audit ended" where it applies.
std::vector<std::string> ActionColumns(Language language);
std::string ActionStatusText(const v1::Action& action, Language language);

// What the chart counts by, and one bar as text ("delaktighet: klar 1,
// planerad 1").
std::string ChartBasis(const v1::AuditReport& report, Language language);
std::string ChartBarText(const v1::ChartBar& bar, Language language);

// One feedback to service users: date, form, audiences and note.
std::string FeedbackText(const v1::Feedback& feedback, Language language);

}  // namespace brevis::report

#endif  // BREVIS_SERVER_REPORT_REPORT_TEXT_H_
