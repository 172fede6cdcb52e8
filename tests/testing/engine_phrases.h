#ifndef BREVIS_TESTS_TESTING_ENGINE_PHRASES_H_
#define BREVIS_TESTS_TESTING_ENGINE_PHRASES_H_

// What a storage engine's own message looks like, for tests that check that
// none reaches a caller: SQLite's error texts, the store's old "step:" /
// "exec:" / "prepare" prefixes, constraint and table names.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace brevis::testing {

// The first engine phrase found in `message` (case-insensitive), or empty.
inline std::string EnginePhraseIn(std::string_view message) {
  static constexpr std::string_view kPhrases[] = {"sqlite",
                                                  "step:",
                                                  "exec:",
                                                  "prepare",
                                                  "constraint",
                                                  "foreign key",
                                                  "unique",
                                                  "database or disk",
                                                  "database is locked",
                                                  "disk i/o",
                                                  "no such table",
                                                  "syntax error",
                                                  "malformed",
                                                  "not a database",
                                                  "readonly database",
                                                  "attempt to write"};
  std::string lower(message);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (std::string_view phrase : kPhrases) {
    if (lower.find(phrase) != std::string::npos) return std::string(phrase);
  }
  return "";
}

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_ENGINE_PHRASES_H_
