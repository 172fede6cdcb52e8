// The change feed judges every event with the caller's rights as they are
// when it is listed or sent, and a change that takes an audit out of
// someone's view still reaches them, in ListEvents and WatchEvents alike.

#include <gmock/gmock.h>

#include "absl/time/clock.h"
#include "tests/api/event_fixture.h"

namespace brevis::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class EventRightsTest : public EventServiceTest {};

// Issue 11, case 1.
TEST_F(EventRightsTest, AWatchAppliesTheCallersCurrentScopes) {
  v1::Audit audit = PublishedAudit();
  TestPrincipal integration = NewPrincipal(
      v1::ROLE_INTEGRATION, {},
      {v1::SCOPE_READ_AUDITS, v1::SCOPE_WATCH_EVENTS, v1::SCOPE_READ_UNITS});
  auto as_integration =
      v1::EventService::NewStub(ChannelFor(integration.secret));
  auto watch = OpenWatch(*as_integration, LastSequence());
  MustRetitle(audit.name(), "Brukarrevision 2026, andra upplagan");
  std::vector<v1::Event> seen = ReadEvents(*watch->reader, 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].resource(), audit.name());

  // read-audits goes: the next change of the audit is not for it, the
  // change of a unit (which it still may read) is.
  v1::Principal scopes;
  scopes.add_scopes(v1::SCOPE_WATCH_EVENTS);
  scopes.add_scopes(v1::SCOPE_READ_UNITS);
  MustUpdatePrincipal(integration.name, scopes, {"scopes"});
  MustRetitle(audit.name(), "Brukarrevision 2026, tredje upplagan");
  MustRenameUnit(audit.unit(), "BUP Prima Handen Söder");
  seen = ReadEvents(*watch->reader, 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].resource(), audit.unit());
  EXPECT_THAT(
      Audits(ListAll(*as_integration, "audit = \"" + audit.name() + "\"")),
      IsEmpty());

  // watch-events goes too: the stream ends as ListEvents refuses.
  v1::Principal none;
  none.add_scopes(v1::SCOPE_READ_UNITS);
  MustUpdatePrincipal(integration.name, none, {"scopes"});
  grpc::Status ended = Drain(*watch);
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << ended.error_message();
  grpc::ClientContext context;
  v1::ListEventsResponse response;
  EXPECT_EQ(
      as_integration->ListEvents(&context, v1::ListEventsRequest(), &response)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

// Narrowing a principal's units narrows its open watch at once, for a unit
// manager and for a unit-limited integration alike.
TEST_F(EventRightsTest, AWatchFollowsNarrowedUnitScopes) {
  v1::Audit kept = PublishedAudit();
  v1::Audit dropped = PublishedAudit();
  TestPrincipal manager =
      NewPrincipal(v1::ROLE_UNIT_MANAGER, {kept.unit(), dropped.unit()});
  TestPrincipal integration =
      NewPrincipal(v1::ROLE_INTEGRATION, {},
                   {v1::SCOPE_READ_AUDITS, v1::SCOPE_WATCH_EVENTS});
  for (const TestPrincipal& who : {manager, integration}) {
    SCOPED_TRACE(who.name);
    auto stub = v1::EventService::NewStub(ChannelFor(who.secret));
    auto watch = OpenWatch(*stub, LastSequence());
    MustRetitle(dropped.name(), "Före");
    ASSERT_THAT(Audits(ReadEvents(*watch->reader, 1)),
                ElementsAre(dropped.name()));
    v1::Principal units;
    units.add_units(kept.unit());
    MustUpdatePrincipal(who.name, units, {"units"});
    MustRetitle(dropped.name(), "Efter");
    MustRetitle(kept.name(), "Efter");
    EXPECT_THAT(Audits(ReadEvents(*watch->reader, 1)),
                ElementsAre(kept.name()));
    watch->context.TryCancel();
    Drain(*watch).IgnoreError();
  }
}

// The same as the revoked token: a deactivated principal's watch ends.
TEST_F(EventRightsTest, DeactivationEndsTheWatchUnauthenticated) {
  v1::Audit audit = PublishedAudit();
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  auto as_viewer = v1::EventService::NewStub(ChannelFor(viewer.secret));
  auto watch = OpenWatch(*as_viewer, LastSequence());
  MustRetitle(audit.name(), "Före");
  ASSERT_EQ(ReadEvents(*watch->reader, 1).size(), 1u);
  v1::Principal inactive;
  inactive.set_active(false);
  MustUpdatePrincipal(viewer.name, inactive, {"active"});
  MustRetitle(audit.name(), "Efter");
  EXPECT_EQ(Drain(*watch).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Nothing commits while the token runs out: the idle watch still ends
// within the recheck interval, not at the next commit (which may be hours
// away at night).
class IdleWatchTest : public EventServiceTest {
 protected:
  void SetUp() override {
    options_.watch_recheck = absl::Milliseconds(200);
    EventServiceTest::SetUp();
  }
};

TEST_F(IdleWatchTest, AnExpiredTokenEndsAnIdleWatch) {
  MustCreateUnit(ExampleUnit());
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);  // valid for 24 h
  auto as_viewer = v1::EventService::NewStub(ChannelFor(viewer.secret));
  auto watch = OpenWatch(*as_viewer, LastSequence());
  absl::SleepFor(absl::Milliseconds(300));  // parked, nothing to send
  absl::Time expired = absl::Now();
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(Drain(*watch).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Well inside the watch's own 20 s deadline: the recheck ended it.
  EXPECT_LT(absl::Now() - expired, absl::Seconds(5));
}

}  // namespace
}  // namespace brevis::api
