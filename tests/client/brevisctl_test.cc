// brevisctl end to end: the real binary against a real brevisd. Tables are
// aligned, --json is protobuf JSON, --quiet prints names, every class of
// failure has its exit code and one line on stderr, the connection comes
// from flags, environment or defaults, and every command's --help has an
// example.

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/client/brevisd_fixture.h"
#include "tests/client/run_program.h"

namespace brevis::client_testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

size_t Characters(const std::string& text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The column (in characters) where `cell` starts in `line`.
size_t ColumnOf(const std::string& line, const std::string& cell) {
  size_t at = line.find(cell);
  return at == std::string::npos ? std::string::npos
                                 : Characters(line.substr(0, at));
}

class BrevisctlTest : public BrevisdFixture {
 protected:
  // brevisctl with BREVIS_ADDR and BREVIS_TOKEN_FILE pointing at this
  // server's admin, plus `environment`.
  ProgramRun Ctl(const std::vector<std::string>& args,
                 std::vector<std::string> environment = {},
                 const std::string& working_directory = "") {
    if (environment.empty()) {
      environment = {"BREVIS_ADDR=" + address_,
                     "BREVIS_TOKEN_FILE=" + token_file_};
    }
    ProgramOptions options;
    options.environment = std::move(environment);
    options.working_directory = working_directory;
    return RunProgram(BREVISCTL_PATH, args, options, dir_.path());
  }

  // Runs a command that must succeed and returns its stdout.
  std::string Ok(const std::vector<std::string>& args) {
    ProgramRun run = Ctl(args);
    EXPECT_EQ(run.exit_code, 0) << run.Describe();
    return run.out;
  }

  // Creates a unit and returns its name.
  std::string NewUnit(const std::string& display_name) {
    std::string out =
        Ok({"-q", "units", "create", "--display-name", display_name, "--region",
            "Region Stockholm", "--kind", "outpatient"});
    std::vector<std::string> lines = Lines(out);
    EXPECT_EQ(lines.size(), 1u) << out;
    return lines.empty() ? "" : lines[0];
  }

  // Expects exit code `code` and exactly one line on stderr naming `text`.
  void ExpectFailure(const ProgramRun& run, int code, const std::string& text) {
    EXPECT_EQ(run.exit_code, code) << run.Describe();
    std::vector<std::string> lines = Lines(run.err);
    ASSERT_EQ(lines.size(), 1u) << run.Describe();
    EXPECT_THAT(lines[0], StartsWith("brevisctl: "));
    EXPECT_THAT(lines[0], HasSubstr(text));
    EXPECT_EQ(run.out, "");
  }
};

TEST_F(BrevisctlTest, ListsAreAlignedTablesWithSwedishText) {
  NewUnit("BUP Södermalm, mottagning för unga");
  NewUnit("BUP Prima Handen");
  std::vector<std::string> lines = Lines(Ok({"units", "list"}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("NAME "));
  // Every column starts at the same character in every line, å and ö
  // counting as one character each.
  size_t kind = ColumnOf(lines[0], "KIND");
  size_t region = ColumnOf(lines[0], "REGION");
  ASSERT_NE(kind, std::string::npos);
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(ColumnOf(lines[i], "OUTPATIENT"), kind) << lines[i];
    EXPECT_EQ(ColumnOf(lines[i], "Region Stockholm"), region) << lines[i];
    EXPECT_TRUE(std::regex_search(lines[i], std::regex("^units/[0-9a-f]+ ")))
        << lines[i];
  }
  EXPECT_THAT(lines[1], HasSubstr("BUP Södermalm, mottagning för unga"));

  // show: one FIELD VALUE line per set field.
  std::string name = Lines(Ok({"-q", "units", "list"}))[1];
  std::string shown = Ok({"units", "show", name});
  EXPECT_THAT(shown, HasSubstr("display_name  BUP Prima Handen\n"));
  EXPECT_THAT(shown, HasSubstr("kind          OUTPATIENT\n"));
}

TEST_F(BrevisctlTest, JsonIsProtobufJsonOfTheResources) {
  std::string created =
      Ok({"--json", "units", "create", "--display-name", "BUP Prima Handen",
          "--region", "Region Stockholm", "--kind", "outpatient"});
  v1::Unit unit;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(created, &unit).ok())
      << created;
  EXPECT_EQ(unit.display_name(), "BUP Prima Handen");
  EXPECT_EQ(unit.kind(), v1::UNIT_KIND_OUTPATIENT);
  NewUnit("BUP Södermalm");

  // A list is a JSON array, one resource a line.
  std::vector<std::string> lines = Lines(Ok({"units", "list", "--json"}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines.front(), "[");
  EXPECT_EQ(lines.back(), "]");
  std::vector<std::string> names;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    std::string object = lines[i];
    if (object.back() == ',') object.pop_back();
    v1::Unit each;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(object, &each).ok())
        << object;
    names.push_back(each.name());
  }
  EXPECT_EQ(names[0], unit.name());
  EXPECT_EQ(Ok({"units", "list", "--json", "--limit", "0"}), "[]\n");
}

TEST_F(BrevisctlTest, QuietPrintsNamesOnly) {
  std::string first = NewUnit("BUP Prima Handen");
  EXPECT_TRUE(std::regex_match(first, std::regex("units/[0-9a-f]{16}")))
      << first;
  std::string second = NewUnit("BUP Södermalm");
  EXPECT_EQ(Ok({"units", "list", "--quiet"}), first + "\n" + second + "\n");
}

TEST_F(BrevisctlTest, UsageErrorsExitWithTwo) {
  ExpectFailure(Ctl({"units", "list", "--no-such-flag"}), 2, "no-such-flag");
  ExpectFailure(Ctl({}), 2, "subcommand");
  ExpectFailure(Ctl({"units", "create", "--display-name", "x", "--region",
                     "Region Stockholm", "--kind", "nowhere"}),
                2, "--kind: \"nowhere\" is not one of outpatient, inpatient");
  // Input the server refuses: INVALID_ARGUMENT names the field.
  ExpectFailure(
      Ctl({"units", "create", "--display-name", "x", "--kind", "outpatient"}),
      2, "INVALID_ARGUMENT: unit.region");
  ExpectFailure(Ctl({"sessions", "add", "audits/00000000000000ff", "--date",
                     "2026-13-45x", "--kind", "interview", "--group", "child",
                     "--participants", "1"}),
                2, "--date");
  // Only YYYY-MM-DD is a date: no sign, no missing zero, no space.
  for (const char* text : {" 2030-1-01", "2030-+1-01", "2030-12-1 "}) {
    ExpectFailure(Ctl({"actions", "list", "--due-before", text}), 2,
                  "--due-before: \"" + std::string(text) + "\" is not a date");
  }
}

TEST_F(BrevisctlTest, NotFoundExitsWithThree) {
  ExpectFailure(Ctl({"units", "show", "units/00000000000000ff"}), 3,
                "NOT_FOUND");
  ExpectFailure(Ctl({"audits", "show", "audits/00000000000000ff"}), 3,
                "NOT_FOUND");
}

TEST_F(BrevisctlTest, PermissionFailuresExitWithFour) {
  ASSERT_TRUE(e2e::WriteFile(dir_.File("wrong.token"), "brv_wrong\n"));
  ExpectFailure(
      Ctl({"whoami"}, {"BREVIS_ADDR=" + address_,
                       "BREVIS_TOKEN_FILE=" + dir_.File("wrong.token")}),
      4, "UNAUTHENTICATED");

  // A viewer may read but not register units.
  std::string viewer = Lines(Ok({"-q", "principals", "create", "--display-name",
                                 "Regional strateg", "--role", "viewer"}))[0];
  std::string viewer_token = dir_.File("viewer.token");
  Ok({"tokens", "create", viewer, "--out", viewer_token});
  ExpectFailure(
      Ctl({"units", "create", "--display-name", "x", "--region",
           "Region Stockholm", "--kind", "outpatient"},
          {"BREVIS_ADDR=" + address_, "BREVIS_TOKEN_FILE=" + viewer_token}),
      4, "PERMISSION_DENIED");
  // The secret file is the owner's only.
  EXPECT_EQ(
      std::filesystem::status(viewer_token).permissions(),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(BrevisctlTest, RefusedLifecycleStepsExitWithFive) {
  std::string unit = NewUnit("BUP Prima Handen");
  std::string audit =
      Lines(Ok({"-q", "audits", "create", "--unit", unit, "--title",
                "Brukarrevision BUP Prima Handen 2026", "--commissioned-by",
                "Regionala programmet för psykisk hälsa", "--focus",
                "participation,respect"}))[0];
  // No team yet: the guard of FIELDWORK refuses, and says so.
  ProgramRun refused = Ctl({"audits", "transition", audit, "fieldwork"});
  ExpectFailure(refused, 5, "FAILED_PRECONDITION");
  // A stale etag is a precondition failure too.
  ExpectFailure(
      Ctl({"audits", "update", audit, "--title", "Ny titel", "--etag", "999"}),
      5, "ABORTED");
}

TEST_F(BrevisctlTest, AnUnreachableServerExitsWithSixWithinTheTimeout) {
  auto start = std::chrono::steady_clock::now();
  ProgramRun run =
      Ctl({"--timeout", "3", "units", "list"},
          {"BREVIS_ADDR=127.0.0.1:1", "BREVIS_TOKEN_FILE=" + token_file_});
  ExpectFailure(run, 6, "UNAVAILABLE");
  EXPECT_THAT(run.err, HasSubstr("attempts"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
}

TEST_F(BrevisctlTest, ConnectionFromFlagsEnvironmentAndDefaults) {
  // The default token file is var/admin.token where brevisctl runs, as
  // `make run` leaves it.
  std::filesystem::path work = dir_.File("work");
  std::filesystem::create_directories(work / "var");
  std::filesystem::copy_file(token_file_, work / "var" / "admin.token");
  ProgramRun run =
      Ctl({"whoami", "-q"}, {"BREVIS_ADDR=" + address_}, work.string());
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_THAT(run.out, StartsWith("principals/"));

  // Flags win over the environment.
  run = Ctl({"--addr", address_, "--token-file", token_file_, "whoami"},
            {"BREVIS_ADDR=127.0.0.1:1", "BREVIS_TOKEN_FILE=/nonexistent"});
  EXPECT_EQ(run.exit_code, 0) << run.Describe();

  // A missing token file is named, with where the setting comes from.
  ExpectFailure(Ctl({"whoami"}, {"BREVIS_ADDR=" + address_,
                                 "BREVIS_TOKEN_FILE=/nonexistent/admin.token"}),
                2, "/nonexistent/admin.token");
}

TEST_F(BrevisctlTest, EventsAreListedAndWatched) {
  std::string first = NewUnit("BUP Prima Handen");
  std::string second = NewUnit("BUP Södermalm");
  // Table: one event per line; the units' creations among them.
  std::string table = Ok({"events", "list", "--kind", "created"});
  EXPECT_THAT(table, StartsWith("SEQUENCE "));
  EXPECT_THAT(table, HasSubstr(first));
  std::vector<std::string> sequences =
      Lines(Ok({"events", "list", "--kind", "created", "-q"}));
  ASSERT_GE(sequences.size(), 2u);
  for (const std::string& sequence : sequences) {
    EXPECT_TRUE(std::regex_match(sequence, std::regex("[0-9]+"))) << sequence;
  }
  // --after skips what was seen: only the last creation is left.
  std::string before_last = sequences[sequences.size() - 2];
  ProgramRun watch = Ctl({"events", "watch", "--after", before_last, "--kind",
                          "created", "--count", "1", "--json"});
  EXPECT_EQ(watch.exit_code, 0) << watch.Describe();
  v1::Event event;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(watch.out, &event).ok())
      << watch.out;
  EXPECT_EQ(event.resource(), second);
  EXPECT_EQ(event.kind(), v1::EVENT_KIND_CREATED);

  // Nothing new: --for ends the watch, and that is not a failure.
  auto start = std::chrono::steady_clock::now();
  watch = Ctl({"events", "watch", "--after", sequences.back(), "--kind",
               "created", "--for", "1"});
  EXPECT_EQ(watch.exit_code, 0) << watch.Describe();
  EXPECT_EQ(watch.out, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// Commission to published report, all through brevisctl, as the README
// walkthrough does it.
TEST_F(BrevisctlTest, FromCommissionToAPublishedReportAndItsExport) {
  std::string unit = NewUnit("BUP Prima Handen");
  std::string auditor =
      Lines(Ok({"-q", "principals", "create", "--display-name",
                "Brukarrevisor A", "--role", "auditor"}))[0];
  std::string audit =
      Lines(Ok({"-q", "audits", "create", "--unit", unit, "--title",
                "Brukarrevision BUP Prima Handen 2026", "--commissioned-by",
                "Regionala programmet för psykisk hälsa", "--focus",
                "participation,information", "--start", "2026-02-01",
                "--report", "2026-05-15", "--auditor", auditor}))[0];
  Ok({"audits", "transition", audit, "fieldwork"});
  Ok({"sessions", "add", audit, "--date", "2026-03-02", "--kind", "interview",
      "--group", "young_person", "--participants", "6"});
  Ok({"sessions", "add", audit, "--date", "2026-03-09", "--kind", "focus_group",
      "--group", "guardian", "--participants", "3"});
  std::string finding =
      Lines(Ok({"-q", "findings", "add", audit, "--focus", "participation",
                "--kind", "improvement_area", "--group", "young_person",
                "--article", "12", "--text",
                "Flera unga säger att de inte får vara med när beslut om deras "
                "behandling fattas."}))[0];
  std::string recommendation =
      Lines(Ok({"-q", "recommendations", "add", audit, "--priority", "high",
                "--finding", finding, "--text",
                "Inför en rutin där den unge själv får ge sin syn innan beslut "
                "om behandling."}))[0];
  Ok({"audits", "transition", audit, "reporting"});
  std::string published =
      Ok({"--json", "audits", "transition", audit, "published"});
  EXPECT_THAT(published, HasSubstr("\"state\": \"AUDIT_STATE_PUBLISHED\""));

  std::string markdown = Ok({"report", audit});
  EXPECT_THAT(markdown, HasSubstr("Brukarrevision BUP Prima Handen 2026"));
  EXPECT_THAT(markdown, HasSubstr("får vara med när beslut"));
  // Three guardians are fewer than the minimum group: not shown.
  EXPECT_THAT(markdown, HasSubstr("färre än 5"));

  std::string html_file = dir_.File("rapport.html");
  ProgramRun html = Ctl({"report", audit, "--format", "html", "--out",
                         html_file, "--language", "en"});
  EXPECT_EQ(html.exit_code, 0) << html.Describe();
  std::optional<std::string> page = e2e::ReadFile(html_file);
  ASSERT_TRUE(page.has_value());
  EXPECT_THAT(*page, HasSubstr("<svg"));
  EXPECT_THAT(*page, HasSubstr("Brukarrevision BUP Prima Handen 2026"));

  v1::AuditReport report;
  std::string json = Ok({"report", audit, "--format", "json"});
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &report).ok())
      << json;
  EXPECT_EQ(report.audit().name(), audit);
  ASSERT_EQ(report.recommendations_size(), 1);
  EXPECT_EQ(report.recommendations(0).recommendation().name(), recommendation);

  // The export: a header row and one row per recommendation.
  std::vector<std::string> csv = Lines(Ok({"export", "--unit", unit}));
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_THAT(csv[1], HasSubstr(audit));
  ExpectFailure(Ctl({"report", audit, "--format", "pdf"}), 2, "--format");
}

TEST_F(BrevisctlTest, SignInLinksPrintOneUrlAndListWithoutSecrets) {
  std::string person = Lines(Ok({"-q", "principals", "create", "--display-name",
                                 "Revisor A", "--role", "auditor"}))[0];
  // The URL alone on stdout, the expiry on stderr.
  ProgramRun run = Ctl({"principals", "sign-in-link", person, "--ttl", "2h",
                        "--web-url", "https://brevis.example.se/"});
  ASSERT_EQ(run.exit_code, 0) << run.Describe();
  std::smatch url;
  ASSERT_TRUE(
      std::regex_match(run.out, url,
                       std::regex("https://brevis\\.example\\.se/"
                                  "sign-in\\?link=(brv_[A-Za-z0-9_-]+)\n")))
      << run.out;
  std::string secret = url[1];
  EXPECT_THAT(run.err, HasSubstr("works once, until "));
  EXPECT_THAT(run.err, HasSubstr(person + "/signInLinks/"));

  // --web-url defaults to $BREVIS_WEB_URL, else the local brevis-web.
  run = Ctl({"principals", "sign-in-link", person},
            {"BREVIS_ADDR=" + address_, "BREVIS_TOKEN_FILE=" + token_file_,
             "BREVIS_WEB_URL=http://web.example:9000"});
  EXPECT_THAT(run.out, StartsWith("http://web.example:9000/sign-in?link=brv_"))
      << run.Describe();
  EXPECT_THAT(Ok({"principals", "sign-in-link", person}),
              StartsWith("http://127.0.0.1:8080/sign-in?link=brv_"));

  // Three links, listed for the person and for everyone, never a secret.
  std::vector<std::string> listed =
      Lines(Ok({"principals", "sign-in-links", person}));
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_THAT(listed[0], StartsWith("NAME "));
  EXPECT_THAT(listed[0], HasSubstr("USED"));
  EXPECT_EQ(Lines(Ok({"-q", "principals", "sign-in-links"})).size(), 3u);
  EXPECT_THAT(Ok({"--json", "principals", "sign-in-links"}),
              Not(HasSubstr(secret)));

  // Bad input is refused before anything is made.
  ExpectFailure(Ctl({"principals", "sign-in-link", person, "--ttl", "soon"}), 2,
                "--ttl");
  ExpectFailure(Ctl({"principals", "sign-in-link", person, "--ttl", "25h"}), 2,
                "ttl");
  ExpectFailure(Ctl({"principals", "sign-in-link", person, "--web-url",
                     "brevis.example.se"}),
                2, "--web-url");
  EXPECT_EQ(Lines(Ok({"-q", "principals", "sign-in-links"})).size(), 3u);
}

TEST_F(BrevisctlTest, IdentitiesAreAddedShownAndRemoved) {
  std::string person = Lines(Ok({"-q", "principals", "create", "--display-name",
                                 "Revisor A", "--role", "auditor"}))[0];
  std::string issuer = "https://idp.region.example";
  std::string shown = Ok({"principals", "identities", "add", person, "--issuer",
                          issuer, "--subject", "SE2321000016-77"});
  EXPECT_THAT(shown, HasSubstr("SE2321000016-77 at " + issuer));
  EXPECT_THAT(Ok({"principals", "show", person}),
              HasSubstr("SE2321000016-77 at " + issuer));
  EXPECT_THAT(Ok({"--json", "principals", "show", person}),
              HasSubstr("\"subject\": \"SE2321000016-77\""));

  // The same identity cannot sign in a second principal.
  std::string other = Lines(Ok({"-q", "principals", "create", "--display-name",
                                "Revisor B", "--role", "auditor"}))[0];
  ExpectFailure(Ctl({"principals", "identities", "add", other, "--issuer",
                     issuer, "--subject", "SE2321000016-77"}),
                5, "already carries this identity");
  ExpectFailure(Ctl({"principals", "identities", "add", other, "--issuer",
                     "http://idp.region.example", "--subject", "x"}),
                2, "external_identity.issuer");
  ExpectFailure(
      Ctl({"principals", "identities", "add", other, "--issuer", issuer}), 2,
      "--subject");

  Ok({"principals", "identities", "remove", person, "--issuer", issuer,
      "--subject", "SE2321000016-77"});
  EXPECT_THAT(Ok({"principals", "show", person}),
              Not(HasSubstr("SE2321000016-77")));
  ExpectFailure(Ctl({"principals", "identities", "remove", person, "--issuer",
                     issuer, "--subject", "SE2321000016-77"}),
                3, "does not carry");

  // brevis-web's principal: an integration with the sign-in scope.
  std::string web =
      Ok({"--json", "principals", "create", "--display-name", "brevis-web",
          "--role", "integration", "--scope", "sign-in",
          "--certificate-subject", "brevis-integration"});
  EXPECT_THAT(web, HasSubstr("SCOPE_SIGN_IN"));
}

TEST_F(BrevisctlTest, EveryCommandHasHelpWithAnExample) {
  ProgramRun top = Ctl({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("Exit codes:"));
  EXPECT_THAT(top.out, HasSubstr("BREVIS_ADDR"));
  const std::vector<std::vector<std::string>> commands = {
      {"whoami"},
      {"units"},
      {"units", "list"},
      {"units", "create"},
      {"units", "show"},
      {"units", "update"},
      {"units", "summary"},
      {"principals"},
      {"principals", "list"},
      {"principals", "create"},
      {"principals", "show"},
      {"principals", "deactivate"},
      {"principals", "sign-in-link"},
      {"principals", "sign-in-links"},
      {"principals", "identities"},
      {"principals", "identities", "add"},
      {"principals", "identities", "remove"},
      {"tokens"},
      {"tokens", "list"},
      {"tokens", "create"},
      {"tokens", "revoke"},
      {"audits"},
      {"audits", "list"},
      {"audits", "create"},
      {"audits", "show"},
      {"audits", "update"},
      {"audits", "transition"},
      {"sessions"},
      {"sessions", "list"},
      {"sessions", "add"},
      {"sessions", "delete"},
      {"findings"},
      {"findings", "list"},
      {"findings", "add"},
      {"findings", "show"},
      {"findings", "update"},
      {"findings", "revisions"},
      {"recommendations"},
      {"recommendations", "list"},
      {"recommendations", "add"},
      {"recommendations", "show"},
      {"respond"},
      {"verdict"},
      {"feedback"},
      {"feedback", "list"},
      {"feedback", "add"},
      {"actions"},
      {"actions", "list"},
      {"actions", "add"},
      {"actions", "update"},
      {"actions", "note"},
      {"actions", "overdue"},
      {"report"},
      {"export"},
      {"events"},
      {"events", "list"},
      {"events", "watch"},
      {"access-log"},
  };
  for (std::vector<std::string> command : commands) {
    std::string joined = absl::StrJoin(command, " ");
    command.push_back("--help");
    ProgramRun help = Ctl(command);
    EXPECT_EQ(help.exit_code, 0) << joined << "\n" << help.Describe();
    EXPECT_THAT(help.out, HasSubstr("Example:\n  brevisctl " + command[0]))
        << joined;
  }
}

}  // namespace
}  // namespace brevis::client_testing
