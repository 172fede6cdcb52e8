#ifndef BREVIS_SERVER_DOMAIN_TEXT_GUARD_H_
#define BREVIS_SERVER_DOMAIN_TEXT_GUARD_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace brevis::domain {

// Kinds of personal data that must never appear in audit free text.
enum class SensitiveKind {
  kPersonalIdentityNumber,
  kPhoneNumber,
  kEmailAddress
};

// A stretch of text that looks like personal data.
struct SensitiveMatch {
  SensitiveKind kind;
  // Offset in Unicode code points from the start of the text.
  size_t char_offset;
  // Length in code points.
  size_t char_length;
};

// Human-readable English name of a kind, e.g. "Swedish personal identity
// number", "phone number", "e-mail address".
std::string_view SensitiveKindName(SensitiveKind kind);

// True when `text` is well-formed UTF-8 (rejects overlongs, surrogates
// U+D800..DFFF, code points > U+10FFFF, truncated sequences).
bool IsValidUtf8(std::string_view text);

// Number of code points in valid UTF-8 text.
size_t CountCodePoints(std::string_view utf8);

// The first (lowest offset) match of personal data in valid UTF-8 text, or
// std::nullopt. Thread-safe.
//
// The text is read as a person sees it, however it is encoded: invisible
// characters (Unicode format characters such as the soft hyphen, zero-width
// space and joiners, word joiner, BOM and bidi controls) and combining
// marks are ignored; every space character (no-break, thin, em,
// ideographic...) counts as a space, every dash and minus sign as '-';
// decimal digits of any script and the compatibility forms of letters,
// digits and @ . + - ( ) (fullwidth, mathematical, super- and subscript,
// circled) count as their ASCII twins. The offset and length are still
// those of what was typed, in code points of `utf8`, and the match covers
// any invisible characters inside it.
//
// Swedish personal identity and coordination numbers only count when their
// date part and Luhn check digit are valid. A phone-like digit run that
// overlaps such a number is reported as the number instead. "Letter" in the
// boundary and e-mail rules means an ASCII letter, a Latin letter in
// U+00C0..U+024F, or a Greek or Cyrillic letter, so names like "Åsa" are
// handled the same as "Asa".
std::optional<SensitiveMatch> FindSensitiveData(std::string_view utf8);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_TEXT_GUARD_H_
