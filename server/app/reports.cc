#include "server/app/reports.h"

#include "server/app/audit_access.h"
#include "server/app/audit_list_filter.h"
#include "server/app/create_once.h"
#include "server/app/list_window.h"
#include "server/app/report_gathering.h"
#include "server/app/unit_access.h"
#include "server/domain/calendar.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/report/export.h"
#include "server/report/render.h"
#include "server/store/action_repository.h"
#include "server/store/report_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::app {
namespace {

// The actions a digest names.
constexpr int kMostOverdue = 5;

// Every resource the report shows, for the access log.
std::vector<std::string> ResourcesIn(const v1::AuditReport& report) {
  std::vector<std::string> names = {report.audit().name()};
  for (const v1::Finding& finding : report.findings()) {
    names.push_back(finding.name());
  }
  for (const v1::RecommendationReport& item : report.recommendations()) {
    names.push_back(item.recommendation().name());
    for (const v1::Action& action : item.actions()) {
      names.push_back(action.name());
    }
  }
  return names;
}

}  // namespace

absl::StatusOr<v1::AuditReport> Reports::GetAuditReport(
    const Call& call, const v1::GetAuditReportRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit name,
                          domain::ParseAuditName(request.name(), "name"));
  report::Language language = report::FromProto(request.language());
  v1::AuditReport response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(store::AuditLocation where,
                                LocateAudit(db, call.caller, name.audit,
                                            domain::Permission::kReadAudit));
        return Assign(GatherAuditReport(db, call, name.audit, where,
                                        minimum_group_size_, language),
                      &response);
      }));
  response.set_name(request.name() + "/report");
  response.set_language(language == report::Language::kEnglish
                            ? v1::REPORT_LANGUAGE_ENGLISH
                            : v1::REPORT_LANGUAGE_SWEDISH);
  store::SetTimestamp(store::ToMicros(call.time),
                      response.mutable_generate_time());
  response.set_markdown(
      report::RenderMarkdown(response, language, minimum_group_size_));
  response.set_html(
      report::RenderHtml(response, language, minimum_group_size_));
  BREVIS_RETURN_IF_ERROR(
      RecordReadNames(*deps_.access, call, ResourcesIn(response)));
  return response;
}

absl::StatusOr<v1::UnitSummary> Reports::GetUnitSummary(
    const Call& call, const v1::GetUnitSummaryRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Unit name,
                          domain::ParseUnitName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadUnits));
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadAudit));
  v1::UnitSummary response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(v1::Unit unit,
                                GetVisibleUnit(db, call.caller, name.unit));
        BREVIS_ASSIGN_OR_RETURN(int64_t unit_id,
                                store::UnitRepository(db).RowId(name.unit));
        BREVIS_ASSIGN_OR_RETURN(
            store::UnitCounts counts,
            store::ReportRepository(db, domain::StockholmDate(call.time))
                .CountUnit(unit_id, domain::VisibleAudits(call.caller),
                           call.caller.principal_id));
        response.set_unit(unit.name());
        response.set_display_name(unit.display_name());
        for (const auto& [state, count] : counts.audits_by_state) {
          v1::AuditStateCount* item = response.add_audits_by_state();
          item->set_state(static_cast<v1::AuditState>(state));
          item->set_count(count);
        }
        response.set_open_actions(counts.open_actions);
        response.set_overdue_actions(counts.overdue_actions);
        response.set_unfinished_actions(counts.unfinished_actions);
        response.set_assessed_recommendations(counts.assessed_recommendations);
        response.set_implemented_recommendations(
            counts.implemented_recommendations);
        response.set_implemented_share(
            counts.assessed_recommendations == 0
                ? 0.0
                : static_cast<double>(counts.implemented_recommendations) /
                      counts.assessed_recommendations);
        return absl::OkStatus();
      }));
  return response;
}

absl::StatusOr<v1::ListOverdueActionsResponse> Reports::ListOverdueActions(
    const Call& call, const v1::ListOverdueActionsRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadAudit));
  BREVIS_ASSIGN_OR_RETURN(
      domain::ListFilter filter,
      domain::ListFilter::Parse(request.filter(), {"unit"}));
  BREVIS_ASSIGN_OR_RETURN(std::optional<domain::name::Unit> filter_unit,
                          FilterUnit(filter));
  BREVIS_ASSIGN_OR_RETURN(
      ListWindow window,
      OpenListWindow(*deps_.page_tokens, ListScope(call, filter.Canonical()),
                     request.page_size(), request.page_token()));
  std::string today = domain::StockholmDate(call.time);
  std::vector<std::string> shown;
  v1::ListOverdueActionsResponse response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        std::optional<int64_t> unit_id;
        BREVIS_ASSIGN_OR_RETURN(bool exists,
                                ResolveFilterUnit(db, filter_unit, &unit_id));
        if (!exists) return absl::OkStatus();
        BREVIS_ASSIGN_OR_RETURN(store::Page<store::OverdueUnit> page,
                                store::ReportRepository(db, today).OverdueUnits(
                                    unit_id, domain::VisibleAudits(call.caller),
                                    call.caller.principal_id, window.after_id,
                                    window.limit, kMostOverdue));
        // Every unit's most overdue actions in one read for the page.
        std::vector<int64_t> action_ids;
        for (const store::OverdueUnit& unit : page.items) {
          action_ids.insert(action_ids.end(), unit.most_overdue.begin(),
                            unit.most_overdue.end());
        }
        BREVIS_ASSIGN_OR_RETURN(
            std::vector<v1::Action> actions,
            store::ActionRepository(db, today).GetByRowIds(action_ids));
        auto next_action = actions.begin();
        for (const store::OverdueUnit& unit : page.items) {
          v1::OverdueDigest* digest = response.add_digests();
          digest->set_unit(domain::UnitName(unit.unit_uid));
          digest->set_display_name(unit.display_name);
          digest->set_overdue_actions(unit.overdue_actions);
          absl::StatusOr<v1::Date> oldest =
              domain::ParseDate("due_date", unit.oldest_due_date);
          if (!oldest.ok()) return absl::InternalError("a due date is no date");
          *digest->mutable_oldest_due_date() = *oldest;
          absl::CivilDay day =
              domain::ToCivilDay(domain::StockholmToday(call.time));
          digest->set_most_days_overdue(
              static_cast<int>(day - domain::ToCivilDay(*oldest)));
          for (const std::string& audit : unit.audit_uids) {
            digest->add_audits(domain::AuditName(audit));
          }
          for (size_t i = 0; i < unit.most_overdue.size(); ++i) {
            shown.push_back(next_action->name());
            *digest->add_most_overdue() = std::move(*next_action++);
          }
        }
        response.set_next_page_token(
            NextPageToken(*deps_.page_tokens, window, page));
        return absl::OkStatus();
      }));
  BREVIS_RETURN_IF_ERROR(
      RecordReadNames(*deps_.access, call, std::move(shown)));
  return response;
}

absl::StatusOr<v1::ExportAuditsResponse> Reports::ExportAudits(
    const Call& call, const v1::ExportAuditsRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadAudit));
  BREVIS_ASSIGN_OR_RETURN(AuditListFilter filter,
                          ParseAuditListFilter(request.filter()));
  report::Language language = report::FromProto(request.language());
  BREVIS_ASSIGN_OR_RETURN(
      ListWindow window,
      OpenListWindow(
          *deps_.page_tokens,
          ListScope(call, brevis::StrCat(filter.terms.Canonical(), "\n",
                                         static_cast<int>(language))),
          request.page_size(), request.page_token()));
  std::string csv =
      request.page_token().empty() ? report::ExportHeader(language) : "";
  std::vector<std::string> shown;
  int rows = 0;
  v1::ExportAuditsResponse response;
  BREVIS_RETURN_IF_ERROR(deps_.db->Read([&](store::Connection& db)
                                            -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(bool exists, ResolveAuditListFilter(db, &filter));
    if (!exists) return absl::OkStatus();
    store::AuditRepository audits(db);
    BREVIS_ASSIGN_OR_RETURN(
        store::Page<v1::Audit> page,
        audits.List(filter.audits, domain::VisibleAudits(call.caller),
                    call.caller.principal_id, window.after_id, window.limit));
    for (const v1::Audit& audit : page.items) {
      std::string uid(LastSegment(audit.name()));
      BREVIS_ASSIGN_OR_RETURN(store::AuditLocation where,
                              audits.Locate(uid, call.caller.principal_id));
      BREVIS_ASSIGN_OR_RETURN(v1::AuditReport gathered,
                              GatherAuditReport(db, call, uid, where,
                                                minimum_group_size_, language));
      csv += report::ExportRecords(gathered, language, minimum_group_size_);
      for (const v1::RecommendationReport& item : gathered.recommendations()) {
        shown.push_back(item.recommendation().name());
        ++rows;
      }
    }
    response.set_next_page_token(
        NextPageToken(*deps_.page_tokens, window, page));
    return absl::OkStatus();
  }));
  response.set_csv(std::move(csv));
  response.set_row_count(rows);
  BREVIS_RETURN_IF_ERROR(
      RecordReadNames(*deps_.access, call, std::move(shown)));
  return response;
}

}  // namespace brevis::app
