#ifndef BREVIS_SERVER_API_DIRECTORY_SERVICE_H_
#define BREVIS_SERVER_API_DIRECTORY_SERVICE_H_

#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/api/service_support.h"
#include "server/app/directory.h"

namespace brevis::api {

// brevis.v1.DirectoryService: units, principals and tokens, each RPC
// forwarded to app::Directory. Thread-safe.
class DirectoryService final : public v1::DirectoryService::CallbackService {
 public:
  explicit DirectoryService(ServiceDeps deps)
      : deps_(deps), directory_(deps.ForApp()) {}

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
  grpc::ServerUnaryReactor* CreatePrincipal(
      grpc::CallbackServerContext* context,
      const v1::CreatePrincipalRequest* request,
      v1::Principal* response) override;
  grpc::ServerUnaryReactor* GetPrincipal(grpc::CallbackServerContext* context,
                                         const v1::GetPrincipalRequest* request,
                                         v1::Principal* response) override;
  grpc::ServerUnaryReactor* ListPrincipals(
      grpc::CallbackServerContext* context,
      const v1::ListPrincipalsRequest* request,
      v1::ListPrincipalsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePrincipal(
      grpc::CallbackServerContext* context,
      const v1::UpdatePrincipalRequest* request,
      v1::Principal* response) override;
  grpc::ServerUnaryReactor* CreateToken(
      grpc::CallbackServerContext* context,
      const v1::CreateTokenRequest* request,
      v1::CreateTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(
      grpc::CallbackServerContext* context,
      const v1::ListTokensRequest* request,
      v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::Token* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const v1::WhoAmIRequest* request,
                                   v1::WhoAmIResponse* response) override;

 private:
  const ServiceDeps deps_;
  app::Directory directory_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_DIRECTORY_SERVICE_H_
