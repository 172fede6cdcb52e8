#include "client-lib/notify/smtp_sender.h"

#include <curl/curl.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace brevis::notify {
namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t room = size * count;
  size_t left = upload->data->size() - upload->offset;
  size_t n = std::min(room, left);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// The host of scheme://host[:port][/...], brackets removed.
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::string rest = url.substr(start);
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    return rest.substr(1, close == std::string::npos ? close : close - 1);
  }
  size_t end = rest.find_first_of(":/");
  return rest.substr(0, end);
}

}  // namespace

bool IsLoopbackRelay(const std::string& url) {
  std::string host = HostOf(url);
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

absl::Status CheckSmtpSettings(const SmtpSettings& settings) {
  if (!absl::StartsWith(settings.url, "smtp://") &&
      !absl::StartsWith(settings.url, "smtps://")) {
    return absl::InvalidArgumentError(
        "smtp_url: must start with smtp:// (STARTTLS) or smtps:// (TLS), "
        "for example smtp://relay.region.se:587");
  }
  if (HostOf(settings.url).empty()) {
    return absl::InvalidArgumentError("smtp_url: no host");
  }
  if (settings.from.empty()) {
    return absl::InvalidArgumentError(
        "smtp_from: required (the sender address, e.g. brevis@region.se)");
  }
  if (!settings.user.empty() && settings.password.empty()) {
    return absl::InvalidArgumentError(
        "smtp_password_file: required with smtp_user, and not empty");
  }
  return absl::OkStatus();
}

SmtpSender::SmtpSender(SmtpSettings settings)
    : settings_(std::move(settings)),
      loopback_(IsLoopbackRelay(settings_.url)) {}

SendResult SmtpSender::Send(const std::string& to,
                            const std::string& message) const {
  CURL* curl = curl_easy_init();
  if (curl == nullptr)
    return {SendOutcome::kTransient, "curl_easy_init failed"};
  Upload upload{&message};
  std::string mail_from = absl::StrCat("<", settings_.from, ">");
  std::string rcpt = absl::StrCat("<", to, ">");
  curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // Off loopback the relay must offer STARTTLS and a certificate that
  // checks out; a password never crosses a network in the clear.
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   loopback_ ? CURLUSESSL_TRY : CURLUSESSL_ALL);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings_.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
  }
  if (!settings_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, long{settings_.timeout_seconds});
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return {SendOutcome::kSent, ""};
  std::string detail =
      absl::StrCat(curl_easy_strerror(rc), " (reply ", code, ")");
  // A 5xx is the relay's final word on this message or recipient (RFC 5321
  // 4.2.1); everything else, including no connection, may pass later.
  if (code >= 500 && code < 600) return {SendOutcome::kPermanent, detail};
  return {SendOutcome::kTransient, detail};
}

}  // namespace brevis::notify
