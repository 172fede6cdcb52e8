// Request validation and the text guard. The input is read three ways: as
// text for the guard and CheckText, and as each resource message for its
// Validate function. Properties: the guard's match lies inside the text,
// and no resource that validates carries text the guard flags.

#include "absl/time/time.h"
#include "server/domain/text_guard.h"
#include "server/domain/validation.h"
#include "tests/fuzz/fuzz_input.h"

namespace brevis::fuzz {
namespace {

void CheckGuard(std::string_view text) {
  if (!domain::IsValidUtf8(text)) {
    BREVIS_FUZZ_CHECK(!domain::CheckText("text", text, 10000, true, true).ok());
    return;
  }
  size_t chars = domain::CountCodePoints(text);
  BREVIS_FUZZ_CHECK(chars <= text.size());
  std::optional<domain::SensitiveMatch> match = domain::FindSensitiveData(text);
  if (match.has_value()) {
    BREVIS_FUZZ_CHECK(match->char_length > 0);
    BREVIS_FUZZ_CHECK(match->char_offset + match->char_length <= chars);
    BREVIS_FUZZ_CHECK(!domain::CheckText("text", text, 10000, true, true).ok());
  }
  domain::ValidateRequestId(text).IgnoreError();
}

template <typename Message>
bool Parse(std::string_view bytes, Message* message) {
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace
}  // namespace brevis::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brevis;  // NOLINT: a harness, not library code
  std::string_view input = fuzz::AsText(data, size);
  fuzz::CheckGuard(input);

  v1::Finding finding;
  if (fuzz::Parse(input, &finding) && domain::ValidateFinding(finding).ok()) {
    BREVIS_FUZZ_CHECK(!domain::FindSensitiveData(finding.text()).has_value());
  }
  v1::Audit audit;
  if (fuzz::Parse(input, &audit) && domain::ValidateAudit(audit).ok()) {
    BREVIS_FUZZ_CHECK(!domain::FindSensitiveData(audit.title()).has_value());
  }
  v1::Unit unit;
  if (fuzz::Parse(input, &unit)) domain::ValidateUnit(unit).IgnoreError();
  v1::Session session;
  if (fuzz::Parse(input, &session)) {
    domain::ValidateSession(session).IgnoreError();
  }
  v1::Recommendation recommendation;
  if (fuzz::Parse(input, &recommendation) &&
      domain::ValidateRecommendation(recommendation, "a1").ok()) {
    BREVIS_FUZZ_CHECK(
        !domain::FindSensitiveData(recommendation.text()).has_value());
  }
  v1::Principal principal;
  if (fuzz::Parse(input, &principal)) {
    domain::ValidatePrincipal(principal).IgnoreError();
  }
  v1::Token token;
  if (fuzz::Parse(input, &token)) {
    domain::ValidateToken(token, absl::FromUnixSeconds(1780000000))
        .IgnoreError();
  }
  v1::Action action;
  if (fuzz::Parse(input, &action)) domain::ValidateAction(action).IgnoreError();
  v1::ProgressNote note;
  if (fuzz::Parse(input, &note)) {
    domain::ValidateProgressNote(note).IgnoreError();
  }
  v1::UnitResponse response;
  if (fuzz::Parse(input, &response)) {
    domain::ValidateResponse(response).IgnoreError();
  }
  v1::FollowUpVerdict verdict;
  if (fuzz::Parse(input, &verdict)) {
    domain::ValidateVerdict(verdict).IgnoreError();
  }
  v1::Feedback feedback;
  if (fuzz::Parse(input, &feedback)) {
    domain::ValidateFeedback(feedback).IgnoreError();
  }
  return 0;
}
