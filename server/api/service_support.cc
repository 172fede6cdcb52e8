#include "server/api/service_support.h"

#include <algorithm>

#include "server/api/grpc_status.h"
#include "server/auth/token_secret.h"
#include "server/domain/str_cat.h"
#include "server/store/call_deadline.h"
#include "server/store/create_request_log.h"

namespace brevis::api {

namespace {

std::string_view Metadata(grpc::CallbackServerContext* context,
                          std::string_view key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return {};
  return std::string_view(it->second.data(), it->second.size());
}

// The verified client certificate's common name, when mutual TLS is on.
std::string CertificateSubject(grpc::CallbackServerContext* context) {
  std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  std::vector<grpc::string_ref> names =
      auth->FindPropertyValues("x509_common_name");
  if (names.empty()) return "";
  return std::string(names.front().data(), names.front().size());
}

}  // namespace

v1::AccessLogEntry Call::Entry(v1::AccessKind kind,
                               std::string resource) const {
  v1::AccessLogEntry entry;
  store::SetTimestamp(absl::ToUnixMicros(time), entry.mutable_time());
  entry.set_principal(caller.name);
  entry.set_method(method);
  entry.set_kind(kind);
  entry.set_resource(std::move(resource));
  entry.set_request_id(request_id);
  entry.set_peer(peer);
  return entry;
}

namespace {

// Who is calling what, from where: everything of a Call but the caller.
void DescribeCall(grpc::CallbackServerContext* context, std::string_view method,
                  Call* call) {
  call->peer = context->peer();
  call->method = std::string(method);
  call->request_id =
      std::string(Metadata(context, "x-request-id").substr(0, 100));
}

}  // namespace

absl::Status OpenCall(grpc::CallbackServerContext* context,
                      const ServiceDeps& deps, std::string_view method,
                      Call* call) {
  DescribeCall(context, method, call);
  absl::StatusOr<domain::Caller> caller =
      deps.authenticator->Authenticate(Metadata(context, "authorization"),
                                       CertificateSubject(context), call->peer);
  if (!caller.ok()) return caller.status();
  call->caller = std::move(*caller);
  call->time = deps.clock->Now();
  return absl::OkStatus();
}

void ObserveFinished(const ServiceDeps& deps, const Call& call,
                     const absl::Status& status, absl::Time start) {
  std::string storage_detail = store::EngineDetail(status);
  deps.observer->Finished(
      {call.method, call.caller.name, static_cast<int>(status.code()),
       absl::Now() - start, call.request_id, call.peer},
      storage_detail);
}

grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                const ServiceDeps& deps,
                                std::string_view method,
                                std::function<absl::Status(const Call&)> work) {
  // Latency is real time; the clock the domain sees may be a test's.
  absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = deps.calls->StartUnary();
  auto finish = [&](const Call& call, const absl::Status& status) {
    ObserveFinished(deps, call, status, start);
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  };
  // What needs no database is answered here, on gRPC's thread, so that a
  // flood of calls without credentials, or of calls the client has already
  // reset, costs next to nothing and never queues ahead of real work.
  Call early;
  DescribeCall(context, method, &early);
  if (context->IsCancelled()) return finish(early, CancelledByClient());
  if (std::optional<absl::Status> refusal =
          deps.authenticator->RefuseWithoutLookup(
              Metadata(context, "authorization"), CertificateSubject(context),
              early.peer)) {
    return finish(early, *refusal);
  }
  // The context, request and response live until the reactor is finished.
  bool queued = deps.executor->TryRun([context, deps,
                                       method = std::string(method),
                                       work = std::move(work), reactor, start] {
    Call call;
    absl::Status status;
    if (context->IsCancelled()) {
      // The client gave up while the call waited: no work for nobody.
      DescribeCall(context, method, &call);
      status = CancelledByClient();
    } else {
      status = OpenCall(context, deps, method, &call);
    }
    if (status.ok()) {
      // A write still running when the client gives up is rolled back.
      store::ScopedCallDeadline deadline(absl::FromChrono(context->deadline()));
      status = work(call);
    }
    ObserveFinished(deps, call, status, start);
    reactor->Finish(ToGrpcStatus(status));
  });
  if (!queued) {
    return finish(early, absl::ResourceExhaustedError(
                             "brevisd is busy: too many calls are waiting for "
                             "a worker; retry later with backoff"));
  }
  return reactor;
}

absl::Status CancelledByClient() {
  return absl::CancelledError("the client cancelled the call");
}

absl::Status RecordReadNames(AccessRecorder& recorder, const Call& call,
                             std::vector<std::string> names) {
  std::vector<v1::AccessLogEntry> entries;
  entries.reserve(names.size());
  for (std::string& name : names) {
    entries.push_back(call.Entry(v1::ACCESS_KIND_READ, std::move(name)));
  }
  return recorder.Record(std::move(entries));
}

std::string ListScope(const Call& call, std::string_view parts) {
  return brevis::StrCat(call.method, "\n", call.caller.name, "\n", parts);
}

absl::StatusOr<ListWindow> OpenListWindow(const auth::PageTokenCodec& codec,
                                          std::string scope, int32_t page_size,
                                          std::string_view page_token) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        "page_size: must not be negative (0 means the default of 50)");
  }
  ListWindow window;
  window.limit = page_size == 0 ? kDefaultPageSize
                                : std::min<int>(page_size, kMaxPageSize);
  absl::StatusOr<int64_t> after = codec.Decode(scope, page_token);
  if (!after.ok()) return after.status();
  window.after_id = *after;
  window.scope = std::move(scope);
  return window;
}

absl::Status CreateOnce(
    store::Connection& connection, const Call& call, std::string_view method,
    std::string_view request_id, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    absl::FunctionRef<absl::Status()> create,
    absl::FunctionRef<absl::Status(std::string_view)> reread) {
  if (request_id.empty()) return create();
  store::CreateRequestLog log(connection);
  std::string hash = auth::HashTokenSecret(request.SerializeAsString());
  auto earlier = log.Find(method, call.caller.name, request_id);
  if (!earlier.ok()) return earlier.status();
  if (earlier->has_value()) {
    if (!auth::SameHash((*earlier)->request_hash, hash)) {
      return absl::InvalidArgumentError(
          "request_id: already used for a different request; a retry must "
          "send the same request, a new request a new request_id");
    }
    return reread((*earlier)->resource);
  }
  if (absl::Status s = create(); !s.ok()) return s;
  const google::protobuf::FieldDescriptor* name =
      response->GetDescriptor()->FindFieldByName("name");
  std::string resource =
      name != nullptr ? response->GetReflection()->GetString(*response, name)
                      : std::string();
  return log.Record(method, call.caller.name, request_id,
                    store::CreateRecord{hash, resource}, call.time);
}

std::string_view LastSegment(std::string_view name) {
  return name.substr(name.rfind('/') + 1);
}

}  // namespace brevis::api
