#ifndef BREVIS_CLIENT_LIB_WEB_CAT_H_
#define BREVIS_CLIENT_LIB_WEB_CAT_H_

// Cat(...) joins strings, string_views and integers, and ParseInt reads a
// whole decimal integer. Debian's abseil has a string_view type of its own
// that std::string_view does not convert to, so absl::StrCat and
// absl::SimpleAtoi cannot take ours (the server has server/domain/str_cat.h
// for the same reason; client-lib may not include it).

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace brevis::web {

namespace cat_internal {
template <typename T>
void Add(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, char>) {
    out += value;
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    out += std::to_string(value);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out += std::string_view(value);
  } else {
    out.append(value.data(), value.size());  // absl::string_view
  }
}
}  // namespace cat_internal

template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (cat_internal::Add(out, parts), ...);
  return out;
}

// The integer `text` spells, all of it; false otherwise.
inline bool ParseInt(std::string_view text, int* out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return false;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_CAT_H_
