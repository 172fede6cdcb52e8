#include "server/app/create_once.h"

#include "server/domain/digest.h"
#include "server/domain/status_macros.h"
#include "server/store/create_request_log.h"

namespace brevis::app {

std::string RequestFingerprint(const google::protobuf::Message& request) {
  return domain::Sha256(request.SerializeAsString());
}

absl::Status CreateOnce(
    store::Connection& connection, const Call& call, std::string_view method,
    std::string_view request_id, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    absl::FunctionRef<absl::Status()> create,
    absl::FunctionRef<absl::Status(std::string_view)> reread) {
  if (request_id.empty()) return create();
  store::CreateRequestLog log(connection);
  std::string fingerprint = RequestFingerprint(request);
  BREVIS_ASSIGN_OR_RETURN(auto earlier,
                          log.Find(method, call.caller.name, request_id));
  if (earlier.has_value()) {
    if (!domain::SameDigest(earlier->request_hash, fingerprint)) {
      return absl::InvalidArgumentError(
          "request_id: already used for a different request; a retry must "
          "send the same request, a new request a new request_id");
    }
    return reread(earlier->resource);
  }
  BREVIS_RETURN_IF_ERROR(create());
  const google::protobuf::FieldDescriptor* name =
      response->GetDescriptor()->FindFieldByName("name");
  std::string resource =
      name != nullptr ? response->GetReflection()->GetString(*response, name)
                      : std::string();
  return log.Record(method, call.caller.name, request_id,
                    store::CreateRecord{fingerprint, resource}, call.time);
}

std::string_view LastSegment(std::string_view name) {
  return name.substr(name.rfind('/') + 1);
}

}  // namespace brevis::app
