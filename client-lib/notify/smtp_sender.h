#ifndef BREVIS_CLIENT_LIB_NOTIFY_SMTP_SENDER_H_
#define BREVIS_CLIENT_LIB_NOTIFY_SMTP_SENDER_H_

// Hands one message to the region's SMTP relay through libcurl. STARTTLS
// is required (the relay's certificate checked) unless the relay is on
// loopback or the URL is smtps:// (TLS from the start). Thread-compatible:
// one Send at a time per sender.

#include <string>

#include "absl/status/statusor.h"

namespace brevis::notify {

struct SmtpSettings {
  std::string url;           // smtp://relay.region.se:587 or smtps://...:465
  std::string from;          // envelope sender and From: header
  std::string user;          // empty: no authentication
  std::string password;      // read from the password file
  std::string ca_file;       // empty: the system's CAs
  int timeout_seconds = 60;  // per message
};

enum class SendOutcome {
  kSent,       // the relay accepted it
  kTransient,  // not reachable, or a 4xx: try again later
  kPermanent,  // a 5xx for this recipient or message: trying again will fail
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kSent;
  // For the log: curl's error and the relay's reply code, never the
  // address or the message.
  std::string detail;
};

// INVALID_ARGUMENT naming the setting: a URL that is not smtp:// or
// smtps://, plain smtp:// with a user but ... (never: STARTTLS is forced off
// loopback), an empty from.
absl::Status CheckSmtpSettings(const SmtpSettings& settings);

// True for a relay URL whose host is 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackRelay(const std::string& url);

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);
  SendResult Send(const std::string& to, const std::string& message) const;

 private:
  SmtpSettings settings_;
  bool loopback_;
};

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_SMTP_SENDER_H_
