#ifndef BREVIS_SERVER_API_REPORT_SERVICE_H_
#define BREVIS_SERVER_API_REPORT_SERVICE_H_

#include "brevis/v1/report_service.grpc.pb.h"
#include "server/api/service_support.h"
#include "server/app/reports.h"

namespace brevis::api {

// brevis.v1.ReportService: reports and exports over what the caller may
// read, with informant groups smaller than `minimum_group_size`
// suppressed. Thread-safe.
class ReportService final : public v1::ReportService::CallbackService {
 public:
  ReportService(ServiceDeps deps, int minimum_group_size)
      : deps_(deps), reports_(deps.ForApp(), minimum_group_size) {}

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
  const ServiceDeps deps_;
  app::Reports reports_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_REPORT_SERVICE_H_
