#include "brevis/client/client.h"

#include <cstdint>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "client-lib/src/client_core.h"
#include "google/protobuf/empty.pb.h"

namespace brevis::client {
namespace {

// The names rpcs.inc uses: every brevis.v1 type, and Empty.
namespace types {
using namespace ::brevis::v1;  // NOLINT(build/namespaces)
using Empty = ::google::protobuf::Empty;
}  // namespace types

// What rpcs.inc says of a call.
enum class RpcKind { kRead, kCreate, kWrite };

constexpr Retry RetryOf(RpcKind kind) {
  return kind == RpcKind::kWrite ? Retry::kNever : Retry::kSafe;
}

// The request as sent: a create gets a request_id when it has none, so
// that every attempt of this call carries the same one.
template <RpcKind kind, typename Request>
Request Prepared(const Request& request) {
  if constexpr (kind == RpcKind::kCreate) {
    static_assert(
        requires { request.request_id(); },
        "a create is retried only when it carries a request_id");
    if (request.request_id().empty()) {
      Request with_id = request;
      with_id.set_request_id(Client::NewRequestId());
      return with_id;
    }
  }
  return request;
}

// Methods answering google.protobuf.Empty return a plain absl::Status.
template <typename Response>
struct Returned {
  using Type = absl::StatusOr<Response>;
  static Type From(absl::StatusOr<Response> result) { return result; }
};
template <>
struct Returned<types::Empty> {
  using Type = absl::Status;
  static Type From(absl::StatusOr<types::Empty> result) {
    return result.status();
  }
};

// A Paged walk over `list`; `items` picks the repeated field of a page.
template <typename Item, typename Request, typename Response, typename Items>
Paged<Item> MakePaged(
    const Client& client, const Request& request, const CallOptions& call,
    absl::StatusOr<Response> (Client::*list)(const Request&, const CallOptions&)
        const,
    Items items) {
  return Paged<Item>(
      [client, request, call, list, items](const std::string& page_token)
          -> absl::StatusOr<typename Paged<Item>::Page> {
        Request page_request = request;
        if (!page_token.empty()) page_request.set_page_token(page_token);
        absl::StatusOr<Response> response = (client.*list)(page_request, call);
        if (!response.ok()) return response.status();
        typename Paged<Item>::Page page;
        items(*response, &page.items);
        page.next_page_token = response->next_page_token();
        return page;
      });
}

// Moves the repeated field `field` of a response into a vector.
#define BREVIS_ITEMS(field)                                 \
  [](auto& response, auto* out) {                           \
    auto* repeated = response.mutable_##field();            \
    out->assign(std::make_move_iterator(repeated->begin()), \
                std::make_move_iterator(repeated->end()));  \
  }

}  // namespace

// One method per line of rpcs.inc.
#define BREVIS_RPC(Service, Method, Request, Response, kind)               \
  Returned<types::Response>::Type Client::Method(                          \
      const types::Request& request, const CallOptions& call) const {      \
    return Returned<types::Response>::From(core_->Unary(                   \
        "/brevis.v1." #Service "/" #Method, &types::Service::Stub::Method, \
        core_->StubOf<types::Service>(), Prepared<RpcKind::kind>(request), \
        RetryOf(RpcKind::kind), call));                                    \
  }
#include "client-lib/src/rpcs.inc"
#undef BREVIS_RPC

const std::vector<std::pair<std::string, bool>>& Client::Methods() {
  static const auto* methods = new std::vector<std::pair<std::string, bool>>{
#define BREVIS_RPC(Service, Method, Request, Response, kind) \
  {"/brevis.v1." #Service "/" #Method, RetryOf(RpcKind::kind) == Retry::kSafe},
#include "client-lib/src/rpcs.inc"
#undef BREVIS_RPC
      // Resumed by EventWatcher.
      {"/brevis.v1.EventService/WatchEvents", true},
  };
  return *methods;
}

absl::StatusOr<Client> Client::Create(const ClientOptions& options) {
  absl::StatusOr<std::shared_ptr<const ClientCore>> core =
      ClientCore::Create(options);
  if (!core.ok()) return core.status();
  return Client(*std::move(core));
}

Client::Client(std::shared_ptr<const ClientCore> core)
    : core_(std::move(core)) {}

Client::~Client() = default;

const ClientOptions& Client::options() const { return core_->options(); }

absl::StatusOr<Client> Client::WithToken(std::string secret) const {
  absl::StatusOr<std::shared_ptr<const ClientCore>> core =
      core_->WithToken(std::move(secret));
  if (!core.ok()) return core.status();
  return Client(*std::move(core));
}

std::string Client::NewRequestId() {
  thread_local absl::BitGen random;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(random),
                         absl::Uniform<uint64_t>(random));
}

// The walks: one line each, the list method and the field with the items.
#define BREVIS_WALK(Item, Walk, List, field)                           \
  Paged<types::Item> Client::Walk(const types::List##Request& request, \
                                  const CallOptions& call) const {     \
    return MakePaged<types::Item>(*this, request, call, &Client::List, \
                                  BREVIS_ITEMS(field));                \
  }
BREVIS_WALK(Unit, WalkUnits, ListUnits, units)
BREVIS_WALK(Principal, WalkPrincipals, ListPrincipals, principals)
BREVIS_WALK(Token, WalkTokens, ListTokens, tokens)
BREVIS_WALK(SignInLink, WalkSignInLinks, ListSignInLinks, sign_in_links)
BREVIS_WALK(Audit, WalkAudits, ListAudits, audits)
BREVIS_WALK(Session, WalkSessions, ListSessions, sessions)
BREVIS_WALK(Finding, WalkFindings, ListFindings, findings)
BREVIS_WALK(Recommendation, WalkRecommendations, ListRecommendations,
            recommendations)
BREVIS_WALK(Feedback, WalkFeedback, ListFeedback, feedback)
BREVIS_WALK(Action, WalkActions, ListActions, actions)
BREVIS_WALK(AccessLogEntry, WalkAccessLog, ListAccessLog, entries)
BREVIS_WALK(Event, WalkEvents, ListEvents, events)
BREVIS_WALK(OverdueDigest, WalkOverdueActions, ListOverdueActions, digests)
#undef BREVIS_WALK

Paged<std::string> Client::WalkExportCsv(const v1::ExportAuditsRequest& request,
                                         const CallOptions& call) const {
  return MakePaged<std::string>(
      *this, request, call, &Client::ExportAudits,
      [](v1::ExportAuditsResponse& response, std::vector<std::string>* out) {
        out->push_back(std::move(*response.mutable_csv()));
      });
}

}  // namespace brevis::client
