#ifndef BREVIS_SERVER_APP_REPORTS_H_
#define BREVIS_SERVER_APP_REPORTS_H_

// Reports and exports over what the caller may read
// (brevis.v1.ReportService).

#include "absl/status/statusor.h"
#include "brevis/v1/report_service.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"

namespace brevis::app {

// Reports, summaries and exports, with informant groups smaller than
// `minimum_group_size` suppressed. Every audit content shown is recorded in
// the access log before it is returned; when that fails the method returns
// UNAVAILABLE or RESOURCE_EXHAUSTED instead (fail closed). Thread-safe: it
// holds only the borrowed, thread-safe dependencies, which the owner keeps
// alive. Every method may also return UNAVAILABLE or RESOURCE_EXHAUSTED
// from the store.
class Reports {
 public:
  Reports(const Dependencies& deps, int minimum_group_size)
      : deps_(deps), minimum_group_size_(minimum_group_size) {}

  // The report of audit `name`, rendered as Markdown and HTML.
  // INVALID_ARGUMENT for a malformed name; PERMISSION_DENIED when the
  // caller may read no audit at all; NOT_FOUND for an audit that does not
  // exist or that the caller may not see (app::LocateAudit).
  absl::StatusOr<v1::AuditReport> GetAuditReport(
      const Call& call, const v1::GetAuditReportRequest& request);
  // Counts over the audits of unit `name` that the caller may see.
  // INVALID_ARGUMENT for a malformed name; PERMISSION_DENIED without the
  // rights to read units and audits; NOT_FOUND for a unit that does not
  // exist or lies outside the caller's unit scopes.
  absl::StatusOr<v1::UnitSummary> GetUnitSummary(
      const Call& call, const v1::GetUnitSummaryRequest& request);
  // Per unit, its overdue actions in audits the caller may see (AIP-132;
  // filter on unit; a unit that does not exist gives an empty page).
  // PERMISSION_DENIED without the right to read audits; INVALID_ARGUMENT
  // for a bad filter, page_size or page_token.
  absl::StatusOr<v1::ListOverdueActionsResponse> ListOverdueActions(
      const Call& call, const v1::ListOverdueActionsRequest& request);
  // The recommendations of the audits the caller may see as CSV, a page of
  // audits at a time (filter on unit and state; a unit that does not exist
  // gives an empty page). PERMISSION_DENIED without the right to read
  // audits; INVALID_ARGUMENT for a bad filter, page_size or page_token.
  absl::StatusOr<v1::ExportAuditsResponse> ExportAudits(
      const Call& call, const v1::ExportAuditsRequest& request);

 private:
  const Dependencies deps_;
  const int minimum_group_size_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_REPORTS_H_
