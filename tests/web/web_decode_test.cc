// Unit tests of brevis-web's form and target decoding (Boost.URL) and of
// the UTF-8-safe cut of quoted texts.

#include <gtest/gtest.h>

#include "client-lib/web/page_kit.h"
#include "client-lib/web/urlencoded.h"

namespace brevis::web {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs Decode(std::string_view text) {
  Pairs out;
  EXPECT_TRUE(DecodeUrlencoded(text, out)) << text;
  return out;
}

TEST(UrlencodedTest, PlusIsASpaceAndEscapedPlusIsAPlus) {
  EXPECT_EQ(Decode("text=a+b%2Bc"), (Pairs{{"text", "a b+c"}}));
  EXPECT_EQ(Decode("a%2Bb+c=1"), (Pairs{{"a+b c", "1"}}));
}

TEST(UrlencodedTest, Utf8ComesThroughByteForByte) {
  // "Barnens röst – åäö" as a browser sends it.
  EXPECT_EQ(Decode("t=Barnens+r%C3%B6st+%E2%80%93+%C3%A5%C3%A4%C3%B6"),
            (Pairs{{"t", "Barnens röst – åäö"}}));
}

TEST(UrlencodedTest, HostileCharactersAreDecodedNotInterpreted) {
  EXPECT_EQ(Decode("t=%3Cscript%3E%26%22%27%0D%0A&u=%3D%26"),
            (Pairs{{"t", "<script>&\"'\r\n"}, {"u", "=&"}}));
}

TEST(UrlencodedTest, RepeatedKeysKeepEveryValueInOrder) {
  EXPECT_EQ(Decode("g=A&x=1&g=B&g=A"),
            (Pairs{{"g", "A"}, {"x", "1"}, {"g", "B"}, {"g", "A"}}));
}

TEST(UrlencodedTest, EmptyValuesAndEmptyPairs) {
  EXPECT_EQ(Decode("a=&b&&c=1&"), (Pairs{{"a", ""}, {"b", ""}, {"c", "1"}}));
  EXPECT_EQ(Decode(""), Pairs{});
}

TEST(UrlencodedTest, MalformedEscapesAreRefusedAndAddNothing) {
  for (std::string_view bad :
       {"a=%", "a=%4", "a=%zz", "a=%4g&b=1", "%G0=1", "a=b c", "a=1&b=%"}) {
    Pairs out = {{"kept", "1"}};
    EXPECT_FALSE(DecodeUrlencoded(bad, out)) << bad;
    EXPECT_EQ(out, (Pairs{{"kept", "1"}})) << bad;
  }
}

TEST(UrlencodedTest, ValuesOwnTheirBytes) {
  // The decoded strings must not point into the input (a view of a
  // temporary is what "returned stray bytes" in an earlier hand decoder's
  // notes): overwrite the input and the result stays.
  std::string body = "text=" + std::string(100, 'x') + "%C3%A5";
  Pairs out;
  ASSERT_TRUE(DecodeUrlencoded(body, out));
  body.assign(body.size(), '#');
  body.clear();
  body.shrink_to_fit();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].second, std::string(100, 'x') + "å");
}

TEST(DecodeTargetTest, PathIsDecodedWithoutPlusQueryWithPlus) {
  std::string path;
  Pairs query;
  ASSERT_TRUE(
      DecodeTarget("/a+b/%C3%A5?next=%2Faudits%2Fa1&q=x+y", path, query));
  EXPECT_EQ(path, "/a+b/å");
  EXPECT_EQ(query, (Pairs{{"next", "/audits/a1"}, {"q", "x y"}}));
}

TEST(DecodeTargetTest, NotOriginFormOrBadQueryIsRefused) {
  for (std::string_view bad :
       {"http://evil.example/", "audits", "/a?x=%zz", "/%zz", ""}) {
    std::string path;
    Pairs query;
    EXPECT_FALSE(DecodeTarget(bad, path, query)) << bad;
  }
}

TEST(CutUtf8Test, ShortTextIsUntouched) {
  EXPECT_EQ(CutUtf8("kort", 80), "kort");
  EXPECT_EQ(CutUtf8(std::string(80, 'a'), 80), std::string(80, 'a'));
}

TEST(CutUtf8Test, NeverCutsInsideACharacter) {
  // 79 ASCII bytes, then "å" (2 bytes) straddles byte 80; then "–" (3).
  std::string text = std::string(79, 'a') + "åb";
  EXPECT_EQ(CutUtf8(text, 80), std::string(79, 'a') + "…");
  std::string dash = std::string(78, 'a') + "–x";  // bytes 78..80
  EXPECT_EQ(CutUtf8(dash, 80), std::string(78, 'a') + "…");
  std::string whole = std::string(78, 'a') + "åb";  // "å" ends at byte 80
  EXPECT_EQ(CutUtf8(whole, 80), std::string(78, 'a') + "å…");
  // Every cut of a text of two-byte characters is whole characters.
  std::string swedish;
  for (int i = 0; i < 60; ++i) swedish += "ö";
  for (size_t max = 0; max < swedish.size(); ++max) {
    std::string cut = CutUtf8(swedish, max);
    std::string body = cut.substr(0, cut.size() - std::string("…").size());
    EXPECT_EQ(body.size() % 2, 0u) << max;
    EXPECT_LE(body.size(), max);
  }
}

}  // namespace
}  // namespace brevis::web
