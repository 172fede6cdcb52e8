#include "server/domain/text_guard.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/text_guard_tables.h"

namespace brevis::domain {
namespace {

constexpr char32_t kReplacementChar = 0xFFFD;

// Byte range [begin, end) of a candidate match.
struct Span {
  size_t begin;
  size_t end;
};

struct Decoded {
  char32_t code_point;
  size_t length;
};

bool IsContinuationByte(unsigned char byte) { return (byte & 0xC0) == 0x80; }

bool IsDigitByte(char c) { return c >= '0' && c <= '9'; }

// Lenient on purpose: FindSensitiveData documents valid input, but a caller
// that skips validation must get a wrong answer rather than undefined
// behaviour, so malformed bytes decode one at a time as U+FFFD.
Decoded DecodeAt(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1};
  size_t length;
  char32_t code_point;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return {kReplacementChar, 1};
  }
  if (pos + length > text.size()) return {kReplacementChar, 1};
  for (size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if (!IsContinuationByte(byte)) return {kReplacementChar, 1};
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  return {code_point, length};
}

// The code point that ends exactly at `pos`, with the byte where it starts.
std::optional<Decoded> DecodeBefore(std::string_view text, size_t pos,
                                    size_t* start) {
  if (pos == 0) return std::nullopt;
  size_t begin = pos - 1;
  while (begin > 0 && pos - begin < 4 &&
         IsContinuationByte(static_cast<unsigned char>(text[begin]))) {
    --begin;
  }
  Decoded decoded = DecodeAt(text, begin);
  if (begin + decoded.length != pos) {
    // A stray continuation byte: step over it alone.
    begin = pos - 1;
    decoded = {kReplacementChar, 1};
  }
  *start = begin;
  return decoded;
}

// Swedish names are written with Latin letters outside ASCII (å, ä, ö, é,
// ü...), and treating them as word characters keeps "Åsa" and "Asa" alike.
// Greek and Cyrillic letters count too: many of them look like Latin ones,
// so "exаmple.se" with a Cyrillic "а" still reads as a domain.
bool IsLetter(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  return (c >= 0x386 && c <= 0x3FF && c != 0x387) ||
         (c >= 0x400 && c <= 0x52F && (c < 0x482 || c > 0x489));
}

bool IsAlnum(char32_t c) { return (c >= '0' && c <= '9') || IsLetter(c); }

bool AlnumBefore(std::string_view text, size_t pos) {
  size_t start;
  const std::optional<Decoded> before = DecodeBefore(text, pos, &start);
  return before.has_value() && IsAlnum(before->code_point);
}

bool AlnumAt(std::string_view text, size_t pos) {
  return pos < text.size() && IsAlnum(DecodeAt(text, pos).code_point);
}

size_t DigitRunEnd(std::string_view text, size_t pos) {
  while (pos < text.size() && IsDigitByte(text[pos])) ++pos;
  return pos;
}

bool DigitAt(std::string_view text, size_t pos) {
  return pos < text.size() && IsDigitByte(text[pos]);
}

bool NonZeroDigitAt(std::string_view text, size_t pos) {
  return DigitAt(text, pos) && text[pos] != '0';
}

// What may stand between the digit groups of a number. The skeleton has
// already turned every space character into ' ' and every dash and minus
// sign into '-' (word processors and phones turn '-' into other dashes and
// ' ' into no-break or thin spaces).
enum class SeparatorClass { kNone, kSpace, kDash, kDot };

struct Separator {
  SeparatorClass kind;
  // Length in bytes; 0 for kNone.
  size_t length;
};

Separator SeparatorAt(std::string_view text, size_t pos) {
  if (pos >= text.size()) return {SeparatorClass::kNone, 0};
  switch (text[pos]) {
    case ' ':
      return {SeparatorClass::kSpace, 1};
    case '-':
      return {SeparatorClass::kDash, 1};
    case '.':
      return {SeparatorClass::kDot, 1};
    default:
      return {SeparatorClass::kNone, 0};
  }
}

// Checks the 10-digit form YYMMDDNNNC: a plausible month and day (day + 60
// for coordination numbers) and the Luhn check digit C over YYMMDDNNN.
bool IsValidPersonalNumber(const std::array<int, 10>& d) {
  const int month = d[2] * 10 + d[3];
  const int day = d[4] * 10 + d[5];
  if (month < 1 || month > 12) return false;
  const bool birth_day = day >= 1 && day <= 31;
  const bool coordination_day = day >= 61 && day <= 91;
  if (!birth_day && !coordination_day) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    int product = d[i] * (i % 2 == 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - sum % 10) % 10 == d[9];
}

// End of a personal identity or coordination number starting at `pos`.
std::optional<size_t> PersonalNumberEndAt(std::string_view text, size_t pos) {
  if (pos >= text.size() || !IsDigitByte(text[pos]) || AlnumBefore(text, pos)) {
    return std::nullopt;
  }
  const size_t run_end = DigitRunEnd(text, pos);
  const size_t run_length = run_end - pos;

  // The date part without century, and where the last four digits begin.
  size_t date_begin;
  size_t serial_begin;
  size_t end;
  // Only the 10-digit form takes '+', which marks people aged 100 or more.
  const bool plus = run_end < text.size() && text[run_end] == '+';
  const Separator separator = SeparatorAt(text, run_end);
  const bool dash_or_space = separator.kind == SeparatorClass::kDash ||
                             separator.kind == SeparatorClass::kSpace;
  if ((run_length == 6 && (dash_or_space || plus)) ||
      (run_length == 8 && dash_or_space)) {
    serial_begin = run_end + (plus ? 1 : separator.length);
    end = DigitRunEnd(text, serial_begin);
    if (end - serial_begin != 4) return std::nullopt;
    date_begin = run_end - 6;
  } else if (run_length == 10 || run_length == 12) {
    date_begin = run_end - 10;
    serial_begin = run_end - 4;
    end = run_end;
  } else {
    return std::nullopt;
  }
  if (AlnumAt(text, end)) return std::nullopt;

  std::array<int, 10> digits;
  for (size_t i = 0; i < 6; ++i) digits[i] = text[date_begin + i] - '0';
  for (size_t i = 0; i < 4; ++i) digits[6 + i] = text[serial_begin + i] - '0';
  if (!IsValidPersonalNumber(digits)) return std::nullopt;
  return end;
}

bool PersonalNumberStartsWithin(std::string_view text, Span span) {
  for (size_t pos = span.begin; pos < span.end; ++pos) {
    if (PersonalNumberEndAt(text, pos).has_value()) return true;
  }
  return false;
}

// Where the digit groups of a phone number starting at `pos` begin, and
// how many digits the whole number may have.
struct PhoneStart {
  // First byte of the first digit group still to be read.
  size_t cursor;
  // Digits already read: a parenthesised area code such as "(08)".
  size_t digit_count;
  size_t min_digits;
  size_t max_digits;
  // International numbers may mark the dropped trunk 0 as "(0)".
  bool international;
};

// Recognises the start of a phone number: "+" or "00" and a country code,
// a trunk 0 and an area code, or a trunk 0 and an area code in parentheses.
// A country code or an area code after the trunk 0 never starts with 0;
// this also keeps "0-17 år" and "000" runs out.
std::optional<PhoneStart> ParsePhoneStart(std::string_view text, size_t pos) {
  if (text[pos] == '+') {
    if (!NonZeroDigitAt(text, pos + 1)) return std::nullopt;
    return PhoneStart{pos + 1, 0, 8, 15, true};
  }
  if (text[pos] == '0' && DigitAt(text, pos + 1) && text[pos + 1] == '0') {
    const size_t country_code = pos + 2;
    if (!NonZeroDigitAt(text, country_code)) return std::nullopt;
    // Without a table of country codes, "00" and a short run cannot be told
    // from a zero-padded number such as "00701234567", so only Sweden gets
    // the limits of "+"; other countries need at least ten digits.
    const bool sweden = text.substr(country_code, 2) == "46";
    return PhoneStart{country_code, 0, sweden ? 8u : 10u, 15, true};
  }
  if (text[pos] == '0') {
    if (!NonZeroDigitAt(text, pos + 1)) return std::nullopt;
    return PhoneStart{pos, 0, 8, 11, false};
  }
  if (text[pos] == '(') {
    // "(08) 123 45 67": a Swedish area code has two to four digits.
    if (!DigitAt(text, pos + 1) || text[pos + 1] != '0' ||
        !NonZeroDigitAt(text, pos + 2)) {
      return std::nullopt;
    }
    const size_t close = DigitRunEnd(text, pos + 1);
    const size_t area_digits = close - (pos + 1);
    if (area_digits > 4 || close >= text.size() || text[close] != ')') {
      return std::nullopt;
    }
    size_t cursor = close + 1;
    const Separator separator = SeparatorAt(text, cursor);
    if (separator.kind == SeparatorClass::kSpace) cursor += separator.length;
    if (!DigitAt(text, cursor)) return std::nullopt;
    return PhoneStart{cursor, area_digits, 8, 11, false};
  }
  return std::nullopt;
}

// After a country code, the " (0)" of "+46 (0)70-123 45 67": returns where
// the area code begins, or std::nullopt when there is no such mark.
std::optional<size_t> SkipTrunkZeroMark(std::string_view text, size_t pos) {
  Separator separator = SeparatorAt(text, pos);
  if (separator.kind == SeparatorClass::kSpace) pos += separator.length;
  if (text.substr(pos, 3) != "(0)") return std::nullopt;
  pos += 3;
  separator = SeparatorAt(text, pos);
  if (separator.kind == SeparatorClass::kSpace) pos += separator.length;
  if (!NonZeroDigitAt(text, pos)) return std::nullopt;
  return pos;
}

// End of a phone number starting at `pos`. Digit groups are taken greedily
// and the match ends after the longest prefix of whole groups whose digit
// count fits, so a trailing count ("070-123 45 67 2 gånger") cannot hide
// the number, and a match never ends in the middle of a digit group.
//
// Groups are split by single spaces or dashes, or else only by dots: dots
// never mix with other separators, which keeps times such as
// "08.30-09.00" out, and "01.02.2026" is read as a date.
std::optional<size_t> PhoneEndAt(std::string_view text, size_t pos) {
  if (AlnumBefore(text, pos)) return std::nullopt;
  const std::optional<PhoneStart> start = ParsePhoneStart(text, pos);
  if (!start.has_value()) return std::nullopt;

  size_t cursor = start->cursor;
  size_t digit_count = start->digit_count;
  // A parenthesised area code is followed by a space or nothing, not a dot.
  bool other_separators = start->digit_count > 0;
  bool dots = false;
  // Group sizes, for the date check; the digit limit bounds their number.
  std::array<size_t, 16> group_sizes;
  size_t group_count = 0;
  if (start->digit_count > 0) group_sizes[group_count++] = start->digit_count;
  // At least eight digits per candidate end, so at most eight candidates.
  std::array<size_t, 16> candidate_ends;
  size_t candidate_count = 0;
  while (true) {
    const size_t group_begin = cursor;
    while (DigitAt(text, cursor)) {
      ++cursor;
      if (++digit_count > start->max_digits) break;
    }
    if (digit_count > start->max_digits) break;
    group_sizes[group_count++] = cursor - group_begin;
    const bool dotted_date = dots && group_count == 3 && group_sizes[0] == 2 &&
                             group_sizes[1] == 2 && group_sizes[2] == 4;
    if (digit_count >= start->min_digits && !dotted_date) {
      candidate_ends[candidate_count++] = cursor;
    }
    if (start->international && group_count == 1 && !dots) {
      if (std::optional<size_t> area_code = SkipTrunkZeroMark(text, cursor)) {
        cursor = *area_code;
        other_separators = true;
        continue;
      }
    }
    const Separator separator = SeparatorAt(text, cursor);
    if (separator.kind == SeparatorClass::kNone ||
        !DigitAt(text, cursor + separator.length)) {
      break;
    }
    if (separator.kind == SeparatorClass::kDot) {
      if (other_separators) break;
      dots = true;
    } else {
      if (dots) break;
      other_separators = true;
    }
    cursor += separator.length;
  }

  while (candidate_count > 0) {
    const size_t end = candidate_ends[--candidate_count];
    if (AlnumAt(text, end)) continue;
    // Digits that form a valid personal identity number belong to it.
    if (PersonalNumberStartsWithin(text, {pos, end})) continue;
    return end;
  }
  return std::nullopt;
}

bool IsLocalPartChar(char32_t c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool IsDomainLabelChar(char32_t c) { return IsAlnum(c) || c == '-'; }

// The e-mail address whose '@' is at `at`, if any.
std::optional<Span> EmailAround(std::string_view text, size_t at) {
  size_t begin = at;
  size_t start;
  for (std::optional<Decoded> before = DecodeBefore(text, begin, &start);
       before.has_value() && IsLocalPartChar(before->code_point);
       before = DecodeBefore(text, begin, &start)) {
    begin = start;
  }
  // A local part cannot start with a dot; leading dots are punctuation
  // such as an ellipsis.
  while (begin < at && text[begin] == '.') ++begin;
  if (begin == at) return std::nullopt;

  std::optional<size_t> end;
  size_t cursor = at + 1;
  int label_count = 0;
  while (true) {
    const size_t label_begin = cursor;
    size_t letter_count = 0;
    bool only_letters = true;
    while (cursor < text.size()) {
      const Decoded decoded = DecodeAt(text, cursor);
      if (!IsDomainLabelChar(decoded.code_point)) break;
      if (IsLetter(decoded.code_point)) {
        ++letter_count;
      } else {
        only_letters = false;
      }
      cursor += decoded.length;
    }
    if (cursor == label_begin) break;
    ++label_count;
    // A trailing label that is not a top-level domain (a sentence's final
    // "." followed by digits, say) is left out rather than voiding it all.
    if (label_count >= 2 && only_letters && letter_count >= 2) end = cursor;
    if (cursor >= text.size() || text[cursor] != '.') break;
    ++cursor;
  }
  if (!end.has_value()) return std::nullopt;
  return Span{begin, *end};
}

std::optional<Span> FirstPersonalNumber(std::string_view text) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (std::optional<size_t> end = PersonalNumberEndAt(text, pos)) {
      return Span{pos, *end};
    }
  }
  return std::nullopt;
}

std::optional<Span> FirstPhoneNumber(std::string_view text, size_t limit) {
  for (size_t pos = 0; pos < limit; ++pos) {
    if (std::optional<size_t> end = PhoneEndAt(text, pos)) {
      return Span{pos, *end};
    }
  }
  return std::nullopt;
}

std::optional<Span> FirstEmailAddress(std::string_view text, size_t limit) {
  // Local parts cannot contain '@', so e-mail starts grow with their '@'.
  for (size_t at = text.find('@'); at != std::string_view::npos;
       at = text.find('@', at + 1)) {
    if (std::optional<Span> span = EmailAround(text, at)) {
      if (span->begin < limit) return span;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

template <typename Range>
const Range* FindRange(const Range* table, size_t size, char32_t c) {
  const Range* end = table + size;
  const Range* it = std::upper_bound(
      table, end, c,
      [](char32_t value, const Range& range) { return value < range.first; });
  if (it == table) return nullptr;
  --it;
  return c <= it->last ? it : nullptr;
}

// The text as a reader sees it, in the few characters the patterns know,
// and where each of its bytes came from. Invisible characters and
// combining marks are left out, every space character becomes ' ', every
// dash '-', and digits of any script, fullwidth and mathematical forms
// become their ASCII twins; everything else is kept as it is.
struct Skeleton {
  std::string text;
  // For each byte of `text`, the offset in code points of the character of
  // the original text it stands for; one more entry, at the end, holds
  // the original length in code points.
  std::vector<size_t> source_char;
};

Skeleton MakeSkeleton(std::string_view utf8) {
  namespace tables = text_guard_tables;
  Skeleton skeleton;
  skeleton.text.reserve(utf8.size());
  skeleton.source_char.reserve(utf8.size() + 1);
  size_t char_index = 0;
  for (size_t pos = 0; pos < utf8.size(); ++char_index) {
    const Decoded decoded = DecodeAt(utf8, pos);
    const char32_t c = decoded.code_point;
    std::string_view kept = utf8.substr(pos, decoded.length);
    pos += decoded.length;
    char folded = 0;
    if (c == '\t') {
      folded = ' ';
    } else if (c < 0x80) {
      folded = static_cast<char>(c);
    } else if (FindRange(tables::kIgnorable, tables::kIgnorableSize, c)) {
      continue;
    } else if (FindRange(tables::kSpaces, tables::kSpacesSize, c)) {
      folded = ' ';
    } else if (FindRange(tables::kDashes, tables::kDashesSize, c)) {
      folded = '-';
    } else if (const tables::FoldRange* fold =
                   FindRange(tables::kFolds, tables::kFoldsSize, c)) {
      folded = static_cast<char>(fold->ascii + (c - fold->first));
    }
    if (folded != 0 || c == 0) {
      skeleton.text.push_back(folded);
      skeleton.source_char.push_back(char_index);
    } else {
      skeleton.text.append(kept);
      skeleton.source_char.insert(skeleton.source_char.end(), kept.size(),
                                  char_index);
    }
  }
  skeleton.source_char.push_back(char_index);
  return skeleton;
}

}  // namespace

std::string_view SensitiveKindName(SensitiveKind kind) {
  switch (kind) {
    case SensitiveKind::kPersonalIdentityNumber:
      return "Swedish personal identity number";
    case SensitiveKind::kPhoneNumber:
      return "phone number";
    case SensitiveKind::kEmailAddress:
      return "e-mail address";
  }
  return "personal data";
}

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
      ++pos;
      continue;
    }
    size_t length;
    // The allowed range of the second byte excludes overlongs, surrogates
    // and code points above U+10FFFF; later bytes are plain continuations.
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_min = 0xA0;
      if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_min = 0x90;
      if (lead == 0xF4) second_max = 0x8F;
    } else {
      return false;
    }
    if (text.size() - pos < length) return false;
    const auto second = static_cast<unsigned char>(text[pos + 1]);
    if (second < second_min || second > second_max) return false;
    for (size_t i = 2; i < length; ++i) {
      if (!IsContinuationByte(static_cast<unsigned char>(text[pos + i]))) {
        return false;
      }
    }
    pos += length;
  }
  return true;
}

size_t CountCodePoints(std::string_view utf8) {
  size_t count = 0;
  for (const char c : utf8) {
    if (!IsContinuationByte(static_cast<unsigned char>(c))) ++count;
  }
  return count;
}

std::optional<SensitiveMatch> FindSensitiveData(std::string_view utf8) {
  const Skeleton skeleton = MakeSkeleton(utf8);
  const std::string_view text = skeleton.text;
  std::optional<SensitiveKind> kind;
  Span best{text.size(), text.size()};
  // Each later search only looks before the best match so far; on equal
  // offsets the earlier kind wins, which puts identity numbers first.
  if (std::optional<Span> span = FirstPersonalNumber(text)) {
    kind = SensitiveKind::kPersonalIdentityNumber;
    best = *span;
  }
  if (std::optional<Span> span = FirstPhoneNumber(text, best.begin)) {
    kind = SensitiveKind::kPhoneNumber;
    best = *span;
  }
  if (std::optional<Span> span = FirstEmailAddress(text, best.begin)) {
    kind = SensitiveKind::kEmailAddress;
    best = *span;
  }
  if (!kind.has_value()) return std::nullopt;
  // A match spans at least one byte. It is reported over the characters
  // the person typed, from the first one it covers to the last, the
  // invisible ones between them included.
  const size_t first = skeleton.source_char[best.begin];
  const size_t last = skeleton.source_char[best.end - 1];
  return SensitiveMatch{
      .kind = *kind,
      .char_offset = first,
      .char_length = last - first + 1,
  };
}

}  // namespace brevis::domain
