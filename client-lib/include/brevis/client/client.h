#ifndef BREVIS_CLIENT_CLIENT_H_
#define BREVIS_CLIENT_CLIENT_H_

// brevis::client::Client: the brevis API from C++. One typed method per RPC
// of brevis.v1, plus Paged walks of every List call and a resuming event
// watch (event_watcher.h). It adds no rules of its own; it only does what
// every caller would otherwise have to get right: credentials, deadlines,
// safe retries, request ids, paging and resuming.
//
// Thread-safe: one Client (and its copies, which share it) may be used from
// any number of threads at once. All calls share one gRPC channel.
//
// What a method returns on failure, besides the codes its RPC documents in
// proto/brevis/v1 (NOT_FOUND, INVALID_ARGUMENT naming the field,
// FAILED_PRECONDITION naming the guard, ABORTED on a stale etag, ...):
// - UNAUTHENTICATED: no token, or one the server does not accept;
//   PERMISSION_DENIED: the token's principal may not make this call.
// - UNAVAILABLE: the server could not be reached. Reads, lists and creates
//   have then already been retried as ClientOptions::retry says (the message
//   tells how many attempts were made); other writes are sent once, since
//   the first attempt may have been applied.
// - DEADLINE_EXCEEDED: the call's deadline passed, retries included.
// The message is the server's (or gRPC's) text, unchanged.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "brevis/client/event_watcher.h"
#include "brevis/client/options.h"
#include "brevis/client/paged.h"
#include "brevis/v1/access_log_service.pb.h"
#include "brevis/v1/audit_service.pb.h"
#include "brevis/v1/directory_service.pb.h"
#include "brevis/v1/event_service.pb.h"
#include "brevis/v1/report_service.pb.h"

namespace brevis::client {

namespace v1 = ::brevis::v1;

class ClientCore;

class Client {
 public:
  // Checks the options, reads the token and TLS files, and sets up the
  // channel (it connects on the first call). INVALID_ARGUMENT for options
  // that contradict each other (both token and token_file, a certificate
  // without its key, a deadline that is not positive, no target);
  // FAILED_PRECONDITION when a file cannot be read, is empty, or the token
  // file holds something that is not a token. Never contacts the server.
  static absl::StatusOr<Client> Create(const ClientOptions& options);

  // Copies share the channel and the settings.
  Client(const Client&) = default;
  Client& operator=(const Client&) = default;
  Client(Client&&) = default;
  Client& operator=(Client&&) = default;
  ~Client();

  const ClientOptions& options() const;

  // A client that calls as another principal: it shares this one's channel
  // (the connection, TLS and client certificate) and settings, but sends
  // `secret` as `authorization: Bearer <secret>` instead of this client's
  // token. Cheap enough to make one per signed-in browser session (a web
  // front end holds one Client with its own client certificate, calls
  // ExchangeSignIn with it, and makes one of these per session).
  // INVALID_ARGUMENT for an empty secret or one with spaces or non-printable
  // characters. Never contacts the server.
  absl::StatusOr<Client> WithToken(std::string secret) const;

  // A new request id: 32 lowercase hex digits from a random source. Create
  // methods fill an empty request_id with one, so that a retry of the same
  // call returns the first result instead of a duplicate.
  static std::string NewRequestId();

  // ----- DirectoryService: units, principals, tokens. Reads and creates
  // are retried; updates and token calls are sent once. CreateToken has no
  // request_id, so it is never retried: a retry could mint a second secret.
  absl::StatusOr<v1::Unit> CreateUnit(const v1::CreateUnitRequest& request,
                                      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Unit> GetUnit(const v1::GetUnitRequest& request,
                                   const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListUnitsResponse> ListUnits(
      const v1::ListUnitsRequest& request, const CallOptions& call = {}) const;
  absl::StatusOr<v1::Unit> UpdateUnit(const v1::UpdateUnitRequest& request,
                                      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Principal> CreatePrincipal(
      const v1::CreatePrincipalRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Principal> GetPrincipal(
      const v1::GetPrincipalRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListPrincipalsResponse> ListPrincipals(
      const v1::ListPrincipalsRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Principal> UpdatePrincipal(
      const v1::UpdatePrincipalRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(
      const v1::CreateTokenRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListTokensResponse> ListTokens(
      const v1::ListTokensRequest& request, const CallOptions& call = {}) const;
  absl::StatusOr<v1::Token> RevokeToken(const v1::RevokeTokenRequest& request,
                                        const CallOptions& call = {}) const;
  // Sign-in links: CreateSignInLink is sent once (a retry would mint a
  // second secret), ListSignInLinks retried.
  absl::StatusOr<v1::CreateSignInLinkResponse> CreateSignInLink(
      const v1::CreateSignInLinkRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListSignInLinksResponse> ListSignInLinks(
      const v1::ListSignInLinksRequest& request,
      const CallOptions& call = {}) const;
  // External identities (admins): sent once; a retried add of an identity
  // that arrived would be ALREADY_EXISTS.
  absl::StatusOr<v1::Principal> AddExternalIdentity(
      const v1::AddExternalIdentityRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Principal> RemoveExternalIdentity(
      const v1::RemoveExternalIdentityRequest& request,
      const CallOptions& call = {}) const;
  // Only a client whose principal has SCOPE_SIGN_IN (brevis-web). Sent
  // once: a lost answer has used a link up, and the person needs a new one.
  absl::StatusOr<v1::ExchangeSignInResponse> ExchangeSignIn(
      const v1::ExchangeSignInRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(
      const v1::WhoAmIRequest& request = {},
      const CallOptions& call = {}) const;

  // ----- AuditService: audits and their content. Gets, lists and creates
  // are retried. Updates, deletes, TransitionAudit, RespondToRecommendation,
  // RecordVerdict, UpdateAction and AddProgressNote are sent once: after a
  // lost response the caller reads the resource to learn whether it
  // changed.
  absl::StatusOr<v1::Audit> CreateAudit(const v1::CreateAuditRequest& request,
                                        const CallOptions& call = {}) const;
  absl::StatusOr<v1::Audit> GetAudit(const v1::GetAuditRequest& request,
                                     const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListAuditsResponse> ListAudits(
      const v1::ListAuditsRequest& request, const CallOptions& call = {}) const;
  absl::StatusOr<v1::Audit> UpdateAudit(const v1::UpdateAuditRequest& request,
                                        const CallOptions& call = {}) const;
  absl::StatusOr<v1::Session> CreateSession(
      const v1::CreateSessionRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListSessionsResponse> ListSessions(
      const v1::ListSessionsRequest& request,
      const CallOptions& call = {}) const;
  absl::Status DeleteSession(const v1::DeleteSessionRequest& request,
                             const CallOptions& call = {}) const;
  absl::StatusOr<v1::Finding> CreateFinding(
      const v1::CreateFindingRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Finding> GetFinding(const v1::GetFindingRequest& request,
                                         const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListFindingsResponse> ListFindings(
      const v1::ListFindingsRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Finding> UpdateFinding(
      const v1::UpdateFindingRequest& request,
      const CallOptions& call = {}) const;
  absl::Status DeleteFinding(const v1::DeleteFindingRequest& request,
                             const CallOptions& call = {}) const;
  absl::StatusOr<v1::Recommendation> CreateRecommendation(
      const v1::CreateRecommendationRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Recommendation> GetRecommendation(
      const v1::GetRecommendationRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListRecommendationsResponse> ListRecommendations(
      const v1::ListRecommendationsRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Recommendation> UpdateRecommendation(
      const v1::UpdateRecommendationRequest& request,
      const CallOptions& call = {}) const;
  absl::Status DeleteRecommendation(
      const v1::DeleteRecommendationRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Audit> TransitionAudit(
      const v1::TransitionAuditRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Recommendation> RespondToRecommendation(
      const v1::RespondToRecommendationRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Recommendation> RecordVerdict(
      const v1::RecordVerdictRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Feedback> CreateFeedback(
      const v1::CreateFeedbackRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListFeedbackResponse> ListFeedback(
      const v1::ListFeedbackRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListFindingRevisionsResponse> ListFindingRevisions(
      const v1::ListRevisionsRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListRecommendationRevisionsResponse>
  ListRecommendationRevisions(const v1::ListRevisionsRequest& request,
                              const CallOptions& call = {}) const;
  absl::StatusOr<v1::Action> CreateAction(
      const v1::CreateActionRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Action> GetAction(const v1::GetActionRequest& request,
                                       const CallOptions& call = {}) const;
  absl::StatusOr<v1::Action> UpdateAction(
      const v1::UpdateActionRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::Action> AddProgressNote(
      const v1::AddProgressNoteRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListActionsResponse> ListActions(
      const v1::ListActionsRequest& request,
      const CallOptions& call = {}) const;

  // ----- AccessLogService (admins), ReportService, EventService. All
  // reads, all retried.
  absl::StatusOr<v1::ListAccessLogResponse> ListAccessLog(
      const v1::ListAccessLogRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::AuditReport> GetAuditReport(
      const v1::GetAuditReportRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::UnitSummary> GetUnitSummary(
      const v1::GetUnitSummaryRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListOverdueActionsResponse> ListOverdueActions(
      const v1::ListOverdueActionsRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ExportAuditsResponse> ExportAudits(
      const v1::ExportAuditsRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListEventsResponse> ListEvents(
      const v1::ListEventsRequest& request, const CallOptions& call = {}) const;

  // One WatchEvents stream, not resumed: `on_response` gets each message
  // on the calling thread until it returns false (then the stream is
  // cancelled and OK returned) or the stream ends (its status returned).
  // The stream has no deadline unless `call` gives one. For a watch that
  // survives disconnects, use NewEventWatcher.
  absl::Status WatchEvents(
      const v1::WatchEventsRequest& request,
      const std::function<bool(const v1::WatchEventsResponse&)>& on_response,
      const CallOptions& call = {}) const;

  // A watch that resumes after a disconnect from the last resume_after it
  // saw, so that no event is missed or repeated; see event_watcher.h.
  EventWatcher NewEventWatcher(const v1::WatchEventsRequest& request,
                               const CallOptions& call = {}) const;

  // ----- Every item of a List call, page by page as Next asks for them.
  // The request's page_token is where the walk starts (usually empty);
  // page_size and filter apply to every page. Each page request is retried
  // like the List call itself.
  Paged<v1::Unit> WalkUnits(const v1::ListUnitsRequest& request,
                            const CallOptions& call = {}) const;
  Paged<v1::Principal> WalkPrincipals(const v1::ListPrincipalsRequest& request,
                                      const CallOptions& call = {}) const;
  Paged<v1::Token> WalkTokens(const v1::ListTokensRequest& request,
                              const CallOptions& call = {}) const;
  Paged<v1::SignInLink> WalkSignInLinks(
      const v1::ListSignInLinksRequest& request,
      const CallOptions& call = {}) const;
  Paged<v1::Audit> WalkAudits(const v1::ListAuditsRequest& request,
                              const CallOptions& call = {}) const;
  Paged<v1::Session> WalkSessions(const v1::ListSessionsRequest& request,
                                  const CallOptions& call = {}) const;
  Paged<v1::Finding> WalkFindings(const v1::ListFindingsRequest& request,
                                  const CallOptions& call = {}) const;
  Paged<v1::Recommendation> WalkRecommendations(
      const v1::ListRecommendationsRequest& request,
      const CallOptions& call = {}) const;
  Paged<v1::Feedback> WalkFeedback(const v1::ListFeedbackRequest& request,
                                   const CallOptions& call = {}) const;
  Paged<v1::Action> WalkActions(const v1::ListActionsRequest& request,
                                const CallOptions& call = {}) const;
  Paged<v1::AccessLogEntry> WalkAccessLog(
      const v1::ListAccessLogRequest& request,
      const CallOptions& call = {}) const;
  Paged<v1::Event> WalkEvents(const v1::ListEventsRequest& request,
                              const CallOptions& call = {}) const;
  Paged<v1::OverdueDigest> WalkOverdueActions(
      const v1::ListOverdueActionsRequest& request,
      const CallOptions& call = {}) const;
  // One item per page: the page's CSV text. Concatenated they are one CSV
  // file (the first page starts with the header row).
  Paged<std::string> WalkExportCsv(const v1::ExportAuditsRequest& request,
                                   const CallOptions& call = {}) const;

  // The full names ("/brevis.v1.DirectoryService/GetUnit") of every RPC
  // this client has a method for, each with whether it is retried.
  static const std::vector<std::pair<std::string, bool>>& Methods();

 private:
  explicit Client(std::shared_ptr<const ClientCore> core);

  std::shared_ptr<const ClientCore> core_;
};

}  // namespace brevis::client

#endif  // BREVIS_CLIENT_CLIENT_H_
