#ifndef BREVIS_TESTS_DOMAIN_TEXT_GUARD_EXPECT_H_
#define BREVIS_TESTS_DOMAIN_TEXT_GUARD_EXPECT_H_

// Expectations on FindSensitiveData shared by the text guard's tests.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "server/domain/text_guard.h"

namespace brevis::domain {

// Expects exactly one kind of match at the given code point offset/length.
inline void ExpectMatch(std::string_view text, SensitiveKind kind,
                        size_t offset, size_t length) {
  SCOPED_TRACE(std::string(text));
  const std::optional<SensitiveMatch> match = FindSensitiveData(text);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->kind, kind) << SensitiveKindName(match->kind);
  EXPECT_EQ(match->char_offset, offset);
  EXPECT_EQ(match->char_length, length);
}

inline void ExpectNoMatch(std::string_view text) {
  const std::optional<SensitiveMatch> match = FindSensitiveData(text);
  EXPECT_FALSE(match.has_value())
      << "\"" << text << "\" matched " << SensitiveKindName(match->kind)
      << " at " << match->char_offset << " length " << match->char_length;
}

inline constexpr SensitiveKind kPin = SensitiveKind::kPersonalIdentityNumber;
inline constexpr SensitiveKind kPhone = SensitiveKind::kPhoneNumber;
inline constexpr SensitiveKind kEmail = SensitiveKind::kEmailAddress;

}  // namespace brevis::domain

#endif  // BREVIS_TESTS_DOMAIN_TEXT_GUARD_EXPECT_H_
