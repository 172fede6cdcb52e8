#include "client-lib/notify/mail_message.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace brevis::notify {
namespace {

bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool IsHeaderName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

// Length of the UTF-8 sequence that starts with `lead` (1 for a stray
// continuation byte, so the walk always advances).
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = SequenceLength(static_cast<unsigned char>(text[i]));
    unsigned char lead = static_cast<unsigned char>(text[i]);
    if (n == 1 && lead >= 0x80) return false;
    if (i + n > text.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
        return false;
      }
    }
    i += n;
  }
  return true;
}

std::string Base64Lines(absl::string_view bytes) {
  std::string encoded = absl::Base64Escape(bytes);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) {
    absl::StrAppend(&out, encoded.substr(i, 76), "\r\n");
  }
  return out;
}

}  // namespace

std::string EncodeHeaderText(absl::string_view text) {
  if (IsPrintableAscii(text)) return std::string(text);
  // "=?UTF-8?B?" + "?=" is 12 characters; 45 bytes make 60 of base64, so
  // each word stays within RFC 2047's 75.
  constexpr size_t kMaxBytes = 45;
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = start;
    while (end < text.size()) {
      size_t n = SequenceLength(static_cast<unsigned char>(text[end]));
      if (end + n - start > kMaxBytes) break;
      end += n;
    }
    if (end == start) end = std::min(text.size(), start + 1);
    if (!out.empty()) out += "\r\n ";
    absl::StrAppend(&out, "=?UTF-8?B?",
                    absl::Base64Escape(text.substr(start, end - start)), "?=");
    start = end;
  }
  return out;
}

absl::StatusOr<std::string> BuildMessage(const std::vector<MailHeader>& headers,
                                         absl::string_view body_utf8) {
  std::string message;
  for (const MailHeader& header : headers) {
    if (!IsHeaderName(header.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header name \"", absl::CHexEscape(header.name),
                       "\": only letters, digits and '-'"));
    }
    for (char c : header.value) {
      unsigned char byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7f) {
        return absl::InvalidArgumentError(
            absl::StrCat("header ", header.name,
                         ": a value must not contain CR, LF or other "
                         "control characters (it could add a header)"));
      }
    }
    if (!IsValidUtf8(header.value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header ", header.name, ": not valid UTF-8"));
    }
    absl::StrAppend(&message, header.name, ": ", EncodeHeaderText(header.value),
                    "\r\n");
  }
  if (!IsValidUtf8(body_utf8)) {
    return absl::InvalidArgumentError("body: not valid UTF-8");
  }
  absl::StrAppend(&message,
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n",
                  Base64Lines(body_utf8));
  return message;
}

std::string NewMessageId(absl::string_view domain) {
  absl::BitGen gen;
  return absl::StrFormat("<%016x%016x@%s>", absl::Uniform<uint64_t>(gen),
                         absl::Uniform<uint64_t>(gen), domain);
}

std::string MailDate(absl::Time time) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", time,
                          absl::UTCTimeZone());
}

std::string DomainOf(absl::string_view address) {
  size_t at = address.rfind('@');
  if (at == absl::string_view::npos || at + 1 == address.size()) {
    return "localhost";
  }
  return std::string(address.substr(at + 1));
}

}  // namespace brevis::notify
