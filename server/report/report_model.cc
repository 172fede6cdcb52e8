#include "server/report/report_model.h"

#include <algorithm>
#include <set>

namespace brevis::report {
namespace {

constexpr char kNoAction[] = "NO_ACTION";
constexpr char kNoVerdict[] = "NO_VERDICT";
constexpr char kUnfinished[] = "UNFINISHED";

// The categories in the order the chart stacks them, with their labels.
std::vector<std::pair<std::string, std::string>> Categories(bool verdicts,
                                                            Language language) {
  if (verdicts) {
    return {
        {"VERDICT_IMPLEMENTED", Label(language, v1::VERDICT_IMPLEMENTED)},
        {"VERDICT_PARTLY_IMPLEMENTED",
         Label(language, v1::VERDICT_PARTLY_IMPLEMENTED)},
        {"VERDICT_NOT_IMPLEMENTED",
         Label(language, v1::VERDICT_NOT_IMPLEMENTED)},
        {"VERDICT_NO_LONGER_RELEVANT",
         Label(language, v1::VERDICT_NO_LONGER_RELEVANT)},
        {kNoVerdict, Label(language, v1::VERDICT_UNSPECIFIED)},
    };
  }
  return {
      {"ACTION_STATUS_DONE", Label(language, v1::ACTION_STATUS_DONE)},
      {"ACTION_STATUS_IN_PROGRESS",
       Label(language, v1::ACTION_STATUS_IN_PROGRESS)},
      {"ACTION_STATUS_PLANNED", Label(language, v1::ACTION_STATUS_PLANNED)},
      {kUnfinished, Phrase(language, "not done when the audit ended")},
      {kNoAction, Label(language, v1::ACTION_STATUS_UNSPECIFIED)},
  };
}

}  // namespace

std::vector<v1::InformantGroupCount> SuppressSmallGroups(
    const std::map<int, int>& participants, int minimum) {
  std::vector<v1::InformantGroupCount> counts;
  for (const auto& [group, people] : participants) {
    if (people <= 0) continue;
    v1::InformantGroupCount count;
    count.set_group(static_cast<v1::InformantGroup>(group));
    if (people < minimum) {
      count.set_suppressed(true);
    } else {
      count.set_participants(people);
    }
    counts.push_back(std::move(count));
  }
  return counts;
}

std::vector<v1::FocusArea> FocusAreasOf(
    const v1::Recommendation& recommendation,
    const std::vector<v1::Finding>& findings) {
  std::set<int> areas;
  for (const std::string& name : recommendation.findings()) {
    for (const v1::Finding& finding : findings) {
      if (finding.name() == name) areas.insert(finding.focus_area());
    }
  }
  std::vector<v1::FocusArea> result;
  for (int area : areas) result.push_back(static_cast<v1::FocusArea>(area));
  return result;
}

bool ChartsVerdicts(v1::AuditState state) {
  return state == v1::AUDIT_STATE_FOLLOW_UP || state == v1::AUDIT_STATE_CLOSED;
}

std::string ChartCategory(const v1::RecommendationReport& recommendation,
                          v1::AuditState state) {
  if (ChartsVerdicts(state)) {
    v1::Verdict verdict = recommendation.recommendation().verdict().verdict();
    return verdict == v1::VERDICT_UNSPECIFIED ? kNoVerdict
                                              : v1::Verdict_Name(verdict);
  }
  int counted = 0, done = 0, started = 0, unfinished = 0;
  for (const v1::Action& action : recommendation.actions()) {
    if (action.status() == v1::ACTION_STATUS_CANCELLED) continue;
    ++counted;
    if (action.status() == v1::ACTION_STATUS_DONE) ++done;
    if (action.status() == v1::ACTION_STATUS_IN_PROGRESS) ++started;
    if (action.unfinished()) ++unfinished;
  }
  if (counted == 0) return kNoAction;
  if (done == counted) return "ACTION_STATUS_DONE";
  if (unfinished > 0) return kUnfinished;
  if (started > 0 || done > 0) return "ACTION_STATUS_IN_PROGRESS";
  return "ACTION_STATUS_PLANNED";
}

std::vector<v1::ChartBar> BuildChart(const v1::AuditReport& report,
                                     Language language) {
  v1::AuditState state = report.audit().state();
  std::map<int, std::map<std::string, int>> counts;  // area -> category
  for (const v1::RecommendationReport& item : report.recommendations()) {
    std::string category = ChartCategory(item, state);
    for (int area : item.focus_areas()) ++counts[area][category];
  }
  std::vector<v1::ChartBar> bars;
  for (const auto& [area, by_category] : counts) {
    v1::ChartBar bar;
    bar.set_focus_area(static_cast<v1::FocusArea>(area));
    for (const auto& [category, label] :
         Categories(ChartsVerdicts(state), language)) {
      auto it = by_category.find(category);
      if (it == by_category.end()) continue;
      v1::ChartSegment* segment = bar.add_segments();
      segment->set_category(category);
      segment->set_label(label);
      segment->set_count(it->second);
    }
    bars.push_back(std::move(bar));
  }
  return bars;
}

}  // namespace brevis::report
