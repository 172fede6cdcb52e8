// The server's RPC table (server/api/rpcs.inc) against the proto files:
// every unary RPC of brevis.v1 has exactly one line, with the request and
// response types of the proto, and every line names an RPC that exists.
// Without a line an RPC would silently answer UNIMPLEMENTED.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "google/protobuf/descriptor.h"
#include "server/api/services.h"

namespace brevis::api {
namespace {

struct TableLine {
  std::string request;
  std::string response;
  int count = 0;
};

std::map<std::string, TableLine> Table() {
  std::map<std::string, TableLine> table;
#define BREVIS_TABLE_LINE(Service, Method, Request, Response, family) \
  {                                                                   \
    TableLine& line = table["brevis.v1." #Service "." #Method];       \
    line.request = Request::descriptor()->full_name();                \
    line.response = Response::descriptor()->full_name();              \
    ++line.count;                                                     \
  }
  BREVIS_UNARY_RPCS(BREVIS_TABLE_LINE)
#undef BREVIS_TABLE_LINE
  return table;
}

std::vector<const google::protobuf::MethodDescriptor*> ProtoMethods() {
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const auto& entry :
       std::filesystem::directory_iterator(BREVIS_PROTO_DIR)) {
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(
            "brevis/v1/" + entry.path().filename().string());
    if (file == nullptr) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        methods.push_back(file->service(s)->method(m));
      }
    }
  }
  return methods;
}

TEST(RpcTableTest, EveryUnaryRpcHasOneLineWithTheProtosTypes) {
  std::map<std::string, TableLine> table = Table();
  std::vector<const google::protobuf::MethodDescriptor*> methods =
      ProtoMethods();
  ASSERT_GE(methods.size(), 48u);
  for (const google::protobuf::MethodDescriptor* method : methods) {
    auto line = table.find(method->full_name());
    if (method->client_streaming() || method->server_streaming()) {
      EXPECT_EQ(line, table.end())
          << method->full_name() << " streams; it is written out by hand";
      continue;
    }
    ASSERT_NE(line, table.end())
        << method->full_name() << " has no line in server/api/rpcs.inc";
    EXPECT_EQ(line->second.count, 1) << method->full_name();
    EXPECT_EQ(line->second.request, method->input_type()->full_name())
        << method->full_name();
    EXPECT_EQ(line->second.response, method->output_type()->full_name())
        << method->full_name();
  }
}

TEST(RpcTableTest, EveryLineNamesAnRpcOfTheProtos) {
  std::map<std::string, bool> known;
  for (const google::protobuf::MethodDescriptor* method : ProtoMethods()) {
    known[method->full_name()] = true;
  }
  for (const auto& [name, line] : Table()) {
    EXPECT_TRUE(known.contains(name)) << name << " is not in the protos";
  }
}

}  // namespace
}  // namespace brevis::api
