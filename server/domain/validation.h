#ifndef BREVIS_SERVER_DOMAIN_VALIDATION_H_
#define BREVIS_SERVER_DOMAIN_VALIDATION_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/action.pb.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/feedback.pb.h"
#include "brevis/v1/finding.pb.h"
#include "brevis/v1/principal.pb.h"
#include "brevis/v1/recommendation.pb.h"
#include "brevis/v1/session.pb.h"
#include "brevis/v1/types.pb.h"
#include "brevis/v1/unit.pb.h"

namespace brevis::domain {

// Limits on what callers write, in Unicode characters.
inline constexpr size_t kMaxNameChars = 200;
inline constexpr size_t kMaxFindingTextChars = 10000;
inline constexpr size_t kMaxQuestionGuideChars = 20000;
inline constexpr int kMinParticipants = 1;
inline constexpr int kMaxParticipants = 1000;
inline constexpr int kMaxChildRightsArticle = 54;  // the CRC has 54 articles

// Every check returns OK or INVALID_ARGUMENT whose message starts with the
// field path (for example "finding.text") and states the rule broken. The
// first broken rule is reported. Output-only fields are ignored.

// Free text: valid UTF-8, at most `max_chars` characters, and, when
// `may_hold_personal_data` is true (audit content), no personal identity
// number, phone number or e-mail address (the message gives the character
// offset of the match).
absl::Status CheckText(std::string_view field, std::string_view text,
                       size_t max_chars, bool required,
                       bool may_hold_personal_data);

// A date is either wholly unset (all zero) or a real calendar date.
absl::Status CheckDate(std::string_view field, const v1::Date& date,
                       bool required);
bool IsSet(const v1::Date& date);
// Orders dates as the calendar does.
bool operator<(const v1::Date& a, const v1::Date& b);

absl::Status ValidateUnit(const v1::Unit& unit);
// The unit reference is checked by the caller (it must exist).
absl::Status ValidateAudit(const v1::Audit& audit);
absl::Status ValidateSession(const v1::Session& session);
absl::Status ValidateFinding(const v1::Finding& finding);
// Findings must name findings of `audit_uid`; that they exist is checked by
// the caller.
absl::Status ValidateRecommendation(const v1::Recommendation& recommendation,
                                    std::string_view audit_uid);

// Principals (validation_principal.cc). Unit references are parsed here;
// that they exist is checked by the caller.
// Also its contact e-mail (ValidateContactEmail), language and notification
// opt-outs (known values, none repeated).
absl::Status ValidatePrincipal(const v1::Principal& principal);
// A principal's contact e-mail: empty, or one address local@domain of at
// most kMaxEmailChars (RFC 5321 4.5.3.1), with a local part of at most 64,
// no line breaks, spaces, controls or the characters <>(),;:\"[] that
// could add a second address or a header. INVALID_ARGUMENT naming
// principal.contact_email and the rule; the message never repeats the
// address (it is personal data).
absl::Status ValidateContactEmail(std::string_view email);
inline constexpr size_t kMaxEmailChars = 254;
// A token to create: display_name and, when set, expire_time after `now`
// and at most kMaxTokenLifetime ahead.
absl::Status ValidateToken(const v1::Token& token, absl::Time now);
inline constexpr absl::Duration kDefaultTokenLifetime = absl::Hours(24 * 90);
inline constexpr absl::Duration kMaxTokenLifetime = absl::Hours(24 * 400);

// A sign-in link is a credential sent by hand (mail, chat), so it works for
// a day at most; the token it buys lives as long as a browser session may
// (issue 13: absolute limit 8 hours).
inline constexpr absl::Duration kMaxSignInLinkLifetime = absl::Hours(24);
inline constexpr absl::Duration kSignInTokenLifetime = absl::Hours(8);
// How long a new sign-in link works, from the request's `ttl` (seconds and
// nanos of a google.protobuf.Duration): zero means kMaxSignInLinkLifetime.
// INVALID_ARGUMENT naming `ttl` when negative, over that maximum, or not a
// valid Duration (seconds and nanos of different signs).
absl::StatusOr<absl::Duration> SignInLinkLifetime(int64_t ttl_seconds,
                                                  int32_t ttl_nanos);
// How long a token minted by ExchangeSignIn works, from the request's `ttl`
// as above: zero means kSignInTokenLifetime, the most allowed.
// INVALID_ARGUMENT naming `ttl` when negative, longer, or not valid.
absl::StatusOr<absl::Duration> SignInTokenLifetime(int64_t ttl_seconds,
                                                   int32_t ttl_nanos);

// An OpenID Connect identity (validation_identity.cc; issue 14). `field`
// names it in messages, e.g. "external_identity". The issuer is an https
// URL (OpenID Connect Discovery 1.0 §3: scheme https, a host, no query or
// fragment) of at most kMaxIssuerChars; the subject 1 to kMaxSubjectChars
// printable ASCII characters (OpenID Connect Core 1.0 §2: "sub" is at most
// 255 ASCII characters; controls could forge log lines). INVALID_ARGUMENT
// naming `<field>.issuer` or `<field>.subject` and the rule; the message
// never repeats the subject (it may be a personal identity number).
absl::Status ValidateExternalIdentity(const v1::ExternalIdentity& identity,
                                      std::string_view field);
inline constexpr size_t kMaxIssuerChars = 255;
inline constexpr size_t kMaxSubjectChars = 255;

absl::Status ValidateAction(const v1::Action& action);
absl::Status ValidateProgressNote(const v1::ProgressNote& note);

// The date it is now in Stockholm, YYYY-MM-DD: due dates are Swedish
// calendar days, so an action due on a day is overdue from the next
// midnight there (UTC where no time zone data is installed).
std::string StockholmDate(absl::Time now);

absl::Status ValidateResponse(const v1::UnitResponse& response);
absl::Status ValidateVerdict(const v1::FollowUpVerdict& verdict);
absl::Status ValidateFeedback(const v1::Feedback& feedback);

// A write that sent an etag applies only to the revision it read: ABORTED,
// naming `resource` (e.g. "unit"), when `sent` is given and is not
// `current`. An empty `sent` writes unconditionally.
absl::Status CheckEtag(std::string_view resource, std::string_view sent,
                       std::string_view current);

// request_id: empty, or 1-100 letters, digits, '-' or '_'.
absl::Status ValidateRequestId(std::string_view request_id);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_VALIDATION_H_
