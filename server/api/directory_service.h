#ifndef BREVIS_SERVER_API_DIRECTORY_SERVICE_H_
#define BREVIS_SERVER_API_DIRECTORY_SERVICE_H_

#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/api/service_support.h"

namespace brevis::api {

// The id of principal `name` if the caller may act on it: admins on
// anyone, everyone else on themselves. Another's name is NOT_FOUND, as if
// it did not exist.
absl::StatusOr<std::string> PrincipalIdFor(const Call& call,
                                           std::string_view name,
                                           std::string_view field);

// brevis.v1.DirectoryService: units, principals and tokens. Thread-safe.
// Units are in directory_service.cc, principals in
// directory_service_principals.cc, tokens and WhoAmI in
// directory_service_tokens.cc.
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
  // Each RPC's work for an authenticated call, returning a domain status;
  // the overrides authenticate and finish the call with it.
  absl::Status DoCreateUnit(const Call& call,
                            const v1::CreateUnitRequest& request,
                            v1::Unit* response);
  absl::Status DoGetUnit(const Call& call, const v1::GetUnitRequest& request,
                         v1::Unit* response);
  absl::Status DoListUnits(const Call& call,
                           const v1::ListUnitsRequest& request,
                           v1::ListUnitsResponse* response);
  absl::Status DoUpdateUnit(const Call& call,
                            const v1::UpdateUnitRequest& request,
                            v1::Unit* response);
  absl::Status DoCreatePrincipal(const Call& call,
                                 const v1::CreatePrincipalRequest& request,
                                 v1::Principal* response);
  absl::Status DoGetPrincipal(const Call& call,
                              const v1::GetPrincipalRequest& request,
                              v1::Principal* response);
  absl::Status DoListPrincipals(const Call& call,
                                const v1::ListPrincipalsRequest& request,
                                v1::ListPrincipalsResponse* response);
  absl::Status DoUpdatePrincipal(const Call& call,
                                 const v1::UpdatePrincipalRequest& request,
                                 v1::Principal* response);
  absl::Status DoCreateToken(const Call& call,
                             const v1::CreateTokenRequest& request,
                             v1::CreateTokenResponse* response);
  absl::Status DoListTokens(const Call& call,
                            const v1::ListTokensRequest& request,
                            v1::ListTokensResponse* response);
  absl::Status DoRevokeToken(const Call& call,
                             const v1::RevokeTokenRequest& request,
                             v1::Token* response);
  absl::Status DoWhoAmI(const Call& call, const v1::WhoAmIRequest& request,
                        v1::WhoAmIResponse* response);

  const ServiceDeps deps_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_DIRECTORY_SERVICE_H_
