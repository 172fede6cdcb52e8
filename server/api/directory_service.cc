#include "server/api/directory_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* DirectoryService::CreateUnit(
    grpc::CallbackServerContext* context, const v1::CreateUnitRequest* request,
    v1::Unit* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/CreateUnit",
               [this, request, response](const Call& call) {
                 return Answer(directory_.CreateUnit(call, *request), response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::GetUnit(
    grpc::CallbackServerContext* context, const v1::GetUnitRequest* request,
    v1::Unit* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/GetUnit",
               [this, request, response](const Call& call) {
                 return Answer(directory_.GetUnit(call, *request), response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::ListUnits(
    grpc::CallbackServerContext* context, const v1::ListUnitsRequest* request,
    v1::ListUnitsResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/ListUnits",
               [this, request, response](const Call& call) {
                 return Answer(directory_.ListUnits(call, *request), response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::UpdateUnit(
    grpc::CallbackServerContext* context, const v1::UpdateUnitRequest* request,
    v1::Unit* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/UpdateUnit",
               [this, request, response](const Call& call) {
                 return Answer(directory_.UpdateUnit(call, *request), response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::CreatePrincipal(
    grpc::CallbackServerContext* context,
    const v1::CreatePrincipalRequest* request, v1::Principal* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/CreatePrincipal",
               [this, request, response](const Call& call) {
                 return Answer(directory_.CreatePrincipal(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::GetPrincipal(
    grpc::CallbackServerContext* context,
    const v1::GetPrincipalRequest* request, v1::Principal* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/GetPrincipal",
               [this, request, response](const Call& call) {
                 return Answer(directory_.GetPrincipal(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::ListPrincipals(
    grpc::CallbackServerContext* context,
    const v1::ListPrincipalsRequest* request,
    v1::ListPrincipalsResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/ListPrincipals",
               [this, request, response](const Call& call) {
                 return Answer(directory_.ListPrincipals(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::UpdatePrincipal(
    grpc::CallbackServerContext* context,
    const v1::UpdatePrincipalRequest* request, v1::Principal* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/UpdatePrincipal",
               [this, request, response](const Call& call) {
                 return Answer(directory_.UpdatePrincipal(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::CreateToken(
    grpc::CallbackServerContext* context, const v1::CreateTokenRequest* request,
    v1::CreateTokenResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/CreateToken",
               [this, request, response](const Call& call) {
                 return Answer(directory_.CreateToken(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::ListTokens(
    grpc::CallbackServerContext* context, const v1::ListTokensRequest* request,
    v1::ListTokensResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/ListTokens",
               [this, request, response](const Call& call) {
                 return Answer(directory_.ListTokens(call, *request), response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::RevokeToken(
    grpc::CallbackServerContext* context, const v1::RevokeTokenRequest* request,
    v1::Token* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/RevokeToken",
               [this, request, response](const Call& call) {
                 return Answer(directory_.RevokeToken(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::WhoAmI(
    grpc::CallbackServerContext* context, const v1::WhoAmIRequest* request,
    v1::WhoAmIResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/WhoAmI",
               [this, request, response](const Call& call) {
                 return Answer(directory_.WhoAmI(call, *request), response);
               });
}

}  // namespace brevis::api
