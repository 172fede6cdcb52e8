#include "server/domain/audit_lifecycle.h"

#include <algorithm>

#include "server/domain/str_cat.h"
#include "server/domain/validation.h"

namespace brevis::domain {
namespace {

constexpr size_t kMaxReasonChars = 2000;
// A refusal lists this many resources by name and counts the rest.
constexpr size_t kMaxNamesListed = 10;

std::string ListNames(const std::vector<std::string>& names) {
  std::vector<std::string> shown(
      names.begin(), names.begin() + static_cast<long>(std::min(
                                         names.size(), kMaxNamesListed)));
  std::string text = StrJoin(shown, ", ");
  if (names.size() > kMaxNamesListed) {
    text += StrCat(
        " and ", static_cast<int64_t>(names.size() - kMaxNamesListed), " more");
  }
  return text;
}

absl::Status Guard(std::string_view guard, std::string_view what) {
  return absl::FailedPreconditionError(StrCat("guard ", guard, ": ", what));
}

std::string_view Name(v1::AuditState state) {
  return v1::AuditState_Name(state);
}

bool IsOpen(v1::AuditState state) {
  return state != v1::AUDIT_STATE_CLOSED && state != v1::AUDIT_STATE_CANCELLED;
}

// The guard of moving forward into `to`.
absl::Status ForwardGuard(v1::AuditState to, std::string_view reason,
                          const LifecycleFacts& facts) {
  switch (to) {
    case v1::AUDIT_STATE_FIELDWORK:
      if (facts.auditors == 0) {
        return Guard("team-assigned",
                     "fieldwork needs at least one auditor on the audit's "
                     "team (audit.auditors)");
      }
      return absl::OkStatus();
    case v1::AUDIT_STATE_REPORTING:
      if (facts.findings == 0) {
        return Guard("has-findings", "reporting needs at least one finding");
      }
      return absl::OkStatus();
    case v1::AUDIT_STATE_PUBLISHED:
      if (!facts.unanswered_improvement_areas.empty() && reason.empty()) {
        return Guard(
            "every-improvement-area-answered",
            StrCat("these improvement areas lack a recommendation: ",
                   ListNames(facts.unanswered_improvement_areas),
                   "; add recommendations, or publish with a reason why "
                   "not"));
      }
      return absl::OkStatus();
    case v1::AUDIT_STATE_IN_PROGRESS:
      if (!facts.recommendations_without_response.empty()) {
        return Guard("every-recommendation-responded",
                     StrCat("the unit has not responded to: ",
                            ListNames(facts.recommendations_without_response)));
      }
      return absl::OkStatus();
    case v1::AUDIT_STATE_FOLLOW_UP:
      return absl::OkStatus();
    case v1::AUDIT_STATE_CLOSED:
      if (!facts.recommendations_without_verdict.empty()) {
        return Guard("every-recommendation-assessed",
                     StrCat("no follow-up verdict yet for: ",
                            ListNames(facts.recommendations_without_verdict)));
      }
      if (!facts.feedback_recorded) {
        return Guard("feedback-recorded",
                     "record the feedback to service users (when, to whom, "
                     "in what form) before closing");
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

}  // namespace

v1::AuditState NextState(v1::AuditState state) {
  switch (state) {
    case v1::AUDIT_STATE_PLANNED:
      return v1::AUDIT_STATE_FIELDWORK;
    case v1::AUDIT_STATE_FIELDWORK:
      return v1::AUDIT_STATE_REPORTING;
    case v1::AUDIT_STATE_REPORTING:
      return v1::AUDIT_STATE_PUBLISHED;
    case v1::AUDIT_STATE_PUBLISHED:
      return v1::AUDIT_STATE_IN_PROGRESS;
    case v1::AUDIT_STATE_IN_PROGRESS:
      return v1::AUDIT_STATE_FOLLOW_UP;
    case v1::AUDIT_STATE_FOLLOW_UP:
      return v1::AUDIT_STATE_CLOSED;
    default:
      return v1::AUDIT_STATE_UNSPECIFIED;
  }
}

absl::Status CheckTransition(const TransitionRequest& request,
                             const LifecycleFacts& facts) {
  v1::AuditState from = request.from;
  v1::AuditState to = request.to;
  if (to == v1::AUDIT_STATE_UNSPECIFIED || !v1::AuditState_IsValid(to)) {
    return absl::InvalidArgumentError(
        StrCat("state: unknown target state ", static_cast<int64_t>(to)));
  }
  if (auto s =
          CheckText("reason", request.reason, kMaxReasonChars, false, true);
      !s.ok()) {
    return s;
  }
  if (to == from) {
    return absl::FailedPreconditionError(
        StrCat("the audit is already ", Name(to)));
  }
  if (to == v1::AUDIT_STATE_CANCELLED) {
    if (!IsOpen(from)) {
      return Guard("open",
                   StrCat("a ", Name(from), " audit cannot be cancelled"));
    }
    if (request.reason.empty()) {
      return absl::InvalidArgumentError("reason: required to cancel an audit");
    }
    return absl::OkStatus();
  }
  if (NextState(from) == to) return ForwardGuard(to, request.reason, facts);
  if (from != v1::AUDIT_STATE_CANCELLED && NextState(to) == from) {
    if (!request.by_admin) {
      return absl::PermissionDeniedError(
          "only an admin may reopen a step of the lifecycle");
    }
    if (request.reason.empty()) {
      return absl::InvalidArgumentError(
          StrCat("reason: required to reopen ", Name(to)));
    }
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(StrCat(
      "an audit cannot go from ", Name(from), " to ", Name(to), "; from ",
      Name(from), " the next state is ",
      NextState(from) == v1::AUDIT_STATE_UNSPECIFIED ? std::string_view("none")
                                                     : Name(NextState(from))));
}

Permission TransitionPermission(v1::AuditState from, v1::AuditState to) {
  if (to == v1::AUDIT_STATE_CANCELLED) return Permission::kCommissionAudit;
  if (to == v1::AUDIT_STATE_IN_PROGRESS && from == v1::AUDIT_STATE_PUBLISHED) {
    return Permission::kRespond;
  }
  return Permission::kWriteContent;
}

absl::Status CheckTransitionPermission(const Caller& caller,
                                       const AuditFacts& audit,
                                       v1::AuditState to) {
  return CheckAuditPermission(caller, TransitionPermission(audit.state, to),
                              audit);
}

namespace {

constexpr v1::AuditState kPublishedStates[] = {
    v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS,
    v1::AUDIT_STATE_FOLLOW_UP, v1::AUDIT_STATE_CLOSED};
constexpr v1::AuditState kResponseStates[] = {v1::AUDIT_STATE_PUBLISHED,
                                              v1::AUDIT_STATE_IN_PROGRESS};
constexpr v1::AuditState kActionStates[] = {v1::AUDIT_STATE_PUBLISHED,
                                            v1::AUDIT_STATE_IN_PROGRESS,
                                            v1::AUDIT_STATE_FOLLOW_UP};
constexpr v1::AuditState kVerdictStates[] = {v1::AUDIT_STATE_FOLLOW_UP};

bool Contains(std::span<const v1::AuditState> states, v1::AuditState state) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

// What a refusal of `window` says, before the audit's state.
std::string_view WindowRule(StateWindow window) {
  switch (window) {
    case StateWindow::kResponses:
      return "the unit responds while the audit is PUBLISHED or IN_PROGRESS";
    case StateWindow::kActions:
      return "actions are kept from PUBLISHED until the audit closes";
    case StateWindow::kVerdicts:
      return "follow-up verdicts are recorded in FOLLOW_UP";
    case StateWindow::kFeedback:
      return "feedback to service users follows the published report";
  }
  return "";
}

}  // namespace

std::span<const v1::AuditState> PublishedStates() { return kPublishedStates; }

std::span<const v1::AuditState> WindowStates(StateWindow window) {
  switch (window) {
    case StateWindow::kResponses:
      return kResponseStates;
    case StateWindow::kActions:
    case StateWindow::kFeedback:
      return kActionStates;
    case StateWindow::kVerdicts:
      return kVerdictStates;
  }
  return {};
}

absl::Status CheckStateWindow(StateWindow window, v1::AuditState state) {
  if (Contains(WindowStates(window), state)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      StrCat(WindowRule(window), "; the audit is ", Name(state)));
}

absl::Status CheckContentNotFrozen(v1::AuditState state,
                                   std::string_view what) {
  if (!IsPublished(state)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      StrCat("the audit is ", Name(state),
             ": its findings and recommendations are frozen, so you cannot ",
             what, "; correct one with an update and a revision_reason"));
}

bool IsCorrection(v1::AuditState state, bool was_published) {
  return IsPublished(state) || was_published;
}

absl::Status CheckCorrectionReason(v1::AuditState state, bool was_published,
                                   std::string_view reason) {
  if (!IsCorrection(state, was_published)) {
    if (reason.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        "revision_reason: only for corrections of published text; this is "
        "a draft");
  }
  if (reason.empty()) {
    return absl::FailedPreconditionError(
        StrCat("revision_reason: the audit is ", Name(state),
               IsPublished(state) ? "" : " but this text was published",
               ", so this is a correction of published text, and the published "
               "version is kept; say why in revision_reason"));
  }
  return CheckText("revision_reason", reason, kMaxReasonChars, true, true);
}

absl::Status CheckRemovable(std::string_view name, bool was_published,
                            const std::vector<std::string>& actions) {
  std::string acted_on = actions.empty()
                             ? std::string()
                             : StrCat(" and the unit has acted on it (",
                                      StrJoin(actions, ", "), ")");
  if (was_published) {
    return absl::FailedPreconditionError(StrCat(
        name, " was published", acted_on,
        "; published text is never removed, also after a reopen: correct it "
        "with an update and a revision_reason instead"));
  }
  if (!actions.empty()) {
    return absl::FailedPreconditionError(StrCat(
        name, " cannot be deleted while the unit's actions under it remain: ",
        StrJoin(actions, ", ")));
  }
  return absl::OkStatus();
}

std::string_view StateDisplayName(v1::AuditState state) {
  switch (state) {
    case v1::AUDIT_STATE_PLANNED:
      return "planerad";
    case v1::AUDIT_STATE_FIELDWORK:
      return "fältarbete";
    case v1::AUDIT_STATE_REPORTING:
      return "rapportskrivning";
    case v1::AUDIT_STATE_PUBLISHED:
      return "publicerad";
    case v1::AUDIT_STATE_IN_PROGRESS:
      return "pågående";
    case v1::AUDIT_STATE_FOLLOW_UP:
      return "uppföljning";
    case v1::AUDIT_STATE_CLOSED:
      return "avslutad";
    case v1::AUDIT_STATE_CANCELLED:
      return "avbruten";
    default:
      return "okänd";
  }
}

}  // namespace brevis::domain
