// Each service's request handling: fuzzed bytes go as a unary call to a
// real in-process server on a temporary database, as the first admin. The
// input is "Service/Method\n" then the request's bytes; an unknown first
// line picks a method by its hash. When the bytes parse as that method's
// request, the ids UNIT, AUDIT, FINDING and PRINCIPAL in its strings become
// those of real resources, so the call reaches past the lookups. Property:
// whatever the bytes, the answer is a status for the caller (never INTERNAL
// or UNKNOWN, never a hang), and the server keeps running.

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/api/server.h"
#include "server/domain/clock.h"
#include "server/json_log.h"
#include "server/operator_tokens.h"
#include "server/store/database.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/testing/bearer_channel.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/temp_dir.h"

namespace brevis::fuzz {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

constexpr const char* kServices[] = {
    "brevis.v1.DirectoryService", "brevis.v1.AuditService",
    "brevis.v1.AccessLogService", "brevis.v1.EventService",
    "brevis.v1.ReportService"};

// The server and what the inputs may refer to; made once per process and
// kept to its end (the fuzzer never returns from its loop).
struct Target {
  testing::TempDir dir;
  std::ostringstream log;
  domain::SystemClock clock;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<api::ApiServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::vector<const MethodDescriptor*> methods;  // unary ones
  std::map<std::string, std::string> placeholders;
};

void Require(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "service_fuzz set-up failed: %s\n", what.c_str());
    std::abort();
  }
}

std::string Id(const std::string& name) {
  return name.substr(name.rfind('/') + 1);
}

Target* MakeTarget() {
  auto* target = new Target();
  JsonLog::Global().Redirect(&target->log);
  std::string path = target->dir.File("brevis.db");
  Require(store::CreateDatabase(path, store::EmbeddedMigrations()).ok(),
          "create the database");
  store::DatabaseOptions options;
  options.path = path;
  options.reader_count = 2;
  auto db = store::Database::Open(options);
  Require(db.ok(), "open the database");
  target->db = std::move(*db);
  std::string token_file = target->dir.File("admin.token");
  Require(IssueOperatorToken(*target->db, target->clock, std::nullopt,
                             token_file, absl::Hours(24), false)
              .ok(),
          "issue the admin's token");
  std::string secret;
  std::getline(std::ifstream(token_file), secret);
  api::ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  // Fuzzed calls come from one address; never lock it out.
  server_options.auth_failures_per_minute = 1000000;
  auto server =
      api::ApiServer::Start(server_options, target->db.get(), &target->clock);
  Require(server.ok(), "start the server");
  target->server = std::move(*server);
  target->channel = testing::BearerChannel(
      "127.0.0.1:" + std::to_string(target->server->port()), secret);

  // Real resources for the placeholders.
  auto directory = v1::DirectoryService::NewStub(target->channel);
  auto audits = v1::AuditService::NewStub(target->channel);
  v1::CreateUnitRequest unit_request;
  unit_request.mutable_unit()->set_display_name("BUP Prima Handen");
  unit_request.mutable_unit()->set_region("Region Stockholm");
  unit_request.mutable_unit()->set_kind(v1::UNIT_KIND_OUTPATIENT);
  v1::Unit unit;
  grpc::ClientContext unit_context;
  Require(directory->CreateUnit(&unit_context, unit_request, &unit).ok(),
          "create a unit");
  v1::CreateAuditRequest audit_request;
  audit_request.mutable_audit()->set_unit(unit.name());
  audit_request.mutable_audit()->set_title("Brukarrevision 2026");
  audit_request.mutable_audit()->set_commissioned_by("Region Stockholm");
  audit_request.mutable_audit()->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  v1::Audit audit;
  grpc::ClientContext audit_context;
  Require(audits->CreateAudit(&audit_context, audit_request, &audit).ok(),
          "create an audit");
  v1::CreateFindingRequest finding_request;
  finding_request.set_parent(audit.name());
  v1::Finding* finding = finding_request.mutable_finding();
  finding->set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
  finding->set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  finding->set_text("Unga vill vara med när beslut fattas.");
  finding->add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  v1::Finding created;
  grpc::ClientContext finding_context;
  Require(
      audits->CreateFinding(&finding_context, finding_request, &created).ok(),
      "create a finding");
  v1::WhoAmIRequest who_request;
  v1::WhoAmIResponse who;
  grpc::ClientContext who_context;
  Require(directory->WhoAmI(&who_context, who_request, &who).ok(), "WhoAmI");
  target->placeholders = {{"UNIT", Id(unit.name())},
                          {"AUDIT", Id(audit.name())},
                          {"FINDING", Id(created.name())},
                          {"PRINCIPAL", Id(who.principal().name())}};

  for (const char* name : kServices) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (!method->client_streaming() && !method->server_streaming()) {
        target->methods.push_back(method);
      }
    }
  }
  Require(!target->methods.empty(), "find the services' methods");
  return target;
}

Target& GetTarget() {
  static Target* target = MakeTarget();
  return *target;
}

std::string Substitute(std::string text,
                       const std::map<std::string, std::string>& ids) {
  for (const auto& [placeholder, id] : ids) {
    // Bounded: each pass moves past the id it put in.
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + id.size())) {
      text.replace(at, placeholder.size(), id);
    }
  }
  return text;
}

// Puts real ids in every string of `message`, nested messages included.
void SubstituteAll(Message* message,
                   const std::map<std::string, std::string>& ids, int depth) {
  if (depth > 8) return;
  const google::protobuf::Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          reflection->SetRepeatedString(
              message, field, i,
              Substitute(reflection->GetRepeatedString(*message, field, i),
                         ids));
        }
      } else {
        reflection->SetString(
            message, field,
            Substitute(reflection->GetString(*message, field), ids));
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          SubstituteAll(reflection->MutableRepeatedMessage(message, field, i),
                        ids, depth + 1);
        }
      } else {
        SubstituteAll(reflection->MutableMessage(message, field), ids,
                      depth + 1);
      }
    }
  }
}

}  // namespace
}  // namespace brevis::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brevis;  // NOLINT: a harness, not library code
  fuzz::Target& target = fuzz::GetTarget();
  std::string_view input = fuzz::AsText(data, size);
  size_t newline = input.find('\n');
  std::string_view selector = input.substr(0, newline);
  std::string_view body =
      newline == std::string_view::npos ? "" : input.substr(newline + 1);

  const google::protobuf::MethodDescriptor* method = nullptr;
  for (const auto* candidate : target.methods) {
    std::string short_name =
        candidate->service()->name() + "/" + candidate->name();
    if (selector == short_name) method = candidate;
  }
  if (method == nullptr) {
    method = target.methods[std::hash<std::string_view>()(selector) %
                            target.methods.size()];
  }
  std::string request(body);
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method->input_type())
          ->New());
  if (message->ParseFromString(request)) {
    fuzz::SubstituteAll(message.get(), target.placeholders, 0);
    request = message->SerializeAsString();
  }
  std::string path =
      "/" + method->service()->full_name() + "/" + method->name();
  grpc::Status status = testing::RawUnaryCall(target.channel, path, request);
  if (status.error_code() == grpc::StatusCode::INTERNAL ||
      status.error_code() == grpc::StatusCode::UNKNOWN ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::fprintf(stderr, "%s answered %d: %s\n", path.c_str(),
                 static_cast<int>(status.error_code()),
                 status.error_message().c_str());
    std::abort();
  }
  return 0;
}
