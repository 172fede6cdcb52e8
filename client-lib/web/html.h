#ifndef BREVIS_CLIENT_LIB_WEB_HTML_H_
#define BREVIS_CLIENT_LIB_WEB_HTML_H_

// The one writer every page of brevis-web goes through. Text is escaped by
// default: operator<< with a string escapes & < > " ' so that it is safe in
// element content and in quoted attribute values alike. Markup (tags,
// attribute names) can only be appended as a Markup, whose constructor is
// consteval: only string literals of our own source can become Markup, so
// no text from a person or from brevisd can be written unescaped.
//
// Not thread-safe; one Html per page being written. Owns its buffer.

#include <cstdint>
#include <string>
#include <string_view>

namespace brevis::web {

// Fixed markup from our own source, e.g. Markup("<p class=\"note\">").
class Markup {
 public:
  consteval Markup(const char* text) : text_(text) {}  // NOLINT: implicit
  std::string_view view() const { return text_; }

 private:
  std::string_view text_;
};

// `text` with & < > " ' replaced by character references.
std::string EscapeHtml(std::string_view text);

class Html {
 public:
  Html& operator<<(Markup markup) {
    out_.append(markup.view());
    return *this;
  }
  // Escaped text (content or a quoted attribute value).
  Html& operator<<(std::string_view text) {
    out_ += EscapeHtml(text);
    return *this;
  }
  Html& operator<<(const std::string& text) {
    return *this << std::string_view(text);
  }
  Html& operator<<(const char* text) { return *this << std::string_view(text); }
  Html& operator<<(int64_t number) {
    out_ += std::to_string(number);
    return *this;
  }
  Html& operator<<(int number) { return *this << static_cast<int64_t>(number); }

  // Another page part written with its own Html (already safe).
  Html& Append(const Html& other) {
    out_ += other.out_;
    return *this;
  }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_HTML_H_
