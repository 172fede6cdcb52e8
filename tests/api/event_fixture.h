#ifndef BREVIS_TESTS_API_EVENT_FIXTURE_H_
#define BREVIS_TESTS_API_EVENT_FIXTURE_H_

// What the tests of the change feed share: a server with an event stub for
// the admin, listing every page, and reading from a watch.

#include <memory>
#include <string>
#include <vector>

#include "brevis/v1/event_service.grpc.pb.h"
#include "tests/api/service_fixture.h"

namespace brevis::api {

class EventServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    options_.max_watchers = 3;
    ServiceTest::SetUp();
    events_ = v1::EventService::NewStub(channel_);
  }

  // Every event `stub`'s caller may see after `after`, all pages.
  std::vector<v1::Event> ListAll(v1::EventService::Stub& stub,
                                 const std::string& filter = "",
                                 int64_t after = 0) {
    std::vector<v1::Event> all;
    v1::ListEventsRequest request;
    request.set_filter(filter);
    request.set_after_sequence(after);
    request.set_page_size(7);
    for (int page = 0; page < 1000; ++page) {
      grpc::ClientContext context;
      v1::ListEventsResponse response;
      grpc::Status status = stub.ListEvents(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      all.insert(all.end(), response.events().begin(), response.events().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  std::vector<std::string> Resources(const std::vector<v1::Event>& events) {
    std::vector<std::string> names;
    for (const v1::Event& event : events) names.push_back(event.resource());
    return names;
  }

  // Publishes in the store (the lifecycle's guards are tested elsewhere).
  void Publish(const std::string& audit) {
    ASSERT_TRUE(
        db_->Write([&](store::Connection& db) -> absl::Status {
             auto update =
                 db.Prepare("UPDATE audits SET state = 4 WHERE uid = ?");
             if (!update.ok()) return update.status();
             return (*update)->Bind(1, audit.substr(audit.find('/') + 1)).Run();
           })
            .ok());
  }

  grpc::Status Correct(const std::string& finding, const std::string& text) {
    grpc::ClientContext context;
    v1::UpdateFindingRequest request;
    request.mutable_finding()->set_name(finding);
    request.mutable_finding()->set_text(text);
    request.mutable_update_mask()->add_paths("text");
    request.set_revision_reason("Stavfel rättat.");
    v1::Finding updated;
    return audits_->UpdateFinding(&context, request, &updated);
  }

  // Changes the fields of `mask` of principal `name` to those of `change`.
  void MustUpdatePrincipal(const std::string& name, v1::Principal change,
                           const std::vector<std::string>& mask) {
    grpc::ClientContext context;
    v1::UpdatePrincipalRequest request;
    change.set_name(name);
    *request.mutable_principal() = std::move(change);
    for (const std::string& path : mask) {
      request.mutable_update_mask()->add_paths(path);
    }
    v1::Principal updated;
    grpc::Status status =
        directory_->UpdatePrincipal(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void MustRetitle(const std::string& audit, const std::string& title) {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit);
    request.mutable_audit()->set_title(title);
    request.mutable_update_mask()->add_paths("title");
    v1::Audit updated;
    grpc::Status status = audits_->UpdateAudit(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void MustRenameUnit(const std::string& unit, const std::string& name) {
    grpc::ClientContext context;
    v1::UpdateUnitRequest request;
    request.mutable_unit()->set_name(unit);
    request.mutable_unit()->set_display_name(name);
    request.mutable_update_mask()->add_paths("display_name");
    v1::Unit updated;
    grpc::Status status = directory_->UpdateUnit(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void MustMove(const std::string& audit, v1::AuditState to) {
    grpc::ClientContext context;
    v1::TransitionAuditRequest request;
    request.set_name(audit);
    request.set_state(to);
    request.set_reason("Enheten har bett om det.");
    v1::Audit moved;
    grpc::Status status = audits_->TransitionAudit(&context, request, &moved);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A published audit of a new unit.
  v1::Audit PublishedAudit() {
    v1::Audit audit = MustCreateAudit();
    Publish(audit.name());
    return audit;
  }

  // A published audit of an existing unit.
  v1::Audit PublishedAuditOf(const std::string& unit) {
    grpc::ClientContext context;
    v1::CreateAuditRequest request;
    *request.mutable_audit() = ExampleAudit(unit);
    v1::Audit created;
    grpc::Status status = audits_->CreateAudit(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    Publish(created.name());
    return created;
  }

  int64_t LastSequence() { return ListAll(*events_).back().sequence(); }

  // A watch of `stub`'s caller from the events after `after`.
  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader;
  };
  std::unique_ptr<Watch> OpenWatch(v1::EventService::Stub& stub,
                                   int64_t after) {
    auto watch = std::make_unique<Watch>();
    watch->context.set_deadline(std::chrono::system_clock::now() +
                                std::chrono::seconds(20));
    v1::WatchEventsRequest request;
    request.set_after_sequence(after);
    watch->reader = stub.WatchEvents(&watch->context, request);
    return watch;
  }

  // Reads until the stream ends and returns how it ended.
  static grpc::Status Drain(Watch& watch) {
    v1::WatchEventsResponse response;
    while (watch.reader->Read(&response)) {
    }
    return watch.reader->Finish();
  }

  static std::vector<std::string> Audits(const std::vector<v1::Event>& all) {
    std::vector<std::string> names;
    for (const v1::Event& event : all) names.push_back(event.audit());
    return names;
  }

  std::unique_ptr<v1::EventService::Stub> events_;
};

// Reads from a watch until `count` events arrived, or the stream ends.
inline std::vector<v1::Event> ReadEvents(
    grpc::ClientReaderInterface<v1::WatchEventsResponse>& reader, size_t count,
    int64_t* resume_after = nullptr) {
  std::vector<v1::Event> events;
  v1::WatchEventsResponse response;
  while (events.size() < count && reader.Read(&response)) {
    events.insert(events.end(), response.events().begin(),
                  response.events().end());
    if (resume_after != nullptr) *resume_after = response.resume_after();
  }
  return events;
}

}  // namespace brevis::api

#endif  // BREVIS_TESTS_API_EVENT_FIXTURE_H_
