#include "server/store/rows.h"

#include "server/domain/calendar.h"
#include "server/domain/validation.h"

namespace brevis::store {

void SetTimestamp(int64_t micros, google::protobuf::Timestamp* timestamp) {
  int64_t seconds = micros / 1000000;
  int64_t remainder = micros % 1000000;
  if (remainder < 0) {
    remainder += 1000000;
    --seconds;
  }
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(static_cast<int32_t>(remainder * 1000));
}

std::optional<std::string> DateColumn(const v1::Date& date) {
  if (!domain::IsSet(date)) return std::nullopt;
  return domain::DateText(date);
}

void SetDate(const std::string& text, v1::Date* date) {
  absl::StatusOr<v1::Date> parsed = domain::ParseDate("date column", text);
  if (parsed.ok()) *date = *parsed;
}

int64_t ToMask(const google::protobuf::RepeatedField<int>& values) {
  int64_t mask = 0;
  for (int value : values) mask |= int64_t{1} << value;
  return mask;
}

void FromMask(int64_t mask, google::protobuf::RepeatedField<int>* values) {
  values->Clear();
  for (int bit = 0; bit < 63; ++bit) {
    if (mask & (int64_t{1} << bit)) values->Add(bit);
  }
}

}  // namespace brevis::store
