#include "client-lib/cli/output.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "brevis/v1/principal.pb.h"
#include "brevis/v1/types.pb.h"

namespace brevis::cli {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A column of a list table: its heading, the field path, and the widest it
// may be (0: as wide as it needs); longer text is cut with "…".
struct Column {
  std::string heading;
  std::string path;
  size_t max_width = 0;
};

// The columns of each resource in lists. A type without an entry is shown
// with its first five fields.
const std::map<std::string, std::vector<Column>>& ListColumns() {
  static const auto* columns = new std::map<std::string, std::vector<Column>>{
      {"brevis.v1.Unit",
       {{"NAME", "name"},
        {"DISPLAY NAME", "display_name", 40},
        {"REGION", "region", 24},
        {"KIND", "kind"},
        {"HSA-ID", "hsa_id"},
        {"ACTIVE", "active"}}},
      {"brevis.v1.Principal",
       {{"NAME", "name"},
        {"DISPLAY NAME", "display_name", 40},
        {"ROLE", "role"},
        {"ACTIVE", "active"},
        {"UNITS", "units", 40},
        {"CONTACT", "contact_email", 40}}},
      {"brevis.v1.Token",
       {{"NAME", "name"},
        {"DISPLAY NAME", "display_name", 30},
        {"EXPIRES", "expire_time"},
        {"LAST USED", "last_use_time"},
        {"REVOKED", "revoke_time"}}},
      {"brevis.v1.SignInLink",
       {{"NAME", "name"},
        {"CREATOR", "creator"},
        {"EXPIRES", "expire_time"},
        {"USED", "redeem_time"}}},
      {"brevis.v1.Audit",
       {{"NAME", "name"},
        {"STATE", "state"},
        {"UNIT", "unit"},
        {"TITLE", "title", 50}}},
      {"brevis.v1.Session",
       {{"NAME", "name"},
        {"DATE", "date"},
        {"KIND", "kind"},
        {"GROUP", "informant_group"},
        {"PARTICIPANTS", "participant_count"}}},
      {"brevis.v1.Finding",
       {{"NAME", "name"},
        {"FOCUS AREA", "focus_area"},
        {"KIND", "kind"},
        {"REVISION", "revision"},
        {"TEXT", "text", 50}}},
      {"brevis.v1.Recommendation",
       {{"NAME", "name"},
        {"PRIORITY", "priority"},
        {"RESPONSE", "response.decision"},
        {"VERDICT", "verdict.verdict"},
        {"TEXT", "text", 50}}},
      {"brevis.v1.Action",
       {{"NAME", "name"},
        {"STATUS", "status"},
        {"DUE", "due_date"},
        {"OVERDUE", "overdue"},
        {"RESPONSIBLE", "responsible", 24},
        {"DESCRIPTION", "description", 40}}},
      {"brevis.v1.Feedback",
       {{"NAME", "name"},
        {"DATE", "date"},
        {"FORM", "form"},
        {"AUDIENCES", "audiences", 40}}},
      {"brevis.v1.Event",
       {{"SEQUENCE", "sequence"},
        {"TIME", "time"},
        {"KIND", "kind"},
        {"RESOURCE", "resource"},
        {"ACTOR", "actor"}}},
      {"brevis.v1.OverdueDigest",
       {{"UNIT", "unit"},
        {"DISPLAY NAME", "display_name", 40},
        {"OVERDUE", "overdue_actions"},
        {"OLDEST DUE", "oldest_due_date"},
        {"DAYS", "most_days_overdue"}}},
      {"brevis.v1.WhoAmIResponse",
       {{"PRINCIPAL", "principal.name"}, {"TOKEN", "token"}}},
      {"brevis.v1.AccessLogEntry",
       {{"SEQUENCE", "sequence"},
        {"TIME", "time"},
        {"PRINCIPAL", "principal"},
        {"METHOD", "method"},
        {"RESOURCE", "resource"}}},
  };
  return *columns;
}

std::string EnumText(const EnumValueDescriptor* value) {
  // FOCUS_AREA_PARTICIPATION -> PARTICIPATION: the enum's own prefix goes.
  const std::string& first = value->type()->value(0)->name();
  std::string prefix = first.substr(0, first.rfind("UNSPECIFIED"));
  const std::string& name = value->name();
  if (value->number() == 0) return "";
  if (!prefix.empty() && name.rfind(prefix, 0) == 0) {
    return name.substr(prefix.size());
  }
  return name;
}

std::string MessageText(const Message& message) {
  const std::string& type = message.GetDescriptor()->full_name();
  if (type == "brevis.v1.Date") {
    const auto& date = static_cast<const ::brevis::v1::Date&>(message);
    if (date.year() == 0) return "";
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year(),
                  date.month(), date.day());
    return text;
  }
  if (type == "brevis.v1.ExternalIdentity") {
    const auto& identity =
        static_cast<const ::brevis::v1::ExternalIdentity&>(message);
    return identity.subject() + " at " + identity.issuer();
  }
  if (type == "google.protobuf.Timestamp") {
    const auto& time = static_cast<const google::protobuf::Timestamp&>(message);
    if (time.seconds() == 0 && time.nanos() == 0) return "";
    return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                            absl::FromUnixSeconds(time.seconds()),
                            absl::UTCTimeZone());
  }
  return message.ShortDebugString();
}

std::string ValueText(const Message& message, const FieldDescriptor* field,
                      int index) {
  const Reflection* reflection = message.GetReflection();
  bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? reflection->GetRepeatedString(message, field, index)
                      : reflection->GetString(message, field);
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(
          repeated ? reflection->GetRepeatedInt32(message, field, index)
                   : reflection->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(
          repeated ? reflection->GetRepeatedInt64(message, field, index)
                   : reflection->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? reflection->GetRepeatedBool(message, field, index)
                       : reflection->GetBool(message, field))
                 ? "yes"
                 : "no";
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      char text[32];
      std::snprintf(text, sizeof text, "%.2f",
                    repeated
                        ? reflection->GetRepeatedDouble(message, field, index)
                        : reflection->GetDouble(message, field));
      return text;
    }
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumText(repeated
                          ? reflection->GetRepeatedEnum(message, field, index)
                          : reflection->GetEnum(message, field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageText(
          repeated ? reflection->GetRepeatedMessage(message, field, index)
                   : reflection->GetMessage(message, field));
    default:
      return "";
  }
}

std::string Text(const Message& message, const FieldDescriptor* field) {
  const Reflection* reflection = message.GetReflection();
  if (field->is_repeated()) {
    std::vector<std::string> parts;
    int size = reflection->FieldSize(message, field);
    for (int i = 0; i < size; ++i) {
      parts.push_back(ValueText(message, field, i));
    }
    return absl::StrJoin(parts, ", ");
  }
  if (field->has_presence() && !reflection->HasField(message, field)) {
    return "";
  }
  return ValueText(message, field, -1);
}

// Cuts `text` to `width` characters, the last one "…".
std::string Cut(const std::string& text, size_t width) {
  if (width == 0 || DisplayWidth(text) <= width) return text;
  std::string cut;
  size_t characters = 0;
  for (char c : text) {
    bool starts_character = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_character && ++characters == width) break;
    cut.push_back(c);
  }
  return cut + "…";
}

// One line of a table: cells padded to `widths`, two spaces apart.
void PrintRow(const std::vector<std::string>& cells,
              const std::vector<size_t>& widths, std::ostream& out) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 < cells.size()) {
      line.append(widths[i] - DisplayWidth(cells[i]) + 2, ' ');
    }
  }
  out << line << "\n";
}

void PrintTable(const std::vector<std::vector<std::string>>& rows,
                std::ostream& out) {
  if (rows.empty()) return;
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  for (const auto& row : rows) PrintRow(row, widths, out);
}

std::string Json(const Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = pretty;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options)
           .ok()) {
    return "{}";
  }
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

std::vector<Column> ColumnsOf(const Descriptor* type) {
  auto found = ListColumns().find(type->full_name());
  if (found != ListColumns().end()) return found->second;
  std::vector<Column> columns;
  for (int i = 0; i < type->field_count() && i < 5; ++i) {
    std::string heading = type->field(i)->name();
    std::transform(heading.begin(), heading.end(), heading.begin(),
                   [](char c) { return c == '_' ? ' ' : std::toupper(c); });
    columns.push_back({heading, type->field(i)->name(), 40});
  }
  return columns;
}

// Adds a FIELD/VALUE row for every set field, going into sub-messages
// other than dates and times.
void AddFieldRows(const Message& message, const std::string& prefix,
                  std::vector<std::vector<std::string>>* rows) {
  const Descriptor* type = message.GetDescriptor();
  const Reflection* reflection = message.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    std::string name = prefix + field->name();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        !field->is_repeated()) {
      const std::string& sub_type = field->message_type()->full_name();
      if (sub_type != "brevis.v1.Date" &&
          sub_type != "google.protobuf.Timestamp") {
        if (reflection->HasField(message, field)) {
          AddFieldRows(reflection->GetMessage(message, field), name + ".",
                       rows);
        }
        continue;
      }
    }
    std::string text = Text(message, field);
    if (!text.empty()) rows->push_back({name, text});
  }
}

}  // namespace

std::string JsonLine(const Message& message) {
  return Json(message, /*pretty=*/false);
}

size_t DisplayWidth(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

std::string FieldText(const Message& message, const std::string& path) {
  const Message* current = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field =
        current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) return "";
    if (i + 1 == parts.size()) return Text(*current, field);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return "";
    }
    current = &current->GetReflection()->GetMessage(*current, field);
  }
  return "";
}

void PrintOne(const Message& message, Format format, std::ostream& out) {
  switch (format) {
    case Format::kJson:
      out << Json(message, /*pretty=*/true) << "\n";
      return;
    case Format::kQuiet:
      out << FieldText(message, ColumnsOf(message.GetDescriptor())[0].path)
          << "\n";
      return;
    case Format::kTable: {
      std::vector<std::vector<std::string>> rows;
      AddFieldRows(message, "", &rows);
      PrintTable(rows, out);
      return;
    }
  }
}

void PrintMany(const std::vector<const Message*>& messages,
               const std::string& type, Format format, std::ostream& out) {
  if (format == Format::kJson) {
    out << "[";
    for (size_t i = 0; i < messages.size(); ++i) {
      out << (i == 0 ? "\n" : ",\n") << Json(*messages[i], /*pretty=*/false);
    }
    out << (messages.empty() ? "]\n" : "\n]\n");
    return;
  }
  const Descriptor* descriptor =
      messages.empty() ? google::protobuf::DescriptorPool::generated_pool()
                             ->FindMessageTypeByName(type)
                       : messages[0]->GetDescriptor();
  if (descriptor == nullptr) return;
  std::vector<Column> columns = ColumnsOf(descriptor);
  if (format == Format::kQuiet) {
    for (const Message* message : messages) {
      out << FieldText(*message, columns[0].path) << "\n";
    }
    return;
  }
  std::vector<std::vector<std::string>> rows(1);
  for (const Column& column : columns) rows[0].push_back(column.heading);
  for (const Message* message : messages) {
    std::vector<std::string> row;
    for (const Column& column : columns) {
      std::string text = FieldText(*message, column.path);
      std::replace(text.begin(), text.end(), '\n', ' ');
      text = Cut(text, column.max_width);
      row.push_back(text.empty() ? "-" : text);
    }
    rows.push_back(std::move(row));
  }
  PrintTable(rows, out);
}

}  // namespace brevis::cli
