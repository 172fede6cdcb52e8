#include "server/api/service_support.h"

#include "server/api/grpc_status.h"
#include "server/app/access_recorder.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/call_deadline.h"

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

namespace {

// The one method whose refusals are logged with their reason: a failed
// sign-in is what an operator is asked about, and its messages are written
// never to carry a secret, a subject or whose account it was.
constexpr std::string_view kLogsRefusalReason =
    "brevis.v1.DirectoryService/ExchangeSignIn";

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
  BREVIS_ASSIGN_OR_RETURN(domain::Caller caller,
                          deps.authenticator->Authenticate(
                              Metadata(context, "authorization"),
                              CertificateSubject(context), call->peer));
  call->caller = std::move(caller);
  call->time = deps.clock->Now();
  return absl::OkStatus();
}

void ObserveFinished(const ServiceDeps& deps, const Call& call,
                     const absl::Status& status, absl::Time start) {
  std::string storage_detail = store::EngineDetail(status);
  std::string_view reason;
  if (call.method == kLogsRefusalReason && storage_detail.empty()) {
    reason = std::string_view(status.message().data(), status.message().size());
  }
  deps.observer->Finished(
      {call.method, call.caller.name, static_cast<int>(status.code()),
       absl::Now() - start, call.request_id, call.peer, reason},
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
    app::AccessReceipt receipt;
    if (status.ok()) {
      // A write still running when the client gives up is rolled back.
      store::ScopedCallDeadline deadline(absl::FromChrono(context->deadline()));
      call.access_receipt = &receipt;
      status = work(call);
      call.access_receipt = nullptr;
    }
    if (status.ok() && receipt.pending()) {
      // A read is answered only once its access-log entries are durable.
      // The worker does not wait for that: the recorder's thread answers
      // right after the batch carrying them commits, and this thread takes
      // the next call (a wait here cost two context switches a read).
      deps.access->WhenWritten(receipt, [deps, call = std::move(call), reactor,
                                         start](absl::Status logged) {
        ObserveFinished(deps, call, logged, start);
        reactor->Finish(ToGrpcStatus(logged));
      });
      return;
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

}  // namespace brevis::api
