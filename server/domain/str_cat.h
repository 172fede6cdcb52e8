#ifndef BREVIS_SERVER_DOMAIN_STR_CAT_H_
#define BREVIS_SERVER_DOMAIN_STR_CAT_H_

#include <concepts>
#include <string>
#include <string_view>
#include <vector>

namespace brevis {

// Concatenates strings and integers into one std::string. Debian builds
// abseil in C++17 mode with its own string_view type, so absl::StrCat does
// not accept std::string_view; this small twin does.
namespace str_cat_internal {
inline void Append(std::string& out, std::string_view piece) {
  out.append(piece);
}
inline void Append(std::string& out, char c) { out.push_back(c); }
// Other string types with data() and size(), such as absl::string_view.
template <typename Text>
requires requires(const Text& text) {
  { text.data() } -> std::convertible_to<const char*>;
  { text.size() } -> std::convertible_to<size_t>;
} &&(!std::convertible_to<Text, std::string_view>)void Append(
    std::string& out, const Text& text) {
  out.append(text.data(), text.size());
}
template <std::integral Integer>
requires(!std::same_as<Integer, char> &&
         !std::same_as<Integer, bool>) void Append(std::string& out,
                                                   Integer value) {
  out.append(std::to_string(value));
}
}  // namespace str_cat_internal

template <typename... Pieces>
std::string StrCat(const Pieces&... pieces) {
  std::string out;
  (str_cat_internal::Append(out, pieces), ...);
  return out;
}

// Joins `parts` (strings or string_views) with `separator` between them.
template <typename Part>
std::string StrJoin(const std::vector<Part>& parts,
                    std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(std::string_view(parts[i]));
  }
  return out;
}

}  // namespace brevis

#endif  // BREVIS_SERVER_DOMAIN_STR_CAT_H_
