// The text guard reads what a person would see: personal data hidden by
// invisible characters, look-alike characters or combining marks is found,
// and the offset still counts the characters that were typed.

#include <gtest/gtest.h>

#include <string>

#include "server/domain/validation.h"
#include "tests/domain/text_guard_expect.h"

namespace brevis::domain {
namespace {

// The three texts the issue found stored.
TEST(TextGuardEncodingTest, ReportedCases) {
  ExpectMatch("19121212\u00AD1212", kPin, 0, 13);  // soft hyphen
  ExpectMatch("070\u200B-123 45 67", kPhone, 0, 14);
  ExpectMatch("kim.andersson@\u200Bexample.se", kEmail, 0, 25);
}

// Every kind of format character (Unicode category Cf), wherever it sits.
TEST(TextGuardEncodingTest, FormatCharactersAreInvisible) {
  for (const char* invisible :
       {"\u00AD", "\u200B", "\u200C", "\u200D",     "\u200E",     "\u200F",
        "\u2060", "\u2061", "\u2063", "\uFEFF",     "\u202A",     "\u202B",
        "\u202C", "\u202D", "\u202E", "\u2066",     "\u2067",     "\u2068",
        "\u2069", "\u061C", "\u180E", "\U000E0020", "\U000E0041", "\u115F",
        "\u3164", "\uFFA0"}) {
    SCOPED_TRACE(::testing::Message()
                 << "U+" << std::hex << static_cast<int>(invisible[0]));
    std::string i = invisible;
    ExpectMatch("121212" + i + "-1212", kPin, 0, 12);
    ExpectMatch("1" + i + "21212-1212", kPin, 0, 12);
    ExpectMatch("0" + i + "70-123 45 67", kPhone, 0, 14);
    ExpectMatch("070-123 45 6" + i + "7", kPhone, 0, 14);
    ExpectMatch("kim" + i + "@example.se", kEmail, 0, 15);
    ExpectMatch("kim@example" + i + ".se", kEmail, 0, 15);
    ExpectMatch("kim@example.s" + i + "e", kEmail, 0, 15);
  }
}

// Several invisible characters in a row, and in several places.
TEST(TextGuardEncodingTest, RunsOfInvisibleCharacters) {
  ExpectMatch("1\u200B2\u200C1\u200D2\u20601\u00AD2-1212", kPin, 0, 16);
  ExpectMatch("\u200B\u200B070-123 45 67", kPhone, 2, 13);
  ExpectMatch("070\u200B\u200B\u200B123\u200B45\u200B67", kPhone, 0, 15);
}

// A separator made of an invisible character and a real one is still one
// separator; two visible separators are still refused as before.
TEST(TextGuardEncodingTest, InvisibleCharactersDoNotMakeSeparatorsDouble) {
  ExpectMatch("121212\u200B \u200B1212", kPin, 0, 13);
  ExpectNoMatch("070 \u200B 123 45 67");
}

// Combining marks (accents, the enclosing keycap, variation selectors) on
// digits, separators and address characters.
TEST(TextGuardEncodingTest, CombiningMarksAreIgnored) {
  ExpectMatch("1\u03012\u03011212-1212", kPin, 0, 13);
  ExpectMatch("0\uFE0F\u20E37\uFE0F\u20E30-123 45 67", kPhone, 0, 17);
  ExpectMatch("070-123 45 6\u03327", kPhone, 0, 14);
  ExpectMatch("kim@exa\u0301mple.se", kEmail, 0, 15);
  ExpectMatch("121212-\u20DD1212", kPin, 0, 12);
}

// Every space character separates digit groups as ' ' does.
TEST(TextGuardEncodingTest, AllSpaceCharactersAreSpaces) {
  for (const char* space :
       {"\u00A0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004",
        "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200A", "\u202F",
        "\u205F", "\u3000", "\t"}) {
    std::string s = space;
    ExpectMatch("070" + s + "123" + s + "45" + s + "67", kPhone, 0, 13);
    ExpectMatch("121212" + s + "1212", kPin, 0, 11);
  }
}

// Every dash character and the minus signs separate as '-' does.
TEST(TextGuardEncodingTest, AllDashCharactersAreDashes) {
  for (const char* dash : {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014",
                           "\u2015", "\u2212", "\u2E3A", "\uFE58", "\uFE63",
                           "\uFF0D", "\u2043", "\u2796", "\u058A", "\u301C"}) {
    std::string d = dash;
    ExpectMatch("121212" + d + "1212", kPin, 0, 11);
    ExpectMatch("070" + d + "123 45 67", kPhone, 0, 13);
  }
}

// Fullwidth forms: digits, '@', '.', '+', '-', parentheses and letters.
TEST(TextGuardEncodingTest, FullwidthFormsReadAsAscii) {
  ExpectMatch("\uFF11\uFF12\uFF11\uFF12\uFF11\uFF12-\uFF11\uFF12\uFF11\uFF12",
              kPin, 0, 11);
  ExpectMatch("\uFF10\uFF17\uFF10\uFF0D\uFF11\uFF12\uFF13 45 67", kPhone, 0,
              13);
  ExpectMatch("\uFF0B46 70 123 45 67", kPhone, 0, 16);
  ExpectMatch("\uFF08\uFF10\uFF18\uFF09 123 45 67", kPhone, 0, 14);
  ExpectMatch("kim\uFF20example.se", kEmail, 0, 14);
  ExpectMatch("kim\uFE6Bexample\uFF0Ese", kEmail, 0, 14);
  ExpectMatch("\uFF4B\uFF49\uFF4D@\uFF45xample.\uFF53\uFF45", kEmail, 0, 14);
}

// Decimal digits of other scripts and of mathematics, super- and
// subscripts and circled digits read as the digits they are.
TEST(TextGuardEncodingTest, OtherDigitsReadAsDigits) {
  // Arabic-Indic, extended Arabic-Indic, Devanagari.
  ExpectMatch("\u0661\u0662\u0661\u0662\u0661\u0662-\u0661\u0662\u0661\u0662",
              kPin, 0, 11);
  ExpectMatch("\u06F0\u06F7\u06F0-123 45 67", kPhone, 0, 13);
  ExpectMatch("\u0966\u096D\u0966-\u0967\u0968\u0969 45 67", kPhone, 0, 13);
  // Mathematical bold and monospace digits (outside the BMP).
  ExpectMatch("\U0001D7CE\U0001D7D50-123 45 67", kPhone, 0, 13);
  ExpectMatch("12121\U0001D7F8-1212", kPin, 0, 11);
  // Superscript, subscript and circled digits.
  ExpectMatch("\u00B9\u00B2\u00B9\u00B2\u00B9\u00B2-1212", kPin, 0, 11);
  ExpectMatch("\u2080\u2087\u2080-123 45 67", kPhone, 0, 13);
  ExpectMatch("\u2460\u2461\u2460\u2461\u2460\u2461-1212", kPin, 0, 11);
  // A valid number in any digits: wrong check digits still do not count.
  ExpectNoMatch(
      "\u0661\u0662\u0661\u0662\u0661\u0662-\u0661\u0662\u0661\u0663");
}

// Look-alike letters of other scripts keep an address an address.
TEST(TextGuardEncodingTest, LookAlikeLettersInAddresses) {
  ExpectMatch("kim@ex\u0430mple.se", kEmail, 0, 14);       // Cyrillic а
  ExpectMatch("kim@example.\u0455\u0435", kEmail, 0, 14);  // Cyrillic ѕе
  ExpectMatch("\U0001D55C\U0001D55A\U0001D55E@example.se", kEmail, 0, 14);
}

// The offset and length count what was typed: every invisible character
// and mark before and inside the match is a character of its own.
TEST(TextGuardEncodingTest, OffsetsPointAtWhatWasTyped) {
  ExpectMatch("Ring\u200B\u200B 070\u200B-123 45 67", kPhone, 7, 14);
  ExpectMatch("a\u0301b\u0301c 19121212\u00AD1212", kPin, 6, 13);
  ExpectMatch("\uFEFF\u202EPnr 121212-1212", kPin, 6, 11);
  ExpectMatch("\U000E0041\U000E0042 kim@\u200Bexample.se", kEmail, 3, 15);
  ExpectMatch(
      "Född \U0001D7CF\U0001D7D0\U0001D7CF\U0001D7D0\U0001D7CF"
      "\U0001D7D0-1212",
      kPin, 5, 11);
}

// Text without personal data stays acceptable however it is written.
TEST(TextGuardEncodingTest, HarmlessTextStaysHarmless) {
  ExpectNoMatch("Vårdnadshavare\u00AD\u200Bsamtal 2026\u201303\u201304.");
  ExpectNoMatch("Intervjuer med 6 unga 13\u201317 år, art.\u00A012.");
  ExpectNoMatch("Tel\u200B0701234567");  // reads as one word
  ExpectNoMatch("\uFF12\uFF10\uFF12\uFF16-\uFF10\uFF13-\uFF10\uFF14");
  ExpectNoMatch("klockan 08\u200B.30\u201309.15");
  ExpectNoMatch("\u200B\u00AD\u0301");
}

// CheckText, which every write calls, names the field and the offset in
// characters of what was typed.
TEST(TextGuardEncodingTest, CheckTextGivesTheTypedOffset) {
  absl::Status status =
      CheckText("finding.text", "Ring\u200B 070\u200B-123 45 67",
                kMaxFindingTextChars, true, true);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "finding.text: contains what looks like a phone number at "
            "character 6; audit text must not identify a person, remove it");
}

}  // namespace
}  // namespace brevis::domain
