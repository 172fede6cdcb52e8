#include "tests/bench/web_load.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/domain/str_cat.h"
#include "tests/bench/server_process.h"
#include "tests/testing/child_report.h"

namespace brevis::bench {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kRequestDeadline{30};
constexpr std::chrono::milliseconds kStopTimeout{10000};
constexpr char kListening[] = "brevis-web: listening on http://127.0.0.1:";

const char* const kTexts[] = {
    "Flera unga säger att de inte får vara med när beslut om deras "
    "behandling fattas.",
    "Vårdnadshavare vet inte vad en SIP är eller hur man begär en.",
    "Barnen i fokusgruppen tycker att väntrummet är tråkigt och för ljust."};

// Percent-encodes a form value (RFC 3986 unreserved characters kept).
std::string FormEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// One person's keep-alive connection to brevis-web; reconnects after an
// error. Not thread-safe: one per person.
class Browser {
 public:
  explicit Browser(int port) : port_(port) {}

  struct Answer {
    int status = 0;  // 0: no answer (the error says why)
    std::string body;
    std::string set_cookie;
    std::string error;
  };

  Answer Send(http::verb verb, const std::string& target,
              const std::string& body = "") {
    Answer answer;
    beast::error_code ec;
    if (!stream_) {
      stream_.emplace(ioc_);
      stream_->expires_after(kRequestDeadline);
      stream_->connect(
          net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(port_)),
          ec);
      if (ec) return Fail(answer, ec);
    }
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(true);
    if (!cookie_.empty()) request.set(http::field::cookie, cookie_);
    if (verb == http::verb::post) {
      request.set(http::field::content_type,
                  "application/x-www-form-urlencoded");
      request.body() = body;
    }
    request.prepare_payload();
    stream_->expires_after(kRequestDeadline);
    http::write(*stream_, request, ec);
    if (ec) return Fail(answer, ec);
    http::response<http::string_body> response;
    http::read(*stream_, buffer_, response, ec);
    if (ec) return Fail(answer, ec);
    answer.status = response.result_int();
    answer.body = std::move(response.body());
    answer.set_cookie = std::string(response[http::field::set_cookie]);
    if (!response.keep_alive()) stream_.reset();
    return answer;
  }

  void set_cookie(std::string cookie) { cookie_ = std::move(cookie); }

 private:
  Answer& Fail(Answer& answer, const beast::error_code& ec) {
    answer.error = ec.message();
    stream_.reset();
    buffer_.clear();
    return answer;
  }

  int port_;
  net::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::string cookie_;
};

// brevis-web as a child process, its output in files of the work dir.
class WebProcess {
 public:
  ~WebProcess() { Stop(); }

  absl::Status Start(const WebLoadOptions& options) {
    out_ = options.work_dir + "/brevis-web.out";
    err_ = options.work_dir + "/brevis-web.err";
    absl::StatusOr<pid_t> pid = Spawn(
        {options.brevis_web, "--listen", "127.0.0.1:0", "--brevis-addr",
         options.brevisd_addr, "--brevis-ca", options.certs_dir + "/ca.crt",
         "--brevis-cert", options.certs_dir + "/client.crt", "--brevis-key",
         options.certs_dir + "/client.key"},
        out_, err_);
    if (!pid.ok()) return pid.status();
    pid_ = *pid;
    report_id_ = testing::ChildStarted([pid = pid_, out = out_, err = err_] {
      return testing::ChildReport("brevis-web", pid, "still running",
                                  ReadAll(out), ReadAll(err));
    });
    // Bounded by the start timeout: brevis-web prints its port when ready.
    Clock::time_point deadline = Clock::now() + options.start_timeout;
    while (true) {
      std::string err = ReadAll(err_);
      if (size_t at = err.find(kListening); at != std::string::npos) {
        port_ = std::atoi(err.c_str() + at + sizeof kListening - 1);
        if (port_ > 0) return absl::OkStatus();
      }
      int status = 0;
      bool died = WaitFor(pid_, {}, &status);
      if (died || Clock::now() >= deadline) {
        if (died) Ended(status, true);
        return absl::FailedPreconditionError(
            brevis::StrCat("brevis-web did not start listening:\n", err));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // SIGTERM, then SIGKILL after the timeout. The first error is kept.
  std::string Stop() {
    if (pid_ <= 0) return "";
    kill(pid_, SIGTERM);
    int status = 0;
    bool exited = WaitFor(pid_, kStopTimeout, &status);
    if (!exited) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    std::string problem = Ended(status, exited);
    return problem;
  }

  int port() const { return port_; }

 private:
  std::string Ended(int status, bool exited) {
    std::string ending =
        exited ? testing::DescribeWaitStatus(status)
               : "did not stop on SIGTERM within the timeout (killed)";
    testing::ChildEnded(report_id_,
                        testing::ChildReport("brevis-web", pid_, ending,
                                             ReadAll(out_), ReadAll(err_)));
    pid_ = -1;
    bool clean = exited && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return clean ? "" : brevis::StrCat("brevis-web ", ending);
  }

  pid_t pid_ = -1;
  int port_ = 0;
  int report_id_ = 0;
  std::string out_, err_;
};

// The run's people and their audit, made with the admin's token.
struct Cast {
  std::string audit;                 // audits/{audit}, in fieldwork
  std::vector<std::string> secrets;  // one sign-in link per person
};

absl::StatusOr<Cast> MakeCast(const WebLoadOptions& options) {
  auto channel = grpc::CreateChannel(options.brevisd_addr,
                                     ChannelCredentialsFor(options.certs_dir));
  auto directory = v1::DirectoryService::NewStub(channel);
  auto audits = v1::AuditService::NewStub(channel);
  std::string bearer = brevis::StrCat("Bearer ", options.admin_token);
  auto call = [&](auto& stub, auto method, const auto& request, auto* response,
                  std::string_view what) -> absl::Status {
    grpc::ClientContext context;
    context.AddMetadata("authorization", bearer);
    context.set_deadline(std::chrono::system_clock::now() + kRequestDeadline);
    grpc::Status status = ((*stub).*method)(&context, request, response);
    if (status.ok()) return absl::OkStatus();
    return absl::FailedPreconditionError(
        brevis::StrCat(what, ": ", status.error_message()));
  };
  // brevis-web's own principal: it exchanges the people's links.
  v1::CreatePrincipalRequest web;
  web.mutable_principal()->set_display_name("brevis-web");
  web.mutable_principal()->set_role(v1::ROLE_INTEGRATION);
  web.mutable_principal()->add_scopes(v1::SCOPE_SIGN_IN);
  web.mutable_principal()->set_certificate_subject("brevis-integration");
  v1::Principal web_principal;
  if (absl::Status s =
          call(directory, &v1::DirectoryService::Stub::CreatePrincipal, web,
               &web_principal, "CreatePrincipal (brevis-web)");
      !s.ok()) {
    return s;
  }
  std::vector<std::string> people;
  for (int i = 0; i < options.people; ++i) {
    v1::CreatePrincipalRequest request;
    request.mutable_principal()->set_display_name(
        brevis::StrCat("Webbrevisor ", i + 1));
    request.mutable_principal()->set_role(v1::ROLE_AUDITOR);
    v1::Principal person;
    if (absl::Status s =
            call(directory, &v1::DirectoryService::Stub::CreatePrincipal,
                 request, &person, "CreatePrincipal");
        !s.ok()) {
      return s;
    }
    people.push_back(person.name());
  }
  v1::CreateAuditRequest create;
  v1::Audit* a = create.mutable_audit();
  a->set_unit(options.unit);
  a->set_title("Brukarrevision via webben");
  a->set_commissioned_by("Regionens program");
  a->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  for (const std::string& p : people) a->add_auditors(p);
  v1::Audit audit;
  if (absl::Status s = call(audits, &v1::AuditService::Stub::CreateAudit,
                            create, &audit, "CreateAudit");
      !s.ok()) {
    return s;
  }
  v1::TransitionAuditRequest move;
  move.set_name(audit.name());
  move.set_state(v1::AUDIT_STATE_FIELDWORK);
  v1::Audit moved;
  if (absl::Status s = call(audits, &v1::AuditService::Stub::TransitionAudit,
                            move, &moved, "TransitionAudit");
      !s.ok()) {
    return s;
  }
  Cast cast;
  cast.audit = audit.name();
  for (const std::string& p : people) {
    v1::CreateSignInLinkRequest request;
    request.set_parent(p);
    v1::CreateSignInLinkResponse link;
    if (absl::Status s =
            call(directory, &v1::DirectoryService::Stub::CreateSignInLink,
                 request, &link, "CreateSignInLink");
        !s.ok()) {
      return s;
    }
    cast.secrets.push_back(link.secret());
  }
  return cast;
}

// What one person measured.
struct Tally {
  std::vector<uint32_t> page_micros, post_micros;
  uint64_t page_errors = 0, post_errors = 0;
  std::string first_error;
};

void Person(Browser& browser, const std::string& audit, int index,
            const WebLoadOptions& options, Clock::time_point end,
            Tally& tally) {
  std::string page = brevis::StrCat("/", audit);
  std::string form = brevis::StrCat(page, "/findings/new");
  auto note = [&](const std::string& what) {
    if (tally.first_error.empty()) tally.first_error = what;
  };
  auto micros = [](Clock::time_point since) {
    return static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                              since)
            .count());
  };
  for (int round = 0; round < options.max_rounds && Clock::now() < end;
       ++round) {
    Clock::time_point start = Clock::now();
    Browser::Answer shown = browser.Send(http::verb::get, page);
    if (shown.status != 200) {
      ++tally.page_errors;
      note(brevis::StrCat("GET ", page, ": ", shown.status, " ", shown.error));
      continue;
    }
    tally.page_micros.push_back(micros(start));
    constexpr std::string_view kCsrf = "name=\"csrf\" value=\"";
    size_t at = shown.body.find(kCsrf);
    if (at == std::string::npos) {
      ++tally.post_errors;
      note("the audit page has no CSRF token");
      continue;
    }
    std::string csrf = shown.body.substr(at + kCsrf.size(), 64);
    std::string body = brevis::StrCat(
        "csrf=", csrf,
        "&focus_area=FOCUS_AREA_PARTICIPATION&kind=FINDING_KIND_STRENGTH"
        "&informant_groups=INFORMANT_GROUP_YOUNG_PERSON&text=",
        FormEncode(brevis::StrCat(kTexts[(index + round) % std::size(kTexts)],
                                  " (", index + 1, ".", round + 1, ")")));
    start = Clock::now();
    Browser::Answer posted = browser.Send(http::verb::post, form, body);
    if (posted.status != 303) {
      ++tally.post_errors;
      note(brevis::StrCat("POST ", form, ": ", posted.status, " ", posted.error,
                          " ", posted.body.substr(0, 300)));
      continue;
    }
    tally.post_micros.push_back(micros(start));
  }
}

CellResult Cell(Workload workload, int people, double seconds,
                std::vector<uint32_t> micros, uint64_t errors,
                std::string first_error) {
  std::sort(micros.begin(), micros.end());
  CellResult cell;
  cell.workload = workload;
  cell.concurrency = people;
  cell.calls = micros.size();
  cell.calls_ok_total = micros.size();
  cell.errors = errors;
  cell.first_error = std::move(first_error);
  cell.seconds = seconds;
  cell.qps = seconds > 0 ? cell.calls / seconds : 0;
  cell.p50_ms = Percentile(micros, 0.50);
  cell.p95_ms = Percentile(micros, 0.95);
  cell.p99_ms = Percentile(micros, 0.99);
  return cell;
}

}  // namespace

absl::StatusOr<std::vector<CellResult>> RunWebLoad(
    const WebLoadOptions& options) {
  absl::StatusOr<Cast> cast = MakeCast(options);
  if (!cast.ok()) return cast.status();
  WebProcess web;
  if (absl::Status s = web.Start(options); !s.ok()) return s;
  std::vector<std::unique_ptr<Browser>> browsers;
  for (const std::string& secret : cast->secrets) {
    auto browser = std::make_unique<Browser>(web.port());
    Browser::Answer signed_in = browser->Send(http::verb::post, "/sign-in",
                                              brevis::StrCat("link=", secret));
    if (signed_in.status != 303 || signed_in.set_cookie.empty()) {
      return absl::FailedPreconditionError(
          brevis::StrCat("signing in through brevis-web: ", signed_in.status,
                         " ", signed_in.error, " ", signed_in.body));
    }
    browser->set_cookie(
        signed_in.set_cookie.substr(0, signed_in.set_cookie.find(';')));
    browsers.push_back(std::move(browser));
  }
  std::vector<Tally> tallies(browsers.size());
  Clock::time_point start = Clock::now();
  Clock::time_point end = start + options.duration;
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < browsers.size(); ++i) {
      threads.emplace_back([&, i] {
        Person(*browsers[i], cast->audit, static_cast<int>(i), options, end,
               tallies[i]);
      });
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::string stopped = web.Stop();
  std::vector<uint32_t> pages, posts;
  uint64_t page_errors = 0, post_errors = 0;
  std::string first_error = stopped;
  for (const Tally& t : tallies) {
    pages.insert(pages.end(), t.page_micros.begin(), t.page_micros.end());
    posts.insert(posts.end(), t.post_micros.begin(), t.post_micros.end());
    page_errors += t.page_errors;
    post_errors += t.post_errors;
    if (first_error.empty()) first_error = t.first_error;
  }
  return std::vector<CellResult>{
      Cell(Workload::kWebAuditPage, options.people, seconds, std::move(pages),
           page_errors, first_error),
      Cell(Workload::kWebPostFinding, options.people, seconds, std::move(posts),
           post_errors, first_error)};
}

}  // namespace brevis::bench
