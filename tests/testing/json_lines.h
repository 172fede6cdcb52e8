#ifndef BREVIS_TESTS_TESTING_JSON_LINES_H_
#define BREVIS_TESTS_TESTING_JSON_LINES_H_

#include <google/protobuf/struct.pb.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace brevis::testing {

// The lines of `text`, without their newlines; a last line without one
// counts too.
std::vector<std::string> SplitLines(std::string_view text);

// Parses `line` as one JSON object with protobuf's JSON parser, which
// refuses anything else at the top level, text after the object, bytes that
// are not UTF-8 and repeated keys. On failure the result names the line.
::testing::AssertionResult ParseJsonObject(std::string_view line,
                                           google::protobuf::Struct* object);

// Every line of `text` is one JSON object; the first that is not fails.
::testing::AssertionResult EveryLineIsJsonObject(std::string_view text);

// The lines of `text` that are JSON objects with `key` set to the string
// `value`.
std::vector<google::protobuf::Struct> LinesWith(std::string_view text,
                                                std::string_view key,
                                                std::string_view value);

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_JSON_LINES_H_
