#include "server/auth/page_token.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace brevis::auth {
namespace {

constexpr std::string_view kScope = "ListFindings|audits/a1|kind=1:2";
constexpr std::string_view kOtherScope = "ListFindings|audits/a1|kind=1:3";

std::string TestKey() { return std::string(32, 'k'); }

// OK when `result` is INVALID_ARGUMENT with a message starting with
// "page_token: ".
::testing::AssertionResult IsRefused(const absl::StatusOr<int64_t>& result) {
  if (result.ok()) {
    return ::testing::AssertionFailure() << "token accepted as " << *result;
  }
  const std::string message(result.status().message());
  if (result.status().code() != absl::StatusCode::kInvalidArgument ||
      !message.starts_with("page_token: ")) {
    return ::testing::AssertionFailure()
           << result.status().ToString()
           << ", expected INVALID_ARGUMENT \"page_token: ...\"";
  }
  return ::testing::AssertionSuccess();
}

TEST(PageTokenTest, RoundTrips) {
  PageTokenCodec codec(TestKey());
  for (int64_t position :
       {int64_t{0}, int64_t{1}, int64_t{50}, int64_t{1} << 40, int64_t{-1},
        std::numeric_limits<int64_t>::max(),
        std::numeric_limits<int64_t>::min()}) {
    absl::StatusOr<int64_t> decoded =
        codec.Decode(kScope, codec.Encode(kScope, position));
    ASSERT_TRUE(decoded.ok()) << position << ": " << decoded.status();
    EXPECT_EQ(*decoded, position);
  }
}

TEST(PageTokenTest, RoundTripsWithAnotherCodecOnTheSameKey) {
  // The key lives in the database so tokens survive a restart.
  const std::string token = PageTokenCodec(TestKey()).Encode(kScope, 1234);
  absl::StatusOr<int64_t> decoded =
      PageTokenCodec(TestKey()).Decode(kScope, token);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, 1234);
}

TEST(PageTokenTest, EmptyTokenIsTheFirstPage) {
  absl::StatusOr<int64_t> decoded =
      PageTokenCodec(TestKey()).Decode(kScope, "");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, 0);
}

TEST(PageTokenTest, TokenIsWebSafeText) {
  const std::string token = PageTokenCodec(TestKey()).Encode(kScope, 99);
  ASSERT_FALSE(token.empty());
  for (char c : token) {
    EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '_')
        << token;
  }
}

TEST(PageTokenTest, AnySingleCharacterChangedIsRefused) {
  PageTokenCodec codec(TestKey());
  const std::string token = codec.Encode(kScope, 4711);
  for (size_t i = 0; i < token.size(); ++i) {
    for (char replacement : {'A', 'B', 'Q', 'g', 'w', '0', '9', '-', '_', '+',
                             '/', '=', '.', ' ', '\0'}) {
      if (token[i] == replacement) continue;
      std::string altered = token;
      altered[i] = replacement;
      EXPECT_TRUE(IsRefused(codec.Decode(kScope, altered)))
          << "position " << i << " changed to '" << replacement << "'";
    }
  }
}

TEST(PageTokenTest, TruncatedTokenIsRefused) {
  PageTokenCodec codec(TestKey());
  const std::string token = codec.Encode(kScope, 4711);
  for (size_t length = 1; length < token.size(); ++length) {
    EXPECT_TRUE(IsRefused(codec.Decode(kScope, token.substr(0, length))))
        << "first " << length << " characters";
    EXPECT_TRUE(IsRefused(codec.Decode(kScope, token.substr(length))))
        << "without the first " << length << " characters";
  }
}

TEST(PageTokenTest, ExtendedTokenIsRefused) {
  PageTokenCodec codec(TestKey());
  const std::string token = codec.Encode(kScope, 4711);
  EXPECT_TRUE(IsRefused(codec.Decode(kScope, token + "A")));
  EXPECT_TRUE(IsRefused(codec.Decode(kScope, token + "AAAA")));
  EXPECT_TRUE(IsRefused(codec.Decode(kScope, token + token)));
}

TEST(PageTokenTest, WhitespaceInsertedIntoTokenIsRefused) {
  PageTokenCodec codec(TestKey());
  const std::string token = codec.Encode(kScope, 4711);
  EXPECT_TRUE(IsRefused(codec.Decode(kScope, token + "\n")));
  EXPECT_TRUE(IsRefused(codec.Decode(kScope, " " + token)));
  EXPECT_TRUE(IsRefused(
      codec.Decode(kScope, token.substr(0, 10) + "\t" + token.substr(10))));
}

TEST(PageTokenTest, TokenFromAnotherScopeIsRefused) {
  PageTokenCodec codec(TestKey());
  const std::string token = codec.Encode(kScope, 4711);
  EXPECT_TRUE(IsRefused(codec.Decode(kOtherScope, token)));
  EXPECT_TRUE(IsRefused(codec.Decode("", token)));
  EXPECT_TRUE(IsRefused(codec.Decode("ListUnits||", token)));
}

TEST(PageTokenTest, TokenUnderAnotherKeyIsRefused) {
  const std::string token = PageTokenCodec(TestKey()).Encode(kScope, 4711);
  EXPECT_TRUE(
      IsRefused(PageTokenCodec(std::string(32, 'K')).Decode(kScope, token)));
  EXPECT_TRUE(IsRefused(PageTokenCodec(RandomBytes(32)).Decode(kScope, token)));
}

TEST(PageTokenTest, GarbageIsRefused) {
  PageTokenCodec codec(TestKey());
  for (std::string_view garbage :
       {"x", "garbage", "!!!!", "====", "nästa sida", "AAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "________________________________",
        "0123456789abcdef0123456789abcdef"}) {
    EXPECT_TRUE(IsRefused(codec.Decode(kScope, garbage))) << garbage;
  }
}

TEST(PageTokenTest, PositionCannotBeForgedFromAnotherToken) {
  // Tokens for two positions: splicing the second's position into the
  // first's MAC must fail.
  PageTokenCodec codec(TestKey());
  const std::string first = codec.Encode(kScope, 1);
  const std::string second = codec.Encode(kScope, 1000000);
  ASSERT_EQ(first.size(), second.size());
  // The first 8 bytes (the position) are the first 10 full characters plus
  // 4 bits of the 11th; take 12 characters so the splice covers them all.
  const std::string spliced = second.substr(0, 12) + first.substr(12);
  EXPECT_TRUE(IsRefused(codec.Decode(kScope, spliced)));
}

TEST(PageTokenTest, RandomBytesHaveTheAskedLengthAndDiffer) {
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

}  // namespace
}  // namespace brevis::auth
