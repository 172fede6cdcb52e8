#include "server/api/report_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* ReportService::GetAuditReport(
    grpc::CallbackServerContext* context,
    const v1::GetAuditReportRequest* request, v1::AuditReport* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/GetAuditReport",
               [this, request, response](const Call& call) {
                 return Answer(reports_.GetAuditReport(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* ReportService::GetUnitSummary(
    grpc::CallbackServerContext* context,
    const v1::GetUnitSummaryRequest* request, v1::UnitSummary* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/GetUnitSummary",
               [this, request, response](const Call& call) {
                 return Answer(reports_.GetUnitSummary(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* ReportService::ListOverdueActions(
    grpc::CallbackServerContext* context,
    const v1::ListOverdueActionsRequest* request,
    v1::ListOverdueActionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/ListOverdueActions",
               [this, request, response](const Call& call) {
                 return Answer(reports_.ListOverdueActions(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* ReportService::ExportAudits(
    grpc::CallbackServerContext* context,
    const v1::ExportAuditsRequest* request,
    v1::ExportAuditsResponse* response) {
  return Serve(context, deps_, "brevis.v1.ReportService/ExportAudits",
               [this, request, response](const Call& call) {
                 return Answer(reports_.ExportAudits(call, *request), response);
               });
}

}  // namespace brevis::api
