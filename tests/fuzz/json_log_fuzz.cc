// The operational log's JSON quoting. Properties: whatever bytes a library
// or a peer hands over, a quoted value inside an object is one JSON object
// that parses (so a log shipper never chokes on a line), and text that is
// valid UTF-8 comes back unchanged.

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/util/json_util.h>

#include <string>

#include "server/json_log.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = brevis::fuzz::AsText(data, size);
  std::string line = "{\"value\":" + brevis::JsonLog::Quote(text) + "}";
  google::protobuf::Struct parsed;
  BREVIS_FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(
                        google::protobuf::StringPiece(line), &parsed)
                        .ok());
  BREVIS_FUZZ_CHECK(line.find('\n') == std::string::npos);
  if (google::protobuf::internal::IsStructurallyValidUTF8(
          text.data(), static_cast<int>(text.size()))) {
    BREVIS_FUZZ_CHECK(parsed.fields().at("value").string_value() == text);
  }
  return 0;
}
