// Three brevisd replicas on one PostgreSQL database, clients spread over
// them: racing steps of one audit have one winner and a clean refusal for
// the others, a response racing the step that ends responses lands before
// it or is refused, a watch on one replica sees what the others write in
// order and without gaps, and a request_id retried on another replica
// creates one resource.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "brevis/v1/event_service.grpc.pb.h"
#include "server/domain/str_cat.h"
#include "tests/fault/fault_support.h"
#include "tests/replicas/replica_test.h"
#include "tests/testing/engine_phrases.h"
#include "tests/testing/lifecycle_scenario.h"

namespace brevis::replicas {
namespace {

using ::testing::HasSubstr;

// Two clients per replica in every race.
constexpr int kRacers = 2 * kReplicas;
// Each responder's bound; the step that ends responses comes long before.
constexpr int kMaxResponses = 300;
// Responses acknowledged before the step is asked for.
constexpr int kResponsesBeforeStep = 10;
constexpr milliseconds kRaceTimeout{20000};
constexpr milliseconds kCallTimeout{10000};
constexpr int kWatchWriters = 4;
constexpr int kWatchWritesEach = 25;

std::unique_ptr<grpc::ClientContext> Deadline(
    milliseconds timeout = kCallTimeout) {
  return fault::Deadline(timeout);
}

// A refusal a caller can act on: a code of the rules, a message that is
// ours and not the database's.
void ExpectCleanRefusal(const grpc::Status& status) {
  EXPECT_THAT(status.error_code(),
              ::testing::AnyOf(grpc::StatusCode::ABORTED,
                               grpc::StatusCode::FAILED_PRECONDITION))
      << status.error_message();
  EXPECT_FALSE(status.error_message().empty());
  EXPECT_EQ(testing::EnginePhraseIn(status.error_message()), "")
      << status.error_message();
}

class ReplicaConcurrencyTest : public ReplicaTest {
 protected:
  // A unit, an auditor on the team of a PLANNED audit of it, a manager of
  // the unit.
  void SetUpAudit() {
    v1::Unit unit = MustCreateUnit("BUP Prima Handen");
    auditor_ = NewPrincipal(v1::ROLE_AUDITOR);
    manager_ = NewPrincipal(v1::ROLE_UNIT_MANAGER, unit.name());
    audit_ = MustCreateAudit(unit.name());
    ASSERT_FALSE(audit_.name().empty());
    auto audits = v1::AuditService::NewStub(AdminChannel(0));
    v1::UpdateAuditRequest team;
    team.mutable_audit()->set_name(audit_.name());
    team.mutable_audit()->add_auditors(auditor_.name);
    team.mutable_update_mask()->add_paths("auditors");
    ASSERT_TRUE(audits->UpdateAudit(Deadline().get(), team, &audit_).ok());
  }

  std::unique_ptr<v1::AuditService::Stub> AuditsAs(const Person& person,
                                                   int replica) {
    return v1::AuditService::NewStub(Channel(replica, person.secret));
  }

  // An improvement area (ExampleFinding) in the audit, by the auditor.
  v1::Finding AddFinding(const std::string& text) {
    v1::CreateFindingRequest request;
    request.set_parent(audit_.name());
    *request.mutable_finding() = fault::ExampleFinding(text);
    v1::Finding finding;
    grpc::Status status =
        AuditsAs(auditor_, 0)
            ->CreateFinding(Deadline().get(), request, &finding);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return finding;
  }

  v1::Recommendation AddRecommendation(const std::string& finding) {
    v1::CreateRecommendationRequest request;
    request.set_parent(audit_.name());
    request.mutable_recommendation()->set_text(
        "Inför en rutin där den unge själv får ge sin syn.");
    request.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    request.mutable_recommendation()->add_findings(finding);
    v1::Recommendation created;
    grpc::Status status =
        AuditsAs(auditor_, 0)
            ->CreateRecommendation(Deadline().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status Respond(v1::AuditService::Stub& stub, const std::string& name,
                       const std::string& rationale) {
    v1::RespondToRecommendationRequest request;
    request.set_name(name);
    request.mutable_response()->set_decision(v1::RESPONSE_DECISION_ACCEPTED);
    request.mutable_response()->set_rationale(rationale);
    v1::Recommendation answered;
    return stub.RespondToRecommendation(Deadline().get(), request, &answered);
  }

  // kRacers callers as `person`, two per replica, each on its own
  // connection, ask at once to move the audit to `to` (with `etag` when
  // given). Returns their answers; the audit becomes the winner's.
  std::vector<grpc::Status> RaceTransitions(const Person& person,
                                            v1::AuditState to,
                                            const std::string& etag) {
    std::vector<std::unique_ptr<v1::AuditService::Stub>> stubs;
    for (int r = 0; r < kRacers; ++r) {
      auto channel = Channel(r % kReplicas, person.secret);
      EXPECT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                            kRaceTimeout));
      stubs.push_back(v1::AuditService::NewStub(channel));
    }
    std::vector<grpc::Status> answers(kRacers);
    std::vector<v1::Audit> moved(kRacers);
    std::latch start(kRacers);
    std::vector<std::thread> racers;
    for (int r = 0; r < kRacers; ++r) {
      racers.emplace_back([&, r] {
        v1::TransitionAuditRequest request;
        request.set_name(audit_.name());
        request.set_state(to);
        request.set_etag(etag);
        auto context = Deadline(kRaceTimeout);
        start.arrive_and_wait();
        answers[r] =
            stubs[r]->TransitionAudit(context.get(), request, &moved[r]);
      });
    }
    Pump(milliseconds(0));
    for (std::thread& racer : racers) racer.join();
    for (int r = 0; r < kRacers; ++r) {
      if (answers[r].ok()) audit_ = moved[r];
    }
    return answers;
  }

  // One winner, a clean refusal for every other racer, one STATE_CHANGED
  // event into `to` in the feed, and the audit in `to`.
  void ExpectOneWinner(const std::vector<grpc::Status>& answers,
                       v1::AuditState to) {
    int winners = 0;
    for (const grpc::Status& answer : answers) {
      if (answer.ok()) {
        ++winners;
      } else {
        ExpectCleanRefusal(answer);
      }
    }
    EXPECT_EQ(winners, 1) << "racing steps into " << v1::AuditState_Name(to);
    EXPECT_EQ(audit_.state(), to);
    int steps = 0;
    for (const v1::Event& event : ListAllEvents(
             2, "audit = \"" + audit_.name() + "\" AND kind = STATE_CHANGED")) {
      if (event.state() == to) ++steps;
    }
    EXPECT_EQ(steps, 1) << "STATE_CHANGED events into "
                        << v1::AuditState_Name(to);
  }

  v1::Audit audit_;
  Person auditor_;
  Person manager_;
};

TEST_F(ReplicaConcurrencyTest, RacingStepsOfOneAuditHaveOneWinner) {
  ASSERT_NO_FATAL_FAILURE(SetUpAudit());
  // With the etag all racers read: the others' etag no longer matches.
  std::vector<grpc::Status> answers =
      RaceTransitions(auditor_, v1::AUDIT_STATE_FIELDWORK, audit_.etag());
  ASSERT_NO_FATAL_FAILURE(ExpectOneWinner(answers, v1::AUDIT_STATE_FIELDWORK));

  // Without an etag: the others ask for a step from where the audit no
  // longer is.
  std::string finding = AddFinding(
                            "Flera unga säger att de inte får vara "
                            "med när beslut fattas.")
                            .name();
  answers = RaceTransitions(auditor_, v1::AUDIT_STATE_REPORTING, "");
  ASSERT_NO_FATAL_FAILURE(ExpectOneWinner(answers, v1::AUDIT_STATE_REPORTING));
  for (const grpc::Status& answer : answers) {
    if (!answer.ok()) {
      EXPECT_EQ(answer.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << answer.error_message();
    }
  }

  AddRecommendation(finding);
  answers = RaceTransitions(auditor_, v1::AUDIT_STATE_PUBLISHED, audit_.etag());
  ASSERT_NO_FATAL_FAILURE(ExpectOneWinner(answers, v1::AUDIT_STATE_PUBLISHED));
}

TEST_F(ReplicaConcurrencyTest,
       AResponseRacingTheStepThatEndsResponsesIsOrdered) {
  ASSERT_NO_FATAL_FAILURE(SetUpAudit());
  auto auditor = AuditsAs(auditor_, 0);
  ASSERT_TRUE(
      testing::MoveAudit(auditor.get(), &audit_, v1::AUDIT_STATE_FIELDWORK)
          .ok());
  std::string finding =
      AddFinding("Vårdnadshavare vet inte vad en SIP är.").name();
  ASSERT_TRUE(
      testing::MoveAudit(auditor.get(), &audit_, v1::AUDIT_STATE_REPORTING)
          .ok());
  std::string recommendation = AddRecommendation(finding).name();
  ASSERT_TRUE(
      testing::MoveAudit(auditor.get(), &audit_, v1::AUDIT_STATE_PUBLISHED)
          .ok());
  auto manager = AuditsAs(manager_, 0);
  ASSERT_TRUE(Respond(*manager, recommendation, "Första svaret").ok());
  ASSERT_TRUE(
      testing::MoveAudit(manager.get(), &audit_, v1::AUDIT_STATE_IN_PROGRESS)
          .ok());

  // Responders on replicas 1 and 2 change the response until they are
  // refused; the auditor ends the response window through replica 0.
  std::mutex mu;
  std::set<std::string> acknowledged = {"Första svaret"};
  std::vector<grpc::Status> last(kRacers - 2);
  std::atomic<int> responses{0};
  std::vector<std::thread> responders;
  for (size_t w = 0; w < last.size(); ++w) {
    responders.emplace_back([&, w] {
      auto stub = AuditsAs(manager_, 1 + w % 2);
      for (int i = 0; i < kMaxResponses; ++i) {
        std::string rationale = StrCat("Svar ", w, "-", i);
        last[w] = Respond(*stub, recommendation, rationale);
        if (!last[w].ok()) return;
        std::lock_guard<std::mutex> lock(mu);
        acknowledged.insert(rationale);
        ++responses;
      }
    });
  }
  auto deadline = std::chrono::steady_clock::now() + kRaceTimeout;
  while (responses < kResponsesBeforeStep &&
         std::chrono::steady_clock::now() < deadline) {
    Pump(milliseconds(5));
  }
  grpc::Status step =
      testing::MoveAudit(auditor.get(), &audit_, v1::AUDIT_STATE_FOLLOW_UP);
  for (std::thread& responder : responders) responder.join();
  ASSERT_TRUE(step.ok()) << step.error_message();
  ASSERT_GE(responses, kResponsesBeforeStep) << "the responders never got in";

  // Every responder was refused once the step had committed, cleanly.
  for (const grpc::Status& refused : last) {
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
        << refused.error_message();
    EXPECT_THAT(refused.error_message(), HasSubstr("responds while"));
  }
  // In the feed, every acknowledged response comes before the step and
  // none after it; the stored response is one that was acknowledged.
  std::vector<v1::Event> events =
      ListAllEvents(1, "audit = \"" + audit_.name() + "\"");
  int64_t step_sequence = 0;
  int responded = 0;
  for (const v1::Event& event : events) {
    if (event.kind() == v1::EVENT_KIND_STATE_CHANGED &&
        event.state() == v1::AUDIT_STATE_FOLLOW_UP) {
      step_sequence = event.sequence();
    }
    if (event.kind() == v1::EVENT_KIND_RESPONDED) {
      ++responded;
      EXPECT_EQ(step_sequence, 0)
          << "a response committed after the step, at " << event.sequence();
    }
  }
  EXPECT_NE(step_sequence, 0);
  EXPECT_EQ(responded, static_cast<int>(acknowledged.size()));
  v1::GetRecommendationRequest get;
  get.set_name(recommendation);
  v1::Recommendation stored;
  ASSERT_TRUE(AuditsAs(manager_, 2)
                  ->GetRecommendation(Deadline().get(), get, &stored)
                  .ok());
  EXPECT_TRUE(acknowledged.count(stored.response().rationale()))
      << stored.response().rationale();
}

TEST_F(ReplicaConcurrencyTest, AWatchOnOneReplicaSeesWhatTheOthersWrite) {
  std::vector<v1::Event> before = ListAllEvents(0);
  ASSERT_FALSE(before.empty());
  const int64_t baseline = before.back().sequence();
  const size_t expected = 1 + kWatchWriters * kWatchWritesEach;

  // The admin watches replica 0 from the current end of the feed.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + kRaceTimeout);
  auto events = v1::EventService::NewStub(AdminChannel(0));
  v1::WatchEventsRequest watch_request;
  watch_request.set_after_sequence(baseline);
  auto stream = events->WatchEvents(&watch_context, watch_request);
  std::mutex mu;
  std::vector<v1::Event> watched;
  std::thread watcher([&] {
    v1::WatchEventsResponse response;
    while (stream->Read(&response)) {
      std::lock_guard<std::mutex> lock(mu);
      watched.insert(watched.end(), response.events().begin(),
                     response.events().end());
      if (watched.size() >= expected) return;
    }
  });
  // However the test ends, the stream is cancelled and its reader joined.
  struct StopWatching {
    grpc::ClientContext* context;
    std::thread* watcher;
    ~StopWatching() {
      context->TryCancel();
      if (watcher->joinable()) watcher->join();
    }
  } stop_watching{&watch_context, &watcher};
  auto watched_count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return watched.size();
  };
  auto wait_for = [&](size_t count) {
    auto deadline = std::chrono::steady_clock::now() + kRaceTimeout;
    while (watched_count() < count &&
           std::chrono::steady_clock::now() < deadline) {
      Pump(milliseconds(5));
    }
  };

  // One write through replica 1 first: once the watcher has it, it has
  // read everything and waits, so what follows can only reach it as the
  // other replicas' commits wake replica 0.
  auto directory = v1::DirectoryService::NewStub(AdminChannel(1));
  v1::CreateUnitRequest first;
  *first.mutable_unit() = fault::ExampleUnit("BUP Första");
  v1::Unit unit;
  ASSERT_TRUE(directory->CreateUnit(Deadline().get(), first, &unit).ok());
  wait_for(1);
  ASSERT_EQ(watched_count(), 1u) << "the watch on replica 0 missed a write "
                                    "through replica 1";

  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWatchWriters; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::DirectoryService::NewStub(AdminChannel(1 + w % 2));
      for (int i = 0; i < kWatchWritesEach; ++i) {
        v1::CreateUnitRequest request;
        *request.mutable_unit() =
            fault::ExampleUnit(StrCat("BUP Enhet ", w, "-", i));
        v1::Unit created;
        if (!stub->CreateUnit(Deadline().get(), request, &created).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(failures, 0);
  wait_for(expected);
  watch_context.TryCancel();
  watcher.join();

  // The watch saw exactly what the feed holds after the baseline, in the
  // feed's order, with consecutive sequences.
  std::vector<v1::Event> listed = ListAllEvents(2);
  ASSERT_EQ(listed.size(), static_cast<size_t>(baseline) + expected);
  ASSERT_NO_FATAL_FAILURE(ExpectGapless(listed));
  ASSERT_EQ(watched.size(), expected);
  for (size_t k = 0; k < expected; ++k) {
    EXPECT_EQ(watched[k].sequence(), baseline + 1 + static_cast<int64_t>(k));
    EXPECT_EQ(watched[k].resource(), listed[baseline + k].resource());
  }
}

TEST_F(ReplicaConcurrencyTest, ARequestIdRetriedOnAnotherReplicaCreatesOne) {
  auto create = [&](int replica, const std::string& request_id,
                    const std::string& display_name, v1::Unit* unit) {
    auto directory = v1::DirectoryService::NewStub(AdminChannel(replica));
    v1::CreateUnitRequest request;
    *request.mutable_unit() = fault::ExampleUnit(display_name);
    request.set_request_id(request_id);
    return directory->CreateUnit(Deadline().get(), request, unit);
  };
  // Sent to replica 0, retried on 1 and 2.
  std::set<std::string> names;
  for (int replica = 0; replica < kReplicas; ++replica) {
    v1::Unit unit;
    grpc::Status status = create(replica, "retried-1", "BUP Retur", &unit);
    ASSERT_TRUE(status.ok()) << status.error_message();
    names.insert(unit.name());
  }
  EXPECT_EQ(names.size(), 1u);
  // The same request_id on every replica at once.
  std::vector<v1::Unit> units(kRacers);
  std::vector<grpc::Status> answers(kRacers);
  std::latch start(kRacers);
  std::vector<std::thread> racers;
  for (int r = 0; r < kRacers; ++r) {
    racers.emplace_back([&, r] {
      start.arrive_and_wait();
      answers[r] = create(r % kReplicas, "raced-1", "BUP Samtidig", &units[r]);
    });
  }
  for (std::thread& racer : racers) racer.join();
  for (int r = 0; r < kRacers; ++r) {
    ASSERT_TRUE(answers[r].ok()) << answers[r].error_message();
    EXPECT_EQ(units[r].name(), units[0].name());
  }
  // The request_id with another request is refused, on any replica.
  v1::Unit other;
  grpc::Status reused = create(1, "retried-1", "BUP Annan", &other);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << reused.error_message();

  std::map<std::string, int> stored;
  for (const v1::Unit& unit :
       fault::ListAllUnits(*v1::DirectoryService::NewStub(AdminChannel(2)))) {
    ++stored[unit.display_name()];
  }
  EXPECT_EQ(stored["BUP Retur"], 1);
  EXPECT_EQ(stored["BUP Samtidig"], 1);
  EXPECT_EQ(stored["BUP Annan"], 0);
  std::map<std::string, int> created;
  for (const v1::Event& event : ListAllEvents(1, "kind = CREATED")) {
    ++created[event.resource()];
  }
  EXPECT_EQ(created[*names.begin()], 1);
  EXPECT_EQ(created[units[0].name()], 1);
}

}  // namespace
}  // namespace brevis::replicas
