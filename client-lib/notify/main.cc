// brevis-notify: reminders and digests by e-mail from brevis's event feed.
// See notifier.h for what it sends to whom, state_store.h for delivery.
//
// Threads: one follows the feed, one runs the schedule, one sends; the
// main thread waits for SIGTERM or SIGINT and logs the metrics every
// metrics_interval seconds.

#include <curl/curl.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "brevis/client/client.h"
#include "client-lib/notify/log.h"
#include "client-lib/notify/notifier.h"
#include "server/config_file.h"

namespace brevis::notify {
namespace {

constexpr char kDescription[] =
    "brevis-notify: reminders and digests by e-mail from brevis's event "
    "feed.\nRuns as an integration principal with the scopes watch-events, "
    "read-units,\nread-audits and read-contacts; sends through the region's "
    "SMTP relay\n(STARTTLS required unless the relay is on loopback). Never "
    "any audit text:\nnames of units and audits, counts, dates and links "
    "only.";

struct Flags {
  std::string config;
  std::string brevis_addr = "127.0.0.1:50051";
  std::string brevis_ca, brevis_cert, brevis_key, brevis_server_name;
  std::string token_file;
  std::string smtp_url = "smtp://127.0.0.1:25";
  std::string smtp_from;
  std::string smtp_user;
  std::string smtp_password_file;
  std::string smtp_ca;
  std::string public_url = "http://127.0.0.1:8080";
  std::string state_file = "brevis-notify.db";
  std::string schedule = "MON 07:00";
  std::string time_zone = "Europe/Stockholm";
  int retry_initial_ms = 5000;
  int retry_max_seconds = 600;
  int metrics_interval_seconds = 60;
  std::string clock_file;
};

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// For tests: the time is whatever RFC 3339 instant the file holds now.
class FileClock : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  absl::Time Now() const override {
    std::ifstream in(path_);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full,
                         std::string(absl::StripAsciiWhitespace(text)), &time,
                         &error)) {
      return absl::InfinitePast();
    }
    return time;
  }

 private:
  std::string path_;
};

absl::StatusOr<std::string> ReadSecretFile(const std::string& path,
                                           const char* key) {
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat(key, ": cannot read ", path));
  }
  std::string text((std::istreambuf_iterator<char>(in)), {});
  return std::string(absl::StripAsciiWhitespace(text));
}

// Stops every loop; the waits end at once.
class StopFlag {
 public:
  void Stop() {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
  }
  bool stopped() {
    absl::MutexLock lock(&mu_);
    return stopped_;
  }
  // Waits until `deadline` (real time) or Stop(); true if stopped.
  bool WaitUntil(absl::Time deadline) {
    absl::MutexLock lock(&mu_);
    auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopped_ || kicked_;
    };
    mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
    kicked_ = false;
    return stopped_;
  }
  // Ends the current wait early (new mail queued).
  void Kick() {
    absl::MutexLock lock(&mu_);
    kicked_ = true;
  }

 private:
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool kicked_ ABSL_GUARDED_BY(mu_) = false;
};

int Run(const Flags& flags) {
  absl::StatusOr<WeeklySchedule> schedule =
      ParseSchedule(flags.schedule, flags.time_zone);
  if (!schedule.ok()) {
    LogLine(schedule.status().message());
    return 2;
  }
  SmtpSettings smtp{
      flags.smtp_url, flags.smtp_from, flags.smtp_user, "", flags.smtp_ca, 60};
  if (!flags.smtp_password_file.empty()) {
    absl::StatusOr<std::string> password =
        ReadSecretFile(flags.smtp_password_file, "smtp_password_file");
    if (!password.ok()) {
      LogLine(password.status().message());
      return 2;
    }
    smtp.password = *password;
  }
  if (absl::Status s = CheckSmtpSettings(smtp); !s.ok()) {
    LogLine(s.message());
    return 2;
  }
  if (flags.retry_initial_ms <= 0 || flags.retry_max_seconds <= 0) {
    LogLine("retry_initial_ms and retry_max_seconds: must be positive");
    return 2;
  }
  client::ClientOptions options;
  options.target = flags.brevis_addr;
  options.token_file = flags.token_file;
  options.ca_file = flags.brevis_ca;
  options.cert_file = flags.brevis_cert;
  options.key_file = flags.brevis_key;
  options.tls_server_name = flags.brevis_server_name;
  options.use_tls = !flags.brevis_ca.empty();
  options.user_agent = "brevis-notify/0.1";
  absl::StatusOr<client::Client> client = client::Client::Create(options);
  if (!client.ok()) {
    LogLine(client.status().message());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<StateStore>> state =
      StateStore::Open(flags.state_file);
  if (!state.ok()) {
    LogLine(state.status().message());
    return 2;
  }
  SystemClock system_clock;
  FileClock file_clock(flags.clock_file);
  const Clock* clock = flags.clock_file.empty()
                           ? static_cast<const Clock*>(&system_clock)
                           : &file_clock;
  SmtpSender sender(smtp);
  Metrics metrics;
  std::string public_url = flags.public_url;
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  Notifier notifier(*client, state->get(), &sender, clock,
                    NotifierSettings{public_url, flags.smtp_from, *schedule,
                                     absl::Milliseconds(flags.retry_initial_ms),
                                     absl::Seconds(flags.retry_max_seconds)},
                    &metrics);

  StopFlag stop;
  StopFlag send_wake;
  std::unique_ptr<client::EventWatcher> watcher;
  absl::Mutex watcher_mu;

  std::thread feed([&] {
    absl::Duration backoff = absl::Seconds(1);
    while (!stop.stopped()) {
      absl::StatusOr<int64_t> cursor = (*state)->Cursor();
      if (!cursor.ok()) {
        LogLine(cursor.status().message());
        if (stop.WaitUntil(absl::Now() + backoff)) break;
        continue;
      }
      v1::WatchEventsRequest request;
      request.set_after_sequence(*cursor);
      {
        absl::MutexLock lock(&watcher_mu);
        watcher = std::make_unique<client::EventWatcher>(
            client->NewEventWatcher(request));
      }
      absl::Status failure;
      absl::Status ended = watcher->Run([&](const v1::Event& event) {
        failure = notifier.HandleEvent(event);
        if (!failure.ok()) return false;
        send_wake.Kick();
        backoff = absl::Seconds(1);
        return true;
      });
      if (stop.stopped()) break;
      if (!failure.ok()) {
        LogLine(absl::StrCat("handling an event failed, will retry: ",
                             failure.message()));
      } else if (!ended.ok()) {
        LogLine(absl::StrCat("the event feed ended: ", ended.message()));
      }
      if (stop.WaitUntil(absl::Now() + backoff)) break;
      backoff = std::min(backoff * 2, absl::Seconds(60));
    }
  });
  std::thread scheduler([&] {
    // With a test's clock file the time can jump at any moment: look often.
    absl::Duration poll =
        flags.clock_file.empty() ? absl::Seconds(30) : absl::Milliseconds(50);
    while (!stop.stopped()) {
      absl::StatusOr<absl::Time> next = notifier.RunSchedules();
      absl::Duration wait = poll;
      if (!next.ok()) {
        LogLine(absl::StrCat("a scheduled run failed, will retry: ",
                             next.status().message()));
        wait = absl::Seconds(flags.clock_file.empty() ? 30 : 1);
      } else {
        send_wake.Kick();
        if (flags.clock_file.empty()) {
          wait = std::clamp(*next - clock->Now(), absl::Milliseconds(10), poll);
        }
      }
      if (stop.WaitUntil(absl::Now() + wait)) break;
    }
  });
  std::thread sending([&] {
    while (!stop.stopped()) {
      absl::StatusOr<absl::Time> next = notifier.SendDue();
      absl::Time until = next.ok()
                             ? std::min(*next, absl::Now() + absl::Seconds(30))
                             : absl::Now() + absl::Seconds(5);
      if (!next.ok()) LogLine(next.status().message());
      // A kick (new mail) or stop ends the wait early.
      if (send_wake.WaitUntil(until) || stop.stopped()) break;
    }
  });

  LogLine(absl::StrCat("following ", flags.brevis_addr, " as its feed; relay ",
                       flags.smtp_url, "; state ", flags.state_file));
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  auto log_metrics = [&] {
    absl::StatusOr<int> queued = (*state)->Queued();
    LogLine(absl::StrCat("metrics sent=", metrics.sent.load(),
                         " retried=", metrics.retried.load(),
                         " failed=", metrics.failed.load(),
                         " queued=", queued.ok() ? *queued : -1,
                         " events=", metrics.events.load(),
                         " last_sequence=", metrics.last_sequence.load(),
                         " lag_seconds=", metrics.lag_seconds.load()));
  };
  while (true) {
    timespec timeout{flags.metrics_interval_seconds, 0};
    int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal == SIGTERM || signal == SIGINT) break;
    log_metrics();
  }
  LogLine("stopping");
  stop.Stop();
  send_wake.Stop();
  {
    absl::MutexLock lock(&watcher_mu);
    if (watcher) watcher->Stop();
  }
  feed.join();
  scheduler.join();
  sending.join();
  log_metrics();
  return 0;
}

}  // namespace
}  // namespace brevis::notify

int main(int argc, char** argv) {
  using brevis::notify::Flags;
  Flags flags;
  CLI::App app(brevis::notify::kDescription, "brevis-notify");
  struct Option {
    const char* flag;
    const char* key;
    std::string* target;
    const char* help;
  };
  std::vector<Option> options = {
      {"--brevis-addr", "brevis_addr", &flags.brevis_addr, "brevisd HOST:PORT"},
      {"--brevis-ca", "brevis_ca", &flags.brevis_ca,
       "CA (PEM) of brevisd's certificate; turns TLS on"},
      {"--brevis-cert", "brevis_cert", &flags.brevis_cert,
       "client certificate (PEM) for mutual TLS"},
      {"--brevis-key", "brevis_key", &flags.brevis_key,
       "client key (PEM) for mutual TLS"},
      {"--brevis-server-name", "brevis_server_name", &flags.brevis_server_name,
       "name to check brevisd's certificate against"},
      {"--token-file", "token_file", &flags.token_file,
       "file with the integration principal's bearer token"},
      {"--smtp-url", "smtp_url", &flags.smtp_url,
       "relay: smtp://HOST:587 (STARTTLS) or smtps://HOST:465"},
      {"--smtp-from", "smtp_from", &flags.smtp_from, "sender address"},
      {"--smtp-user", "smtp_user", &flags.smtp_user,
       "user for SMTP AUTH (empty: none)"},
      {"--smtp-password-file", "smtp_password_file", &flags.smtp_password_file,
       "file with the SMTP password"},
      {"--smtp-ca", "smtp_ca", &flags.smtp_ca,
       "CA (PEM) of the relay's certificate (empty: the system's)"},
      {"--public-url", "public_url", &flags.public_url,
       "brevis-web's public URL, for links"},
      {"--state-file", "state_file", &flags.state_file,
       "SQLite file for the cursor and sent mails"},
      {"--schedule", "schedule", &flags.schedule,
       "weekly digest, e.g. \"MON 07:00\"; daily checks run at the same "
       "time every day"},
      {"--time-zone", "time_zone", &flags.time_zone,
       "IANA time zone of the schedule"},
      {"--clock-file", "clock_file", &flags.clock_file,
       "tests only: read the current time (RFC 3339) from this file"},
  };
  std::vector<brevis::ConfigSetting> settings;
  std::vector<CLI::Option*> cli_options;
  app.add_option("--config", flags.config,
                 "TOML file with these settings "
                 "(keys with underscores)");
  for (const Option& o : options) {
    cli_options.push_back(
        app.add_option(o.flag, *o.target, o.help)->capture_default_str());
  }
  struct IntOption {
    const char* flag;
    const char* key;
    int* target;
    int min, max;
    const char* help;
  };
  std::vector<IntOption> int_options = {
      {"--retry-initial-ms", "retry_initial_ms", &flags.retry_initial_ms, 1,
       3600000, "first wait after the relay failed"},
      {"--retry-max-seconds", "retry_max_seconds", &flags.retry_max_seconds, 1,
       86400, "longest wait between tries"},
      {"--metrics-interval-seconds", "metrics_interval_seconds",
       &flags.metrics_interval_seconds, 1, 86400,
       "how often the metrics line is logged"},
  };
  for (const IntOption& o : int_options) {
    cli_options.push_back(app.add_option(o.flag, *o.target, o.help)
                              ->capture_default_str()
                              ->check(CLI::Range(o.min, o.max)));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    std::cerr << "brevis-notify: " << error.what()
              << " (brevis-notify --help tells more)\n";
    return 2;
  }
  for (size_t i = 0; i < options.size(); ++i) {
    settings.push_back(
        {options[i].key, options[i].target, cli_options[i]->count() > 0});
  }
  for (size_t i = 0; i < int_options.size(); ++i) {
    settings.push_back({int_options[i].key, int_options[i].target,
                        cli_options[options.size() + i]->count() > 0,
                        int_options[i].min, int_options[i].max});
  }
  if (!flags.config.empty()) {
    if (absl::Status s = brevis::ApplyConfigFile(flags.config, settings);
        !s.ok()) {
      std::cerr << "brevis-notify: " << s.message() << "\n";
      return 2;
    }
  }
  // Signals are waited for by the main thread only: block them before any
  // thread starts, so they inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int code = brevis::notify::Run(flags);
  curl_global_cleanup();
  return code;
}
