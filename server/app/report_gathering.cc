#include "server/app/report_gathering.h"

#include <map>
#include <vector>

#include "server/app/create_once.h"
#include "server/app/list_window.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/validation.h"
#include "server/report/report_model.h"
#include "server/store/action_repository.h"
#include "server/store/finding_repository.h"
#include "server/store/lifecycle_repository.h"
#include "server/store/recommendation_repository.h"
#include "server/store/report_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::app {
namespace {

// Pages through a repository List to the end. The bound keeps a corrupt
// database from looping: no audit has a million rows of one kind.
template <typename Resource, typename ListPage>
absl::StatusOr<std::vector<Resource>> ReadAll(ListPage list_page) {
  std::vector<Resource> all;
  int64_t after = 0;
  for (int pages = 0; pages < 1000; ++pages) {
    BREVIS_ASSIGN_OR_RETURN(store::Page<Resource> page,
                            list_page(after, kMaxPageSize));
    for (Resource& item : page.items) all.push_back(std::move(item));
    if (!page.more) break;
    after = page.last_id;
  }
  return all;
}

// The recommendation an action hangs under: its name up to "/actions/".
std::string ParentOf(const std::string& action_name) {
  return action_name.substr(0, action_name.rfind("/actions/"));
}

}  // namespace

absl::StatusOr<v1::AuditReport> GatherAuditReport(
    store::Connection& db, const Call& call, const std::string& audit_uid,
    const store::AuditLocation& where, int minimum_group,
    report::Language language) {
  v1::AuditReport result;
  BREVIS_ASSIGN_OR_RETURN(v1::Audit audit,
                          store::AuditRepository(db).Get(audit_uid));
  *result.mutable_audit() = std::move(audit);
  BREVIS_ASSIGN_OR_RETURN(
      v1::Unit unit,
      store::UnitRepository(db).Get(LastSegment(result.audit().unit())));
  result.set_unit_display_name(unit.display_name());

  std::string today = domain::StockholmDate(call.time);
  BREVIS_ASSIGN_OR_RETURN(
      auto participants,
      store::ReportRepository(db, today).Participants(where.id));
  for (v1::InformantGroupCount& count :
       report::SuppressSmallGroups(participants, minimum_group)) {
    *result.add_participants() = std::move(count);
  }

  BREVIS_ASSIGN_OR_RETURN(std::vector<v1::Finding> findings,
                          ReadAll<v1::Finding>([&](int64_t after, int limit) {
                            return store::FindingRepository(db).List(
                                domain::name::Audit{audit_uid}, where.id, {},
                                after, limit);
                          }));
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<v1::Recommendation> recommendations,
      ReadAll<v1::Recommendation>([&](int64_t after, int limit) {
        return store::RecommendationRepository(db).List(
            domain::name::Audit{audit_uid}, where.id, after, limit);
      }));
  store::ActionFilter by_audit;
  by_audit.audit_id = where.id;
  BREVIS_ASSIGN_OR_RETURN(std::vector<v1::Action> actions,
                          ReadAll<v1::Action>([&](int64_t after, int limit) {
                            return store::ActionRepository(db, today).List(
                                by_audit, domain::VisibleAudits(call.caller),
                                call.caller.principal_id, after, limit);
                          }));
  BREVIS_ASSIGN_OR_RETURN(std::vector<v1::Feedback> feedback,
                          ReadAll<v1::Feedback>([&](int64_t after, int limit) {
                            return store::LifecycleRepository(db).ListFeedback(
                                domain::name::Audit{audit_uid}, where.id, after,
                                limit);
                          }));

  std::map<std::string, std::vector<v1::Action>> actions_of;
  for (v1::Action& action : actions) {
    actions_of[ParentOf(action.name())].push_back(std::move(action));
  }
  for (v1::Recommendation& recommendation : recommendations) {
    v1::RecommendationReport* item = result.add_recommendations();
    for (v1::FocusArea area : report::FocusAreasOf(recommendation, findings)) {
      item->add_focus_areas(area);
    }
    for (v1::Action& action : actions_of[recommendation.name()]) {
      *item->add_actions() = std::move(action);
    }
    *item->mutable_recommendation() = std::move(recommendation);
  }
  for (v1::Finding& finding : findings) {
    *result.add_findings() = std::move(finding);
  }
  for (v1::Feedback& item : feedback) *result.add_feedback() = std::move(item);
  for (v1::ChartBar& bar : report::BuildChart(result, language)) {
    *result.add_chart() = std::move(bar);
  }
  return result;
}

}  // namespace brevis::app
