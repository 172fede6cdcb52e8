// A principal's contact e-mail, language and notification opt-outs (issue
// 16): who may set them, who sees them, and that the address (personal
// data) never reaches events, the access log or the server's log.

#include <gmock/gmock.h>

#include "brevis/v1/access_log_service.grpc.pb.h"
#include "brevis/v1/event_service.grpc.pb.h"
#include "server/domain/policy.h"
#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kEmail[] = "enhetschef.prima@regionstockholm.example";

class PrincipalContactTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    unit_ = MustCreateUnit(ExampleUnit()).name();
    manager_ = NewPrincipal(v1::ROLE_UNIT_MANAGER, {unit_});
    v1::Principal settings;
    settings.set_name(manager_.name);
    settings.set_contact_email(kEmail);
    settings.set_language(v1::REPORT_LANGUAGE_ENGLISH);
    settings.add_notification_opt_outs(v1::NOTIFICATION_KIND_UNIT_DIGEST);
    grpc::Status status =
        Update(admin_.secret, settings,
               {"contact_email", "language", "notification_opt_outs"});
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Update(const std::string& secret, const v1::Principal& p,
                      const std::vector<std::string>& paths,
                      v1::Principal* out = nullptr) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(secret));
    grpc::ClientContext context;
    v1::UpdatePrincipalRequest request;
    *request.mutable_principal() = p;
    for (const std::string& path : paths) {
      request.mutable_update_mask()->add_paths(path);
    }
    v1::Principal ignored;
    return stub->UpdatePrincipal(&context, request, out ? out : &ignored);
  }

  grpc::Status Get(const std::string& secret, const std::string& name,
                   v1::Principal* out) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(secret));
    grpc::ClientContext context;
    v1::GetPrincipalRequest request;
    request.set_name(name);
    return stub->GetPrincipal(&context, request, out);
  }

  grpc::Status List(const std::string& secret,
                    v1::ListPrincipalsResponse* out) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(secret));
    grpc::ClientContext context;
    return stub->ListPrincipals(&context, v1::ListPrincipalsRequest(), out);
  }

  const v1::Principal* Find(const v1::ListPrincipalsResponse& list) {
    for (const v1::Principal& p : list.principals()) {
      if (p.name() == manager_.name) return &p;
    }
    return nullptr;
  }

  std::string unit_;
  TestPrincipal manager_;
};

TEST_F(PrincipalContactTest, AdminSelfAndContactsScopeSeeIt) {
  v1::Principal read;
  ASSERT_TRUE(Get(admin_.secret, manager_.name, &read).ok());
  EXPECT_EQ(read.contact_email(), kEmail);
  EXPECT_EQ(read.language(), v1::REPORT_LANGUAGE_ENGLISH);
  ASSERT_EQ(read.notification_opt_outs_size(), 1);

  ASSERT_TRUE(Get(manager_.secret, manager_.name, &read).ok());
  EXPECT_EQ(read.contact_email(), kEmail);

  TestPrincipal notifier =
      NewPrincipal(v1::ROLE_INTEGRATION, {},
                   {v1::SCOPE_READ_CONTACTS, v1::SCOPE_WATCH_EVENTS});
  v1::ListPrincipalsResponse list;
  ASSERT_TRUE(List(notifier.secret, &list).ok());
  ASSERT_NE(Find(list), nullptr);
  EXPECT_EQ(Find(list)->contact_email(), kEmail);
  EXPECT_EQ(Find(list)->notification_opt_outs(0),
            v1::NOTIFICATION_KIND_UNIT_DIGEST);
  ASSERT_TRUE(Get(notifier.secret, manager_.name, &read).ok());
  EXPECT_EQ(read.contact_email(), kEmail);
}

TEST_F(PrincipalContactTest, OthersCannotReachIt) {
  TestPrincipal other = NewPrincipal(v1::ROLE_UNIT_MANAGER, {unit_});
  TestPrincipal reader = NewPrincipal(
      v1::ROLE_INTEGRATION, {},
      {v1::SCOPE_READ_UNITS, v1::SCOPE_READ_AUDITS, v1::SCOPE_WATCH_EVENTS});
  v1::Principal read;
  EXPECT_EQ(Get(other.secret, manager_.name, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(reader.secret, manager_.name, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListPrincipalsResponse list;
  EXPECT_EQ(List(reader.secret, &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(other.secret, &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PrincipalContactTest, HiddenFromCallersWithoutTheRight) {
  // No RPC hands another's principal to such a caller today; the one
  // function every response goes through clears the fields anyway.
  v1::Principal read;
  ASSERT_TRUE(Get(admin_.secret, manager_.name, &read).ok());
  domain::Caller viewer;
  viewer.role = v1::ROLE_VIEWER;
  viewer.name = "principals/viewer";
  domain::HideContactUnlessAllowed(viewer, &read);
  EXPECT_EQ(read.contact_email(), "");
  EXPECT_EQ(read.notification_opt_outs_size(), 0);
  EXPECT_EQ(read.language(), v1::REPORT_LANGUAGE_UNSPECIFIED);
}

TEST_F(PrincipalContactTest, SelfMayChangePreferencesButNotTheAddress) {
  v1::Principal mine;
  mine.set_name(manager_.name);
  mine.set_language(v1::REPORT_LANGUAGE_SWEDISH);
  v1::Principal updated;
  grpc::Status status = Update(manager_.secret, mine,
                               {"language", "notification_opt_outs"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.notification_opt_outs_size(), 0);
  EXPECT_EQ(updated.contact_email(), kEmail);

  mine.set_contact_email("someone.else@example.org");
  status = Update(manager_.secret, mine, {"contact_email"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("contact_email"));

  TestPrincipal other = NewPrincipal(v1::ROLE_UNIT_MANAGER, {unit_});
  status = Update(other.secret, mine, {"language"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PrincipalContactTest, InvalidAddressesAreRefusedNamingTheField) {
  for (const char* bad :
       {"two@a.se,three@b.se", "x@a.se\r\nBcc: evil@example.org",
        "Name <x@a.se>", "no-at-sign.se", "a@b@c.se", "a@localhost",
        "a b@c.se"}) {
    v1::Principal p;
    p.set_name(manager_.name);
    p.set_contact_email(bad);
    grpc::Status status = Update(admin_.secret, p, {"contact_email"});
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(status.error_message(),
                ::testing::StartsWith("principal.contact_email: "));
  }
  v1::Principal p;
  p.set_name(manager_.name);
  p.set_contact_email(std::string(250, 'a') + "@b.se");
  EXPECT_EQ(Update(admin_.secret, p, {"contact_email"}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  p.set_contact_email(kEmail);
  p.add_notification_opt_outs(v1::NOTIFICATION_KIND_UNIT_DIGEST);
  p.add_notification_opt_outs(v1::NOTIFICATION_KIND_UNIT_DIGEST);
  grpc::Status status = Update(admin_.secret, p, {"notification_opt_outs"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("principal.notification_opt_outs[1]"));
}

TEST_F(PrincipalContactTest, NeverInEventsAccessLogOrServerLog) {
  auto events = v1::EventService::NewStub(channel_);
  grpc::ClientContext context;
  v1::ListEventsResponse listed;
  v1::ListEventsRequest request;
  request.set_page_size(1000);
  ASSERT_TRUE(events->ListEvents(&context, request, &listed).ok());
  bool saw_update = false;
  for (const v1::Event& event : listed.events()) {
    EXPECT_THAT(event.SerializeAsString(), Not(HasSubstr(kEmail)));
    if (event.resource() == manager_.name) saw_update = true;
  }
  EXPECT_TRUE(saw_update);

  auto log = v1::AccessLogService::NewStub(channel_);
  grpc::ClientContext log_context;
  v1::ListAccessLogResponse entries;
  ASSERT_TRUE(
      log->ListAccessLog(&log_context, v1::ListAccessLogRequest(), &entries)
          .ok());
  EXPECT_THAT(entries.SerializeAsString(), Not(HasSubstr(kEmail)));
  EXPECT_THAT(server_log_.str(), Not(HasSubstr(kEmail)));
  EXPECT_THAT(server_log_.str(), Not(HasSubstr("regionstockholm.example")));
}

}  // namespace
}  // namespace brevis::api
