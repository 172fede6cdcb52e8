#ifndef BREVIS_SERVER_API_DIRECTORY_SERVICE_H_
#define BREVIS_SERVER_API_DIRECTORY_SERVICE_H_

#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/api/service_support.h"

namespace brevis::api {

// brevis.v1.DirectoryService: the register of BUP units. Thread-safe; every
// call runs on the gRPC callback threads.
class DirectoryService final : public v1::DirectoryService::CallbackService {
 public:
  explicit DirectoryService(ServiceDeps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* CreateUnit(grpc::CallbackServerContext* context,
                                       const v1::CreateUnitRequest* request,
                                       v1::Unit* response) override;
  grpc::ServerUnaryReactor* GetUnit(grpc::CallbackServerContext* context,
                                    const v1::GetUnitRequest* request,
                                    v1::Unit* response) override;
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const v1::ListUnitsRequest* request,
                                      v1::ListUnitsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateUnit(grpc::CallbackServerContext* context,
                                       const v1::UpdateUnitRequest* request,
                                       v1::Unit* response) override;

 private:
  absl::Status DoCreateUnit(const v1::CreateUnitRequest& request,
                            v1::Unit* response);
  absl::Status DoGetUnit(const v1::GetUnitRequest& request, v1::Unit* response);
  absl::Status DoListUnits(const v1::ListUnitsRequest& request,
                           v1::ListUnitsResponse* response);
  absl::Status DoUpdateUnit(const v1::UpdateUnitRequest& request,
                            v1::Unit* response);

  const ServiceDeps deps_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_DIRECTORY_SERVICE_H_
