#ifndef BREVIS_SERVER_API_REPORT_SERVICE_H_
#define BREVIS_SERVER_API_REPORT_SERVICE_H_

#include "brevis/v1/report_service.grpc.pb.h"
#include "server/api/service_support.h"

namespace brevis::api {

// brevis.v1.ReportService: reports and exports over what the caller may
// read, with informant groups smaller than `minimum_group_size`
// suppressed. Thread-safe.
class ReportService final : public v1::ReportService::CallbackService {
 public:
  ReportService(ServiceDeps deps, int minimum_group_size)
      : deps_(deps), minimum_group_size_(minimum_group_size) {}

  grpc::ServerUnaryReactor* GetAuditReport(
      grpc::CallbackServerContext* context,
      const v1::GetAuditReportRequest* request,
      v1::AuditReport* response) override;
  grpc::ServerUnaryReactor* GetUnitSummary(
      grpc::CallbackServerContext* context,
      const v1::GetUnitSummaryRequest* request,
      v1::UnitSummary* response) override;
  grpc::ServerUnaryReactor* ListOverdueActions(
      grpc::CallbackServerContext* context,
      const v1::ListOverdueActionsRequest* request,
      v1::ListOverdueActionsResponse* response) override;
  grpc::ServerUnaryReactor* ExportAudits(
      grpc::CallbackServerContext* context,
      const v1::ExportAuditsRequest* request,
      v1::ExportAuditsResponse* response) override;

 private:
  absl::Status DoGetAuditReport(const Call& call,
                                const v1::GetAuditReportRequest& request,
                                v1::AuditReport* response);
  absl::Status DoGetUnitSummary(const Call& call,
                                const v1::GetUnitSummaryRequest& request,
                                v1::UnitSummary* response);
  absl::Status DoListOverdueActions(
      const Call& call, const v1::ListOverdueActionsRequest& request,
      v1::ListOverdueActionsResponse* response);
  absl::Status DoExportAudits(const Call& call,
                              const v1::ExportAuditsRequest& request,
                              v1::ExportAuditsResponse* response);

  const ServiceDeps deps_;
  const int minimum_group_size_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_REPORT_SERVICE_H_
