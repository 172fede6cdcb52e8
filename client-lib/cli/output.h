#ifndef BREVIS_CLIENT_LIB_CLI_OUTPUT_H_
#define BREVIS_CLIENT_LIB_CLI_OUTPUT_H_

// How brevisctl prints resources: aligned tables for people, protobuf JSON
// for scripts (--json), or names only (--quiet). Fields are read through
// protobuf reflection, so one printer serves every message type.

#include <google/protobuf/message.h>

#include <ostream>
#include <string>
#include <vector>

namespace brevis::cli {

enum class Format { kTable, kJson, kQuiet };

// One field of a message as people read it: enums without their prefix
// (OUTPATIENT), dates as 2026-02-01, times as 2026-02-01 09:30:00 UTC,
// booleans as yes/no, repeated fields joined with ", ". `path` may go into
// sub-messages ("response.decision"). Empty when the field is unset.
std::string FieldText(const google::protobuf::Message& message,
                      const std::string& path);

// The number of characters (UTF-8 code points) in `text`.
size_t DisplayWidth(const std::string& text);

// The message as protobuf JSON on one line (proto field names).
std::string JsonLine(const google::protobuf::Message& message);

// Prints one resource: a FIELD/VALUE table of every set field, its JSON,
// or its name.
void PrintOne(const google::protobuf::Message& message, Format format,
              std::ostream& out);

// Prints resources of one type: a table with the type's columns, a JSON
// array (one object a line), or one name a line. `type` is the message
// type's full name, used when `messages` is empty.
void PrintMany(const std::vector<const google::protobuf::Message*>& messages,
               const std::string& type, Format format, std::ostream& out);

}  // namespace brevis::cli

#endif  // BREVIS_CLIENT_LIB_CLI_OUTPUT_H_
