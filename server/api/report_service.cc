#include "server/api/report_service.h"

#include "server/app/audit_access.h"
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

namespace brevis::api {
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

grpc::ServerUnaryReactor* ReportService::GetAuditReport(
    grpc::CallbackServerContext* context,
    const v1::GetAuditReportRequest* request, v1::AuditReport* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/GetAuditReport",
               [this, request, response](const Call& call) {
                 return DoGetAuditReport(call, *request, response);
               });
}

grpc::ServerUnaryReactor* ReportService::GetUnitSummary(
    grpc::CallbackServerContext* context,
    const v1::GetUnitSummaryRequest* request, v1::UnitSummary* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/GetUnitSummary",
               [this, request, response](const Call& call) {
                 return DoGetUnitSummary(call, *request, response);
               });
}

grpc::ServerUnaryReactor* ReportService::ListOverdueActions(
    grpc::CallbackServerContext* context,
    const v1::ListOverdueActionsRequest* request,
    v1::ListOverdueActionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/ListOverdueActions",
               [this, request, response](const Call& call) {
                 return DoListOverdueActions(call, *request, response);
               });
}

grpc::ServerUnaryReactor* ReportService::ExportAudits(
    grpc::CallbackServerContext* context,
    const v1::ExportAuditsRequest* request,
    v1::ExportAuditsResponse* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/ExportAudits",
               [this, request, response](const Call& call) {
                 return DoExportAudits(call, *request, response);
               });
}

absl::Status ReportService::DoGetAuditReport(
    const Call& call, const v1::GetAuditReportRequest& request,
    v1::AuditReport* response) {
  auto ids = domain::ParseName(request.name(), {"audits"}, "name");
  if (!ids.ok()) return ids.status();
  report::Language language = report::FromProto(request.language());
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto where =
            LocateAudit(db, call.caller, (*ids)[0], domain::Action::kReadAudit);
        if (!where.ok()) return where.status();
        return Assign(GatherAuditReport(db, call, (*ids)[0], *where,
                                        minimum_group_size_, language),
                      response);
      }));
  response->set_name(request.name() + "/report");
  response->set_language(language == report::Language::kEnglish
                             ? v1::REPORT_LANGUAGE_ENGLISH
                             : v1::REPORT_LANGUAGE_SWEDISH);
  store::SetTimestamp(store::ToMicros(call.time),
                      response->mutable_generate_time());
  response->set_markdown(
      report::RenderMarkdown(*response, language, minimum_group_size_));
  response->set_html(
      report::RenderHtml(*response, language, minimum_group_size_));
  return RecordReadNames(*deps_.access, call, ResourcesIn(*response));
}

absl::Status ReportService::DoGetUnitSummary(
    const Call& call, const v1::GetUnitSummaryRequest& request,
    v1::UnitSummary* response) {
  auto ids = domain::ParseName(request.name(), {"units"}, "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadUnits));
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadAudit));
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    absl::StatusOr<v1::Unit> unit = GetVisibleUnit(db, call.caller, (*ids)[0]);
    if (!unit.ok()) return unit.status();
    absl::StatusOr<int64_t> unit_id =
        store::UnitRepository(db).RowId((*ids)[0]);
    if (!unit_id.ok()) return unit_id.status();
    auto counts = store::ReportRepository(db, domain::StockholmDate(call.time))
                      .CountUnit(*unit_id, domain::VisibleAudits(call.caller),
                                 call.caller.principal_id);
    if (!counts.ok()) return counts.status();
    response->set_unit(unit->name());
    response->set_display_name(unit->display_name());
    for (const auto& [state, count] : counts->audits_by_state) {
      v1::AuditStateCount* item = response->add_audits_by_state();
      item->set_state(static_cast<v1::AuditState>(state));
      item->set_count(count);
    }
    response->set_open_actions(counts->open_actions);
    response->set_overdue_actions(counts->overdue_actions);
    response->set_unfinished_actions(counts->unfinished_actions);
    response->set_assessed_recommendations(counts->assessed_recommendations);
    response->set_implemented_recommendations(
        counts->implemented_recommendations);
    response->set_implemented_share(
        counts->assessed_recommendations == 0
            ? 0.0
            : static_cast<double>(counts->implemented_recommendations) /
                  counts->assessed_recommendations);
    return absl::OkStatus();
  });
}

absl::Status ReportService::DoListOverdueActions(
    const Call& call, const v1::ListOverdueActionsRequest& request,
    v1::ListOverdueActionsResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadAudit));
  auto filter = domain::ListFilter::Parse(request.filter(), {"unit"});
  if (!filter.ok()) return filter.status();
  std::optional<std::string> unit_uid;
  if (auto unit = filter->Get("unit")) {
    auto ids = domain::ParseName(*unit, {"units"}, "filter: unit");
    if (!ids.ok()) return ids.status();
    unit_uid = (*ids)[0];
  }
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, filter->Canonical()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  std::string today = domain::StockholmDate(call.time);
  std::vector<std::string> shown;
  BREVIS_RETURN_IF_ERROR(deps_.db->Read([&](store::Connection& db)
                                            -> absl::Status {
    std::optional<int64_t> unit_id;
    if (unit_uid) {
      auto id = store::UnitRepository(db).RowId(*unit_uid);
      if (absl::IsNotFound(id.status())) return absl::OkStatus();
      if (!id.ok()) return id.status();
      unit_id = *id;
    }
    auto page = store::ReportRepository(db, today).OverdueUnits(
        unit_id, domain::VisibleAudits(call.caller), call.caller.principal_id,
        window->after_id, window->limit, kMostOverdue);
    if (!page.ok()) return page.status();
    store::ActionRepository actions(db, today);
    for (const store::OverdueUnit& unit : page->items) {
      v1::OverdueDigest* digest = response->add_digests();
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
      for (const auto& [recommendation, uid] : unit.most_overdue) {
        auto action = actions.Get(recommendation, uid);
        if (!action.ok()) return action.status();
        shown.push_back(action->name());
        *digest->add_most_overdue() = std::move(*action);
      }
    }
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  }));
  return RecordReadNames(*deps_.access, call, std::move(shown));
}

absl::Status ReportService::DoExportAudits(
    const Call& call, const v1::ExportAuditsRequest& request,
    v1::ExportAuditsResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadAudit));
  auto filter = domain::ListFilter::Parse(request.filter(), {"unit", "state"});
  if (!filter.ok()) return filter.status();
  auto state =
      filter->GetEnum("state", v1::AuditState_descriptor(), "AUDIT_STATE_");
  if (!state.ok()) return state.status();
  std::optional<std::string> unit_uid;
  if (auto unit = filter->Get("unit")) {
    auto ids = domain::ParseName(*unit, {"units"}, "filter: unit");
    if (!ids.ok()) return ids.status();
    unit_uid = (*ids)[0];
  }
  report::Language language = report::FromProto(request.language());
  absl::StatusOr<ListWindow> window = OpenListWindow(
      *deps_.page_tokens,
      ListScope(call, brevis::StrCat(filter->Canonical(), "\n",
                                     static_cast<int>(language))),
      request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  std::string csv =
      request.page_token().empty() ? report::ExportHeader(language) : "";
  std::vector<std::string> shown;
  int rows = 0;
  BREVIS_RETURN_IF_ERROR(deps_.db->Read([&](store::Connection& db)
                                            -> absl::Status {
    store::AuditFilter audit_filter;
    audit_filter.state = *state;
    if (unit_uid) {
      auto id = store::UnitRepository(db).RowId(*unit_uid);
      if (absl::IsNotFound(id.status())) return absl::OkStatus();
      if (!id.ok()) return id.status();
      audit_filter.unit_id = *id;
    }
    store::AuditRepository audits(db);
    auto page =
        audits.List(audit_filter, domain::VisibleAudits(call.caller),
                    call.caller.principal_id, window->after_id, window->limit);
    if (!page.ok()) return page.status();
    for (const v1::Audit& audit : page->items) {
      std::string uid(LastSegment(audit.name()));
      auto where = audits.Locate(uid, call.caller.principal_id);
      if (!where.ok()) return where.status();
      auto gathered = GatherAuditReport(db, call, uid, *where,
                                        minimum_group_size_, language);
      if (!gathered.ok()) return gathered.status();
      csv += report::ExportRecords(*gathered, language, minimum_group_size_);
      for (const v1::RecommendationReport& item : gathered->recommendations()) {
        shown.push_back(item.recommendation().name());
        ++rows;
      }
    }
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  }));
  response->set_csv(std::move(csv));
  response->set_row_count(rows);
  return RecordReadNames(*deps_.access, call, std::move(shown));
}

}  // namespace brevis::api
