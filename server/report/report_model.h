#ifndef BREVIS_SERVER_REPORT_REPORT_MODEL_H_
#define BREVIS_SERVER_REPORT_REPORT_MODEL_H_

// The computed parts of a report: the informant-group counts with small
// groups suppressed, the focus areas a recommendation answers, and the
// chart.

#include <map>
#include <string>
#include <vector>

#include "brevis/v1/report.pb.h"
#include "server/report/labels.h"

namespace brevis::report {

// The default of the smallest group whose size may be shown (domain.md).
inline constexpr int kDefaultMinimumGroupSize = 5;

// Participants per informant group (keys are v1::InformantGroup values),
// in enum order; a group with fewer than `minimum` people is marked
// suppressed and its count withheld (0).
std::vector<v1::InformantGroupCount> SuppressSmallGroups(
    const std::map<int, int>& participants, int minimum);

// The focus areas of the findings `recommendation` answers, in enum order.
std::vector<v1::FocusArea> FocusAreasOf(
    const v1::Recommendation& recommendation,
    const std::vector<v1::Finding>& findings);

// What the chart counts a recommendation as: its follow-up verdict once the
// audit is in follow-up or closed, otherwise the state of its actions
// (NO_ACTION when it has none that count, ACTION_STATUS_DONE when every
// action not cancelled is done, UNFINISHED when the audit ended (was
// cancelled) with some still open, IN_PROGRESS when some have started,
// PLANNED otherwise).
std::string ChartCategory(const v1::RecommendationReport& recommendation,
                          v1::AuditState state);

// One bar per focus area that has recommendations, in enum order; the
// segments in a fixed order per category kind, only those with a count.
std::vector<v1::ChartBar> BuildChart(const v1::AuditReport& report,
                                     Language language);

// True when the chart counts verdicts (the audit is in follow-up or
// closed) rather than action statuses.
bool ChartsVerdicts(v1::AuditState state);

}  // namespace brevis::report

#endif  // BREVIS_SERVER_REPORT_REPORT_MODEL_H_
