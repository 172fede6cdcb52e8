#include "server/store/engine_error.h"

#include "absl/strings/cord.h"
#include "server/domain/str_cat.h"

namespace brevis::store {
namespace {

// Where the engine's text is kept on a status.
constexpr char kEngineDetailUrl[] = "type.brevis/store.EngineDetail";

}  // namespace

absl::Status EngineStatus(absl::StatusCode code, std::string_view message,
                          std::string_view detail) {
  absl::Status status(code, absl::string_view(message.data(), message.size()));
  status.SetPayload(kEngineDetailUrl, absl::Cord(absl::string_view(
                                          detail.data(), detail.size())));
  return status;
}

std::string EngineDetail(const absl::Status& status) {
  // absl's own optional: Debian builds abseil in C++17 mode.
  auto detail = status.GetPayload(kEngineDetailUrl);
  return detail.has_value() ? std::string(*detail) : std::string();
}

std::string DescribeForLog(const absl::Status& status) {
  std::string detail = EngineDetail(status);
  if (detail.empty()) return std::string(status.message());
  return brevis::StrCat(status.message(), " [storage: ", detail, "]");
}

absl::Status Rephrase(const absl::Status& status, std::string_view message) {
  absl::Status out(status.code(),
                   absl::string_view(message.data(), message.size()));
  status.ForEachPayload([&](auto url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

namespace {
constexpr char kCommitOutcomeUnknown[] =
    "type.brevis/store.CommitOutcomeUnknown";
}  // namespace

absl::Status MarkCommitOutcomeUnknown(absl::Status status) {
  status.SetPayload(kCommitOutcomeUnknown, absl::Cord("1"));
  return status;
}

bool CommitOutcomeUnknown(const absl::Status& status) {
  return status.GetPayload(kCommitOutcomeUnknown).has_value();
}

}  // namespace brevis::store
