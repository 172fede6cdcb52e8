#include "server/domain/list_filter.h"

#include <algorithm>
#include <cctype>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::domain {
namespace {

absl::Status FilterError(size_t offset, std::string_view what) {
  return absl::InvalidArgumentError(
      brevis::StrCat("filter: at offset ", offset, ": ", what));
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
         c == '/' || c == '.';
}

// A hand-written scanner: the grammar is tiny and every error must say
// where it is.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }
  size_t pos() const { return pos_; }

  std::string Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  absl::StatusOr<std::string> Value() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      size_t start = pos_++;
      std::string value;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        value.push_back(text_[pos_++]);
      }
      if (pos_ >= text_.size()) {
        return FilterError(start, "string not closed with '\"'");
      }
      ++pos_;
      return value;
    }
    size_t start = pos_;
    std::string word = Word();
    if (word.empty()) return FilterError(start, "expected a value");
    return word;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<ListFilter> ListFilter::Parse(
    std::string_view text, const std::vector<std::string_view>& fields) {
  ListFilter filter;
  Scanner scanner(text);
  if (scanner.AtEnd()) return filter;
  while (true) {
    size_t field_offset = (scanner.SkipSpace(), scanner.pos());
    std::string field = scanner.Word();
    if (field.empty()) return FilterError(field_offset, "expected a field");
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      return absl::InvalidArgumentError(
          brevis::StrCat("filter: unknown field '", field,
                         "'; fields: ", brevis::StrJoin(fields, ", ")));
    }
    if (!scanner.Consume('=')) {
      return FilterError(scanner.pos(),
                         brevis::StrCat("expected '=' after ", field));
    }
    BREVIS_ASSIGN_OR_RETURN(std::string value, scanner.Value());
    if (!filter.terms_.emplace(field, value).second) {
      return FilterError(field_offset,
                         brevis::StrCat("field ", field, " given twice"));
    }
    if (scanner.AtEnd()) break;
    size_t and_offset = scanner.pos();
    if (scanner.Word() != "AND") {
      return FilterError(and_offset, "expected AND or the end");
    }
  }
  return filter;
}

std::optional<std::string> ListFilter::Get(std::string_view field) const {
  auto it = terms_.find(field);
  if (it == terms_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::optional<int>> ListFilter::GetEnum(
    std::string_view field, const google::protobuf::EnumDescriptor* type,
    std::string_view prefix) const {
  std::optional<std::string> value = Get(field);
  if (!value) return std::nullopt;
  const google::protobuf::EnumValueDescriptor* found =
      type->FindValueByName(*value);
  if (found == nullptr) {
    found = type->FindValueByName(brevis::StrCat(prefix, *value));
  }
  if (found == nullptr || found->number() == 0) {
    std::vector<std::string> names;
    for (int i = 1; i < type->value_count(); ++i) {
      names.push_back(type->value(i)->name().substr(prefix.size()));
    }
    return absl::InvalidArgumentError(
        brevis::StrCat("filter: ", field, " has no value '", *value,
                       "'; values: ", brevis::StrJoin(names, ", ")));
  }
  return found->number();
}

absl::StatusOr<std::optional<bool>> ListFilter::GetBool(
    std::string_view field) const {
  std::optional<std::string> value = Get(field);
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  return absl::InvalidArgumentError(
      brevis::StrCat("filter: ", field, " must be true or false"));
}

std::string ListFilter::Canonical() const {
  std::vector<std::string> parts;
  for (const auto& [field, value] : terms_) {
    parts.push_back(brevis::StrCat(field, "=", value.size(), ":", value));
  }
  return brevis::StrJoin(parts, "&");
}

}  // namespace brevis::domain
