#include "server/store/rows.h"

#include <cstdio>

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
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    return std::nullopt;
  }
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year(), date.month(),
                date.day());
  return std::string(text);
}

void SetDate(const std::string& text, v1::Date* date) {
  int year = 0, month = 0, day = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d", &year, &month, &day) == 3) {
    date->set_year(year);
    date->set_month(month);
    date->set_day(day);
  }
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
