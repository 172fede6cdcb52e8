// The change feed: an event per committed change, in order, visible only
// as its resource is, and watchable without gaps, repeats or unbounded
// buffering.

#include <gmock/gmock.h>

#include <thread>

#include "tests/api/event_fixture.h"

namespace brevis::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(EventServiceTest, EveryChangeIsAnEventInCommitOrder) {
  int64_t before = ListAll(*events_).size();
  v1::Audit audit = MustCreateAudit();
  v1::Finding finding = MustCreateFinding(audit.name(), ExampleFinding());
  {
    grpc::ClientContext context;
    v1::UpdateFindingRequest request;
    *request.mutable_finding() = finding;
    request.mutable_finding()->set_sip(true);
    request.mutable_update_mask()->add_paths("sip");
    v1::Finding updated;
    ASSERT_TRUE(audits_->UpdateFinding(&context, request, &updated).ok());
  }
  {
    grpc::ClientContext context;
    v1::DeleteFindingRequest request;
    request.set_name(finding.name());
    google::protobuf::Empty empty;
    ASSERT_TRUE(audits_->DeleteFinding(&context, request, &empty).ok());
  }

  std::vector<v1::Event> events = ListAll(*events_);
  ASSERT_EQ(events.size(), before + 5);  // the example unit's, then ours
  std::vector<v1::Event> mine(events.end() - 4, events.end());
  EXPECT_EQ(mine[0].kind(), v1::EVENT_KIND_CREATED);
  EXPECT_EQ(mine[0].resource(), audit.name());
  EXPECT_EQ(mine[0].audit(), audit.name());
  EXPECT_EQ(mine[0].unit(), audit.unit());
  EXPECT_EQ(mine[1].resource(), finding.name());
  EXPECT_EQ(mine[2].kind(), v1::EVENT_KIND_UPDATED);
  EXPECT_THAT(mine[2].changed_fields(), ElementsAre("sip"));
  EXPECT_EQ(mine[3].kind(), v1::EVENT_KIND_DELETED);
  for (const v1::Event& event : mine) {
    EXPECT_EQ(event.actor(), admin_.name);
    EXPECT_EQ(event.actor_role(), v1::ROLE_ADMIN);
    EXPECT_EQ(event.time().seconds(), 1780000000);
  }
  // The sequence only grows, without holes: nothing was rolled back.
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), events[i - 1].sequence() + 1);
  }
}

TEST_F(EventServiceTest, RefusedWritesAndRetriesAddNoEvent) {
  v1::Audit audit = MustCreateAudit();
  size_t before = ListAll(*events_).size();
  v1::Finding bad = ExampleFinding();
  bad.set_text("Ring 070-123 45 67");
  EXPECT_EQ(CreateFinding(audit.name(), bad).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(
      CreateFinding(audit.name(), ExampleFinding(), nullptr, "retry-1").ok());
  ASSERT_TRUE(
      CreateFinding(audit.name(), ExampleFinding(), nullptr, "retry-1").ok());
  EXPECT_EQ(ListAll(*events_).size(), before + 1);
}

TEST_F(EventServiceTest, FiltersByAuditUnitAndKind) {
  v1::Audit first = MustCreateAudit();
  v1::Audit second = MustCreateAudit();
  v1::Finding finding = MustCreateFinding(first.name(), ExampleFinding());
  MustCreateFinding(second.name(), ExampleFinding());

  EXPECT_THAT(Resources(ListAll(*events_, "audit = \"" + first.name() + "\"")),
              ElementsAre(first.name(), finding.name()));
  EXPECT_THAT(Resources(ListAll(*events_, "unit = \"" + first.unit() + "\"")),
              ElementsAre(first.unit(), first.name(), finding.name()));
  std::vector<v1::Event> created =
      ListAll(*events_, "kind = CREATED AND audit = \"" + second.name() + "\"");
  EXPECT_EQ(created.size(), 2u);
  EXPECT_TRUE(ListAll(*events_, "audit = \"audits/0000000000000000\"").empty());

  grpc::ClientContext context;
  v1::ListEventsRequest request;
  request.set_filter("kind = EXPLODED");
  v1::ListEventsResponse response;
  grpc::Status status = events_->ListEvents(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("kind"));
}

TEST_F(EventServiceTest, CallersSeeOnlyWhatTheyMayRead) {
  v1::Audit audit = MustCreateAudit();
  TestPrincipal manager = NewPrincipal(v1::ROLE_UNIT_MANAGER, {audit.unit()});
  TestPrincipal other_auditor = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal watcher =
      NewPrincipal(v1::ROLE_INTEGRATION, {}, {v1::SCOPE_WATCH_EVENTS});
  TestPrincipal reader =
      NewPrincipal(v1::ROLE_INTEGRATION, {}, {v1::SCOPE_READ_AUDITS});
  v1::Finding finding = MustCreateFinding(audit.name(), ExampleFinding());
  {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_parent(audit.name());
    *request.mutable_session() = ExampleSession();
    v1::Session session;
    ASSERT_TRUE(audits_->CreateSession(&context, request, &session).ok());
  }
  Publish(audit.name());
  ASSERT_TRUE(
      Correct(finding.name(), "De flesta unga känner sig lyssnade på.").ok());
  std::string filter = "audit = \"" + audit.name() + "\"";

  // The admin sees all four; the unit's manager only what came after
  // publication: not the drafts, never the interview session.
  EXPECT_EQ(ListAll(*events_, filter).size(), 4u);
  auto as_manager = v1::EventService::NewStub(ChannelFor(manager.secret));
  std::vector<v1::Event> seen = ListAll(*as_manager, filter);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].resource(), finding.name());
  EXPECT_THAT(seen[0].changed_fields(),
              ElementsAre("text", "revision", "revision_reason"));
  // Another team's auditor, and an integration that may watch but not read
  // audits, see nothing of it.
  auto as_other = v1::EventService::NewStub(ChannelFor(other_auditor.secret));
  EXPECT_TRUE(ListAll(*as_other, filter).empty());
  auto as_watcher = v1::EventService::NewStub(ChannelFor(watcher.secret));
  EXPECT_TRUE(ListAll(*as_watcher, filter).empty());
  // An integration without the watch scope may not follow the feed at all.
  auto as_reader = v1::EventService::NewStub(ChannelFor(reader.secret));
  grpc::ClientContext context;
  v1::ListEventsResponse response;
  grpc::Status status =
      as_reader->ListEvents(&context, v1::ListEventsRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(EventServiceTest, WatchDeliversThePastThenTheLiveInOrder) {
  v1::Audit audit = MustCreateAudit();
  std::vector<v1::Event> past = ListAll(*events_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  auto reader = events_->WatchEvents(&context, v1::WatchEventsRequest());
  std::vector<v1::Event> got = ReadEvents(*reader, past.size());
  ASSERT_EQ(got.size(), past.size());
  // Live: each commit reaches the open stream.
  for (int i = 0; i < 5; ++i) {
    v1::Finding finding = MustCreateFinding(audit.name(), ExampleFinding());
    std::vector<v1::Event> next = ReadEvents(*reader, 1);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].resource(), finding.name());
    EXPECT_EQ(next[0].sequence(), got.back().sequence() + 1);
    got.push_back(next[0]);
  }
  context.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(EventServiceTest, ResumingGivesNoGapAndNoRepeat) {
  v1::Audit audit = MustCreateAudit();
  int64_t resume_after = 0;
  std::vector<v1::Event> first;
  {
    grpc::ClientContext context;
    auto reader = events_->WatchEvents(&context, v1::WatchEventsRequest());
    first = ReadEvents(*reader, ListAll(*events_).size(), &resume_after);
    context.TryCancel();
    reader->Finish().IgnoreError();
  }
  // Changes while nobody watches.
  for (int i = 0; i < 3; ++i) MustCreateFinding(audit.name(), ExampleFinding());
  grpc::ClientContext context;
  v1::WatchEventsRequest request;
  request.set_after_sequence(resume_after);
  auto reader = events_->WatchEvents(&context, request);
  std::vector<v1::Event> rest = ReadEvents(*reader, 3);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].sequence(), first.back().sequence() + 1);
  EXPECT_EQ(rest[2].sequence(), first.back().sequence() + 3);
  context.TryCancel();
  reader->Finish().IgnoreError();
}

TEST_F(EventServiceTest, ASlowWatcherHoldsUpNoWriterAndMissesNothing) {
  v1::Audit audit = MustCreateAudit();
  int64_t start = ListAll(*events_).back().sequence();
  grpc::ClientContext context;
  v1::WatchEventsRequest request;
  request.set_after_sequence(start);
  auto reader = events_->WatchEvents(&context, request);
  // The watcher reads nothing while 1,500 changes commit. The server holds
  // at most one batch for it, so the writers finish regardless.
  absl::Time began = absl::Now();
  constexpr int kWrites = 1500;  // more than the transport buffers
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(CreateFinding(audit.name(), ExampleFinding()).ok());
  }
  EXPECT_LT(absl::Now() - began, absl::Seconds(60));
  // Then it reads: every event, in order, none twice.
  std::vector<v1::Event> got = ReadEvents(*reader, kWrites);
  ASSERT_EQ(got.size(), static_cast<size_t>(kWrites));
  for (int i = 0; i < kWrites; ++i) {
    EXPECT_EQ(got[i].sequence(), start + 1 + i);
  }
  context.TryCancel();
  reader->Finish().IgnoreError();
}

TEST_F(EventServiceTest, TooManyWatchesAreRefused) {
  MustCreateUnit(ExampleUnit());  // something for each watch to deliver
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>>>
      readers;
  for (int i = 0; i < 3; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    readers.push_back(
        events_->WatchEvents(contexts.back().get(), v1::WatchEventsRequest()));
    v1::WatchEventsResponse response;
    ASSERT_TRUE(readers.back()->Read(&response));  // open and served
  }
  grpc::ClientContext context;
  auto refused = events_->WatchEvents(&context, v1::WatchEventsRequest());
  v1::WatchEventsResponse response;
  EXPECT_FALSE(refused->Read(&response));
  grpc::Status status = refused->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("too many open watches"));
  for (size_t i = 0; i < readers.size(); ++i) {
    contexts[i]->TryCancel();
    readers[i]->Finish().IgnoreError();
  }
}

TEST_F(EventServiceTest, ARevokedTokenEndsItsWatch) {
  MustCreateUnit(ExampleUnit());
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  auto as_viewer = v1::EventService::NewStub(ChannelFor(viewer.secret));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  auto reader = as_viewer->WatchEvents(&context, v1::WatchEventsRequest());
  v1::WatchEventsResponse response;
  ASSERT_TRUE(reader->Read(&response));  // the units it may see
  std::string uid = viewer.name.substr(viewer.name.find('/') + 1);
  ASSERT_TRUE(db_->Write([&](store::Connection& db) -> absl::Status {
                   auto revoke = db.Prepare(
                       "UPDATE tokens SET revoke_time = 1 WHERE principal_id "
                       "= (SELECT id FROM principals WHERE uid = ?)");
                   if (!revoke.ok()) return revoke.status();
                   return (*revoke)->Bind(1, uid).Run();
                 })
                  .ok());
  MustCreateUnit(ExampleUnit());  // news, which it must no longer get
  while (reader->Read(&response)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(EventServiceTest, ShutdownEndsWatchesSoTheyResume) {
  MustCreateUnit(ExampleUnit());
  grpc::ClientContext context;
  auto reader = events_->WatchEvents(&context, v1::WatchEventsRequest());
  v1::WatchEventsResponse response;
  ASSERT_TRUE(reader->Read(&response));
  absl::Time began = absl::Now();
  server_->Shutdown(absl::Seconds(5));
  while (reader->Read(&response)) {
  }
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("resume_after"));
  EXPECT_LT(absl::Now() - began, absl::Seconds(5));
}

}  // namespace
}  // namespace brevis::api
