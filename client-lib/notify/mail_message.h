#ifndef BREVIS_CLIENT_LIB_NOTIFY_MAIL_MESSAGE_H_
#define BREVIS_CLIENT_LIB_NOTIFY_MAIL_MESSAGE_H_

// The one place where brevis-notify builds an Internet message (RFC 5322):
// every header goes through BuildMessage, which refuses a value with a line
// break, so nothing that reaches a header (a unit's or an audit's name)
// can start a header of its own. Pure functions; thread-safe.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace brevis::notify {

struct MailHeader {
  std::string name;   // for example "Subject"; letters, digits and '-'
  std::string value;  // UTF-8; encoded as RFC 2047 words when not ASCII
};

// The message: each header as "Name: value" (non-ASCII values of Subject
// and other unstructured headers as RFC 2047 base64 encoded words, folded
// below 78 columns), MIME-Version, a text/plain UTF-8 body in base64 (so
// no line of it can be longer than 76 or look like SMTP's end of data),
// lines ended by CRLF. INVALID_ARGUMENT naming the header when a name is
// not a header name, or a value holds CR, LF or another control character
// (RFC 5322 2.2), or the body is not valid UTF-8.
absl::StatusOr<std::string> BuildMessage(const std::vector<MailHeader>& headers,
                                         absl::string_view body_utf8);

// `text` as RFC 2047 encoded words (=?UTF-8?B?...?=), each at most 75
// characters, split only between whole UTF-8 characters, joined by
// CRLF + space (folding white space); `text` unchanged when it is printable
// ASCII.
std::string EncodeHeaderText(absl::string_view text);

// A new Message-ID (RFC 5322 3.6.4): "<random hex@domain>".
std::string NewMessageId(absl::string_view domain);

// `time` as an RFC 5322 date in UTC: "Mon, 01 Jun 2026 05:00:00 +0000".
std::string MailDate(absl::Time time);

// The domain part of an address ("noreply@region.se" -> "region.se");
// "localhost" when it has none.
std::string DomainOf(absl::string_view address);

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_MAIL_MESSAGE_H_
